import ArgumentParser
import CustodyCore
import Foundation

/// `custody debug scan-text FILE…` (a subcommand of the hidden `custody debug`; register
/// `DebugScanTextCommand.self` and `DebugScanHistoryCommand.self` in `DebugCommand.subcommands`): runs the content detectors over files as if every line were
/// added by one commit, prints the findings and a throughput summary. For benchmarks and for
/// trying detectors on samples.
struct DebugScanTextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-text",
        abstract: "Run the content detectors over files as if every line were newly added."
    )

    @Argument(help: "Files to scan.")
    var files: [String]

    @Option(name: .customLong("as"), help: "Scan every file under this path (its extension picks the language).")
    var asPath: String?

    @Option(help: "Scan everything this many times (for throughput measurements).")
    var `repeat`: Int = 1

    @Flag(help: "Print only the summary line.")
    var quiet = false

    @Flag(name: .customLong("all-detectors"), help: "Run every registered detector (build, binary, dependency and identity too), not only the content detectors.")
    var allDetectors = false

    func run() async throws {
        var changes: [FileChange] = []
        var bytes = 0
        var lines = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("custody: cannot read \(sanitizeForTerminal(file))")
                throw CustodyExit.incomplete
            }
            var added = AddedLines()
            var number = 1
            for piece in data.split(separator: 0x0a, omittingEmptySubsequences: false) {
                added.append(number: number, text: piece)
                number += 1
            }
            bytes += added.byteCount
            lines += added.count
            changes.append(FileChange(kind: .add, oldPath: nil, newPath: asPath ?? file, addedLines: added))
        }
        let author = GitPersonStamp(name: "scan-text", email: "scan-text@localhost", time: 0, utcOffsetMinutes: 0)
        let commit = Commit(
            id: ObjectID(bytes: [UInt8](repeating: 0, count: 20)), parents: [], author: author, committer: author,
            subject: "scan-text", changes: changes)
        let suite = DetectorSuite(detectors: allDetectors ? DetectorRegistry.all : DetectorRegistry.content)
        var findings: [Finding] = []
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<max(1, self.repeat) {
                findings = suite.scan(commit, blobs: InMemoryBlobSource())
            }
        }
        if !quiet {
            for finding in findings {
                let place = "\(finding.path ?? "-"):\(finding.startLine.map(String.init) ?? "-")"
                print(
                    sanitizeForTerminal(
                        "\(finding.severity.rawValue.uppercased()) \(finding.ruleID) \(place): \(finding.explanation) \(finding.evidence)"
                    ))
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytes = Double(bytes * max(1, self.repeat)) / 1_000_000
        var counts: [String] = []
        for severity in Severity.allCases.reversed() {
            let n = findings.filter { $0.severity == severity }.count
            if n > 0 { counts.append("\(severity.rawValue)=\(n)") }
        }
        print(
            "scanned \(files.count) files, \(lines) lines, \(bytes) bytes x\(max(1, self.repeat)) in "
                + String(format: "%.3f", seconds) + " s: " + String(format: "%.1f", megabytes / max(seconds, 1e-9))
                + " MB/s; findings: " + (counts.isEmpty ? "none" : counts.joined(separator: " ")))
    }
}
