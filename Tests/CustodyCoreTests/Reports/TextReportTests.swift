import CustodyCore
import Testing

@Suite struct TextReportTests {
    static func report() -> AuditReport {
        var report = AuditReport(repository: .init(path: "/srv/\u{1b}[2Jrepo", rootCommits: ["a" + String(repeating: "0", count: 39)]))
        report.refs = [RefTip(name: "refs/heads/ma\u{202E}in", tip: String(repeating: "b", count: 40))]
        report.counts.commits = 10
        report.counts.newCommits = 4
        report.options.incremental = true
        report.options.roster = "roster.yaml"
        report.options.rosterDigest = "sha256:" + String(repeating: "c", count: 64)
        report.findings = [
            Finding(
                ruleID: "CUST-HIDDEN-001",
                category: .hiddenUnicode,
                severity: .critical,
                confidence: .high,
                commit: String(repeating: "d", count: 40),
                path: "src/\u{202E}evil.c",
                startLine: 3,
                endLine: 4,
                excerpt: "if (x) {\u{202E} }\n\u{1b}[8mhidden",
                explanation: "This line contains characters that change how code is shown.",
                evidence: "U+202E at column 9",
                fingerprint: "fp"
            )
        ]
        report.counts.findings = 1
        report.counts.findingsBySeverity = ["critical": 1]
        report.problems = [ReadProblem(commit: String(repeating: "e", count: 40), path: "big\u{7}.bin", object: "f00", reason: "missing blob")]
        report.durationSeconds = 1.5
        return report
    }

    @Test func rendersEverySectionNeutralized() {
        let text = TextReport.render(Self.report())
        #expect(!text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x202E })
        #expect(text.contains("Custody audit of /srv/^[[2Jrepo"))
        #expect(text.contains("refs/heads/ma<U+202E>in bbbbbbbbbbbb"))
        #expect(text.contains("Commits      10 (4 new in this run, 6 from earlier runs), 0 merges"))
        #expect(text.contains("Findings     1 (1 critical)"))
        #expect(text.contains("CRITICAL  CUST-HIDDEN-001  dddddddddddd src/<U+202E>evil.c:3-4"))
        #expect(text.contains("    | if (x) {<U+202E> }\n    | ^[[8mhidden\n"))
        #expect(text.contains("Could not be read: the audit is incomplete (1)"))
        #expect(text.contains("commit eeeeeeeeeeee big^G.bin object f00: missing blob"))
        #expect(text.contains("Took 1.500 s"))
    }
}
