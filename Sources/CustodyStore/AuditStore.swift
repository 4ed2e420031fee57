import CustodyCore

/// Where audit runs, commits, identities, findings and read problems are kept, keyed by
/// repository identity (its sorted root commit ids).
///
/// The store lets a second `custody audit` read only the commits it has not seen, and still
/// report on the whole history.
package protocol AuditStore: Sendable {
    /// Hex ids of the commits already stored for the repository with these root commits.
    func seenCommitIDs(repository rootCommits: [String]) throws -> Set<String>

    /// What earlier runs stored for the repository: commits, findings, and problems on commits.
    func baseline(repository rootCommits: [String]) throws -> AuditBaseline

    /// Stores a run: its report summary, the new commits, identities, findings and problems.
    ///
    /// - Returns: the run's id.
    @discardableResult
    func record(_ outcome: AuditOutcome, reportJSON: [UInt8]?) throws -> Int64

    /// The runs of one repository, newest first.
    func runs(repository rootCommits: [String]) throws -> [StoredRun]
}

/// One stored run.
package struct StoredRun: Hashable, Sendable {
    package var id: Int64
    package var startedAt: String
    package var durationSeconds: Double
    package var toolVersion: String
    package var totalCommits: Int
    package var newCommits: Int
    package var findings: Int
    package var problems: Int
    /// The full report as JSON (what `--format json` printed).
    package var reportJSON: String

    package init(
        id: Int64,
        startedAt: String,
        durationSeconds: Double,
        toolVersion: String,
        totalCommits: Int,
        newCommits: Int,
        findings: Int,
        problems: Int,
        reportJSON: String
    ) {
        self.id = id
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.toolVersion = toolVersion
        self.totalCommits = totalCommits
        self.newCommits = newCommits
        self.findings = findings
        self.problems = problems
        self.reportJSON = reportJSON
    }
}
