import CustodyLedger
import Foundation

/// The review queue: flagged commits from the latest audit report, ranked, minus those with verdicts.
struct ReviewQueue {
    /// One finding or policy violation as read from an audit report.
    struct Flag {
        let commit: String
        let severity: String
        let rule: String
        let explanation: String
        let evidence: String
        let path: String?
        let line: Int?
    }

    /// One commit in the queue.
    struct Item {
        let commit: String
        let flags: [Flag]
        let score: Int
        let verdicts: [LedgerIndex.Verdict]
    }

    static func weight(_ severity: String) -> Int {
        switch severity.lowercased() {
        case "critical": 100
        case "high", "error": 30
        case "medium", "warning": 10
        case "low", "note": 3
        case "info", "none": 1
        default: 5
        }
    }

    let index: LedgerIndex
    let run: LedgerIndex.AuditRun
    let flags: [Flag]
    /// Which verdicts hide a commit (all signature-verified ones unless a roster narrows it).
    var accepts: (LedgerIndex.Verdict) -> Bool = { _ in true }

    /// Loads the ledger's latest audit run and its report.
    init(ledgerDirectory: String, key: NoteVerifier) throws {
        let reader = try LedgerReader(directory: ledgerDirectory, key: key)
        let index = try LedgerIndex(reader: reader)
        guard let run = index.latestAuditRun() else {
            throw CLIFailure(code: CustodyExit.incomplete, message: "no audit run in the ledger yet: run custody audit first")
        }
        guard let descriptor = run.report else {
            throw CLIFailure(code: CustodyExit.incomplete, message: "audit run \(run.index) has no report blob")
        }
        let report = try LedgerIndex.blob(descriptor, in: ledgerDirectory)
        guard let json = try? JSONSerialization.jsonObject(with: Data(report), options: [.fragmentsAllowed]) else {
            throw CLIFailure(code: CustodyExit.incomplete, message: "the report of audit run \(run.index) is not json")
        }
        var flags: [Flag] = []
        ReviewQueue.collect(json, into: &flags, depth: 0)
        self.index = index
        self.run = run
        self.flags = flags
    }

    /// Finds objects with a `commit` and a `severity` or rule id anywhere in the report.
    static func collect(_ value: Any, into flags: inout [Flag], depth: Int) {
        guard depth < 32 else { return }
        if let object = value as? [String: Any] {
            if let commit = object["commit"] as? String, commit.utf8.count >= 7, commit.utf8.count <= 64,
                commit.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            {
                let severity = object["severity"] as? String
                let rule = (object["ruleID"] ?? object["ruleId"] ?? object["rule"] ?? object["ruleID"]) as? String
                if severity != nil || rule != nil {
                    flags.append(
                        Flag(
                            commit: commit, severity: severity ?? "unknown", rule: rule ?? "policy",
                            explanation: (object["explanation"] ?? object["message"] ?? object["description"]) as? String ?? "",
                            evidence: (object["evidence"] ?? object["found"]) as? String ?? "",
                            path: object["path"] as? String, line: object["startLine"] as? Int))
                }
            }
            for key in object.keys.sorted() { collect(object[key] as Any, into: &flags, depth: depth + 1) }
        } else if let array = value as? [Any] {
            for item in array { collect(item, into: &flags, depth: depth + 1) }
        }
    }

    /// Every flagged commit with its score, highest first (ties: more flags, then commit id).
    func items(includeReviewed: Bool) -> [Item] {
        var byCommit: [String: [Flag]] = [:]
        for flag in flags { byCommit[flag.commit, default: []].append(flag) }
        let items = byCommit.map { commit, flags in
            Item(commit: commit, flags: flags, score: flags.reduce(0) { $0 + ReviewQueue.weight($1.severity) },
                 verdicts: (index.verdicts[commit] ?? []).filter(accepts))
        }
        return items.filter { includeReviewed || $0.verdicts.isEmpty }.sorted {
            ($0.score, $0.flags.count, $1.commit) > ($1.score, $1.flags.count, $0.commit)
        }
    }

    /// The full commit ID for a prefix, from the report's commits and recorded verdicts.
    func expand(_ prefix: String) throws -> String {
        let lower = prefix.lowercased()
        guard lower.utf8.count >= 4, HexCoding.decode(lower.utf8.count % 2 == 0 ? lower : lower + "0") != nil else {
            throw CLIFailure(code: CustodyExit.usage, message: "\(prefix) is not a commit id")
        }
        let known = Set(flags.map(\.commit)).union(index.verdicts.keys)
        let matches = known.filter { $0.hasPrefix(lower) }
        if matches.count == 1, let only = matches.first { return only }
        if matches.count > 1 { throw CLIFailure(code: CustodyExit.usage, message: "\(prefix) is ambiguous") }
        guard lower.utf8.count == 40 || lower.utf8.count == 64 else {
            throw CLIFailure(code: CustodyExit.usage, message: "\(prefix) is not a flagged commit; give the full id")
        }
        return lower
    }
}
