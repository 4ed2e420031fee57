/// Per-commit work that runs inside the history consumer, concurrently, next to the detectors
/// (for example policy rules that look at a commit's paths).
///
/// Called once per newly read commit, from up to `jobs` threads at once; must be stateless or
/// synchronize its own state. Results are ordered by history position afterwards, so they never
/// depend on `jobs`.
package protocol CommitAnalyzer: Sendable {
    func analyze(
        _ commit: Commit,
        author: ResolvedIdentity,
        committer: ResolvedIdentity,
        blobs: any BlobSource
    ) -> [Finding]
}

/// Whole-history work that runs after the history has been read and ordered (policy over the
/// roster, review coverage, risk scores, provenance). A pass may add to any part of the report.
package protocol AuditReportPass: Sendable {
    func apply(to report: inout AuditReport, context: AuditPassContext) throws
}

/// What a report pass sees.
package struct AuditPassContext: Sendable {
    package var repository: GitRepository
    /// Every commit of the selected history, in history order (earlier runs' and this run's).
    package var commits: [AuditedCommit]
    /// Hex ids of the commits read in this run.
    package var newCommitIDs: Set<String>
    package var resolver: IdentityResolver
    /// Blobs of the audited repository (bounded reads).
    package var blobs: any BlobSource

    package init(
        repository: GitRepository,
        commits: [AuditedCommit],
        newCommitIDs: Set<String>,
        resolver: IdentityResolver,
        blobs: any BlobSource
    ) {
        self.repository = repository
        self.commits = commits
        self.newCommitIDs = newCommitIDs
        self.resolver = resolver
        self.blobs = blobs
    }
}

/// What earlier runs left in the store for this repository: loaded by the caller (the CLI wires
/// the store), so the core stays free of the database.
package struct AuditBaseline: Sendable {
    /// Earlier commits by hex id.
    package var commits: [String: AuditedCommit]
    package var findings: [Finding]
    /// Problems recorded against earlier commits (still unresolved: those commits are not re-read).
    package var problems: [ReadProblem]

    package init(commits: [String: AuditedCommit] = [:], findings: [Finding] = [], problems: [ReadProblem] = []) {
        self.commits = commits
        self.findings = findings
        self.problems = problems
    }

    package static let empty = AuditBaseline()
}

/// The result of one run: the report, plus what is new and should be stored.
package struct AuditOutcome: Sendable {
    package var report: AuditReport
    /// Sorted root commit ids (hex): the repository's identity.
    package var rootCommits: [String]
    /// Commits read in this run, in history order.
    package var newCommits: [AuditedCommit]
    /// Findings on the commits read in this run.
    package var newFindings: [Finding]
    /// Problems met in this run.
    package var newProblems: [ReadProblem]

    package init(
        report: AuditReport,
        rootCommits: [String],
        newCommits: [AuditedCommit],
        newFindings: [Finding],
        newProblems: [ReadProblem]
    ) {
        self.report = report
        self.rootCommits = rootCommits
        self.newCommits = newCommits
        self.newFindings = newFindings
        self.newProblems = newProblems
    }
}
