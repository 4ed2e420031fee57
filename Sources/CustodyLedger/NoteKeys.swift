import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A c2sp.org/signed-note verifier key: `<name>+<hex key ID>+<base64(type || public key)>`.
///
/// Type `0x01` is an Ed25519 note signature; type `0x04` a c2sp.org/tlog-cosignature v1 key.
package struct NoteVerifier: Sendable, Hashable {
    /// The key name (for a log key, the log origin).
    package let name: String
    /// The 4-byte key ID as the first bytes of SHA-256(name || "\n" || type || key).
    package let keyID: UInt32
    /// The signature type byte: 0x01 (Ed25519) or 0x04 (cosignature v1).
    package let type: UInt8
    /// The raw 32-byte Ed25519 public key.
    package let publicKey: [UInt8]

    /// Parses a vkey string.
    ///
    /// - Throws: ``LedgerError`` (`badKey`) on any malformed part or a key ID that does not match.
    package init(vkey: String) throws {
        let text = vkey.hasSuffix("\n") ? String(vkey.dropLast()) : vkey
        // The base64 key may itself contain '+': split at the first two only.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw LedgerError(.badKey, "verifier key must be name+keyid+key") }
        let name = String(parts[0])
        guard NoteVerifier.isValidName(name) else { throw LedgerError(.badKey, "verifier key has an invalid name") }
        guard let id = NoteVerifier.parseKeyID(parts[1]) else {
            throw LedgerError(.badKey, "verifier key id must be 8 lowercase hex digits")
        }
        guard let raw = StrictBase64.decode(parts[2]), raw.count == 33, raw[0] == 0x01 || raw[0] == 0x04 else {
            throw LedgerError(.badKey, "verifier key is not an ed25519 key")
        }
        let type = raw[0]
        let publicKey = Array(raw[1...])
        guard NoteVerifier.keyID(name: name, type: type, publicKey: publicKey) == id else {
            throw LedgerError(.badKey, "verifier key id does not match the key")
        }
        self.init(name: name, type: type, publicKey: publicKey)
    }

    /// Builds a verifier for a raw Ed25519 public key.
    package init(name: String, type: UInt8 = 0x01, publicKey: [UInt8]) {
        self.name = name
        self.type = type
        self.publicKey = publicKey
        self.keyID = NoteVerifier.keyID(name: name, type: type, publicKey: publicKey)
    }

    /// The vkey string.
    package var vkey: String {
        "\(name)+\(NoteVerifier.hexID(keyID))+\(Data([type] + publicKey).base64EncodedString())"
    }

    /// Checks an Ed25519 signature over `message`.
    package func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    static func keyID(name: String, type: UInt8, publicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0a, type] + publicKey)
        let digest = Array(hasher.finalize())
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    static func hexID(_ id: UInt32) -> String {
        HexCoding.encode([UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)])
    }

    static func parseKeyID(_ text: Substring) -> UInt32? {
        guard text.utf8.count == 8,
            text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let value = UInt32(text, radix: 16)
        else { return nil }
        return value
    }

    /// A key name: non-empty, no `+`, no whitespace or control characters.
    package static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for scalar in name.unicodeScalars {
            if scalar == "+" || scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7f {
                return false
            }
        }
        return true
    }
}

/// A c2sp.org/signed-note Ed25519 signer loaded from a `PRIVATE+KEY+…` string.
package struct NoteSigner: Sendable {
    /// The key name.
    package let name: String
    /// The verifier for this key.
    package let verifier: NoteVerifier
    private let seed: [UInt8]

    /// Parses a `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` string.
    ///
    /// - Throws: ``LedgerError`` (`badKey`) when it does not parse or its key ID does not match.
    package init(skey: String) throws {
        let text = skey.hasSuffix("\n") ? String(skey.dropLast()) : skey
        let parts = text.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY" else {
            throw LedgerError(.badKey, "signer key must be PRIVATE+KEY+name+keyid+key")
        }
        let name = String(parts[2])
        guard NoteVerifier.isValidName(name) else { throw LedgerError(.badKey, "signer key has an invalid name") }
        guard let id = NoteVerifier.parseKeyID(parts[3]) else {
            throw LedgerError(.badKey, "signer key id must be 8 lowercase hex digits")
        }
        guard let raw = StrictBase64.decode(parts[4]), raw.count == 33, raw[0] == 0x01 else {
            throw LedgerError(.badKey, "signer key is not an ed25519 key")
        }
        try self.init(name: name, seed: Array(raw[1...]))
        guard verifier.keyID == id else { throw LedgerError(.badKey, "signer key id does not match the key") }
    }

    /// A signer from a 32-byte Ed25519 seed.
    package init(name: String, seed: [UInt8]) throws {
        guard NoteVerifier.isValidName(name) else { throw LedgerError(.badKey, "key name is not valid") }
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw LedgerError(.badKey, "ed25519 seed must be 32 bytes")
        }
        self.name = name
        self.seed = seed
        self.verifier = NoteVerifier(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// A fresh random key.
    package static func generate(name: String) throws -> NoteSigner {
        try NoteSigner(name: name, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// The private key string (keep it secret: mode 0600).
    package var skey: String {
        "PRIVATE+KEY+\(name)+\(NoteVerifier.hexID(verifier.keyID))+\(Data([0x01] + seed).base64EncodedString())"
    }

    /// A raw Ed25519 signature over `message`.
    package func sign(_ message: [UInt8]) throws -> [UInt8] {
        do {
            return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: message))
        } catch {
            throw LedgerError(.badKey, "ed25519 signing failed")
        }
    }

    /// The note signature line `— <name> <base64(keyID || sig)>\n` for `text`.
    package func signatureLine(for text: [UInt8]) throws -> [UInt8] {
        let id = verifier.keyID
        let blob = [UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)] + (try sign(text))
        return Array("\u{2014} \(name) \(Data(blob).base64EncodedString())\n".utf8)
    }

    /// The whole signed note: text, a blank line, one signature line.
    package func signNote(_ text: [UInt8]) throws -> [UInt8] {
        guard text.last == 0x0a else { throw LedgerError(.badNote, "note text must end with a newline") }
        return text + [0x0a] + (try signatureLine(for: text))
    }
}

/// Strict standard base64: canonical padding, no whitespace.
package enum StrictBase64 {
    /// Decodes standard base64; nil unless re-encoding the result gives back the same text.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let string = String(text)
        guard let data = Data(base64Encoded: string) else { return nil }
        guard data.base64EncodedString() == string else { return nil }
        return Array(data)
    }
}
