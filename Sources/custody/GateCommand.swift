import ArgumentParser
import CustodyCore
import Foundation
import Synchronization

/// `custody gate RANGE`: the policy and detectors on new commits only, for CI and hooks.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check new commits against the policy and detectors; exit 1 with the reasons when one blocks.",
        discussion: """
            Runs on the commits of RANGE only (for example origin/main..HEAD, or OLD..NEW in a \
            pre-receive hook; for a new branch give NEW with --exclude-existing). Prints one line per \
            blocking reason. Exit codes: 0 nothing blocks, 1 something blocks, 2 bad roster or policy, \
            3 the repository could not be read. See docs/policy.md and examples/hooks/pre-receive.
            """
    )

    @Argument(help: "The commits to check: a range such as OLD..NEW, or a revision.")
    var range: String

    @Option(help: "The repository (default: the current directory; a bare repository works).")
    var repo: String = "."

    @Option(help: "The roster of people (roster.yaml).")
    var roster: String?

    @Option(help: "The policy (policy.yaml).")
    var policy: String?

    @Option(help: "Exported OpenPGP public keys for the roster's openpgp4fpr: entries (see docs/policy.md).")
    var gpgKeyring: String?

    @Option(help: "Custody's state folder (default: $CUSTODY_HOME or ~/.custody).")
    var workspace: String?

    @Option(help: "The lowest severity that blocks: info, low, medium, high or critical.")
    var failOn: String = "high"

    @Flag(help: "Skip commits that an existing branch or tag already has (for a new branch in a hook).")
    var excludeExisting = false

    @Option(help: "git worker processes (default: number of cores).")
    var jobs: Int?

    func validate() throws {
        if Severity(rawValue: failOn) == nil {
            throw ValidationError("--fail-on must be one of info, low, medium, high, critical")
        }
        if range.isEmpty || range.hasPrefix("-") { throw ValidationError("RANGE must be a revision range such as OLD..NEW") }
    }

    func run() async throws {
        let code = execute()
        if code != CustodyExit.clean { throw code }
    }

    private func execute() -> ExitCode {
        do {
            let rosterValue = try PolicyCLI.loadRoster(roster)
            let policyValue = try policy.map { try PolicyLoader.load(path: $0) }
            if let gpgKeyring { _ = try RosterLoader.readFile(gpgKeyring) }
            let repository = try GitRepository(path: repo)
            var excluding: Set<ObjectID> = []
            if excludeExisting {
                excluding = Set(try repository.commitIDs(HistoryOptions(refs: .branchesAndTags, jobs: jobs)))
            }
            let options = HistoryOptions(refs: .range(range), jobs: jobs, excluding: excluding)
            let collected = Mutex<[(Int, Commit)]>([])
            let summary = try repository.readHistory(options) { index, commit in
                collected.withLock { $0.append((index, commit)) }
            }
            let commits = collected.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
            let reader = try repository.blobReader()
            defer { reader.close() }
            let gate = Gate(
                policy: policyValue,
                roster: rosterValue,
                threshold: Severity(rawValue: failOn) ?? .high,
                gpg: GPGVerifier.make(roster: rosterValue, keyring: gpgKeyring)
            )
            let result = gate.check(newCommits: commits, blobs: reader) { id in
                reader.readObject(id, limit: 1 << 22)?.bytes
            }
            for line in result.blockingLines { print(TerminalText.neutralize(line)) }
            for problem in summary.problems {
                printError("custody: could not read \(TerminalText.neutralize(problem.object ?? problem.commit ?? "?")): \(TerminalText.neutralize(problem.reason))")
            }
            let notBlocking = result.violations.filter { $0.severity < gate.threshold }.count
                + result.findings.filter { $0.severity < gate.threshold }.count
            printError(
                "custody: gate checked \(commits.count) commits: \(result.blockingLines.count) blocking, "
                    + "\(notBlocking) below --fail-on \(failOn)"
            )
            if !summary.problems.isEmpty { return CustodyExit.incomplete }
            return result.blocked ? CustodyExit.failed : CustodyExit.clean
        } catch let exit as ExitCode {
            return exit
        } catch {
            return reportError(error)
        }
    }
}
