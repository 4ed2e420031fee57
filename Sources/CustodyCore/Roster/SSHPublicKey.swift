import Crypto
import Foundation

/// An OpenSSH public key line (`ssh-ed25519 AAAAC3Nza… comment`) from the roster.
///
/// Keys identify people: they sign commits and log in to the escort gateway. Two lines with the
/// same type and key blob are the same key whatever their comments say.
package struct SSHPublicKey: Hashable, Sendable {
    /// Algorithms OpenSSH writes in public key lines.
    package static let knownTypes: Set<String> = [
        "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    package var type: String
    /// The decoded key blob (wire format, starting with the type string).
    package var blob: [UInt8]
    package var comment: String

    /// Parses one key line; nil when it is not a well-formed OpenSSH public key line.
    package init?(line: String) {
        guard case .success(let key) = Self.parse(line) else { return nil }
        self = key
    }

    private init(type: String, blob: [UInt8], comment: String) {
        self.type = type
        self.blob = blob
        self.comment = comment
    }

    /// Why `line` is not an OpenSSH public key line, or nil when it is one.
    package static func problem(with line: String) -> String? {
        switch parse(line) {
        case .success: nil
        case .failure(let reason): reason.text
        }
    }

    /// `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it.
    package var fingerprint: String {
        let digest = Array(SHA256.hash(data: blob))
        var text = Data(digest).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }

    /// The line without its comment: `type base64`.
    package var canonicalLine: String {
        type + " " + Data(blob).base64EncodedString()
    }

    private struct Reason: Error {
        var text: String
    }

    private static func parse(_ line: String) -> Result<SSHPublicKey, Reason> {
        let parts = line.trimmedASCIIWhitespace.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return .failure(Reason(text: "expected \"TYPE BASE64 [COMMENT]\"")) }
        let type = String(parts[0])
        guard knownTypes.contains(type) else { return .failure(Reason(text: "unknown key type \"\(type)\"")) }
        guard let data = Data(base64Encoded: String(parts[1])), data.count >= 4 else {
            return .failure(Reason(text: "the key is not valid base64"))
        }
        let blob = Array(data)
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length <= blob.count - 4, String(decoding: blob[4..<(4 + length)], as: UTF8.self) == type else {
            return .failure(Reason(text: "the key data does not match its type \"\(type)\""))
        }
        let comment = parts.count > 2 ? String(parts[2]) : ""
        return .success(SSHPublicKey(type: type, blob: blob, comment: comment))
    }

    package static func == (lhs: SSHPublicKey, rhs: SSHPublicKey) -> Bool {
        lhs.type == rhs.type && lhs.blob == rhs.blob
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(blob)
    }
}
