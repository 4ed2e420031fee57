import Crypto
import Foundation
import NIOSSH

/// The gateway's Ed25519 host key, kept in a file (mode 0600) and created on first start.
///
/// File format: a first line `custody-escort-host-key ed25519`, then the 32-byte private key in
/// base64.
package enum HostKeyFile {
    static let headerLine = "custody-escort-host-key ed25519"

    /// Loads the key at `path`, or creates it when the file does not exist.
    ///
    /// - Returns: the private key and its OpenSSH public key line.
    /// - Throws: ``EscortError`` when the file is unreadable, malformed or too open.
    package static func loadOrCreate(path: String) throws -> (NIOSSHPrivateKey, String) {
        let key: Curve25519.Signing.PrivateKey
        if FileManager.default.fileExists(atPath: path) {
            var info = stat()
            guard stat(path, &info) == 0 else { throw EscortError(.configuration, "cannot read host key \(path)") }
            guard info.st_mode & 0o077 == 0 else {
                throw EscortError(.configuration, "host key \(path) is readable by others (chmod 600)")
            }
            guard let data = FileManager.default.contents(atPath: path), data.count < 4096 else {
                throw EscortError(.configuration, "cannot read host key \(path)")
            }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            guard lines.count >= 2, lines[0] == headerLine, let raw = Data(base64Encoded: String(lines[1])),
                let parsed = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else { throw EscortError(.configuration, "host key \(path) is malformed") }
            key = parsed
        } else {
            key = Curve25519.Signing.PrivateKey()
            let text = "\(headerLine)\n\(key.rawRepresentation.base64EncodedString())\n"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw EscortError(.io, "cannot create host key \(path)") }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else { throw EscortError(.io, "cannot write host key \(path)") }
        }
        let sshKey = NIOSSHPrivateKey(ed25519Key: key)
        return (sshKey, String(openSSHPublicKey: sshKey.publicKey))
    }
}
