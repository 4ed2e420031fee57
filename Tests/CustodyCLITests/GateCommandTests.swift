import CustodyTestSupport
import Foundation
import Testing

/// `custody gate RANGE` and examples/hooks/pre-receive on real repositories, through the built
/// executable. Exit codes as docs/exit-codes.md says: 0 nothing blocks, 1 something blocks,
/// 2 bad roster or policy, 3 not a repository, 64 usage.
@Suite(.serialized) struct GateCommandTests {
    static let roster = """
        people:
          - id: alice
            name: Alice Adams
            emails: [alice@vendor.example]
            citizenship: [US]
            usPerson: true
            clearance: secret
            roles: [developer, reviewer]
          - id: bob
            name: Bob Brown
            emails: [bob@vendor.example]
            citizenship: [CN]
            usPerson: false

        """

    static let policy = """
        rules:
          - id: restricted-authors
            description: Restricted nationals may not author code under src/.
            who: { citizenship: { anyOf: [CN, RU] } }
            forbid: author
            paths: ["src/**"]
            severity: critical

        """

    static let alice = TemporaryGitRepository.Signature(name: "Alice Adams", email: "alice@vendor.example", date: "1756728000 +0000")
    static let bob = TemporaryGitRepository.Signature(name: "Bob Brown", email: "bob@vendor.example", date: "1756814400 +0000")

    struct Setup {
        var home: AuditCommandTests.Home
        var repo: TemporaryGitRepository
        var roster: String
        var policy: String
        var base: String
    }

    static func setup() throws -> Setup {
        let home = try AuditCommandTests.Home()
        let repo = try TemporaryGitRepository()
        try repo.write("src/main.c", "int main(void) { return 0; }\n")
        let base = try repo.commit("Start", author: alice)
        return Setup(
            home: home, repo: repo, roster: try home.write("roster.yaml", roster), policy: try home.write("policy.yaml", policy), base: base
        )
    }

    /// A line with a right-to-left override inside an open comment: a blocking hidden-unicode finding.
    static let trojanLine = "int admin = 0; /* \u{202E} } if (is_admin) { \u{2066} */\n"

    func gate(_ s: Setup, _ range: String, _ extra: [String] = []) throws -> CustodyBinary.Result {
        try CustodyBinary.run(["gate", range, "--repo", s.repo.path, "--roster", s.roster, "--policy", s.policy, "--workspace", s.home.path + "/ws"] + extra, home: s.home.path)
    }

    @Test func gateExitCodesAndOneLinePerReason() throws {
        let s = try Self.setup()
        try s.repo.write("src/util.c", "int util(void) { return 1; }\n")
        let clean = try s.repo.commit("Clean change", author: Self.alice)
        var result = try gate(s, "\(s.base)..\(clean)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "custody: gate checked 1 commits: 0 blocking, 0 below --fail-on high\n")

        try s.repo.write("src/bob.c", "int bob(void) { return 2; }\n")
        let restricted = try s.repo.commit("Bob's change", author: Self.bob)
        try s.repo.write("docs/notes.md", "Bob may write docs.\n")
        let docs = try s.repo.commit("Docs by Bob", author: Self.bob)
        try s.repo.write("src/auth.c", Self.trojanLine)
        let trojan = try s.repo.commit("Auth tweak", author: Self.alice)
        result = try gate(s, "\(clean)..\(trojan)")
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 2, "\(result.stdout)")
        #expect(
            lines.first
                == "\(restricted.prefix(12)) [critical] policy restricted-authors: Bob Brown (bob) wrote this change, but the policy does not allow a citizen of CN or RU to author code in src/**. Found: authored by Bob Brown (bob)."
        )
        #expect(lines.last?.hasPrefix("\(trojan.prefix(12)) [critical] ") == true)
        #expect(lines.last?.contains(" src/auth.c:1: ") == true)
        #expect(!lines.contains { $0.hasPrefix(docs.prefix(12)) })  // docs/ is outside the rule's paths
        #expect(!result.stdoutBytes.contains(0x1b) && !result.stdout.unicodeScalars.contains("\u{202E}"))
        #expect(result.stderr.hasPrefix("custody: gate checked 3 commits: 2 blocking"))

        // A single revision checks that commit and its ancestors; --fail-on raises the bar.
        result = try gate(s, restricted, ["--fail-on", "critical"])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").count == 1)

        // Configuration errors exit 2, an unreadable repository 3, usage 64.
        let badPolicy = try s.home.write("bad.yaml", "rules:\n  - id: x\n    who: { citizenship: { anyOff: [CN] } }\n    forbid: author\n")
        result = try CustodyBinary.run(["gate", "HEAD", "--repo", s.repo.path, "--policy", badPolicy], home: s.home.path)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("custody: ") && result.stderr.contains("bad.yaml"))
        result = try CustodyBinary.run(["gate", "HEAD", "--repo", s.home.path, "--policy", s.policy], home: s.home.path)
        #expect(result.status == 3, "\(result.stderr)")
        result = try CustodyBinary.run(["gate", "HEAD", "--repo", s.repo.path, "--fail-on", "severe"], home: s.home.path)
        #expect(result.status == 64)
        result = try CustodyBinary.run(["gate", "no-such-ref..HEAD", "--repo", s.repo.path], home: s.home.path)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr == "custody: unknown revision or range: no-such-ref..HEAD\n")
    }

    struct Push {
        var status: Int32
        var stderr: String
    }

    /// `git push` from the work repository to the server; the hook inherits this environment.
    static func push(_ s: Setup, server: String, _ refspec: String) throws -> Push {
        let custody = try #require(CustodyBinary.url).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", s.repo.path, "push", "-q", server, refspec]
        process.environment = s.repo.environment.merging([
            "CUSTODY": custody, "CUSTODY_ROSTER": s.roster, "CUSTODY_POLICY": s.policy, "CUSTODY_WORKSPACE": s.home.path + "/hook-ws",
        ]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Push(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self))
    }

    static var hookSource: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/hooks/pre-receive").path
    }

    @Test func preReceiveHookAcceptsCleanPushesAndRefusesBlockedOnes() throws {
        let s = try Self.setup()
        let server = try TemporaryGitRepository(bare: true)
        // Seed the server before the hook exists, then install the example hook.
        try s.repo.git(["push", "-q", server.path, "main"])
        let hook = server.path + "/hooks/pre-receive"
        try FileManager.default.createDirectory(atPath: server.path + "/hooks", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.hookSource, toPath: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)

        // A clean commit is accepted.
        try s.repo.write("src/util.c", "int util(void) { return 1; }\n")
        let clean = try s.repo.commit("Clean change", author: Self.alice)
        var pushed = try Self.push(s, server: server.path, "main")
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(try server.gitString(["rev-parse", "main"]) == clean)

        // A commit that breaks the policy is refused, with its reason on one line.
        try s.repo.write("src/bob.c", "int bob(void) { return 2; }\n")
        let restricted = try s.repo.commit("Bob's change", author: Self.bob)
        pushed = try Self.push(s, server: server.path, "main")
        #expect(pushed.status != 0)
        // git pads "remote:" lines with spaces (to clear the pusher's terminal line).
        let remote = pushed.stderr.split(separator: "\n").map { String($0.reversed().drop { $0 == " " }.reversed()) }.filter { $0.hasPrefix("remote: ") }
        #expect(
            remote.contains(
                "remote: \(restricted.prefix(12)) [critical] policy restricted-authors: Bob Brown (bob) wrote this change, but the policy does not allow a citizen of CN or RU to author code in src/**. Found: authored by Bob Brown (bob)."
            ),
            "\(pushed.stderr)"
        )
        #expect(remote.contains("remote: custody: push to refs/heads/main refused (exit 1); see the reasons above."))
        #expect(remote.filter { $0.contains("[critical]") }.count == 1)
        #expect(try server.gitString(["rev-parse", "main"]) == clean)

        // A new branch carrying a blocking finding is refused as well (only its new commits are checked).
        try s.repo.git(["checkout", "-q", "-b", "feature", clean])
        try s.repo.write("src/auth.c", Self.trojanLine)
        let trojan = try s.repo.commit("Auth tweak", author: Self.alice)
        pushed = try Self.push(s, server: server.path, "feature")
        #expect(pushed.status != 0)
        #expect(pushed.stderr.contains("remote: \(trojan.prefix(12)) [critical] "), "\(pushed.stderr)")
        #expect(pushed.stderr.contains("src/auth.c:1"))
        #expect(!pushed.stderr.contains(clean.prefix(12)))
        #expect(try server.gitString(["for-each-ref", "refs/heads/feature"]).isEmpty)

        // A new branch at an already accepted commit has nothing new: accepted.
        try s.repo.git(["branch", "-f", "release", clean])
        pushed = try Self.push(s, server: server.path, "release")
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(try server.gitString(["rev-parse", "release"]) == clean)
    }
}
