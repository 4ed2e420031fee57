/// Everything one `custody audit` found out about a repository, for people and for machines.
///
/// The report covers the whole selected history, also when only new commits were read in this
/// run (earlier commits and findings come from the store). Renderers (text, JSON, SARIF, HTML)
/// take a report and return bytes. Strings that came from the audited repository (names,
/// emails, subjects, paths, excerpts) are hostile and kept as they are here; renderers
/// neutralize them.
///
/// To extend the report, add an optional (or defaulted) stored property and give it a default in
/// ``init(repository:)``: JSON keys are sorted, so the output stays stable, and older reports
/// still decode. Bump ``currentSchemaVersion`` when a field changes meaning or is removed.
///
/// ```swift
/// let report = try Auditor(configuration).run(repository)
/// let json = try JSONReport.render(report)
/// ```
package struct AuditReport: Hashable, Sendable, Codable {
    /// The schema version written by this build (see docs/audit-json.md).
    package static let currentSchemaVersion = 1

    package var schemaVersion: Int
    package var tool: ToolInfo
    package var repository: RepositoryInfo
    /// The refs that were scanned and the commit each pointed to.
    package var refs: [RefTip]
    package var options: Options
    package var counts: Counts
    /// People on the roster who authored or committed in the audited history, by roster id.
    package var contributors: [Contributor]
    /// Raw identities not on the roster, with their commit counts (never guessed).
    package var unknownIdentities: [UnknownIdentity]
    /// Detector findings, most severe first, then in history order.
    package var findings: [Finding]
    /// What could not be read; non-empty means the audit is incomplete (exit code 3).
    package var problems: [ReadProblem]
    /// Commits with findings, scored by what was found, who made them and what they touch;
    /// highest first. Nil in reports written before scoring existed.
    package var riskScores: [RiskScore]?
    /// Findings an auditor's baseline (`--baseline FILE`) accepted: left out of `findings`, kept
    /// here with the reason and reviewer. Nil when no baseline was given.
    package var suppressedFindings: [SuppressedFinding]?
    /// Policy violations in history order (`--policy`); nil when no policy was given.
    package var violations: [Violation]?
    /// When the run started, ISO 8601 UTC (`2026-11-29T10:00:00Z`).
    package var startedAt: String
    /// Wall-clock seconds the run took.
    package var durationSeconds: Double
    /// Commits with findings and who made them (nil in reports of older builds).
    package var flaggedCommits: [FlaggedCommit]?
    /// Commits per month by the author's vetting status on the roster (nil when not computed).
    package var timeline: [TimelineMonth]?
    /// Flagged commits with and without counted review verdicts from the workspace ledger
    /// (`custody review record`); nil when the workspace has no ledger.
    package var reviewCoverage: ReviewCoverage?
    /// Who wrote the code that survives at the audited revision, and whether findings' lines
    /// survive (`--provenance`); nil when not computed.
    package var provenance: AuditProvenance?

    /// An empty report for `repository`; the auditor fills it in.
    package init(repository: RepositoryInfo) {
        self.riskScores = nil
        self.suppressedFindings = nil
        self.schemaVersion = Self.currentSchemaVersion
        self.tool = ToolInfo()
        self.repository = repository
        self.refs = []
        self.options = Options()
        self.counts = Counts()
        self.contributors = []
        self.unknownIdentities = []
        self.findings = []
        self.problems = []
        self.violations = nil
        self.startedAt = ""
        self.durationSeconds = 0
        self.flaggedCommits = nil
        self.timeline = nil
        self.reviewCoverage = nil
        self.provenance = nil
    }

    /// True when something could not be read and the report may be missing commits or files.
    package var isIncomplete: Bool { !problems.isEmpty }
}

extension AuditReport {
    /// The program that wrote the report.
    package struct ToolInfo: Hashable, Sendable, Codable {
        package var name: String
        package var version: String

        package init(name: String = "custody", version: String = CustodyBuild.version) {
            self.name = name
            self.version = version
        }
    }

    /// Which repository was audited.
    package struct RepositoryInfo: Hashable, Sendable, Codable {
        /// The path given on the command line (as given, not resolved).
        package var path: String
        /// Sorted root commit ids (hex): the repository's identity in the store.
        package var rootCommits: [String]

        package init(path: String, rootCommits: [String]) {
            self.path = path
            self.rootCommits = rootCommits
        }
    }

    /// The options the run used, so a reader can tell what the report covers.
    package struct Options: Hashable, Sendable, Codable {
        /// `branches-and-tags`, `all-refs`, or `range`.
        package var refSelection: String
        /// The revision range when `refSelection` is `range`.
        package var range: String?
        package var jobs: Int
        /// The roster file as given, or nil when none was given.
        package var roster: String?
        /// `sha256:<hex>` of the roster file's bytes, or nil.
        package var rosterDigest: String?
        /// The auditor-supplied mailmap file as given, or nil (the repository's own is never read).
        package var mailmap: String?
        package var mailmapDigest: String?
        /// The policy file as given and `sha256:<hex>` of its bytes, or nil.
        package var policy: String?
        package var policyDigest: String?
        /// Whether earlier runs from the store were used (only new commits were read).
        package var incremental: Bool

        package init(
            refSelection: String = "branches-and-tags",
            range: String? = nil,
            jobs: Int = 1,
            roster: String? = nil,
            rosterDigest: String? = nil,
            mailmap: String? = nil,
            mailmapDigest: String? = nil,
            incremental: Bool = false
        ) {
            self.refSelection = refSelection
            self.range = range
            self.jobs = jobs
            self.roster = roster
            self.rosterDigest = rosterDigest
            self.mailmap = mailmap
            self.mailmapDigest = mailmapDigest
            self.incremental = incremental
        }
    }

    /// Counts over the whole selected history.
    package struct Counts: Hashable, Sendable, Codable {
        /// Commits in the selected history.
        package var commits: Int
        /// Commits read in this run (not seen by an earlier run).
        package var newCommits: Int
        /// Merge commits in the selected history.
        package var merges: Int
        /// Commits whose author is on the roster.
        package var commitsByKnownAuthors: Int
        /// Commits whose author is not on the roster.
        package var commitsByUnknownAuthors: Int
        package var contributors: Int
        package var unknownIdentities: Int
        package var findings: Int
        /// Findings per severity (`critical`, `high`, …); severities with none are left out.
        package var findingsBySeverity: [String: Int]
        package var problems: Int

        package init() {
            commits = 0
            newCommits = 0
            merges = 0
            commitsByKnownAuthors = 0
            commitsByUnknownAuthors = 0
            contributors = 0
            unknownIdentities = 0
            findings = 0
            findingsBySeverity = [:]
            problems = 0
        }
    }

    /// One person on the roster and what they did in the audited history.
    ///
    /// Citizenship, US-person status, clearance and employer come only from the roster.
    package struct Contributor: Hashable, Sendable, Codable {
        package var id: String
        package var name: String
        package var employer: String?
        package var citizenship: [String]
        package var usPerson: Bool?
        package var clearance: Clearance?
        package var location: String?
        package var roles: [String]
        package var authoredCommits: Int
        package var committedCommits: Int
        /// Earliest and latest date (ISO 8601 UTC) on which they authored or committed.
        package var firstDate: String?
        package var lastDate: String?
        /// The raw git identities that resolved to this person.
        package var identities: [IdentityUse]

        package init(person: Person) {
            self.id = person.id
            self.name = person.name
            self.employer = person.employer
            self.citizenship = person.citizenship
            self.usPerson = person.usPerson
            self.clearance = person.clearance
            self.location = person.location
            self.roles = person.roles
            self.authoredCommits = 0
            self.committedCommits = 0
            self.firstDate = nil
            self.lastDate = nil
            self.identities = []
        }
    }

    /// A raw (name, email) identity seen in git and how often it was used.
    package struct IdentityUse: Hashable, Sendable, Codable {
        package var name: String
        package var email: String
        /// How it resolved: `email`, `alias`, `mailmap`, `key`, or `unknown`.
        package var method: ResolutionMethod
        package var authoredCommits: Int
        package var committedCommits: Int

        package init(name: String, email: String, method: ResolutionMethod) {
            self.name = name
            self.email = email
            self.method = method
            self.authoredCommits = 0
            self.committedCommits = 0
        }
    }

    /// A finding a baseline accepted, with who accepted it and why.
    package struct SuppressedFinding: Hashable, Sendable, Codable {
        package var finding: Finding
        package var reason: String
        package var reviewer: String

        package init(finding: Finding, reason: String, reviewer: String) {
            self.finding = finding
            self.reason = reason
            self.reviewer = reviewer
        }
    }

    /// A raw identity that is not on the roster.
    package struct UnknownIdentity: Hashable, Sendable, Codable {
        package var name: String
        package var email: String
        package var authoredCommits: Int
        package var committedCommits: Int
        package var firstDate: String?
        package var lastDate: String?
        /// Up to a few example commits (hex ids) so a reviewer can look.
        package var exampleCommits: [String]

        package init(name: String, email: String) {
            self.name = name
            self.email = email
            self.authoredCommits = 0
            self.committedCommits = 0
            self.firstDate = nil
            self.lastDate = nil
            self.exampleCommits = []
        }
    }
}

/// The build's version, shared by the executable and reports.
package enum CustodyBuild {
    package static let version = "0.1.0"
}
