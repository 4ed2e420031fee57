import ArgumentParser
import CustodyCore
import CustodyLedger

/// `custody review`: the auditor's queue, the evidence for one commit, and signed verdicts.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review flagged commits and record signed verdicts in the ledger.",
        discussion: """
            The queue comes from the latest audit run in the ledger: commits with findings or policy \
            violations, highest risk first, without those that already have a verdict. A verdict is \
            signed with the reviewer's own key (custody keygen --name PERSON) inside a DSSE envelope \
            and appended to the ledger. Exit codes: 0 ok; 2 bad key file; 3 ledger or audit run missing.
            """,
        subcommands: [ReviewQueueCommand.self, ReviewShowCommand.self, ReviewRecordCommand.self]
    )
}

/// Options every review subcommand shares.
struct ReviewLedgerOptions: ParsableArguments {
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Ledger directory (default: <workspace>/ledger).")
    var ledger: String?

    @Option(help: "The ledger's verifier key (default: <workspace>/keys/ledger.vkey).")
    var ledgerVkey: String?

    var directory: String { ledger ?? workspace.ledgerDirectory }

    func verifier() throws -> NoteVerifier {
        try LedgerCLI.verifier(ledgerVkey ?? workspace.directory + "/keys/ledger.vkey")
    }
}

struct ReviewQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "List commits that need a human look, riskiest first.")

    @OptionGroup var options: ReviewLedgerOptions

    @Flag(help: "Also list commits that already have a verdict.")
    var all = false

    @Option(help: "At most this many commits.")
    var limit: Int = 50

    @Option(help: "The roster (roster.yaml): only verdicts signed with a key it registers to the reviewer hide a commit.")
    var roster: String?

    func run() async throws {
        try LedgerCLI.run {
            var queue = try ReviewQueue(ledgerDirectory: options.directory, key: try options.verifier())
            if let roster { queue.accepts = try LedgerCLI.registeredReviewerKeys(roster: roster) }
            let items = queue.items(includeReviewed: all)
            let flagged = queue.items(includeReviewed: true)
            let reviewed = flagged.filter { !$0.verdicts.isEmpty }
            var reviewers: [String: Int] = [:]
            for item in reviewed { for v in item.verdicts { reviewers[v.verdict.reviewer, default: 0] += 1 } }
            var lines = [
                "audit run \(queue.run.index) of \(queue.run.gitCommit ?? "?") (\(queue.run.entry.time)): "
                    + "\(flagged.count) flagged commits, \(reviewed.count) with verdicts"
                    + (reviewers.isEmpty ? "" : " (" + reviewers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"),
            ]
            if items.isEmpty { lines.append("nothing waits for review") }
            for (rank, item) in items.prefix(max(0, limit)).enumerated() {
                let top = item.flags.max { ReviewQueue.weight($0.severity) < ReviewQueue.weight($1.severity) }
                var line = "\(rank + 1). \(item.commit.prefix(12)) score \(item.score), \(item.flags.count) flag\(item.flags.count == 1 ? "" : "s")"
                if let top { line += ": [\(top.severity)] \(top.rule): \(top.explanation)" }
                if let last = item.verdicts.last { line += " (verdict: \(last.verdict.verdict) by \(last.verdict.reviewer))" }
                lines.append(line)
            }
            LedgerCLI.output(lines.map(LedgerCLI.sanitize).joined(separator: "\n") + "\n")
        }
    }
}

struct ReviewShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the evidence and the diff of one commit.")

    @Argument(help: "Commit id (a unique prefix of a flagged commit is enough).")
    var commit: String

    @OptionGroup var options: ReviewLedgerOptions

    @Option(help: "The audited repository (default: the one the audit run names).")
    var repo: String?

    @Flag(help: "Leave out the diff.")
    var noDiff = false

    func run() async throws {
        try LedgerCLI.run {
            let queue = try ReviewQueue(ledgerDirectory: options.directory, key: try options.verifier())
            let sha = try queue.expand(commit)
            let flags = queue.flags.filter { $0.commit == sha }
                .sorted { ReviewQueue.weight($0.severity) > ReviewQueue.weight($1.severity) }
            var lines = ["commit \(sha)", "\(flags.count) flag\(flags.count == 1 ? "" : "s") from audit run \(queue.run.index)"]
            for flag in flags {
                lines.append("- [\(flag.severity)] \(flag.rule): \(flag.explanation)")
                if let path = flag.path { lines.append("  at \(path)\(flag.line.map { ":\($0)" } ?? "")") }
                if !flag.evidence.isEmpty { lines.append("  evidence: \(flag.evidence)") }
            }
            for verdict in queue.index.verdicts[sha] ?? [] {
                lines.append("verdict: \(verdict.verdict.verdict) by \(verdict.verdict.reviewer) at \(verdict.verdict.time) (ledger entry \(verdict.index), signature verified): \(verdict.verdict.note)")
            }
            if !noDiff {
                let repository = repo ?? queue.run.repository.map(Self.localPath) ?? "."
                let diff = try LedgerGit.run(
                    repository: repository, ["show", "--no-color", "--no-ext-diff", "--no-textconv", "--stat", "--patch", "--end-of-options", sha])
                if diff.status == 0 {
                    lines.append("")
                    lines += String(decoding: diff.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    if diff.truncated { lines.append("… diff truncated") }
                } else {
                    lines.append("(no diff: git cannot show \(sha) in \(repository))")
                }
            }
            LedgerCLI.output(lines.map(LedgerCLI.sanitize).joined(separator: "\n") + "\n")
        }
    }

    static func localPath(_ uri: String) -> String {
        uri.hasPrefix("file://") ? String(uri.dropFirst("file://".count)) : uri
    }
}

struct ReviewRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Record a verdict on a commit, signed with the reviewer's key.")

    @Argument(help: "Commit id (full, or a unique prefix of a flagged commit).")
    var commit: String

    @Option(help: "cleared, malicious or needs-fix.")
    var verdict: String

    @Option(help: "Why: what was checked and what was found.")
    var note: String

    @Option(name: .customLong("as"), help: "The reviewer's roster id (the name of their key).")
    var person: String

    @Option(help: "The reviewer's private key file (from custody keygen --name PERSON).")
    var key: String

    @Option(help: "The ledger's signing key (default: <workspace>/keys/ledger.key).")
    var ledgerKey: String?

    @OptionGroup var options: ReviewLedgerOptions

    func run() async throws {
        try LedgerCLI.run {
            guard ReviewVerdict.verdicts.contains(verdict) else {
                throw CLIFailure(code: CustodyExit.usage, message: "--verdict must be cleared, malicious or needs-fix")
            }
            let reviewer = try LedgerCLI.signer(key)
            guard reviewer.name == person else {
                throw CLIFailure(code: CustodyExit.configuration, message: "the key \(key) belongs to \(reviewer.name), not \(person)")
            }
            let ledgerSigner = try LedgerCLI.signer(ledgerKey ?? options.workspace.ledgerKeyPath)
            let sha: String
            if let queue = try? ReviewQueue(ledgerDirectory: options.directory, key: ledgerSigner.verifier) {
                sha = try queue.expand(commit)
            } else {
                let lower = commit.lowercased()
                guard lower.utf8.count == 40 || lower.utf8.count == 64, HexCoding.decode(lower) != nil else {
                    throw CLIFailure(code: CustodyExit.usage, message: "\(commit) is not a full commit id")
                }
                sha = lower
            }
            let signed = try ReviewVerdict(commit: sha, verdict: verdict, note: note, reviewer: person)
            let ledger = try Ledger.open(directory: options.directory, signer: ledgerSigner)
            defer { ledger.close() }
            let index = try ledger.append(try .reviewVerdict(signed, signer: reviewer))
            try ledger.checkpoint()
            LedgerCLI.output(LedgerCLI.sanitize("recorded \(verdict) on \(sha) by \(person) as ledger entry \(index) (checkpoint \(ledger.checkpointSize))") + "\n")
        }
    }
}
