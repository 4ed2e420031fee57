/// The one error type of CustodyLedger: a code, a short lowercase message and an optional place.
package struct LedgerError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure (a struct so it can grow).
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case badKey, badNote, badCheckpoint, badProof, badEntry, badJSON, io, locked, tampered, notALedger, badEnvelope
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// A key file or key string that does not parse.
        package static let badKey = Code(.badKey)
        /// A signed note that does not parse or does not verify.
        package static let badNote = Code(.badNote)
        /// A checkpoint body that does not parse.
        package static let badCheckpoint = Code(.badCheckpoint)
        /// A Merkle proof that does not verify or cannot be built.
        package static let badProof = Code(.badProof)
        /// An entry the ledger refuses (too large, not canonical).
        package static let badEntry = Code(.badEntry)
        /// JSON that is not in the canonical profile.
        package static let badJSON = Code(.badJSON)
        /// A file could not be read or written.
        package static let io = Code(.io)
        /// Another process holds the writer lock.
        package static let locked = Code(.locked)
        /// The stored log does not match itself, its checkpoints or its blobs.
        package static let tampered = Code(.tampered)
        /// The directory holds no ledger (no checkpoint).
        package static let notALedger = Code(.notALedger)
        /// A DSSE envelope that does not parse or verify.
        package static let badEnvelope = Code(.badEnvelope)
        package var description: String { value.rawValue }
    }

    package let code: Code
    /// One short lowercase sentence that names the place.
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
