/// A parsed c2sp.org/signed-note: the text and its signature lines.
package struct SignedNote: Sendable, Equatable {
    /// One signature line.
    package struct Signature: Sendable, Equatable {
        package let name: String
        package let keyID: UInt32
        /// The signature bytes after the 4-byte key ID (64 bytes for 0x01; 8 + 64 for 0x04).
        package let payload: [UInt8]
    }

    /// The signed text, ending with a newline.
    package let text: [UInt8]
    package let signatures: [Signature]

    /// The largest note accepted (bytes).
    package static let maximumSize = 1 << 20

    /// Parses a note strictly: UTF-8, text lines end with `\n`, a blank line, then at least one
    /// `— name base64` line, each ending with `\n`.
    ///
    /// - Throws: ``LedgerError`` (`badNote`).
    package init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= SignedNote.maximumSize else { throw LedgerError(.badNote, "note is too large") }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw LedgerError(.badNote, "note is not valid utf-8")
        }
        for byte in bytes where byte < 0x20 && byte != 0x0a {
            throw LedgerError(.badNote, "note contains a control character")
        }
        // The text ends at the last "\n\n".
        var split: Int?
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == 0x0a && bytes[index + 1] == 0x0a {
                split = index
                break
            }
            index -= 1
        }
        guard let split else { throw LedgerError(.badNote, "note has no signature block") }
        text = Array(bytes[...split])
        let block = bytes[(split + 2)...]
        guard block.last == 0x0a else { throw LedgerError(.badNote, "note signature block must end with a newline") }
        var signatures: [Signature] = []
        let prefix = Array("\u{2014} ".utf8)
        for line in block.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false) {
            guard line.starts(with: prefix) else { throw LedgerError(.badNote, "note signature line must start with an em dash") }
            let rest = line.dropFirst(prefix.count)
            guard let space = rest.lastIndex(of: 0x20) else { throw LedgerError(.badNote, "note signature line is malformed") }
            let name = String(decoding: rest[..<space], as: UTF8.self)
            guard NoteVerifier.isValidName(name) else { throw LedgerError(.badNote, "note signature name is invalid") }
            let encoded = String(decoding: rest[(space + 1)...], as: UTF8.self)
            guard let blob = StrictBase64.decode(encoded), blob.count > 4 else {
                throw LedgerError(.badNote, "note signature is not base64")
            }
            let id = UInt32(blob[0]) << 24 | UInt32(blob[1]) << 16 | UInt32(blob[2]) << 8 | UInt32(blob[3])
            signatures.append(Signature(name: name, keyID: id, payload: Array(blob[4...])))
            guard signatures.count <= 100 else { throw LedgerError(.badNote, "note has too many signatures") }
        }
        guard !signatures.isEmpty else { throw LedgerError(.badNote, "note has no signature") }
        self.signatures = signatures
    }

    /// Checks the note against one key: a signature line from that key must be present and valid.
    ///
    /// Lines from other keys are ignored, as the spec says. For a cosignature key (type 0x04) the
    /// signed message is `cosignature/v1\ntime <t>\n` + text and the timestamp is returned.
    /// - Throws: ``LedgerError`` (`badNote`) when the key did not sign or its signature is bad.
    @discardableResult
    package func verify(with key: NoteVerifier) throws -> UInt64? {
        var found = false
        for signature in signatures where signature.name == key.name && signature.keyID == key.keyID {
            found = true
            if key.type == 0x04 {
                guard signature.payload.count == 72 else { throw LedgerError(.badNote, "cosignature has the wrong length") }
                let time = signature.payload[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let message = Array("cosignature/v1\ntime \(time)\n".utf8) + text
                guard key.isValidSignature(Array(signature.payload[8...]), for: message) else {
                    throw LedgerError(.badNote, "cosignature by \(key.name) does not verify")
                }
                return time
            }
            guard signature.payload.count == 64, key.isValidSignature(signature.payload, for: text) else {
                throw LedgerError(.badNote, "signature by \(key.name) does not verify")
            }
        }
        guard found else { throw LedgerError(.badNote, "no signature by \(key.name)+\(NoteVerifier.hexID(key.keyID))") }
        return nil
    }
}

/// A c2sp.org/tlog-checkpoint body: origin, size, root, optional extension lines.
package struct Checkpoint: Sendable, Equatable {
    package let origin: String
    package let size: UInt64
    package let root: MerkleHash
    package let extensions: [String]

    package init(origin: String, size: UInt64, root: MerkleHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// Parses a checkpoint body strictly (decimal size without leading zeros, 32-byte root).
    ///
    /// - Throws: ``LedgerError`` (`badCheckpoint`).
    package init(parsing text: [UInt8]) throws {
        guard text.last == 0x0a else { throw LedgerError(.badCheckpoint, "checkpoint must end with a newline") }
        let lines = text.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false)
        guard lines.count >= 3 else { throw LedgerError(.badCheckpoint, "checkpoint needs origin, size and root") }
        let origin = String(decoding: lines[0], as: UTF8.self)
        guard !origin.isEmpty else { throw LedgerError(.badCheckpoint, "checkpoint origin is empty") }
        let sizeBytes = lines[1]
        guard !sizeBytes.isEmpty, sizeBytes.count <= 20, sizeBytes.allSatisfy({ (0x30...0x39).contains($0) }),
            sizeBytes.count == 1 || sizeBytes.first != 0x30,
            let size = UInt64(String(decoding: sizeBytes, as: UTF8.self))
        else { throw LedgerError(.badCheckpoint, "checkpoint size is not a decimal number") }
        guard let rootBytes = StrictBase64.decode(String(decoding: lines[2], as: UTF8.self)),
            let root = MerkleHash(bytes: rootBytes)
        else { throw LedgerError(.badCheckpoint, "checkpoint root is not 32 bytes of base64") }
        let extensions = lines.dropFirst(3).map { String(decoding: $0, as: UTF8.self) }
        guard extensions.allSatisfy({ !$0.isEmpty }) else { throw LedgerError(.badCheckpoint, "checkpoint has an empty line") }
        self.init(origin: origin, size: size, root: root, extensions: extensions)
    }

    /// The body bytes (`origin\nsize\nbase64(root)\n` plus extension lines).
    package var text: [UInt8] {
        var out = "\(origin)\n\(size)\n\(root.base64)\n"
        for line in extensions { out += line + "\n" }
        return Array(out.utf8)
    }
}

/// A checkpoint with its signed note, verified against the log key.
package struct SignedCheckpoint: Sendable, Equatable {
    package let checkpoint: Checkpoint
    package let note: SignedNote
    /// The note bytes exactly as stored.
    package let bytes: [UInt8]

    /// Parses and verifies a signed checkpoint. The origin must equal the key name.
    ///
    /// - Throws: ``LedgerError`` (`badNote` or `badCheckpoint`).
    package init(parsing bytes: [UInt8], key: NoteVerifier) throws {
        let note = try SignedNote(parsing: bytes)
        let checkpoint = try Checkpoint(parsing: note.text)
        guard checkpoint.origin == key.name else {
            throw LedgerError(.badCheckpoint, "checkpoint origin \(checkpoint.origin) is not the key name \(key.name)")
        }
        try note.verify(with: key)
        self.checkpoint = checkpoint
        self.note = note
        self.bytes = bytes
    }
}
