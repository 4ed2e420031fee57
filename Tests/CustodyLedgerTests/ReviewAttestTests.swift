import CustodyLedger
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `custody review` and `custody attest` end to end on a real git repository and a real ledger.
@Suite(.serialized) struct ReviewAttestTests {
    /// Runs git with a fixed identity and no user or system configuration.
    static func git(_ repo: String, _ arguments: [String]) throws -> String {
        let run = try LedgerCLITests.spawn(
            "/usr/bin/git", ["-C", repo] + arguments,
            environment: [
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Dev One",
                "GIT_AUTHOR_EMAIL": "dev@example.invalid", "GIT_COMMITTER_NAME": "Dev One",
                "GIT_COMMITTER_EMAIL": "dev@example.invalid", "GIT_AUTHOR_DATE": "1700000000 +0000",
                "GIT_COMMITTER_DATE": "1700000000 +0000",
            ])
        #expect(run.status == 0, "git \(arguments): \(run.stderr)")
        return run.stdout.filter { !$0.isNewline }
    }

    @Test func queueShowRecordAttestAndVerify() throws {
        let root = TestPaths.scratch("review")
        defer { TestPaths.remove(root) }
        let ws = root + "/ws"
        let repo = root + "/repo"
        #expect(try LedgerCLITests.custody(["keygen", "--name", "ledger.example.invalid/review", "--output", ws + "/keys/ledger"]).status == 0)
        #expect(try LedgerCLITests.custody(["keygen", "--name", "alice", "--output", root + "/alice"]).status == 0)
        try FileIO.makeDirectories(repo)
        _ = try Self.git(repo, ["init", "-q", "-b", "main"])
        try FileIO.writeAtomically(Array("print('hello')\n".utf8), to: repo + "/app.py", sync: false)
        _ = try Self.git(repo, ["add", "app.py"])
        _ = try Self.git(repo, ["commit", "-q", "-m", "first"])
        let first = try Self.git(repo, ["rev-parse", "HEAD"])
        try FileIO.writeAtomically(Array("import base64; exec(base64.b64decode('cHJpbnQoMSk='))\n".utf8), to: repo + "/app.py", sync: false)
        _ = try Self.git(repo, ["commit", "-q", "-am", "second"])
        let second = try Self.git(repo, ["rev-parse", "HEAD"])

        // What custody audit appends: the summary, and the full report as a blob.
        let report = """
            {"findings":[{"commit":"\(second)","severity":"high","ruleID":"decode-and-execute","path":"app.py","startLine":1,
            "explanation":"This line decodes hidden text and runs it as a program.","evidence":"exec(base64.b64decode(...))"},
            {"commit":"\(first)","severity":"low","ruleID":"unknown-identity","explanation":"The author is not on the roster.","evidence":"dev@example.invalid"}],
            "riskScore":0.5}
            """
        let signer = try NoteSigner(skey: String(decoding: try #require(try FileIO.read(ws + "/keys/ledger.key")).dropLast(), as: UTF8.self))
        let ledger = try Ledger.open(directory: ws + "/ledger", signer: signer, options: .init(durable: false))
        try ledger.append(.auditRun(repository: repo, gitCommit: second, toolVersion: "0.1.0", counts: ["high": 1, "low": 1], report: Array(report.utf8)))
        try ledger.checkpoint()
        ledger.close()

        let queue = try LedgerCLITests.custody(["review", "queue", "--workspace", ws])
        #expect(queue.status == 0, "\(queue.stderr)")
        let lines = queue.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.dropFirst().first?.hasPrefix("1. \(second.prefix(12)) score 30") == true)
        #expect(lines.last?.hasPrefix("2. \(first.prefix(12))") == true)

        let show = try LedgerCLITests.custody(["review", "show", String(second.prefix(10)), "--workspace", ws])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("[high] decode-and-execute: This line decodes hidden text and runs it as a program."))
        #expect(show.stdout.contains("+import base64; exec(base64.b64decode('cHJpbnQoMSk='))"))

        // Someone else's key cannot sign as alice.
        let wrong = try LedgerCLITests.custody([
            "review", "record", second, "--verdict", "cleared", "--note", "x", "--as", "bob", "--key", root + "/alice.key", "--workspace", ws,
        ])
        #expect(wrong.status == 2)
        let record = try LedgerCLITests.custody([
            "review", "record", String(second.prefix(12)), "--verdict", "malicious", "--note", "runs hidden code", "--as", "alice",
            "--key", root + "/alice.key", "--workspace", ws,
        ])
        #expect(record.status == 0, "\(record.stderr)")
        #expect(record.stdout.hasPrefix("recorded malicious on \(second) by alice as ledger entry 2"))
        let after = try LedgerCLITests.custody(["review", "queue", "--workspace", ws])
        #expect(after.stdout.contains("2 flagged commits, 1 with verdicts (alice: 1)"))
        #expect(!after.stdout.contains("1. \(second.prefix(12))"))

        // The attestation: signed, logged, with a receipt; tampering is caught.
        let out = root + "/att.json"
        let attest = try LedgerCLITests.custody(["attest", "--rev", "HEAD", "--repo", repo, "--workspace", ws, "--output", out])
        #expect(attest.status == 0, "\(attest.stderr)")
        #expect(attest.stdout.hasPrefix("FAILED: attested \(second)"))
        let verified = try LedgerCLITests.custody(["attest", "verify", out, "--workspace", ws])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("ok: FAILED attestation of \(second)") && verified.stdout.contains("logged as entry 3"))
        let envelope = try AuditAttestation.verify(envelope: Array(try #require(try FileIO.read(out)).dropLast()), key: signer.verifier)
        #expect(envelope.predicate["reviews"]?.arrayValue?.first?["reviewer"]?.stringValue == "alice")
        #expect(envelope.statement["subject"]?.arrayValue?.first?["digest"]?["gitTree"]?.stringValue?.utf8.count == 40)
        var tampered = try #require(try FileIO.read(out))
        tampered[30] = tampered[30] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try FileIO.writeAtomically(tampered, to: out, sync: false)
        #expect(try LedgerCLITests.custody(["attest", "verify", out, "--workspace", ws]).status == 1)

        let verify = try LedgerCLITests.custody(["ledger", "verify", "--workspace", ws, "--key", ws + "/keys/ledger.vkey"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("size 4") && verify.stdout.contains("2 blobs"))
    }
}
