/// The core module's one error type: a code that can grow, a short lowercase message, and an
/// optional location (file and line) for configuration errors.
package struct CustodyError: Error, Hashable, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case configuration
            case gitUnavailable
            case notARepository
            case repositoryUnreadable
            case usage
            case io
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A roster, policy, baseline or key file is wrong (exit code 2).
        package static let configuration = Code(.configuration)
        /// git is not installed or cannot run (exit code 3).
        package static let gitUnavailable = Code(.gitUnavailable)
        /// The path is not a git repository (exit code 3).
        package static let notARepository = Code(.notARepository)
        /// The repository could not be read (exit code 3).
        package static let repositoryUnreadable = Code(.repositoryUnreadable)
        /// A command-line argument is wrong (exit code 64).
        package static let usage = Code(.usage)
        /// A file could not be read or written (exit code 3).
        package static let io = Code(.io)

        package var description: String { value.rawValue }
    }

    package var code: Code
    package var message: String
    /// "file:line" or "file:line: field" for configuration errors.
    package var location: String?

    package init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    package var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
