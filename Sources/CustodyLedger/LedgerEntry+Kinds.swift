/// Typed builders for the record kinds the other parts of Custody append.
extension LedgerEntry {
    /// `audit.run`: one audit of a repository, its counts and summary, with the full JSON report as a blob.
    ///
    /// - Parameters:
    ///   - repository: the repository URI or path as given to the audit.
    ///   - gitCommit: the audited revision (hex object ID).
    ///   - toolVersion: Custody's version.
    ///   - counts: findings per severity (and any other counts).
    ///   - summary: extra summary fields (rule-set digest, refs, roster and policy digests…).
    ///   - report: the full JSON report; stored as `blobs/sha256/<hex>`.
    package static func auditRun(
        repository: String, gitCommit: String, toolVersion: String, counts: [String: Int64],
        summary: [String: JSONValue] = [:], report: [UInt8], reportMediaType: String = "application/json",
        time: String = LedgerTime.now()
    ) -> LedgerEntry {
        var body = summary
        body["repository"] = .string(repository)
        body["gitCommit"] = .string(gitCommit)
        body["toolVersion"] = .string(toolVersion)
        body["counts"] = .object(counts.mapValues { .int($0) })
        let blob = LedgerBlob(name: "report.json", mediaType: reportMediaType, data: report)
        return LedgerEntry(kind: "audit.run", time: time, body: .object(body), blobs: [blob])
    }

    /// `review.verdict`: a verdict signed by the reviewer's own key (DSSE), bound to the record.
    package static func reviewVerdict(_ verdict: ReviewVerdict, signer: NoteSigner) throws -> LedgerEntry {
        let envelope = try verdict.envelope(signer: signer)
        let body: JSONValue = [
            "commit": .string(verdict.commit), "verdict": .string(verdict.verdict), "reviewer": .string(verdict.reviewer),
            "reviewerKey": .string(signer.verifier.vkey), "envelope": envelope.json,
        ]
        return LedgerEntry(kind: "review.verdict", time: verdict.time, body: body)
    }

    /// `session.start`, `session.event` or `session.end` of an escorted session.
    ///
    /// - Parameters:
    ///   - kind: `start`, `event` or `end`.
    ///   - sessionId: the session's ID.
    ///   - event: for `event`, what happened (`escort.join`, `command.approved`, `command.denied`, `session.killed`…).
    ///   - fields: host, principal, escort IDs, command, explanation, exit status, recording descriptor…
    package static func session(
        _ kind: SessionRecordKind, sessionId: String, event: String? = nil, fields: [String: JSONValue] = [:],
        blobs: [LedgerBlob] = [], time: String = LedgerTime.now()
    ) -> LedgerEntry {
        var body = fields
        body["sessionId"] = .string(sessionId)
        if let event { body["event"] = .string(event) }
        return LedgerEntry(kind: "session." + kind.rawValue, time: time, body: .object(body), blobs: blobs)
    }

    /// `recording.chunk`: the digest of part of a recording that is still being written.
    package static func recordingChunk(
        sessionId: String, offset: Int64, length: Int64, sha256: String, time: String = LedgerTime.now()
    ) -> LedgerEntry {
        LedgerEntry(
            kind: "recording.chunk", time: time,
            body: ["sessionId": .string(sessionId), "offset": .int(offset), "length": .int(length), "sha256": .string(sha256)])
    }

    /// `attestation`: an in-toto statement envelope issued by the tool, stored as a blob.
    package static func attestation(
        envelope: DSSEEnvelope, subject gitCommit: String, predicateType: String, time: String = LedgerTime.now()
    ) throws -> LedgerEntry {
        let blob = LedgerBlob(name: "attestation.dsse.json", mediaType: "application/vnd.dsse.envelope+json", data: try envelope.encoded())
        return LedgerEntry(
            kind: "attestation", time: time,
            body: ["gitCommit": .string(gitCommit), "predicateType": .string(predicateType)], blobs: [blob])
    }
}

/// The three session record kinds.
package enum SessionRecordKind: String, Sendable {
    case start, event, end
}

/// A reviewer's verdict on a commit, as the reviewer signs it.
package struct ReviewVerdict: Sendable, Equatable {
    /// Allowed verdicts.
    package static let verdicts: Set<String> = ["cleared", "malicious", "needs-fix"]
    package static let payloadType = "application/vnd.custody.review-verdict+json"

    package let commit: String
    package let verdict: String
    package let note: String
    package let reviewer: String
    package let time: String

    package init(commit: String, verdict: String, note: String, reviewer: String, time: String = LedgerTime.now()) throws {
        guard ReviewVerdict.verdicts.contains(verdict) else {
            throw LedgerError(.badEntry, "verdict must be cleared, malicious or needs-fix")
        }
        self.commit = commit
        self.verdict = verdict
        self.note = note
        self.reviewer = reviewer
        self.time = time
    }

    /// The signed statement (canonical JSON).
    package func payload() throws -> [UInt8] {
        try JSONValue.object([
            "commit": .string(commit), "note": .string(note), "reviewer": .string(reviewer), "time": .string(time),
            "verdict": .string(verdict),
        ]).encoded()
    }

    func envelope(signer: NoteSigner) throws -> DSSEEnvelope {
        try DSSEEnvelope.sign(payloadType: ReviewVerdict.payloadType, payload: try payload(), signer: signer)
    }

    /// Reads a verdict back from a `review.verdict` body after checking the reviewer's signature.
    ///
    /// - Throws: ``LedgerError`` when the envelope does not verify with `reviewerKey` or does not
    ///   say what the record says.
    @discardableResult
    package static func verify(body: JSONValue) throws -> ReviewVerdict {
        guard let vkey = body["reviewerKey"]?.stringValue, let envelopeJSON = body["envelope"] else {
            throw LedgerError(.badEnvelope, "review verdict lacks reviewerKey or envelope")
        }
        let key: NoteVerifier
        do { key = try NoteVerifier(vkey: vkey) } catch {
            throw LedgerError(.badEnvelope, "review verdict has a malformed reviewer key")
        }
        let envelope = try DSSEEnvelope(json: envelopeJSON)
        guard envelope.payloadType == payloadType else { throw LedgerError(.badEnvelope, "review verdict has the wrong payload type") }
        do { try envelope.verify(with: key) } catch {
            throw LedgerError(.badEnvelope, "reviewer signature does not verify")
        }
        let statement = try JSONValue(parsing: envelope.payload)
        guard let commit = statement["commit"]?.stringValue, let verdict = statement["verdict"]?.stringValue,
            let reviewer = statement["reviewer"]?.stringValue, let time = statement["time"]?.stringValue,
            let note = statement["note"]?.stringValue,
            commit == body["commit"]?.stringValue, verdict == body["verdict"]?.stringValue,
            reviewer == body["reviewer"]?.stringValue
        else { throw LedgerError(.badEnvelope, "signed verdict does not match the record") }
        return try ReviewVerdict(commit: commit, verdict: verdict, note: note, reviewer: reviewer, time: time)
    }
}
