import ArgumentParser
import CustodyCore
import Foundation

/// `custody debug scan-history REPO`: runs the content detectors over every commit of a
/// repository, reading `git log -p` directly (a stand-in for the audit while measuring false
/// alarms). Prints findings at or above `--show` and a summary per severity and per rule.
struct DebugScanHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-history",
        abstract: "Run the content detectors over the added lines of every commit of a repository."
    )

    @Argument(help: "Path to a git repository (bare or not).")
    var repository: String

    @Option(help: "Print findings at or above this severity.")
    var show: String = "high"

    @Option(help: "Revisions to scan (default: --all).")
    var revisions: String = "--all"

    func run() async throws {
        guard let threshold = Severity(rawValue: show) else { throw CustodyExit.usage }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "--git-dir", gitDir(repository), "-c", "core.quotePath=false", "log", revisions, "-p", "--no-color",
            "--no-ext-diff", "--no-renames", "--unified=0", "--format=%x00%H",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()

        let suite = DetectorSuite(detectors: DetectorRegistry.content)
        var parser = PatchParser()
        var commits = 0
        var bytes = 0
        var bySeverity: [Severity: Int] = [:]
        var byRule: [String: Int] = [:]
        let clock = ContinuousClock()
        var detectorTime = Duration.zero
        func finish(_ commit: Commit?) {
            guard let commit else { return }
            commits += 1
            bytes += commit.changes.reduce(0) { $0 + $1.addedLines.byteCount }
            var findings: [Finding] = []
            detectorTime += clock.measure { findings = suite.scan(commit, blobs: InMemoryBlobSource()) }
            for finding in findings {
                bySeverity[finding.severity, default: 0] += 1
                byRule["\(finding.ruleID) \(finding.severity.rawValue)", default: 0] += 1
                if finding.severity >= threshold {
                    print(sanitize(
                        "\(finding.severity.rawValue.uppercased()) \(finding.ruleID) \(commit.id.description.prefix(10)) \(finding.path ?? "-"):\(finding.startLine ?? 0): \(finding.evidence) | \(finding.excerpt.prefix(160))"
                    ))
                }
            }
        }
        let handle = pipe.fileHandleForReading
        var pending: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0a) {
                if let done = parser.feed(pending[start..<newline]) { finish(done) }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty, let done = parser.feed(pending[...]) { finish(done) }
        finish(parser.flush())
        process.waitUntilExit()
        let seconds = Double(detectorTime.components.seconds) + Double(detectorTime.components.attoseconds) / 1e18
        let severities = Severity.allCases.reversed().map { "\($0.rawValue)=\(bySeverity[$0, default: 0])" }
        print("repository \(repository): \(commits) commits, \(bytes) added bytes, detectors \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", Double(bytes) / 1e6 / max(seconds, 1e-9))) MB/s); findings: \(severities.joined(separator: " "))")
        for (rule, count) in byRule.sorted(by: { $0.key < $1.key }) { print("  \(rule): \(count)") }
    }

    private func gitDir(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/.git", isDirectory: &isDirectory) { return path + "/.git" }
        return path
    }
}

/// A minimal parser of `git log -p --unified=0 --format=%x00%H` output into commits with added
/// lines (for the debug command only; the audit has the real reader).
struct PatchParser {
    private var commit: Commit?
    private var change: FileChange?
    private var nextLine = 0
    private var inBinaryOrHeader = false

    private static let stamp = GitPersonStamp(name: "", email: "", time: 0, utcOffsetMinutes: 0)

    /// Feeds one line; returns a finished commit when a new one starts.
    mutating func feed(_ line: ArraySlice<UInt8>) -> Commit? {
        if line.first == 0, let id = ObjectID(hex: line.dropFirst()) {
            let done = flush()
            commit = Commit(id: id, parents: [], author: Self.stamp, committer: Self.stamp, subject: "")
            return done
        }
        guard commit != nil else { return nil }
        if line.starts(with: "diff --git ".utf8) {
            closeChange()
            change = nil
            return nil
        }
        if line.starts(with: "+++ ".utf8) {
            closeChange()
            var path = line.dropFirst(4)
            if path.first == 0x22 { path = path.dropFirst().dropLast() }
            if path.starts(with: "b/".utf8) { path = path.dropFirst(2) }
            if path.elementsEqual("/dev/null".utf8) {
                change = nil
            } else {
                change = FileChange(kind: .modify, oldPath: nil, newPath: String(decoding: path, as: UTF8.self))
            }
            return nil
        }
        if line.starts(with: "@@ ".utf8) {
            // @@ -a,b +c,d @@
            if let plus = line.firstIndex(of: 0x2b) {
                var value = 0
                var i = plus + 1
                while i < line.endIndex, line[i] >= 0x30, line[i] <= 0x39 {
                    value = value * 10 + Int(line[i] - 0x30)
                    i += 1
                }
                nextLine = value
            }
            return nil
        }
        if line.first == 0x2b, change != nil {
            change!.addedLines.append(number: nextLine, text: line.dropFirst())
            nextLine += 1
        }
        return nil
    }

    private mutating func closeChange() {
        if let change, !change.addedLines.isEmpty { commit?.changes.append(change) }
        self.change = nil
    }

    mutating func flush() -> Commit? {
        closeChange()
        let done = commit
        commit = nil
        return done
    }
}

private func sanitize(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        let v = scalar.value
        if v < 0x20 || v == 0x7f || (0x80...0x9f).contains(v) || (0x200b...0x200f).contains(v)
            || (0x202a...0x202e).contains(v) || (0x2060...0x2069).contains(v) || v == 0xfeff
            || (0xe0000...0xe01ef).contains(v) || (0xfe00...0xfe0f).contains(v)
        {
            out += "\\u{\(String(v, radix: 16))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
