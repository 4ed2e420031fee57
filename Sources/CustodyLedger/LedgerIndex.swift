/// What the review and attestation commands need from a ledger: audit runs and verdicts, by commit.
package struct LedgerIndex: Sendable {
    /// One `audit.run` record.
    package struct AuditRun: Sendable {
        package let index: UInt64
        package let entry: LedgerEntry
        package var gitCommit: String? { entry.body["gitCommit"]?.stringValue }
        package var repository: String? { entry.body["repository"]?.stringValue }
        /// The report blob's descriptor (the first attachment named `report.json`, else the first).
        package var report: BlobDescriptor? {
            entry.attachments.first { $0.name == "report.json" } ?? entry.attachments.first
        }
    }

    /// One verified `review.verdict` record.
    package struct Verdict: Sendable {
        package let index: UInt64
        package let verdict: ReviewVerdict
        package let reviewerKey: String
    }

    package private(set) var auditRuns: [AuditRun] = []
    /// Verdicts by commit, oldest first. Only verdicts whose reviewer signature verifies are kept.
    package private(set) var verdicts: [String: [Verdict]] = [:]
    /// Records that are not Custody records or do not parse (their count).
    package private(set) var skipped = 0

    /// Reads every entry under the latest checkpoint.
    package init(reader: LedgerReader) throws {
        var index: UInt64 = 0
        let batch: UInt64 = 4096
        while index < reader.checkpoint.size {
            let entries = try reader.entries(index..<min(index + batch, reader.checkpoint.size))
            for bytes in entries {
                defer { index += 1 }
                guard let (entry, _) = try? LedgerEntry.parse(record: bytes) else {
                    skipped += 1
                    continue
                }
                switch entry.kind {
                case "audit.run": auditRuns.append(AuditRun(index: index, entry: entry))
                case "review.verdict":
                    if let verdict = try? ReviewVerdict.verify(body: entry.body),
                        let key = entry.body["reviewerKey"]?.stringValue
                    {
                        verdicts[verdict.commit, default: []].append(Verdict(index: index, verdict: verdict, reviewerKey: key))
                    } else {
                        skipped += 1
                    }
                default: break
                }
            }
        }
    }

    /// The latest audit run, optionally of one commit.
    package func latestAuditRun(commit: String? = nil) -> AuditRun? {
        auditRuns.last { run in commit.map { run.gitCommit == $0 } ?? true }
    }

    /// The blob bytes of a descriptor, checked against its digest.
    package static func blob(_ descriptor: BlobDescriptor, in directory: String) throws -> [UInt8] {
        guard let data = try FileIO.read(directory + "/" + descriptor.path, limit: Int(clamping: descriptor.size) + 1) else {
            throw LedgerError(.tampered, "\(descriptor.path): blob is missing")
        }
        guard LedgerBlob(name: descriptor.name, mediaType: descriptor.mediaType, data: data).sha256 == descriptor.sha256 else {
            throw LedgerError(.tampered, "\(descriptor.path): content does not match its digest")
        }
        return data
    }
}
