import CustodyTestSupport
import Foundation
import Testing

/// `custody audit --provenance` and `custody provenance` through the built executable.
@Suite(.serialized) struct ProvenanceCommandTests {
    static func makeRepository() throws -> (TemporaryGitRepository, gone: String, kept: String) {
        let repo = try TemporaryGitRepository()
        let alice = TemporaryGitRepository.Signature(name: "Alice Adams", email: "alice@vendor.example", date: "1756728000 +0000")
        let bob = TemporaryGitRepository.Signature(name: "Bob Brown", email: "bob@vendor.example", date: "1756814400 +0000")
        let rlo = "\u{202E}"
        try repo.write("src/a.c", "int alpha_value = 1;\nint check = 0; /* \(rlo) } if (admin) { */\nint gamma_value = 3;\n")
        let gone = try repo.commit("Add a.c", author: alice)
        try repo.write("src/b.c", "int one = 1; /* \(rlo) hidden */\n")
        let kept = try repo.commit("Add b.c", author: bob)
        try repo.write("src/a.c", "int alpha_value = 1;\nint gamma_value = 3;\n")
        try repo.commit("Drop the odd line", author: alice)
        return (repo, gone, kept)
    }

    @Test func auditWithProvenanceFillsTheReports() throws {
        let home = try AuditCommandTests.Home()
        let (repo, gone, kept) = try Self.makeRepository()
        let roster = try home.write("roster.yaml", GateCommandTests.roster)
        let arguments = ["audit", repo.path, "--roster", roster, "--workspace", home.path + "/ws", "--provenance", "--format", "json"]
        let result = try CustodyBinary.run(arguments, home: home.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdoutBytes)) as? [String: Any])
        let provenance = try #require(object["provenance"] as? [String: Any])
        let shares = try #require(provenance["shares"] as? [String: Any])
        #expect(shares["totalLines"] as? Int == 3)
        let person = try #require(shares["person"] as? [[String: Any]])
        #expect(person.map { $0["key"] as? String } == ["alice", "bob"])
        #expect(person.map { $0["lines"] as? Int } == [2, 1])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let byCommit = Dictionary(grouping: findings) { $0["commit"] as? String ?? "" }
        #expect(byCommit[gone]?.allSatisfy { $0["stillPresent"] as? Bool == false } == true)
        #expect(byCommit[kept]?.allSatisfy { $0["stillPresent"] as? Bool == true } == true)
        #expect(byCommit[gone]?.isEmpty == false && byCommit[kept]?.isEmpty == false)

        // Second run: nothing new to read, same provenance from the cache; HTML and text too.
        let html = try CustodyBinary.run(["audit", repo.path, "--roster", roster, "--workspace", home.path + "/ws", "--provenance", "--format", "html"], home: home.path)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("By US-person status"))
        #expect(html.stdout.contains("these lines were removed since"))
        let text = try CustodyBinary.run(["audit", repo.path, "--roster", roster, "--no-store", "--provenance"], home: home.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Who wrote the code at "))
        #expect(text.stdout.contains("3 surviving lines in 2 files, 0 (0.0%) by identities not on the roster"))

        // Without the flag the report has no provenance.
        let plain = try CustodyBinary.run(["audit", repo.path, "--no-store", "--format", "json"], home: home.path)
        let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdoutBytes)) as? [String: Any])
        #expect(plainObject["provenance"] == nil)
    }

    @Test func provenanceCommandPrintsShares() throws {
        let home = try AuditCommandTests.Home()
        let (repo, _, _) = try Self.makeRepository()
        let roster = try home.write("roster.yaml", GateCommandTests.roster)
        let result = try CustodyBinary.run(["provenance", repo.path, "--roster", roster, "--workspace", home.path + "/ws"], home: home.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(": 3 surviving lines in 2 files.\n"))
        #expect(result.stdout.contains(" 66.7%         2  alice\n"))
        let bad = try CustodyBinary.run(["provenance", repo.path, "--rev", "no-such-ref", "--workspace", home.path + "/ws"], home: home.path)
        #expect(bad.status == 64, "\(bad.stderr)")
        try FileManager.default.createDirectory(atPath: home.path + "/plain", withIntermediateDirectories: true)
        let notRepo = try CustodyBinary.run(["provenance", home.path + "/plain", "--workspace", home.path + "/ws2"], home: home.path)
        #expect(notRepo.status == 3, "\(notRepo.stderr)")
    }
}
