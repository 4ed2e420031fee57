import ArgumentParser
import CustodyCore
import Foundation
import Synchronization

/// Hidden developer commands; `custody debug read-history` benchmarks the git history reader alone.
struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Developer tools (benchmarks of single components).",
        shouldDisplay: false,
        subcommands: [ReadHistory.self, DebugScanTextCommand.self, DebugScanHistoryCommand.self]
    )

    struct ReadHistory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "read-history",
            abstract: "Read a repository's history with the git reader and print counts to standard error."
        )

        @Argument(help: "The repository (work tree or git directory).")
        var path: String = "."

        @Option(help: "Number of git processes (default: number of cores).")
        var jobs: Int?

        @Flag(help: "Read every ref, including pull-request refs.")
        var allRefs = false

        @Option(help: "A revision range instead of branches and tags.")
        var rev: String?

        @Flag(help: "Print each problem.")
        var problems = false

        @Flag(
            help:
                "Send every merge to git's --remerge-diff (no in-process proof that a merge is its automatic merge), to compare."
        )
        var remergeAll = false

        @Flag(
            help:
                "Print one line per merge to standard output: its id and a SHA-256 of the changes read for it (kinds, paths, blobs, modes, added lines)."
        )
        var mergeDigests = false

        /// `<merge id> <count> <sha256 of each change's kind, paths, blobs, modes, binary flag, added
        /// line numbers and texts>` (no repository text reaches the terminal).
        static func digest(_ commit: Commit) -> String {
            var bytes: [UInt8] = []
            for change in commit.changes {
                let fields: [String] = [
                    change.kind.rawValue, change.oldPath ?? "-", change.newPath ?? "-",
                    change.oldBlob?.description ?? "-", change.newBlob?.description ?? "-",
                    String(change.oldMode, radix: 8), String(change.newMode, radix: 8),
                    change.isBinary ? "binary" : "text",
                ]
                for field in fields { bytes += Array(field.utf8) + [0] }
                for line in change.addedLines {
                    bytes += Array(String(line.number).utf8) + [0] + Array(line.text) + [0]
                }
                bytes.append(0x0a)
            }
            return "\(commit.id) \(commit.changes.count) \(ContentDigest.sha256(bytes))"
        }

        func run() async throws {
            let started = Date()
            do {
                let repository = try GitRepository(path: path)
                let selection: RefSelection = rev.map { .range($0) } ?? (allRefs ? .allRefs : .branchesAndTags)
                var options = HistoryOptions(refs: selection, jobs: jobs)
                options.verifyMerges = !remergeAll
                let totals = Mutex((files: 0, lines: 0, bytes: 0, merges: 0))
                let digests = Mutex([(Int, String)]())
                let wantDigests = mergeDigests
                let summary = try repository.readHistory(options) { index, commit in
                    if wantDigests && commit.isMerge {
                        let digest = Self.digest(commit)
                        digests.withLock { $0.append((index, digest)) }
                    }
                    var lines = 0
                    var bytes = 0
                    for change in commit.changes {
                        lines += change.addedLines.count
                        bytes += change.addedLines.byteCount
                    }
                    totals.withLock {
                        $0.files += commit.changes.count
                        $0.lines += lines
                        $0.bytes += bytes
                        $0.merges += commit.isMerge ? 1 : 0
                    }
                }
                let t = totals.withLock { $0 }
                let seconds = Date().timeIntervalSince(started)
                printError(
                    "refs \(summary.refs.count) commits \(summary.commitCount) merges \(t.merges) files \(t.files) "
                        + "added-lines \(t.lines) added-bytes \(t.bytes) problems \(summary.problems.count) jobs \(options.jobs) "
                        + "merges-without-own-paths \(summary.mergesWithoutOwnPaths) merges-verified \(summary.mergesVerified) "
                        + "merges-redone \(summary.mergesRedone) "
                        + "merges-remerged \(summary.mergesRemerged) "
                        + String(format: "seconds %.2f", seconds)
                )
                for (_, line) in digests.withLock({ $0 }).sorted(by: { $0.0 < $1.0 }) { print(line) }
                if problems {
                    for problem in summary.problems {
                        // Paths and git's messages come from the audited repository.
                        printError(
                            "problem: \(problem.commit ?? "-") \(TerminalText.neutralize(problem.path ?? "-")) "
                                + TerminalText.neutralize(problem.reason)
                        )
                    }
                }
                if !summary.problems.isEmpty { throw CustodyExit.incomplete }
            } catch let error as CustodyError {
                throw reportError(error)
            }
        }
    }
}
