import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct HTMLReportTests {
    func html(_ report: AuditReport) -> String {
        String(decoding: HTMLReport.render(report), as: UTF8.self)
    }

    @Test func escapesMarkupAndShowsHiddenCharacters() {
        #expect(HTMLReport.escape("<script>&\"'") == "&lt;script&gt;&amp;&quot;&#39;")
        let bidi = HTMLReport.escape("a\u{202E}b\u{1b}[2J")
        #expect(bidi.contains("&lt;U+202E&gt;"))
        #expect(bidi.contains("&lt;U+001B&gt;") || bidi.contains("^["))
        #expect(!bidi.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x1B })
        #expect(HTMLReport.escape("line\nnext", multiline: true) == "line\nnext")
    }

    @Test func realAuditIsSelfContainedAndEscaped() throws {
        let repo = try ReportFixtures.makeRepository()
        let report = try ReportFixtures.audit(repo)
        let page = html(report)
        #expect(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""))
        // No active or external content at all.
        let lower = page.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("<img"))
        #expect(!lower.contains("<a "))
        for tag in ReportFixtures.tags(page) {
            #expect(!tag.contains("src=") && !tag.contains("href=") && !tag.contains(" on"), "tag <\(tag)>")
        }
        #expect(!lower.contains("<link"))
        #expect(!lower.contains("@import"))
        // The hostile subject, path and name are there, escaped.
        #expect(page.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
        #expect(page.contains("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"))
        #expect(page.contains("javascript:"))
        #expect(!page.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x2066 })
        #expect(page.contains("&lt;U+202E&gt;"))
        // Plain summary, charts, people, findings with who and where.
        #expect(page.contains("suspicious changes"))
        #expect(page.contains("<svg class=\"chart\""))
        #expect(page.contains("Bruno Nakamura"))
        #expect(page.contains("not on the roster"))
        #expect(page.contains(ReportFixtures.bidiRule.summary))
        #expect(page.contains("src/check.c"))
        #expect(page.contains("was not computed"))
        #expect(page.contains("@media print"))
    }

    @Test func longListsAreCapped() {
        let report = ReportFixtures.handBuilt(findings: 30)
        let page = String(decoding: HTMLReport.render(report, maximumRows: 10), as: UTF8.self)
        #expect(page.contains("… and 20 more findings"))
        #expect(page.components(separatedBy: "<article class=\"finding").count - 1 == 10)
    }

    @Test func cappedRenderStaysSmallForHugeReports() {
        var report = ReportFixtures.handBuilt(findings: 20_000)
        report.timeline = (0..<400).map { AuditReport.TimelineMonth(month: "m\($0)", usPersons: $0, otherRoster: 1, unknown: 2) }
        let bytes = HTMLReport.render(report)
        #expect(bytes.count < 5_000_000)
        #expect(String(decoding: bytes, as: UTF8.self).contains("… and 19500 more findings"))
    }

    @Test func problemsAndEmptyReportsSayWhatHappened() {
        var report = AuditReport(repository: .init(path: "p", rootCommits: []))
        report.problems = [ReadProblem(commit: String(repeating: "c", count: 40), reason: "object <missing>")]
        let page = html(report)
        #expect(page.contains("What could not be read"))
        #expect(page.contains("object &lt;missing&gt;"))
        #expect(page.contains("No suspicious changes were found."))
        #expect(page.contains("The timeline was not computed"))
    }

    @Test func policyViolationsAreShownEscaped() {
        var report = AuditReport(repository: .init(path: "p", rootCommits: []))
        #expect(!html(report).contains("Policy violations"))
        report.violations = [
            Violation(
                ruleID: "restricted-authors",
                commit: String(repeating: "d", count: 40),
                personID: nil,
                identity: "Eve <eve@evil.example><script>x</script>",
                severity: .critical,
                explanation: "A person the policy restricts wrote this commit.",
                required: "no commits by restricted people",
                found: "a commit by an unknown identity",
                paths: ["src/<b>auth</b>.c"]
            )
        ]
        let page = html(report)
        #expect(page.contains("Policy violations"))
        #expect(page.contains("A person the policy restricts wrote this commit."))
        #expect(page.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(page.contains("src/&lt;b&gt;auth&lt;/b&gt;.c"))
        #expect(!page.contains("<script>"))
    }
}
