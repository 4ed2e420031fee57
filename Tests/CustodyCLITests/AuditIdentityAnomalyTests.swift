import CustodyTestSupport
import Foundation
import Testing

/// `custody audit --format json` reports identity anomalies found over the whole history
/// (time zone pattern change, one email under several names, one name under several emails) and
/// folds a repeated per-commit anomaly into one finding per identity.
@Suite(.serialized) struct AuditIdentityAnomalyTests {
    @Test func historyAnomaliesInTheJSONReport() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("custody-cli-identity-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }

        let repo = try TemporaryGitRepository()
        var ids: [String] = []
        var n = 0
        func change(_ name: String, _ email: String, _ offset: String, committer: (String, String)? = nil) throws {
            n += 1
            try repo.write("f\(n).txt", "change \(n)\n")
            let date = "\(1_700_000_000 + n * 3_600) \(offset)"
            let author = TemporaryGitRepository.Signature(name: name, email: email, date: date)
            let by = committer.map { TemporaryGitRepository.Signature(name: $0.0, email: $0.1, date: date) }
            ids.append(try repo.commit("change \(n)", author: author, committer: by))
        }
        for _ in 0..<6 { try change("Alice Adams", "alice@vendor.example", "+0100") }
        for _ in 0..<3 { try change("Alice Adams", "alice@vendor.example", "-0700") }  // ids[6] first
        try change("Eve", "alice@vendor.example", "+0000")  // ids[9]
        try change("Alice Adams", "alice@home.example", "+0100")  // ids[10]
        for _ in 0..<4 { try change("Carol Chen", "carol@partner.example", "+0000", committer: ("Dave Dunn", "dave@vendor.example")) }  // ids[11...14]

        let output = home + "/report.json"
        let result = try CustodyBinary.run(
            ["audit", repo.path, "--workspace", home + "/ws", "--format", "json", "--output", output], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        let identity = findings.filter { $0["category"] as? String == "identity-anomaly" }
        func first(_ rule: String) -> [String: Any]? { identity.first { $0["ruleID"] as? String == rule } }

        let tz = try #require(first("CUST-IDENTITY-ANOMALY-006"), "\(identity.map { $0["ruleID"] ?? "" })")
        #expect(tz["commit"] as? String == ids[6])
        #expect(tz["severity"] as? String == "medium")
        #expect((tz["explanation"] as? String)?.hasPrefix("This person's changes suddenly started coming from a different time zone") == true)
        #expect(first("CUST-IDENTITY-ANOMALY-008")?["commit"] as? String == ids[9])
        #expect(first("CUST-IDENTITY-ANOMALY-009")?["commit"] as? String == ids[10])

        let applied = identity.filter { $0["ruleID"] as? String == "CUST-IDENTITY-ANOMALY-001" }
        #expect(applied.count == 1)
        #expect(applied.first?["relatedCommits"] as? [String] == Array(ids[11...14]))

        // A second run reads nothing new and reports the same identity anomalies.
        let output2 = home + "/report2.json"
        let again = try CustodyBinary.run(
            ["audit", repo.path, "--workspace", home + "/ws", "--format", "json", "--output", output2], home: home)
        #expect(again.status == 0, "\(again.stderr)")
        let json2 = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output2))) as? [String: Any])
        let findings2 = try #require(json2["findings"] as? [[String: Any]])
        func keys(_ list: [[String: Any]]) -> [String] {
            list.filter { $0["category"] as? String == "identity-anomaly" }
                .map { "\($0["ruleID"] ?? "") \($0["commit"] ?? "")" }.sorted()
        }
        #expect((json2["counts"] as? [String: Any])?["newCommits"] as? Int == 0)
        #expect(keys(findings2) == keys(identity))
    }
}
