import ArgumentParser
import CustodyCore
import Foundation
import Synchronization

/// `custody debug scan-history REPO`: runs the content detectors over every commit of a
/// repository read with the git history reader (merges with `--remerge-diff`, old blobs through
/// one `cat-file` stream), to measure false alarms and throughput without the rest of the audit.
/// Prints findings at or above `--show` and a summary per severity and per rule.
struct DebugScanHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-history",
        abstract: "Run the content detectors over the added lines of every commit of a repository."
    )

    @Argument(help: "Path to a git repository (work tree or git directory).")
    var repository: String

    @Option(help: "Print findings at or above this severity.")
    var show: String = "high"

    @Flag(help: "Read every ref, including pull-request refs.")
    var allRefs = false

    @Option(help: "Number of git processes (default: number of cores).")
    var jobs: Int?

    @Flag(name: .customLong("all-detectors"), help: "Run every registered detector (as the audit does), not only the content detectors.")
    var allDetectors = false

    @Option(help: "Read the history into memory first (blobs the detectors read are cached in a warm-up pass), then time this many detector passes over it on one thread and print each pass and the median (throughput benchmark).")
    var passes: Int?

    func run() async throws {
        guard let threshold = Severity(rawValue: show) else { throw CustodyExit.usage }
        let repo: GitRepository
        do { repo = try GitRepository(path: repository) } catch { throw reportError(error) }
        let blobs = try repo.blobReader()
        defer { blobs.close() }
        let suite = DetectorSuite(detectors: allDetectors ? DetectorRegistry.all : DetectorRegistry.content)
        if let passes {
            guard passes >= 1 else { throw CustodyExit.usage }
            try benchmark(repo: repo, blobs: blobs, suite: suite, passes: passes)
            return
        }
        struct Tally {
            var commits = 0
            var bytes = 0
            var detectorNanos: Int64 = 0
            var bySeverity: [Severity: Int] = [:]
            var byRule: [String: Int] = [:]
            var shown: [(Int, String)] = []
        }
        let tally = Mutex(Tally())
        let clock = ContinuousClock()
        let started = clock.now
        let options = HistoryOptions(refs: allRefs ? .allRefs : .branchesAndTags, jobs: jobs)
        let summary = try repo.readHistory(options) { index, commit in
            var findings: [Finding] = []
            let spent = clock.measure { findings = suite.scan(commit, blobs: blobs) }
            let bytes = commit.changes.reduce(0) { $0 + $1.addedLines.byteCount }
            var lines: [(Int, String)] = []
            for finding in findings where finding.severity >= threshold {
                lines.append((index, sanitizeForTerminal(
                    "\(finding.severity.rawValue.uppercased()) \(finding.ruleID) \(commit.id.description.prefix(10)) \(finding.path ?? "-"):\(finding.startLine ?? 0): \(finding.evidence) | \(finding.excerpt.prefix(160))"
                )))
            }
            tally.withLock { t in
                t.commits += 1
                t.bytes += bytes
                t.detectorNanos += spent.components.seconds * 1_000_000_000 + spent.components.attoseconds / 1_000_000_000
                for finding in findings {
                    t.bySeverity[finding.severity, default: 0] += 1
                    t.byRule["\(finding.ruleID) \(finding.severity.rawValue)", default: 0] += 1
                }
                t.shown.append(contentsOf: lines)
            }
        }
        let wall = clock.now - started
        let t = tally.withLock { $0 }
        for (_, line) in t.shown.sorted(by: { $0.0 < $1.0 }) { print(line) }
        let detectorSeconds = Double(t.detectorNanos) / 1e9
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let severities = Severity.allCases.reversed().map { "\($0.rawValue)=\(t.bySeverity[$0, default: 0])" }
        print(
            "repository \(repository): \(t.commits) commits, \(t.bytes) added bytes, wall \(String(format: "%.1f", wallSeconds)) s, detectors \(String(format: "%.2f", detectorSeconds)) s CPU (\(String(format: "%.1f", Double(t.bytes) / 1e6 / max(detectorSeconds, 1e-9))) MB/s per core), unreadable \(summary.problems.count); findings: \(severities.joined(separator: " "))"
        )
        for (rule, count) in t.byRule.sorted(by: { $0.key < $1.key }) { print("  \(rule): \(count)") }
    }
}

extension DebugScanHistoryCommand {
    /// Reads every commit into memory, runs one untimed warm-up pass that also caches the blobs
    /// the detectors read, then times `passes` detector passes over the commits in history order
    /// on one thread: only the detectors' work is measured (no git, no parsing, no blob reads).
    func benchmark(repo: GitRepository, blobs: some BlobSource, suite: DetectorSuite, passes: Int) throws {
        let collected = Mutex<[(Int, Commit)]>([])
        let options = HistoryOptions(refs: allRefs ? .allRefs : .branchesAndTags, jobs: jobs)
        _ = try repo.readHistory(options) { index, commit in
            collected.withLock { $0.append((index, commit)) }
        }
        let commits = collected.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
        let bytes = commits.reduce(0) { $0 + $1.changes.reduce(0) { $0 + $1.addedLines.byteCount } }
        let cache = CachingBlobSource(blobs)
        var findings = 0
        for commit in commits { findings += suite.scan(commit, blobs: cache).count }
        let clock = ContinuousClock()
        var speeds: [Double] = []
        for pass in 1...passes {
            var count = 0
            // A fresh suite per pass: its blob memos start empty, as in an audit.
            let fresh = DetectorSuite(detectors: suite.detectors, explainer: suite.explainer)
            let elapsed = clock.measure {
                for commit in commits { count += fresh.scan(commit, blobs: cache).count }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let speed = Double(bytes) / 1e6 / max(seconds, 1e-9)
            speeds.append(speed)
            print("pass \(pass): \(String(format: "%.3f", seconds)) s, \(String(format: "%.1f", speed)) MB/s, \(count) findings")
        }
        let median = speeds.sorted()[speeds.count / 2]
        print(
            "repository \(repository): \(commits.count) commits, \(bytes) added bytes, \(suite.detectors.count) detectors, \(findings) findings; median of \(passes): \(String(format: "%.1f", median)) MB/s"
        )
    }
}

/// Remembers every blob read (benchmark only: the history's blobs must fit in memory).
final class CachingBlobSource<Base: BlobSource>: BlobSource {
    let base: Base
    let cache = Mutex<[ObjectID: [UInt8]?]>([:])

    init(_ base: Base) { self.base = base }

    func read(_ id: ObjectID, limit: Int) -> [UInt8]? {
        if let hit = cache.withLock({ $0[id] }) {
            guard let bytes = hit else { return nil }
            return bytes.count > limit ? Array(bytes.prefix(limit)) : bytes
        }
        // Read with the largest limit any detector uses, so one entry serves every caller.
        let bytes = base.read(id, limit: max(limit, 64 << 20))
        cache.withLock { $0[id] = .some(bytes) }
        guard let bytes else { return nil }
        return bytes.count > limit ? Array(bytes.prefix(limit)) : bytes
    }
}

/// Control characters, bidi controls and invisible characters are shown as `\u{…}` so that text
/// from a scanned repository cannot act on the terminal.
func sanitizeForTerminal(_ text: String) -> String {
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
