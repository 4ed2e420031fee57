#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// What an audit reads and how.
package struct AuditConfiguration: Sendable {
    package var refs: RefSelection
    /// git worker processes; nil means one per core. The report never depends on it.
    package var jobs: Int?
    package var resolver: IdentityResolver
    package var detectors: DetectorSuite
    /// Extra per-commit work (policy helpers plug in here).
    package var analyzers: [any CommitAnalyzer]
    /// Whole-history work after ordering (policy, review coverage, risk, provenance).
    package var passes: [any AuditReportPass]
    /// Roster and mailmap names and digests, echoed in the report.
    package var reportOptions: AuditReport.Options
    /// The repository path as the user gave it (for the report); defaults to the repository's.
    package var displayPath: String?
    /// Findings the auditor has accepted (`--baseline FILE`): moved out of the report's findings.
    package var baseline: Baseline?
    /// Identity anomalies over the whole history (time zone pattern changes, stopped signing,
    /// one email under several names, one name under several emails); nil leaves them out.
    /// The CLI sets it; they are recomputed on every run and never stored.
    package var identityHistory: IdentityAnomalyAnalyzer?

    package init(
        refs: RefSelection = .branchesAndTags,
        jobs: Int? = nil,
        resolver: IdentityResolver = IdentityResolver(roster: Roster()),
        detectors: DetectorSuite = DetectorSuite(),
        analyzers: [any CommitAnalyzer] = [],
        passes: [any AuditReportPass] = [],
        reportOptions: AuditReport.Options = AuditReport.Options(),
        displayPath: String? = nil,
        baseline: Baseline? = nil,
        identityHistory: IdentityAnomalyAnalyzer? = nil
    ) {
        self.baseline = baseline
        self.identityHistory = identityHistory
        self.refs = refs
        self.jobs = jobs
        self.resolver = resolver
        self.detectors = detectors
        self.analyzers = analyzers
        self.passes = passes
        self.reportOptions = reportOptions
        self.displayPath = displayPath
    }
}

/// The audit pipeline: repository → history (read once, only new commits) → identities →
/// detectors and analyzers (concurrently, per commit) → ordering → report passes → report.
///
/// ```swift
/// let repository = try GitRepository(path: ".")
/// let outcome = try Auditor(AuditConfiguration(resolver: IdentityResolver(roster: roster)))
///     .run(repository, baseline: { roots in try store.baseline(roots) })
/// print(TextReport.render(outcome.report))
/// ```
package struct Auditor: Sendable {
    package var configuration: AuditConfiguration

    package init(_ configuration: AuditConfiguration = AuditConfiguration()) {
        self.configuration = configuration
    }

    /// Runs the audit.
    ///
    /// - Parameters:
    ///   - repository: the repository, opened read-only.
    ///   - baseline: given the repository's sorted root commit ids, returns what earlier runs
    ///     stored (commits already audited are not read again).
    ///   - progress: called from reader threads with (commits done, commits to read).
    ///   - read: called once the history is read, before the report is put together, with the
    ///     repository's root commit ids, the run's start time and the commits read in this run
    ///     (the outcome's ``AuditOutcome/newCommits``): the store starts writing them meanwhile.
    /// - Returns: the report over the whole selected history, and what is new in this run.
    /// - Throws: ``CustodyError`` when the repository cannot be read at all; missing objects
    ///   become problems in the report instead.
    package func run(
        _ repository: GitRepository,
        baseline: (_ rootCommits: [String]) throws -> AuditBaseline = { _ in .empty },
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        read: (_ rootCommits: [String], _ startedAt: String, _ newCommits: [AuditedCommit]) -> Void = { _, _, _ in }
    ) throws -> AuditOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = ISODate.utc(Int64(Date().timeIntervalSince1970))

        // One walk of the selection gives its order, its parents (merge bases) and, for the
        // default selection, the repository's root commits.
        var options = HistoryOptions(refs: configuration.refs, jobs: configuration.jobs)
        let graph = try repository.commitGraph(options)
        let roots =
            configuration.refs == .branchesAndTags
            ? graph.roots.map(\.description) : try repository.rootCommits().map(\.description)
        let base = roots.isEmpty ? AuditBaseline.empty : try baseline(roots)

        let selected = graph.ids
        options.excluding = Set(selected.filter { base.commits[$0.description] != nil })
        let toRead = selected.count - options.excluding.count

        var problems: [ReadProblem] = []
        let blobs: any BlobSource
        let reader: GitBlobReader?
        do {
            let opened = try repository.blobReader()
            reader = opened
            blobs = opened
        } catch {
            reader = nil
            blobs = InMemoryBlobSource()
            problems.append(ReadProblem(reason: "file contents could not be read: \(error)"))
        }
        defer { reader?.close() }

        let collector = Collector(total: toRead, progress: progress)
        let resolver = configuration.resolver
        var suite = configuration.detectors
        suite.threads = options.jobs
        let detectors = suite
        let analyzers = configuration.analyzers
        let summary: HistorySummary
        if toRead > 0 {
            summary = try repository.readHistory(options, graph: graph) { index, commit in
                let author = resolver.resolve(name: commit.author.name, email: commit.author.email)
                let committer = resolver.resolve(name: commit.committer.name, email: commit.committer.email)
                var findings = detectors.scan(commit, blobs: blobs)
                for analyzer in analyzers {
                    findings += analyzer.analyze(commit, author: author, committer: committer, blobs: blobs)
                }
                let areas = findings.isEmpty ? [] : RiskScorer.areas(of: commit)
                collector.add(index: index, record: AuditedCommit(commit), findings: findings, areas: areas)
            }
        } else {
            summary = HistorySummary(refs: try repository.refs(configuration.refs), commitCount: 0, problems: [])
        }
        problems += summary.problems

        let fresh = collector.sorted()
        let freshRecords = fresh.map(\.record)
        read(roots, startedAt, freshRecords)
        var newByID: [String: AuditedCommit] = [:]
        newByID.reserveCapacity(fresh.count)
        for item in fresh { newByID[item.record.id] = item.record }

        // The whole selected history, in history order: stored commits and the ones just read.
        var history: [AuditedCommit] = []
        history.reserveCapacity(selected.count)
        var position: [String: Int] = [:]
        position.reserveCapacity(selected.count)
        for id in selected {
            let hex = id.description
            guard let record = base.commits[hex] ?? newByID[hex] else { continue }
            position[hex] = history.count
            history.append(record)
        }

        // Identity anomalies over the whole history, on a thread of their own while the rest of
        // the report is put together (nothing else reads them until the findings are sorted).
        let identityFindings = Mutex<[Finding]>([])
        let identityWork = configuration.identityHistory.map { identity in
            ThreadJoin { [history] in
                let found = identity.analyze(history: history)
                identityFindings.withLock { $0 = found }
            }
        }
        let newFindings = fresh.flatMap(\.findings)
        var findings = base.findings.filter { position[$0.commit] != nil && newByID[$0.commit] == nil }
        findings += newFindings

        let earlierProblems = base.problems.filter { problem in
            guard let commit = problem.commit else { return false }
            return position[commit] != nil && newByID[commit] == nil
        }

        var report = AuditReport(
            repository: AuditReport.RepositoryInfo(
                path: configuration.displayPath ?? repository.path,
                rootCommits: roots
            )
        )
        report.startedAt = startedAt
        report.refs = summary.refs
        report.options = configuration.reportOptions
        report.options.jobs = options.jobs
        report.options.incremental = !base.commits.isEmpty
        switch configuration.refs {
        case .branchesAndTags: report.options.refSelection = "branches-and-tags"
        case .allRefs: report.options.refSelection = "all-refs"
        case .range(let range):
            report.options.refSelection = "range"
            report.options.range = range
        }
        ContributorTally.fill(&report, history: history, resolver: resolver)
        identityWork?.join()
        findings += identityFindings.withLock { $0 }
        findings.sort { Self.findingOrder($0, $1, position: position) }
        if let accepted = configuration.baseline {
            let (kept, suppressed) = accepted.apply(findings)
            findings = kept
            report.suppressedFindings = suppressed.map {
                AuditReport.SuppressedFinding(finding: $0.finding, reason: $0.entry.reason, reviewer: $0.entry.reviewer)
            }
        }
        // Per-commit identity anomalies that repeat for one identity: one finding per identity.
        findings = IdentityAnomalyAggregation.fold(findings, history: history, resolver: resolver)
        report.findings = findings
        report.riskScores = Self.riskScores(history: history, findings: findings, areas: collector.areas(), resolver: resolver)
        report.problems = earlierProblems + problems
        report.counts.commits = history.count
        report.counts.newCommits = fresh.count
        report.counts.merges = history.reduce(0) { $0 + ($1.isMerge ? 1 : 0) }
        report.counts.findings = findings.count
        for finding in findings { report.counts.findingsBySeverity[finding.severity.rawValue, default: 0] += 1 }
        report.counts.problems = report.problems.count
        CommitFacts.fill(&report, history: history, resolver: resolver)

        let context = AuditPassContext(
            repository: repository,
            commits: history,
            newCommitIDs: Set(newByID.keys),
            resolver: resolver,
            blobs: blobs
        )
        for pass in configuration.passes {
            try pass.apply(to: &report, context: context)
        }
        let elapsed = clock.now - started
        report.durationSeconds =
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return AuditOutcome(
            report: report,
            rootCommits: roots,
            newCommits: freshRecords,
            newFindings: newFindings,
            newProblems: problems
        )
    }

    /// Scores every commit with findings: what was found, whether the author is on the roster or
    /// new to the history, and the sensitive areas it touches (from its changes when read in this
    /// run, else from the findings' paths). Highest first.
    static func riskScores(
        history: [AuditedCommit],
        findings: [Finding],
        areas: [String: Set<SensitiveArea>],
        resolver: IdentityResolver
    ) -> [RiskScore] {
        guard !findings.isEmpty else { return [] }
        let byCommit = Dictionary(grouping: findings, by: \.commit)
        var seenAuthors = Set<String>()
        var scores: [RiskScore] = []
        for record in history {
            let author = record.authorEmail.lowercased()
            let isFirst = seenAuthors.insert(author).inserted && history.count > 1
            guard let own = byCommit[record.id] else { continue }
            let known = resolver.resolve(name: record.authorName, email: record.authorEmail).person != nil
            let touched =
                areas[record.id]
                ?? own.reduce(into: Set<SensitiveArea>()) { set, finding in
                    if let path = finding.path { set.formUnion(BuildFiles.sensitiveAreas(of: path)) }
                }
            scores.append(
                RiskScorer.score(
                    commitID: record.id,
                    findings: own,
                    areas: touched,
                    contributor: ContributorContext(isKnownIdentity: known, isFirstContribution: isFirst)
                )
            )
        }
        return RiskScorer.ranked(scores)
    }

    /// Most severe first, then history order, then path, line and rule.
    static func findingOrder(_ a: Finding, _ b: Finding, position: [String: Int]) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        let pa = position[a.commit] ?? Int.max
        let pb = position[b.commit] ?? Int.max
        if pa != pb { return pa < pb }
        if (a.path ?? "") != (b.path ?? "") { return (a.path ?? "") < (b.path ?? "") }
        if (a.startLine ?? 0) != (b.startLine ?? 0) { return (a.startLine ?? 0) < (b.startLine ?? 0) }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        return a.fingerprint < b.fingerprint
    }
}

/// Collects per-commit results from the reader threads.
private final class Collector: Sendable {
    struct Item: Sendable {
        var index: Int
        var record: AuditedCommit
        var findings: [Finding]
        var areas: Set<SensitiveArea>
    }

    private let items = Mutex<[Item]>([])
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?

    init(total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.progress = progress
    }

    func add(index: Int, record: AuditedCommit, findings: [Finding], areas: Set<SensitiveArea>) {
        let count = items.withLock { items in
            items.append(Item(index: index, record: record, findings: findings, areas: areas))
            return items.count
        }
        if let progress, count % 256 == 0 || count == total { progress(count, total) }
    }

    /// Sensitive areas of the commits with findings read in this run, by hex id.
    func areas() -> [String: Set<SensitiveArea>] {
        items.withLock { items in
            var out: [String: Set<SensitiveArea>] = [:]
            for item in items where !item.findings.isEmpty { out[item.record.id] = item.areas }
            return out
        }
    }

    func sorted() -> [Item] {
        items.withLock { $0 }.sorted { $0.index < $1.index }
    }
}
