import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

/// Opens a hostile report in headless Chromium (Debian package `chromium`) and checks that
/// nothing runs and nothing is fetched. Skipped when chromium is not installed.
@Suite struct HTMLBrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    func chromiumArguments(_ profile: URL) -> [String] {
        [
            "60", Self.chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--disable-background-networking", "--disable-component-update",
        ]
    }

    @Test(.enabled(if: HTMLBrowserTests.chromium != nil, "chromium is not installed (apt-get install -y chromium)"))
    func hostileReportRunsNothingAndFetchesNothing() throws {
        let repo = try ReportFixtures.makeRepository()
        let report = try ReportFixtures.audit(repo)
        let bytes = HTMLReport.render(report)
        let page = try ReportFixtures.temporaryFile("report.html", bytes)
        let directory = page.deletingLastPathComponent()
        let profile = directory.appendingPathComponent("profile")

        let (status, dom) = try ReportFixtures.run(
            "/usr/bin/timeout", chromiumArguments(profile) + ["--dump-dom", page.absoluteString]
        )
        #expect(status == 0, "chromium failed: \(dom.suffix(2_000))")
        #expect(dom.contains("<title>Custody audit report</title>"))
        #expect(!dom.contains("<title>pwned"))
        #expect(!dom.lowercased().contains("<script"))
        #expect(!dom.lowercased().contains("<img"))
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(dom.contains("javascript:document.title"))

        // Nothing in the file can make a request: no src/href/url() other than data: or #.
        let html = String(decoding: bytes, as: UTF8.self).lowercased()
        for needle in ["url(", "@import", "<link", "<iframe", "<object", "<embed", "<form", "<script", "<img"] {
            #expect(!html.contains(needle), "report contains \(needle)")
        }
        for tag in ReportFixtures.tags(html) {
            #expect(!tag.contains("src=") && !tag.contains("href="), "tag <\(tag)> could load something")
        }

        let shot = directory.appendingPathComponent("report.png")
        let (shotStatus, shotOutput) = try ReportFixtures.run(
            "/usr/bin/timeout",
            chromiumArguments(profile) + ["--window-size=1200,2000", "--screenshot=\(shot.path)", page.absoluteString]
        )
        #expect(shotStatus == 0, "screenshot failed: \(shotOutput.suffix(2_000))")
        let png = try Data(contentsOf: shot)
        #expect(png.count > 10_000)
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        if let keep = ProcessInfo.processInfo.environment["CUSTODY_REPORT_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: keep))
        }
    }
}
