import Crypto

/// Checks commit signatures against the keys the roster registers to people.
///
/// SSH signatures (SSHSIG, namespace `git`, `sha512` or `sha256`) are verified in-process for
/// Ed25519 and ECDSA keys. OpenPGP signatures go to ``GPGVerifier`` when it is available;
/// otherwise, and for x509 and RSA, the result is `notVerifiable`. The audited repository's
/// allowed-signers file is never read.
///
/// ```swift
/// let verifier = SignatureVerifier(roster: roster)
/// let raw = reader.readObject(commit.id, limit: 1 << 20)!.bytes
/// let check = verifier.check(rawCommit: raw)
/// ```
package struct SignatureVerifier: Sendable {
    /// The SSHSIG namespace git signs commits in.
    package static let namespace = "git"

    private let owners: [[UInt8]: [String]]
    private let gpg: GPGVerifier?

    /// - Parameters:
    ///   - roster: whose `keys` are trusted, each for its own person.
    ///   - gpg: checks OpenPGP signatures; nil means "report them as not verifiable".
    package init(roster: Roster, gpg: GPGVerifier? = nil) {
        var owners: [[UInt8]: [String]] = [:]
        for person in roster.people {
            for line in person.keys {
                if let key = SSHSigningKey(line: line) { owners[key.blob, default: []].append(person.id) }
            }
        }
        self.owners = owners
        self.gpg = gpg
    }

    /// Checks the signature of one raw commit object (as `git cat-file commit` prints it).
    package func check(rawCommit: [UInt8]) -> SignatureCheck {
        let object = RawCommitObject(rawCommit)
        guard let signature = object.signature else { return .unsigned }
        switch object.kind {
        case .ssh:
            return checkSSH(armored: signature, payload: object.payload)
        case .gpg:
            guard let gpg else {
                return SignatureCheck(kind: .gpg, status: .notVerifiable, detail: "OpenPGP signatures need gpg and the signers' OpenPGP keys on the roster")
            }
            return gpg.check(signature: signature, payload: object.payload)
        case .x509:
            return SignatureCheck(kind: .x509, status: .notVerifiable, detail: "X.509 (S/MIME, gitsign) signatures are not checked")
        default:
            return SignatureCheck(kind: .unknown, status: .notVerifiable, detail: "the signature is in a format Custody does not know")
        }
    }

    func checkSSH(armored: [UInt8], payload: [UInt8]) -> SignatureCheck {
        func bad(_ detail: String) -> SignatureCheck { SignatureCheck(kind: .ssh, status: .bad, detail: detail) }
        guard let blob = Self.dearmor(armored) else { return bad("the SSH signature armor is malformed") }
        guard blob.count > 10, Array(blob[0..<6]) == Array("SSHSIG".utf8) else { return bad("the SSH signature does not start with SSHSIG") }
        var reader = SSHWireReader(blob, offset: 6)
        guard let version = reader.readUInt32(), version == 1,
            let publicKey = reader.readString(),
            let namespace = reader.readString(),
            let reserved = reader.readString(),
            let hashName = reader.readString(),
            let signature = reader.readString()
        else { return bad("the SSH signature is truncated or malformed") }
        var keyReader = SSHWireReader(publicKey)
        guard let keyType = keyReader.readString() else { return bad("the SSH signature carries a malformed key") }
        let key = SSHSigningKey(type: String(decoding: keyType, as: UTF8.self), blob: publicKey)
        let fingerprint = key.fingerprint
        guard String(decoding: namespace, as: UTF8.self) == Self.namespace else {
            var check = bad("the SSH signature was made for the namespace '\(String(decoding: namespace.prefix(40), as: UTF8.self))', not for git commits")
            check.keyFingerprint = fingerprint
            return check
        }
        let digest: [UInt8]
        switch String(decoding: hashName, as: UTF8.self) {
        case "sha512": digest = Array(SHA512.hash(data: payload))
        case "sha256": digest = Array(SHA256.hash(data: payload))
        default: return bad("the SSH signature uses an unknown hash algorithm")
        }
        let message = Array("SSHSIG".utf8) + SSHWire.string(namespace) + SSHWire.string(reserved)
            + SSHWire.string(hashName) + SSHWire.string(digest)
        guard let valid = key.verify(signature: signature, message: message) else {
            return SignatureCheck(
                kind: .ssh,
                status: .notVerifiable,
                keyFingerprint: fingerprint,
                detail: "\(key.type) signatures are not checked by this build"
            )
        }
        guard valid else {
            var check = bad("the SSH signature does not match the commit's content")
            check.keyFingerprint = fingerprint
            return check
        }
        guard let people = owners[publicKey], let first = people.first else {
            return SignatureCheck(
                kind: .ssh,
                status: .unknownKey,
                keyFingerprint: fingerprint,
                detail: "signed with \(fingerprint), a key that is on no one's roster entry"
            )
        }
        return SignatureCheck(
            kind: .ssh,
            status: .verified,
            signerPersonID: first,
            keyFingerprint: fingerprint,
            detail: "signed with \(fingerprint), registered to \(people.joined(separator: ", "))"
        )
    }

    /// The base64 body between the BEGIN and END lines, decoded.
    static func dearmor(_ armored: [UInt8]) -> [UInt8]? {
        var lines = armored.split(separator: UInt8(ascii: "\n")).map { line -> ArraySlice<UInt8> in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        guard let first = lines.first, first.starts(with: "-----BEGIN ".utf8) else { return nil }
        lines.removeFirst()
        var body: [UInt8] = []
        for line in lines {
            if line.starts(with: "-----END ".utf8) { return Base64.decode(body) }
            body.append(contentsOf: line)
        }
        return nil
    }
}
