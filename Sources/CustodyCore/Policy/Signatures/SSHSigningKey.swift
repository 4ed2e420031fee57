import Crypto

/// A public key used to verify SSH signatures (the roster's key lines, or the key embedded in
/// an SSHSIG blob).
struct SSHSigningKey: Hashable, Sendable {
    /// "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", …
    var type: String
    /// The wire-format key blob (what OpenSSH base64-encodes).
    var blob: [UInt8]

    init(type: String, blob: [UInt8]) {
        self.type = type
        self.blob = blob
    }

    /// Parses an `authorized_keys`-style line; nil when it is not an SSH public key.
    init?(line: String) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2, let blob = Base64.decode(fields[1].utf8) else { return nil }
        var reader = SSHWireReader(blob)
        guard let typeBytes = reader.readString(), String(decoding: typeBytes, as: UTF8.self) == String(fields[0]) else {
            return nil
        }
        self.init(type: String(fields[0]), blob: blob)
    }

    /// OpenSSH's fingerprint: `SHA256:` + unpadded base64 of SHA-256 of the blob.
    var fingerprint: String {
        "SHA256:" + Base64.encode(Array(SHA256.hash(data: blob)), padded: false)
    }

    /// Verifies an SSH signature blob (`string(type) string(sig)`) over `message`.
    ///
    /// Supports `ssh-ed25519` and `ecdsa-sha2-nistp256`/`384`/`521`; returns nil for key types
    /// this build cannot check (RSA), so callers can say "not verifiable".
    func verify(signature: [UInt8], message: [UInt8]) -> Bool? {
        var keyReader = SSHWireReader(blob)
        guard let _ = keyReader.readString() else { return false }
        var sigReader = SSHWireReader(signature)
        guard let sigTypeBytes = sigReader.readString(), let sigBytes = sigReader.readString() else { return false }
        let sigType = String(decoding: sigTypeBytes, as: UTF8.self)
        switch type {
        case "ssh-ed25519":
            guard sigType == "ssh-ed25519", let raw = keyReader.readString(),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
            else { return false }
            return key.isValidSignature(sigBytes, for: message)
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
            guard sigType == type, let _ = keyReader.readString(), let point = keyReader.readString() else { return false }
            var inner = SSHWireReader(sigBytes)
            guard let r = inner.readString(), let s = inner.readString() else { return false }
            func fixed(_ mpint: [UInt8], _ size: Int) -> [UInt8]? {
                let trimmed = Array(mpint.drop(while: { $0 == 0 }))
                guard trimmed.count <= size else { return nil }
                return [UInt8](repeating: 0, count: size - trimmed.count) + trimmed
            }
            switch type {
            case "ecdsa-sha2-nistp256":
                guard let r = fixed(r, 32), let s = fixed(s, 32),
                    let key = try? P256.Signing.PublicKey(x963Representation: point),
                    let sig = try? P256.Signing.ECDSASignature(rawRepresentation: r + s)
                else { return false }
                return key.isValidSignature(sig, for: SHA256.hash(data: message))
            case "ecdsa-sha2-nistp384":
                guard let r = fixed(r, 48), let s = fixed(s, 48),
                    let key = try? P384.Signing.PublicKey(x963Representation: point),
                    let sig = try? P384.Signing.ECDSASignature(rawRepresentation: r + s)
                else { return false }
                return key.isValidSignature(sig, for: SHA384.hash(data: message))
            default:
                guard let r = fixed(r, 66), let s = fixed(s, 66),
                    let key = try? P521.Signing.PublicKey(x963Representation: point),
                    let sig = try? P521.Signing.ECDSASignature(rawRepresentation: r + s)
                else { return false }
                return key.isValidSignature(sig, for: SHA512.hash(data: message))
            }
        default:
            return nil
        }
    }
}
