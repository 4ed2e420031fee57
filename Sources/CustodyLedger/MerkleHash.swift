import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A SHA-256 value in an RFC 6962 Merkle tree: a leaf hash, a node hash or a root.
package struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes.
    package let bytes: [UInt8]

    /// Wraps 32 bytes; returns nil for any other length.
    package init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    init(digest: SHA256.Digest) {
        self.bytes = Array(digest)
    }

    /// Decodes standard base64 of exactly 32 bytes.
    package init?(base64: some StringProtocol) {
        guard let data = Data(base64Encoded: String(base64)), data.count == 32 else { return nil }
        self.bytes = Array(data)
    }

    /// Decodes lowercase or uppercase hex of exactly 32 bytes.
    package init?(hex: some StringProtocol) {
        guard let bytes = HexCoding.decode(hex), bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Standard base64 (as checkpoints and proofs write it).
    package var base64: String { Data(bytes).base64EncodedString() }

    /// Lowercase hex.
    package var hex: String { HexCoding.encode(bytes) }

    package var description: String { hex }

    /// SHA-256 of the empty string: the root of the empty tree.
    package static let emptyTreeRoot = MerkleHash(digest: SHA256.hash(data: [UInt8]()))

    /// The RFC 6962 leaf hash `SHA-256(0x00 || entry)`.
    package static func leaf(_ entry: some DataProtocol) -> MerkleHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: entry)
        return MerkleHash(digest: hasher.finalize())
    }

    /// The RFC 6962 interior node hash `SHA-256(0x01 || left || right)`.
    package static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(1)) { hasher.update(bufferPointer: $0) }
        left.bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return MerkleHash(digest: hasher.finalize())
    }
}

/// Hex helpers (lowercase on output).
package enum HexCoding {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex of the bytes.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); nil on odd length or a non-hex character.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
