/// What Custody found when it checked a commit's signature against the roster's keys.
///
/// The repository's own allowed-signers configuration is never consulted: the only keys that
/// count are the ones the roster registers to a person.
package struct SignatureCheck: Hashable, Sendable, Codable {
    package enum Status: String, Hashable, Sendable, Codable {
        /// The commit carries no signature.
        case unsigned
        /// The signature is valid and made with a key the roster registers to `signerPersonID`.
        case verified
        /// The signature is mathematically valid but its key is on no one's roster entry.
        case unknownKey = "unknown-key"
        /// The signature does not match the commit (tampered, or made over other content).
        case bad
        /// The signature cannot be checked here (GPG without gpg or keys, x509, other key types).
        case notVerifiable = "not-verifiable"
    }

    package var kind: CommitSignatureKind
    package var status: Status
    /// The roster person whose key made the signature (when `verified`).
    package var signerPersonID: String?
    /// `SHA256:…` for SSH keys, the key fingerprint for GPG.
    package var keyFingerprint: String?
    /// A short plain explanation ("signed with an ed25519 key registered to jdoe").
    package var detail: String

    package init(
        kind: CommitSignatureKind,
        status: Status,
        signerPersonID: String? = nil,
        keyFingerprint: String? = nil,
        detail: String
    ) {
        self.kind = kind
        self.status = status
        self.signerPersonID = signerPersonID
        self.keyFingerprint = keyFingerprint
        self.detail = detail
    }

    package static let unsigned = SignatureCheck(kind: .none, status: .unsigned, detail: "the commit is not signed")
}
