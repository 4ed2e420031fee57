/// The escort module's error: a code that can grow and a short lowercase message.
package struct EscortError: Error, Hashable, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable { case io, configuration, spawn, notFound }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A file could not be read or written.
        package static let io = Code(.io)
        /// A key, roster or policy file is wrong.
        package static let configuration = Code(.configuration)
        /// The engineer's shell could not start.
        package static let spawn = Code(.spawn)
        /// A session or recording does not exist.
        package static let notFound = Code(.notFound)

        package var description: String { value.rawValue }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
