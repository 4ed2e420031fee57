import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

/// Golden files for the JSON, SARIF and HTML of a fixed repository (fixed dates and identities).
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --skip-build --filter SnapshotTests` (it
/// records, then fails so a recording is never mistaken for a pass); review the diff.
@Suite struct SnapshotTests {
    static let directory = ReportFixtures.packageRoot().appendingPathComponent("Tests/CustodyCoreTests/Snapshots")

    /// The fixed report with volatile fields scrubbed (duration, start time, version, paths).
    static func report() throws -> AuditReport {
        let repo = try ReportFixtures.makeRepository()
        var report = try ReportFixtures.audit(repo, onlyPlanted: true)
        report.startedAt = "2026-01-01T00:00:00Z"
        report.durationSeconds = 0
        report.tool.version = "0.0.0-snapshot"
        report.repository.path = "/fixture/repo"
        return report
    }

    func check(_ name: String, _ bytes: [UInt8]) throws {
        let url = Self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            Issue.record("recorded \(name); run again without RECORD_SNAPSHOTS")
            return
        }
        let expected = try Data(contentsOf: url)
        if expected != Data(bytes) {
            let actual = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("actual-" + name)
            try? Data(bytes).write(to: actual)
            Issue.record("\(name) differs from the golden file; actual output at \(actual.path)")
        }
    }

    @Test func json() throws {
        try check("audit.json", try JSONReport.render(Self.report()))
    }

    @Test func sarif() throws {
        try check("audit.sarif", try SARIFReport.render(Self.report(), rules: [ReportFixtures.pipeRule, ReportFixtures.bidiRule]))
    }

    @Test func html() throws {
        try check("audit.html", HTMLReport.render(try Self.report()))
    }
}
