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

        @Flag(help: "Remerge merges per path (synthetic commits) instead of whole with --remerge-diff, to compare.")
        var perPathRemerge = false

        func run() async throws {
            let started = Date()
            do {
                let repository = try GitRepository(path: path)
                let selection: RefSelection = rev.map { .range($0) } ?? (allRefs ? .allRefs : .branchesAndTags)
                var options = HistoryOptions(refs: selection, jobs: jobs)
                options.perPathRemerge = perPathRemerge
                let totals = Mutex((files: 0, lines: 0, bytes: 0, merges: 0))
                let summary = try repository.readHistory(options) { _, commit in
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
                        + "remerged-per-path \(summary.mergesRemergedPerPath) remerged-whole \(summary.mergesRemergedWhole) "
                        + String(format: "seconds %.2f", seconds)
                )
                if problems {
                    for problem in summary.problems {
                        printError("problem: \(problem.commit ?? "-") \(problem.path ?? "-") \(problem.reason)")
                    }
                }
                if !summary.problems.isEmpty { throw CustodyExit.incomplete }
            } catch let error as CustodyError {
                throw reportError(error)
            }
        }
    }
}
