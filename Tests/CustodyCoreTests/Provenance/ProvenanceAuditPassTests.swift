@testable import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct ProvenanceAuditPassTests {
    struct Built {
        var repo: TemporaryGitRepository
        var ids: [String: String]
    }

    /// Alice adds src/a.c with a right-to-left override on line 3; unknown Dave adds src/b.c
    /// with one on line 2; Bob later deletes Alice's line 3 and adds one line; Carol adds a
    /// binary file with a hidden character finding-free payload.
    static func build() throws -> Built {
        let repo = try TemporaryGitRepository()
        var ids: [String: String] = [:]
        let rlo = "\u{202E}"
        try repo.write("src/a.c", "int alpha_value = 1;\nint beta_value = 2;\nint check = 0; /* \(rlo) } if (admin) { */\nint delta_value = 4;\n")
        ids["alice"] = try repo.commit("Add a.c", author: TestRoster.signature(TestRoster.alice, "2025-01-01"))
        try repo.write("src/b.c", "int one_from_dave = 1;\nint two = 2; /* \(rlo) hidden */\nint three_from_dave = 3;\n")
        ids["dave"] = try repo.commit("Add b.c", author: TestRoster.dave)
        try repo.write("src/a.c", "int alpha_value = 1;\nint beta_value = 2;\nint delta_value = 4;\nint bob_was_here = 5;\n")
        ids["bob"] = try repo.commit("Remove the odd line", author: TestRoster.signature(TestRoster.bob, "2025-10-01"))
        return Built(repo: repo, ids: ids)
    }

    static func audit(_ built: Built, passes: [any AuditReportPass]) throws -> AuditReport {
        let auditor = Auditor(
            AuditConfiguration(
                jobs: 2,
                resolver: IdentityResolver(roster: TestRoster.roster),
                detectors: DetectorSuite(detectors: [HiddenUnicodeDetector()]),
                passes: passes
            )
        )
        return try auditor.run(try GitRepository(path: built.repo.path)).report
    }

    static func shares(_ rows: [ProvenanceReport.Share]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0.lines) })
    }

    @Test func findingsKnowWhetherTheirLinesSurvive() throws {
        let built = try Self.build()
        let report = try Self.audit(built, passes: [ProvenanceAuditPass(jobs: 2)])
        let alice = try #require(report.findings.first { $0.commit == built.ids["alice"] })
        let dave = try #require(report.findings.first { $0.commit == built.ids["dave"] })
        #expect(alice.path == "src/a.c" && alice.startLine == 3)
        #expect(dave.path == "src/b.c" && dave.startLine == 2)
        #expect(alice.stillPresent == false)
        #expect(dave.stillPresent == true)
        #expect(report.findings.allSatisfy { $0.stillPresent != nil })

        let p = try #require(report.provenance)
        #expect(p.revision == built.ids["bob"])
        #expect(p.files == 2)
        #expect(p.shares.totalLines == 7)
        let unknown = "(unknown identity)"
        #expect(Self.shares(p.shares.person) == ["alice": 3, "bob": 1, "\(unknown) Dave Unknown <dave@elsewhere.example>": 3])
        #expect(Self.shares(p.shares.employer) == ["Vendor Inc": 3, "Offshore Ltd": 1, unknown: 3])
        #expect(Self.shares(p.shares.citizenship) == ["US": 3, "CN": 1, unknown: 3])
        #expect(Self.shares(p.shares.usPerson) == ["yes": 3, "no": 1, unknown: 3])
        #expect(Self.shares(p.shares.clearance) == ["secret": 3, "none": 1, unknown: 3])
        #expect(Self.shares(p.shares.roster) == ["on the roster": 4, "not on the roster": 3])
        #expect(p.shares.usPerson.first { $0.key == "yes" }?.share == 3.0 / 7.0)
        #expect(p.unknownLines == 3)
        // Alice's and Dave's commits have findings: their 3 + 3 surviving lines are flagged.
        #expect(p.flaggedLines == 6)
        // Two findings: Alice's (her line was deleted by Bob) and Dave's (still there).
        #expect(report.findings.count == 2)
        #expect(p.findingsStillPresent == 1 && p.findingsGone == 1 && p.findingsUnknown == 0)

        // The JSON report carries it (and round-trips); the HTML report draws the chart.
        let json = try JSONReport.render(report)
        let decoded = try JSONDecoder().decode(AuditReport.self, from: Data(json))
        #expect(decoded.provenance == report.provenance)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let provenance = try #require(object["provenance"] as? [String: Any])
        #expect(provenance["unknownLines"] as? Int == 3)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["stillPresent"] as? Bool == false })
        let html = String(decoding: HTMLReport.render(report), as: UTF8.self)
        #expect(html.contains("Who wrote the code that is there today"))
        #expect(!html.contains("vetting status was not computed"))
        #expect(html.contains("By US-person status"))
        #expect(html.contains("these lines were removed since"))
        #expect(html.contains("&lt;dave@elsewhere.example&gt;"))
        let text = PolicyText.provenance(report.provenance)
        #expect(text.contains("7 surviving lines in 2 files, 3 (42.9%) by identities not on the roster, 6 from flagged commits."))
    }

    @Test func withoutThePassNothingIsComputed() throws {
        let built = try Self.build()
        let report = try Self.audit(built, passes: [])
        #expect(report.provenance == nil)
        #expect(report.findings.allSatisfy { $0.stillPresent == nil })
        let html = String(decoding: HTMLReport.render(report), as: UTF8.self)
        #expect(html.contains("vetting status was not computed"))
        #expect(PolicyText.provenance(nil) == "")
    }

    @Test func violationsFlagLinesAndTheCacheIsReused() throws {
        let built = try Self.build()
        let workspace = built.repo.url.deletingLastPathComponent().appendingPathComponent("ws").path
        let policy = try PolicyLoader.parse("rules:\n  - id: restricted\n    who: { citizenship: { anyOf: [CN] } }\n    forbid: author\n")
        let first = try Self.audit(built, passes: [PolicyAuditPass(policy: policy), ProvenanceAuditPass(cacheDirectory: workspace, jobs: 1)])
        // Bob's commit breaks the policy: his one surviving line is flagged too.
        #expect(first.violations?.map(\.commit) == [built.ids["bob"]!])
        #expect(first.provenance?.flaggedLines == 7)
        #expect(FileManager.default.fileExists(atPath: workspace))
        // A second run reads the cached state and gives the same answer.
        let second = try Self.audit(built, passes: [PolicyAuditPass(policy: policy), ProvenanceAuditPass(cacheDirectory: workspace, jobs: 1)])
        #expect(second.provenance == first.provenance)
        #expect(second.findings.map(\.stillPresent) == first.findings.map(\.stillPresent))
    }

    @Test func rangeAuditsAttributeTheRangeTip() throws {
        let built = try Self.build()
        // Auditing only up to Dave's commit: Alice's line is still there at that revision.
        let auditor = Auditor(
            AuditConfiguration(
                refs: .range(built.ids["dave"]!),
                jobs: 1,
                resolver: IdentityResolver(roster: TestRoster.roster),
                detectors: DetectorSuite(detectors: [HiddenUnicodeDetector()]),
                passes: [ProvenanceAuditPass(jobs: 1)]
            )
        )
        let report = try auditor.run(try GitRepository(path: built.repo.path)).report
        #expect(report.provenance?.revision == built.ids["dave"])
        #expect(report.provenance?.shares.totalLines == 7)
        #expect(report.findings.allSatisfy { $0.stillPresent == true })
    }

    @Test func binaryAndCommitLevelFindingsAreUnknown() throws {
        let built = try Self.build()
        try built.repo.write("assets/blob.bin", bytes: [0, 1, 2, 3, 0xff, 0, 0x7f])
        let id = try built.repo.commit("Add a binary", author: TestRoster.signature(TestRoster.carol, "2025-10-02"))
        let snapshot = try ProvenanceBuilder(repository: built.repo.path, jobs: 1).build()
        #expect(snapshot.unattributedPaths == ["assets/blob.bin"])
        let index = SurvivalIndexProbe(snapshot)
        #expect(index.answer(commit: id, path: "assets/blob.bin", line: nil) == nil)
        #expect(index.answer(commit: id, path: nil, line: nil) == nil)
        #expect(index.answer(commit: built.ids["alice"]!, path: "src/a.c", line: 3) == false)
        #expect(index.answer(commit: built.ids["alice"]!, path: "src/a.c", line: 4) == true)
        #expect(index.answer(commit: built.ids["alice"]!, path: "src/a.c", line: nil) == true)
        #expect(index.answer(commit: built.ids["alice"]!, path: "src/gone.c", line: nil) == false)
    }
}

/// Drives the audit pass's survival rule through real findings built for the probe.
struct SurvivalIndexProbe {
    var snapshot: ProvenanceSnapshot

    init(_ snapshot: ProvenanceSnapshot) { self.snapshot = snapshot }

    func answer(commit: String, path: String?, line: Int?) -> Bool? {
        let finding = Finding(
            ruleID: "probe", category: .hiddenUnicode, severity: .low, confidence: .high, commit: commit, path: path,
            startLine: line, endLine: line, excerpt: "", explanation: "", evidence: "", fingerprint: "probe"
        )
        return ProvenanceAuditPass.stillPresent(finding, in: snapshot)
    }
}
