/// Who wrote the code that survives at the audited revision, as the audit report carries it
/// (`custody audit --provenance`): shares of surviving lines overall, and how many findings and
/// flagged lines are still there.
///
/// Attributes come only from the roster; identities not on the roster count as
/// "(unknown identity)" in every table (see ``ProvenanceReport``).
package struct AuditProvenance: Hashable, Sendable, Codable {
    /// Hex id of the commit whose lines were attributed.
    package var revision: String
    /// Text files attributed (binary files are not).
    package var files: Int
    /// Surviving lines by person, employer, citizenship, US-person status, clearance and
    /// roster membership (the unknown share is the "(unknown identity)" row of each table).
    package var shares: ProvenanceReport.Tables
    /// Surviving lines whose author is not on the roster.
    package var unknownLines: Int
    /// Surviving lines introduced by commits with findings or policy violations.
    package var flaggedLines: Int
    /// Findings (in `findings`) whose lines survive / no longer survive / cannot be told.
    package var findingsStillPresent: Int
    package var findingsGone: Int
    package var findingsUnknown: Int

    package init(
        revision: String,
        files: Int,
        shares: ProvenanceReport.Tables,
        unknownLines: Int,
        flaggedLines: Int,
        findingsStillPresent: Int = 0,
        findingsGone: Int = 0,
        findingsUnknown: Int = 0
    ) {
        self.revision = revision
        self.files = files
        self.shares = shares
        self.unknownLines = unknownLines
        self.flaggedLines = flaggedLines
        self.findingsStillPresent = findingsStillPresent
        self.findingsGone = findingsGone
        self.findingsUnknown = findingsUnknown
    }
}

/// Attributes every surviving line at the audited revision (``ProvenanceBuilder``, replay
/// engine, cached in the workspace), then sets ``Finding/stillPresent`` on every finding and
/// puts ``AuditProvenance`` in the report.
///
/// The audited revision is the positive end of `--rev RANGE`, otherwise `HEAD` (the first ref's
/// tip when `HEAD` does not name a commit). Run it after the policy pass so commits with
/// violations count as flagged.
///
/// ```swift
/// configuration.passes = [PolicyAuditPass(policy: policy), ProvenanceAuditPass(cacheDirectory: workspace + "/provenance")]
/// ```
package struct ProvenanceAuditPass: AuditReportPass {
    package var cacheDirectory: String?
    package var jobs: Int?
    /// The revision to attribute; nil picks it from the report (see the type's description).
    package var revision: String?

    package init(cacheDirectory: String? = nil, jobs: Int? = nil, revision: String? = nil) {
        self.cacheDirectory = cacheDirectory
        self.jobs = jobs
        self.revision = revision
    }

    package func apply(to report: inout AuditReport, context: AuditPassContext) throws {
        guard !context.commits.isEmpty else { return }
        let builder = ProvenanceBuilder(repository: context.repository.path, cacheDirectory: cacheDirectory, jobs: jobs)
        let snapshot: ProvenanceSnapshot
        do {
            snapshot = try builder.build(revision: Self.revision(explicit: revision, report: report, repository: context.repository))
        } catch let error as CustodyError {
            report.problems.append(ReadProblem(reason: "provenance could not be computed: \(error.message)"))
            report.counts.problems = report.problems.count
            return
        }
        var flagged: [String: [String]] = [:]
        for finding in report.findings { flagged[finding.commit, default: []].append(finding.ruleID) }
        for violation in report.violations ?? [] { flagged[violation.commit, default: []].append(violation.ruleID) }
        let provenance = ProvenanceReport(snapshot: snapshot, resolver: context.resolver, flagged: flagged)

        let index = SurvivalIndex(snapshot)
        var present = 0, gone = 0, unknown = 0
        for i in report.findings.indices {
            let answer = index.stillPresent(report.findings[i])
            report.findings[i].stillPresent = answer
            switch answer {
            case true?: present += 1
            case false?: gone += 1
            case nil: unknown += 1
            }
        }
        if var suppressed = report.suppressedFindings {
            for i in suppressed.indices { suppressed[i].finding.stillPresent = index.stillPresent(suppressed[i].finding) }
            report.suppressedFindings = suppressed
        }
        report.provenance = AuditProvenance(
            revision: snapshot.revision,
            files: provenance.files,
            shares: provenance.overall,
            unknownLines: provenance.overall.roster.first { $0.key == ProvenanceReport.notOnRoster }?.lines ?? 0,
            flaggedLines: provenance.flagged.reduce(0) { $0 + $1.endLine - $1.startLine + 1 },
            findingsStillPresent: present,
            findingsGone: gone,
            findingsUnknown: unknown
        )
        for problem in snapshot.problems { report.problems.append(problem) }
        report.counts.problems = report.problems.count
    }

    /// Whether the lines `finding` points at survive in `snapshot` (see ``SurvivalIndex``);
    /// builds the index each call, so prefer the pass for many findings.
    package static func stillPresent(_ finding: Finding, in snapshot: ProvenanceSnapshot) -> Bool? {
        SurvivalIndex(snapshot).stillPresent(finding)
    }

    /// The revision to attribute: the explicit one, the positive end of a range, `HEAD`, or the
    /// first ref's tip.
    static func revision(explicit: String?, report: AuditReport, repository: GitRepository) -> String {
        if let explicit { return explicit }
        if report.options.refSelection == "range", let tip = report.refs.first?.tip { return tip }
        if let head = try? ProvenanceGit.run(in: repository.path, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]), !head.isEmpty {
            return String(decoding: head, as: UTF8.self).trimmed
        }
        return report.refs.first?.tip ?? "HEAD"
    }
}

/// Answers "do the lines this finding points at survive?" from one snapshot, with an index by
/// commit so thousands of findings stay cheap.
struct SurvivalIndex {
    /// commit id → original path → [(first, last)] original line ranges that survive.
    private var ranges: [String: [String: [ClosedRange<Int>]]] = [:]
    /// Paths at the revision that were not attributed (binary files).
    private var unattributed: Set<String>

    init(_ snapshot: ProvenanceSnapshot) {
        unattributed = Set(snapshot.unattributedPaths)
        for file in snapshot.files {
            for run in file.runs {
                let commit = file.commits[Int(run.commit)].id
                let path = file.originalPaths[Int(run.originalPath)]
                let start = Int(run.originalStart)
                ranges[commit, default: [:]][path, default: []].append(start...(start + Int(run.count) - 1))
            }
        }
    }

    /// True when a line the finding points at survives; false when none does; nil when the
    /// finding points at no file (a commit-level finding) or at a file that is not attributed
    /// (binary) and still exists.
    func stillPresent(_ finding: Finding) -> Bool? {
        guard let path = finding.path else { return nil }
        if let runs = ranges[finding.commit.lowercased()]?[path] {
            guard let start = finding.startLine else { return true }
            let lines = start...max(start, finding.endLine ?? start)
            if runs.contains(where: { $0.overlaps(lines) }) { return true }
        }
        if unattributed.contains(path) { return nil }
        return false
    }
}
