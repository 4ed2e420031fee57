#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A c2sp.org/tlog-proof@v1 receipt: one entry's index, its inclusion proof and the signed checkpoint.
///
/// ```
/// c2sp.org/tlog-proof@v1
/// index 2
/// <base64 hash>…
///
/// <signed checkpoint>
/// ```
package struct TlogProof: Sendable, Equatable {
    package static let header = "c2sp.org/tlog-proof@v1"

    package let extra: [UInt8]?
    package let index: UInt64
    package let proof: [MerkleHash]
    /// The signed checkpoint note, verbatim.
    package let checkpoint: [UInt8]

    package init(extra: [UInt8]? = nil, index: UInt64, proof: [MerkleHash], checkpoint: [UInt8]) {
        self.extra = extra
        self.index = index
        self.proof = proof
        self.checkpoint = checkpoint
    }

    /// The receipt text.
    package var encoded: [UInt8] {
        var text = TlogProof.header + "\n"
        if let extra { text += "extra \(Data(extra).base64EncodedString())\n" }
        text += "index \(index)\n"
        for hash in proof { text += hash.base64 + "\n" }
        text += "\n"
        return Array(text.utf8) + checkpoint
    }

    /// Parses a receipt strictly.
    ///
    /// - Throws: ``LedgerError`` (`badProof`).
    package init(parsing bytes: [UInt8]) throws {
        guard let blank = (0..<max(0, bytes.count - 1)).first(where: { bytes[$0] == 0x0a && bytes[$0 + 1] == 0x0a }) else {
            throw LedgerError(.badProof, "proof has no checkpoint")
        }
        var lines = bytes[...blank].dropLast().split(separator: 0x0a, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard lines.first == TlogProof.header else { throw LedgerError(.badProof, "proof does not start with \(TlogProof.header)") }
        lines.removeFirst()
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let decoded = StrictBase64.decode(line.dropFirst(6)) else { throw LedgerError(.badProof, "proof extra is not base64") }
            extra = decoded
            lines.removeFirst()
        }
        guard let line = lines.first, line.hasPrefix("index "), let index = UInt64(line.dropFirst(6)),
            String(index) == line.dropFirst(6)
        else { throw LedgerError(.badProof, "proof has no index line") }
        lines.removeFirst()
        guard lines.count <= 64 else { throw LedgerError(.badProof, "proof has too many hashes") }
        var proof: [MerkleHash] = []
        for line in lines {
            guard let bytes = StrictBase64.decode(line), let hash = MerkleHash(bytes: bytes) else {
                throw LedgerError(.badProof, "proof hash is not 32 bytes of base64")
            }
            proof.append(hash)
        }
        self.init(extra: extra, index: index, proof: proof, checkpoint: Array(bytes[(blank + 2)...]))
    }

    /// Verifies that `entry` is at `index` in the log the checkpoint (signed by `key`) describes.
    ///
    /// - Returns: the verified checkpoint.
    /// - Throws: ``LedgerError`` when the checkpoint signature or the inclusion proof fails.
    @discardableResult
    package func verify(entry: [UInt8], key: NoteVerifier) throws -> Checkpoint {
        let signed = try SignedCheckpoint(parsing: checkpoint, key: key)
        try Merkle.verifyInclusion(
            leaf: .leaf(entry), index: index, size: signed.checkpoint.size, proof: proof, root: signed.checkpoint.root)
        return signed.checkpoint
    }
}

/// Read-only access to a stored ledger: entries, proofs and receipts.
package struct LedgerReader: Sendable {
    package let directory: String
    /// The latest checkpoint (signature checked with `key`).
    package let checkpoint: Checkpoint
    package let checkpointBytes: [UInt8]

    /// Opens the latest checkpoint for reading.
    ///
    /// - Throws: ``LedgerError`` (`notALedger`, or `tampered` when the checkpoint does not verify).
    package init(directory: String, key: NoteVerifier) throws {
        guard let bytes = try FileIO.read(directory + "/checkpoint", limit: SignedNote.maximumSize) else {
            throw LedgerError(.notALedger, "\(directory): no checkpoint (not a ledger)")
        }
        do {
            checkpoint = try SignedCheckpoint(parsing: bytes, key: key).checkpoint
        } catch let error as LedgerError {
            throw LedgerError(.tampered, "checkpoint: \(error.message)")
        }
        self.directory = directory
        self.checkpointBytes = bytes
    }

    /// The entry bytes at `index` (below the checkpoint size).
    package func entry(_ index: UInt64) throws -> [UInt8] {
        guard index < checkpoint.size else { throw LedgerError(.badProof, "index \(index) is not below size \(checkpoint.size)") }
        return try TileReader(directory: directory, treeSize: checkpoint.size).entry(index)
    }

    /// Entries `range` in order, reading each bundle once.
    package func entries(_ range: Range<UInt64>) throws -> [[UInt8]] {
        let reader = TileReader(directory: directory, treeSize: checkpoint.size)
        var out: [[UInt8]] = []
        var n = range.lowerBound / TilePath.width
        while n * TilePath.width < min(range.upperBound, checkpoint.size) {
            let bundle = try reader.bundle(index: n, width: reader.width(level: 0, index: n))
            for (i, entry) in bundle.enumerated() where range.contains(n * TilePath.width + UInt64(i)) { out.append(entry) }
            n += 1
        }
        return out
    }

    /// The tlog-proof receipt for entry `index` against the latest checkpoint.
    package func receipt(for index: UInt64) throws -> TlogProof {
        let reader = TileReader(directory: directory, treeSize: checkpoint.size)
        let proof = try Merkle.inclusionProof(index: index, size: checkpoint.size) { try reader.subtree(start: $0, count: $1) }
        return TlogProof(index: index, proof: proof, checkpoint: checkpointBytes)
    }

    /// The consistency proof from an older size to the latest checkpoint.
    package func consistencyProof(from oldSize: UInt64) throws -> [MerkleHash] {
        let reader = TileReader(directory: directory, treeSize: checkpoint.size)
        return try Merkle.consistencyProof(oldSize: oldSize, newSize: checkpoint.size) {
            try reader.subtree(start: $0, count: $1)
        }
    }
}
