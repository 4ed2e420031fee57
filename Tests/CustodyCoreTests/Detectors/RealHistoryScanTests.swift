import Foundation
import Testing

@testable import CustodyCore

/// Measurement harness for false alarms on real histories (not part of the normal run): set
/// `CUSTODY_FP_REPOS` to colon-separated repository paths and `CUSTODY_FP_OUT` to a report
/// file; Benchmarks/false-alarms-build.sh drives it. Without the variables the test does nothing.
struct RealHistoryScanTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CUSTODY_FP_REPOS"] != nil))
    func scanRealHistories() throws {
        let env = ProcessInfo.processInfo.environment
        let repos = (env["CUSTODY_FP_REPOS"] ?? "").split(separator: ":").map(String.init)
        let onlyBuild = env["CUSTODY_FP_ONLY_BUILD"] == "1"
        let suite = DetectorSuite(detectors: onlyBuild ? DetectorRegistry.buildDetectors : DetectorRegistry.all)
        var report = "repository\tcommits\tcritical\thigh\tmedium\tlow\tinfo\tseconds\n"
        var details = ""
        for path in repos {
            let started = Date()
            let repository = try GitRepository(path: path)
            let blobs = try repository.blobReader()
            let collected = Collected()
            let counts = Counts()
            let summary = try repository.readHistory(HistoryOptions(jobs: 2)) { index, commit in
                let findings = suite.scan(commit, blobs: blobs)
                counts.add(findings)
                _ = index
            }
            _ = collected
            blobs.close()
            let seconds = Date().timeIntervalSince(started)
            let c = counts.bySeverity
            report += "\(path)\t\(summary.commitCount)\t\(c[.critical, default: 0])\t\(c[.high, default: 0])\t\(c[.medium, default: 0])\t\(c[.low, default: 0])\t\(c[.info, default: 0])\t\(Int(seconds))\n"
            for finding in counts.loud.prefix(200) {
                details += "\(path)\t\(finding.severity.rawValue)\t\(finding.ruleID)\t\(finding.commit.prefix(12))\t\(finding.path ?? "")\t\(finding.evidence.prefix(200))\n"
            }
            var rules = ""
            for (rule, n) in counts.byRule.sorted(by: { $0.key < $1.key }) { rules += "\(path)\t\(rule)\t\(n)\n" }
            details += rules
        }
        if let out = env["CUSTODY_FP_OUT"] {
            try Data((report + "\n" + details).utf8).write(to: URL(fileURLWithPath: out))
        }
    }
}

/// Counts findings from the history reader's concurrent consumer.
final class Counts: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private(set) var bySeverity: [Severity: Int] = [:]
    private(set) var byRule: [String: Int] = [:]
    private(set) var loud: [Finding] = []

    func add(_ findings: [Finding]) {
        lock.lock()
        defer { lock.unlock() }
        for finding in findings {
            bySeverity[finding.severity, default: 0] += 1
            byRule[finding.ruleID, default: 0] += 1
            if finding.severity >= .high, loud.count < 500 { loud.append(finding) }
        }
    }
}
