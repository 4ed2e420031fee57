import ArgumentParser
import CustodyCore
import CustodyLedger
import CustodyStore
import Foundation
import Synchronization

/// `custody audit`: reads a repository's history, maps commits to the roster, scans them and
/// prints a report. Exit codes: 0 done; 1 findings at or above `--fail-on`; 2 roster or mailmap
/// wrong; 3 the repository could not be read, or objects were missing (the report lists them);
/// 64 usage.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read a repository's whole history and say who committed what.",
        discussion: """
            Every commit reachable from the branches and tags (or --all-refs, or --rev RANGE) is read \
            once; authors and committers are mapped to people on the roster; each commit is scanned for \
            hidden or malicious elements. State is kept in the workspace (never in the audited \
            repository), so a second audit reads only new commits.

            Exit codes: 0 done; 1 findings at or above --fail-on; 2 configuration error (roster, \
            mailmap); 3 the repository could not be read, or some objects were missing (the report \
            lists what could not be read); 64 usage error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case sarif
        case html
    }

    @Argument(help: "The repository to audit (work tree or bare).")
    var path: String = "."

    @Option(help: "The roster of people (roster.yaml).")
    var roster: String?

    @Option(help: "A mailmap you supply (the repository's own .mailmap is never read).")
    var mailmap: String?

    @Option(help: "Where custody keeps its state (default $CUSTODY_HOME, else ~/.custody).")
    var workspace: String?

    @Option(help: "Report format: text, json, sarif (code scanning) or html (one self-contained file).")
    var format: Format = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "git worker processes (default: number of cores).")
    var jobs: Int?

    @Option(help: "Audit only this revision range (for example v1.0..main).")
    var rev: String?

    @Flag(help: "Audit every ref, including pull-request and remote refs.")
    var allRefs = false

    @Option(help: "Exit 1 when a finding is at or above this severity (info, low, medium, high, critical).")
    var failOn: String?

    @Option(help: "A policy (policy.yaml): violations go into the report; see docs/policy.md.")
    var policy: String?

    @Flag(help: "Do not use or update the workspace store (read the whole history).")
    var noStore = false

    @Option(
        help:
            "Findings you have accepted: a baseline file of fingerprints with reason and reviewer, kept outside the audited repository."
    )
    var baseline: String?

    @Option(help: "Exported OpenPGP public keys for the roster's openpgp4fpr: entries (see docs/policy.md).")
    var gpgKeyring: String?

    @Flag(
        help:
            "Trace every surviving line at the audited revision to the commit that wrote it: shares by person and roster attribute in the report, and whether each finding's lines are still there (cached in the workspace; see docs/audit-json.md)."
    )
    var provenance = false

    @Flag(help: .hidden)
    var timings = false

    func validate() throws {
        if rev != nil, allRefs { throw ValidationError("--rev and --all-refs cannot be used together") }
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
        if let rev, rev.isEmpty || rev.hasPrefix("-") {
            throw ValidationError("--rev needs a revision range such as v1.0..main")
        }
        if let failOn, Severity(rawValue: failOn) == nil {
            throw ValidationError("--fail-on must be one of info, low, medium, high, critical")
        }
    }

    func run() throws {
        let code = execute()
        if code != CustodyExit.clean { throw code }
    }

    private func execute() -> ExitCode {
        do {
            var options = AuditReport.Options()
            var rosterValue = Roster()
            if let roster {
                let bytes = try RosterLoader.readFile(roster)
                do {
                    rosterValue = try RosterLoader.parse(bytes, file: roster)
                } catch let error as RosterValidationError {
                    for issue in error.issues { printError("custody: \(TerminalText.neutralize(issue.description))") }
                    return CustodyExit.configuration
                }
                options.roster = roster
                options.rosterDigest = ContentDigest.sha256(bytes)
            }
            var mailmapValue: Mailmap?
            if let mailmap {
                let bytes = try RosterLoader.readFile(mailmap)
                mailmapValue = try Mailmap(parsing: bytes, file: mailmap)
                options.mailmap = mailmap
                options.mailmapDigest = ContentDigest.sha256(bytes)
            }

            var policyValue: Policy?
            if let policy {
                let bytes = try RosterLoader.readFile(policy)
                policyValue = try PolicyLoader.parse(String(decoding: bytes, as: UTF8.self), file: policy)
                options.policy = policy
                options.policyDigest = ContentDigest.sha256(bytes)
            }

            if let gpgKeyring { _ = try RosterLoader.readFile(gpgKeyring) }
            let repository = try GitRepository(path: path)
            let accepted = try baseline.map { try Baseline.load(path: $0, auditedRepository: repository.path) }
            // The store opens (and, in a new workspace, creates its tables) on a thread of its own
            // while git lists the history; the audit waits for it when it needs what is stored.
            var opening: Opening<SQLiteAuditStore>?
            if !noStore {
                let place = Workspace.resolve(explicit: workspace, environment: ProcessInfo.processInfo.environment)
                try place.prepare(outside: [repository.path, repository.gitDirectory])
                let path = place.databasePath
                opening = Opening { try SQLiteAuditStore(path: path) }
            }

            // Review verdicts recorded in the workspace ledger: review coverage, and review evidence
            // for the policy (counted verdicts only).
            let recorded = noStore ? nil : readVerdicts()
            var passes: [any AuditReportPass] = []
            if let policyValue {
                let evidence = recorded.map { ReviewCoverage.reviewEvidence($0.verdicts, roster: rosterValue) } ?? []
                passes.append(
                    PolicyAuditPass(
                        policy: policyValue,
                        recorded: evidence,
                        gpg: GPGVerifier.make(roster: rosterValue, keyring: gpgKeyring)
                    )
                )
            }
            if provenance {
                let cache =
                    noStore
                    ? nil
                    : Workspace.resolve(explicit: workspace, environment: ProcessInfo.processInfo.environment).path
                        + "/provenance"
                passes.append(ProvenanceAuditPass(cacheDirectory: cache, jobs: jobs))
            }
            if let recorded {
                passes.append(
                    ReviewCoveragePass(
                        verdicts: recorded.verdicts,
                        ledger: recorded.directory,
                        ledgerSize: recorded.size
                    )
                )
            }
            let refs: RefSelection = if let rev { .range(rev) } else if allRefs { .allRefs } else { .branchesAndTags }
            let resolver = IdentityResolver(roster: rosterValue, mailmap: mailmapValue)
            let auditor = Auditor(
                AuditConfiguration(
                    refs: refs,
                    jobs: jobs,
                    resolver: resolver,
                    passes: passes,
                    reportOptions: options,
                    displayPath: path,
                    baseline: accepted,
                    identityHistory: IdentityAnomalyAnalyzer(resolver: resolver)
                )
            )
            let clock = ContinuousClock()
            var phases: [(String, Duration)] = []
            var phaseStart = clock.now
            func phase(_ name: String) {
                let now = clock.now
                phases.append((name, now - phaseStart))
                phaseStart = now
            }
            phase("open")
            let progress: ProgressLine? = standardErrorIsTerminal ? ProgressLine() : nil
            var onProgress: (@Sendable (Int, Int) -> Void)?
            if let progress {
                onProgress = { done, total in progress.update(done: done, total: total) }
            }
            var loadTime = Duration.zero
            // The store writes on a thread of its own from the moment the history is read: the
            // commits go in while the report is put together, the rest once it is rendered (one
            // transaction; an audit that fails after the read stores nothing). A store that
            // fails ends the command after the report is out.
            var storeWrite: PendingRecord?
            defer { storeWrite?.cancel() }
            let outcome = try auditor.run(
                repository,
                baseline: { roots in
                    guard let store = try opening?.value() else { return AuditBaseline.empty }
                    let start = clock.now
                    defer { loadTime = clock.now - start }
                    return try store.baseline(repository: roots)
                },
                progress: onProgress,
                read: { roots, startedAt, commits in
                    guard !roots.isEmpty, let store = try? opening?.value() else { return }
                    storeWrite = store.beginRecord(rootCommits: roots, path: path, startedAt: startedAt, newCommits: commits)
                }
            )
            progress?.finish()
            phase("audit")
            phases.append(("(of which store load)", loadTime))
            _ = try opening?.value()
            // The JSON report is rendered once for the store, the ledger and a JSON output.
            var place = WorkspaceOptions()
            place.workspace = workspace
            let toLedger = !noStore && FileIO.exists(place.ledgerKeyPath)
            let reportJSON =
                storeWrite != nil || toLedger || format == .json ? try JSONReport.render(outcome.report) : nil
            storeWrite?.complete(outcome, reportJSON: reportJSON)
            // A ledger that refuses the run (damaged, key unreadable) must not cost the report:
            // the report is written first, then the ledger error ends the command.
            var ledgerError: (any Error)?
            if toLedger, let reportJSON {
                do { try recordInLedger(outcome.report, json: reportJSON, place: place) } catch { ledgerError = error }
            }

            let bytes: [UInt8] =
                switch format {
                case .text:
                    Array(
                        (TextReport.render(
                            outcome.report,
                            color: output == nil && isatty(STDOUT_FILENO) == 1
                                && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                        ) + PolicyText.violations(outcome.report.violations)
                            + PolicyText.provenance(outcome.report.provenance)).utf8
                    )
                case .json: try reportJSON ?? JSONReport.render(outcome.report)
                case .sarif: try SARIFReport.render(outcome.report)
                case .html: HTMLReport.render(outcome.report)
                }
            if let output {
                try writeOutputFile(bytes, to: output)
            } else {
                writeToStandardOutput(bytes)
            }
            phase("ledger and output")
            _ = try storeWrite?.wait()
            phase("store write (beside them)")
            if let ledgerError { throw ledgerError }
            if timings {
                printError(
                    "custody: timings: "
                        + phases.map {
                            "\($0.0) \($0.1.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 3))))"
                        }
                        .joined(separator: ", ") + "; \(outcome.report.counts.newCommits) new commits"
                )
            }
            let report = outcome.report
            if report.isIncomplete {
                printError(
                    "custody: the audit is incomplete: \(report.problems.count) thing(s) could not be read "
                        + "(listed in the report)"
                )
                return CustodyExit.incomplete
            }
            if let failOn, let threshold = try FailOn(parsing: failOn).threshold,
                report.findings.contains(where: { $0.severity >= threshold })
                    || (report.violations ?? []).contains(where: { $0.severity >= threshold })
            {
                return CustodyExit.failed
            }
            return CustodyExit.clean
        } catch let error as RosterValidationError {
            return reportError(error.error)
        } catch {
            return reportError(error)
        }
    }
}

extension AuditCommand {
    /// The verdicts in the workspace ledger, or nil when there is none; a ledger that cannot be
    /// read is reported in one line and the audit goes on without review coverage.
    fileprivate func readVerdicts() -> LedgerCLI.WorkspaceVerdicts? {
        var place = WorkspaceOptions()
        place.workspace = workspace
        do {
            return try LedgerCLI.workspaceVerdicts(workspace: place)
        } catch let failure as CLIFailure {
            printError("custody: review verdicts not read: \(TerminalText.neutralize(failure.message))")
        } catch {
            printError(
                "custody: review verdicts not read from the ledger: \(TerminalText.neutralize(String(describing: error)))"
            )
        }
        return nil
    }

    /// Appends the run to the workspace's ledger when it has a signing key
    /// (`<workspace>/keys/ledger.key`, made with `custody keygen`): the summary in the entry,
    /// the full JSON report as a content-addressed blob.
    fileprivate func recordInLedger(_ report: AuditReport, json: [UInt8], place: WorkspaceOptions) throws {
        let tip = report.refs.first { $0.name == "HEAD" } ?? report.refs.first
        var counts: [String: Int64] = [
            "commits": Int64(report.counts.commits),
            "newCommits": Int64(report.counts.newCommits),
            "findings": Int64(report.counts.findings),
            "unknownIdentities": Int64(report.counts.unknownIdentities),
            "problems": Int64(report.counts.problems),
        ]
        for (severity, count) in report.counts.findingsBySeverity { counts["findings." + severity] = Int64(count) }
        _ = try LedgerCLI.recordAuditRun(
            workspace: place,
            repository: report.repository.rootCommits.joined(separator: ","),
            gitCommit: tip?.tip ?? "",
            counts: counts,
            report: json
        )
    }
}

/// One line on standard error, rewritten in place while the audit reads commits.
final class ProgressLine: Sendable {
    func update(done: Int, total: Int) {
        printErrorRaw("\r\u{1b}[Kcustody: read \(done) of \(total) new commits")
    }

    func finish() {
        printErrorRaw("\r\u{1b}[K")
    }
}

func printErrorRaw(_ text: String) {
    var standardError = StandardError()
    standardError.write(text)
}

/// A value made on a thread of its own (the store opening, the store's write); ``value()`` waits
/// for it and rethrows its error.
final class Opening<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchGroup()

    init(_ make: @escaping @Sendable () throws -> Value) {
        done.enter()
        DispatchQueue.global().async { [self] in
            let made = Result { try make() }
            result.withLock { $0 = made }
            done.leave()
        }
    }

    func value() throws -> Value {
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
