import ArgumentParser
import CustodyLedger
import Foundation

/// `custody ledger record-audit REPORT`: log an audit run from its JSON report (`custody audit --format json`).
struct LedgerRecordAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-audit",
        abstract: "Append an audit run (its summary, and the JSON report as a blob) to the ledger.",
        discussion: "Use after `custody audit --format json --output REPORT`; review and attest read these records."
    )

    @Argument(help: "The JSON report written by custody audit --format json.")
    var report: String

    @Option(help: "The audited revision (default: HEAD of the report's repository).")
    var rev: String = "HEAD"

    @Option(help: "The ledger's signing key (default: <workspace>/keys/ledger.key).")
    var ledgerKey: String?

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        try LedgerCLI.run {
            guard let bytes = try FileIO.read(report, limit: 1 << 30) else {
                throw CLIFailure(code: CustodyExit.incomplete, message: "cannot read \(report)")
            }
            guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                let repository = (json["repository"] as? [String: Any])?["path"] as? String
            else { throw CLIFailure(code: CustodyExit.incomplete, message: "\(report) is not a custody audit report") }
            let commit = try LedgerGit.resolve(repository: repository, rev)
            var counts: [String: Int64] = [:]
            let summary = json["counts"] as? [String: Any] ?? [:]
            for (severity, value) in summary["findingsBySeverity"] as? [String: Any] ?? [:] {
                if let n = value as? Int { counts[severity] = Int64(n) }
            }
            var fields: [String: JSONValue] = [:]
            for key in ["commits", "newCommits", "findings", "problems", "unknownIdentities", "contributors"] {
                if let n = summary[key] as? Int { fields[key] = .int(Int64(n)) }
            }
            let signer = try LedgerCLI.signer(ledgerKey ?? workspace.ledgerKeyPath)
            let ledger = try Ledger.open(directory: workspace.ledgerDirectory, signer: signer)
            defer { ledger.close() }
            let index = try ledger.append(
                .auditRun(repository: repository, gitCommit: commit, toolVersion: CustodyVersion.string, counts: counts,
                          summary: ["summary": .object(fields)], report: bytes))
            try ledger.checkpoint()
            LedgerCLI.output(LedgerCLI.sanitize("logged the audit of \(commit) as ledger entry \(index) (checkpoint \(ledger.checkpointSize))") + "\n")
        }
    }
}
