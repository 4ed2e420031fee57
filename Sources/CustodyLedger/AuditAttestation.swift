/// The audit attestation of FORMATS.md §3.3: an in-toto Statement v1 about one commit, in a DSSE envelope.
///
/// ```swift
/// let statement = AuditAttestation.statement(gitCommit: sha, gitTree: tree, predicate: predicate)
/// let envelope = try AuditAttestation.sign(statement, signer: ledgerKey)
/// let checked = try AuditAttestation.verify(envelope: try envelope.encoded(), key: ledgerKey.verifier)
/// ```
package enum AuditAttestation {
    package static let statementType = "https://in-toto.io/Statement/v1"
    package static let predicateType = "https://custody.invalid/attestation/commit-audit/v0.1"

    /// The statement: subject = the commit (`gitCommit`, optionally `gitTree`), predicate as given.
    package static func statement(
        gitCommit: String, gitTree: String? = nil, uri: String? = nil, sourceRefs: [String] = [],
        predicateType: String = AuditAttestation.predicateType, predicate: JSONValue
    ) -> JSONValue {
        var digest: [String: JSONValue] = ["gitCommit": .string(gitCommit)]
        if let gitTree { digest["gitTree"] = .string(gitTree) }
        var subject: [String: JSONValue] = ["digest": .object(digest), "name": .string(gitCommit)]
        if let uri { subject["uri"] = .string(uri) }
        if !sourceRefs.isEmpty { subject["annotations"] = ["sourceRefs": .array(sourceRefs.map { .string($0) })] }
        return [
            "_type": .string(statementType), "subject": [.object(subject)], "predicateType": .string(predicateType),
            "predicate": predicate,
        ]
    }

    /// Signs the statement (canonical JSON) as a DSSE envelope with payload type `application/vnd.in-toto+json`.
    package static func sign(_ statement: JSONValue, signer: NoteSigner) throws -> DSSEEnvelope {
        try DSSEEnvelope.sign(payloadType: DSSEEnvelope.inTotoPayloadType, payload: try statement.encoded(), signer: signer)
    }

    /// A verified attestation.
    package struct Verified: Sendable {
        package let statement: JSONValue
        package let gitCommit: String
        package let predicateType: String
        package var predicate: JSONValue { statement["predicate"] ?? .null }
    }

    /// Verifies an envelope file's signature with `key`, then reads the statement from the verified payload.
    ///
    /// - Throws: ``LedgerError`` (`badEnvelope`) for a bad signature, payload type or statement.
    package static func verify(envelope bytes: [UInt8], key: NoteVerifier) throws -> Verified {
        let envelope = try DSSEEnvelope(parsing: bytes)
        guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            throw LedgerError(.badEnvelope, "payload type is \(envelope.payloadType), not \(DSSEEnvelope.inTotoPayloadType)")
        }
        try envelope.verify(with: key)
        let statement: JSONValue
        do { statement = try JSONValue(parsing: envelope.payload) } catch let error as LedgerError {
            throw LedgerError(.badEnvelope, "statement is not json: \(error.message)")
        }
        guard statement["_type"]?.stringValue == statementType else {
            throw LedgerError(.badEnvelope, "statement _type is not \(statementType)")
        }
        guard let subject = statement["subject"]?.arrayValue?.first, let commit = subject["digest"]?["gitCommit"]?.stringValue,
            let predicateType = statement["predicateType"]?.stringValue
        else { throw LedgerError(.badEnvelope, "statement has no gitCommit subject or predicateType") }
        return Verified(statement: statement, gitCommit: commit, predicateType: predicateType)
    }
}
