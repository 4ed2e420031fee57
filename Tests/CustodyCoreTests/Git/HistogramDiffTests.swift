import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The port of git's histogram diff against git itself (`git diff --histogram`), on random files
/// made mostly of lines that repeat (blank lines, braces), where diff algorithms disagree about
/// which copy of a line is kept.
struct HistogramDiffTests {
    /// Lines that repeat, and a few that are unique.
    static let common = ["", "{", "}", "a", "b", "c", "\treturn 0;", "x = 1;"]

    static func line(_ random: inout SplitMix, fresh: inout Int) -> String {
        if random.below(5) == 0 {
            fresh += 1
            return "unique \(fresh)"
        }
        return common[random.below(common.count)]
    }

    static func file(_ random: inout SplitMix, fresh: inout Int, maximum: Int = 30) -> [String] {
        (0..<random.below(maximum + 1)).map { _ in line(&random, fresh: &fresh) }
    }

    /// A few edits (delete, replace, insert) at random places of `lines`.
    static func edited(_ lines: [String], _ random: inout SplitMix, fresh: inout Int) -> [String] {
        var out = lines
        for _ in 0..<(1 + random.below(3)) {
            let at = random.below(out.count + 1)
            let length = min(random.below(4), out.count - at)
            let inserted = (0..<random.below(4)).map { _ in line(&random, fresh: &fresh) }
            out.replaceSubrange(at..<(at + length), with: inserted)
        }
        return out
    }

    static func bytes(_ lines: [String], newlineAtEnd: Bool = true) -> [UInt8] {
        var text = lines.joined(separator: "\n")
        if newlineAtEnd && !lines.isEmpty { text += "\n" }
        return Array(text.utf8)
    }

    /// Runs git with no user or system configuration; returns the exit status and output.
    static func git(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "LC_ALL": "C",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(output))
    }

    /// The old and new lines (0-based) that a unified diff with context marks as changed.
    static func changedLines(_ diff: [UInt8]) -> (old: Set<Int>, new: Set<Int>) {
        var old = Set<Int>()
        var new = Set<Int>()
        var o = 0
        var n = 0
        var inHunk = false
        for raw in diff.split(separator: 0x0a, omittingEmptySubsequences: false) {
            let text = String(decoding: raw, as: UTF8.self)
            if text.hasPrefix("@@ ") {
                // @@ -a[,b] +c[,d] @@: a count of 0 starts after line a, otherwise at it.
                let fields = text.split(separator: " ")
                func start(_ field: Substring) -> Int {
                    let parts = field.dropFirst().split(separator: ",")
                    let first = Int(parts[0])!
                    return parts.count > 1 && parts[1] == "0" ? first : first - 1
                }
                o = start(fields[1])
                n = start(fields[2])
                inHunk = true
                continue
            }
            guard inHunk, let first = text.first else { continue }
            switch first {
            case " ":
                o += 1
                n += 1
            case "-":
                old.insert(o)
                o += 1
            case "+":
                new.insert(n)
                n += 1
            default: break
            }
        }
        return (old, new)
    }

    /// The changed lines of `git diff --histogram` (no indent heuristic, which merges do not
    /// use) from `a` to `b`, written to `directory`.
    static func gitChangedLines(_ a: [UInt8], _ b: [UInt8], in directory: URL) throws -> (old: Set<Int>, new: Set<Int>)
    {
        try Data(a).write(to: directory.appendingPathComponent("a"))
        try Data(b).write(to: directory.appendingPathComponent("b"))
        let diff = try git(
            ["diff", "--no-index", "--no-color", "--histogram", "--no-indent-heuristic", "-U1", "a", "b"],
            in: directory
        )
        return changedLines(diff.output)
    }

    /// A fresh scratch directory, removed by the caller.
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "custody-histogram-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func agreesWithGitDiffHistogram() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x4849_5354)
        var fresh = 0
        var compared = 0
        var moved = 0
        for round in 0..<250 {
            let a = Self.file(&random, fresh: &fresh)
            var b = Self.edited(a, &random, fresh: &fresh)
            if round % 5 == 0 { b = Self.edited(b, &random, fresh: &fresh) }
            let one = Self.bytes(a, newlineAtEnd: random.below(6) != 0)
            let two = Self.bytes(b, newlineAtEnd: random.below(6) != 0)
            let expected = try Self.gitChangedLines(one, two, in: directory)
            guard let changes = HistogramDiff.changes(ThreeWayMerge.Lines(one), ThreeWayMerge.Lines(two)) else {
                Issue.record("round \(round): no answer")
                continue
            }
            let old = Set(changes.flatMap { $0.i1..<($0.i1 + $0.chg1) })
            let new = Set(changes.flatMap { $0.i2..<($0.i2 + $0.chg2) })
            #expect(old == expected.old && new == expected.new, "round \(round): \(a) → \(b): \(changes)")
            compared += 1
            // Cases where a plain longest common subsequence could keep other copies of a line.
            if changes.contains(where: { $0.chg1 > 0 && $0.chg2 == 0 }) && a.filter({ $0.isEmpty }).count > 1 {
                moved += 1
            }
        }
        #expect(compared == 250)
        #expect(moved > 20)
    }

    @Test func changesAreInFileOrderAndPairUnchangedLines() throws {
        let a = ThreeWayMerge.Lines(Self.bytes(["x", "{", "}", "", "{", "}", "y"]))
        let b = ThreeWayMerge.Lines(Self.bytes(["x", "{", "}", "y", "z"]))
        let changes = try #require(HistogramDiff.changes(a, b))
        // git slides the deleted "{ }" block as low as it goes: it deletes lines 3–5 ("", "{", "}").
        #expect(changes == [.init(i1: 3, chg1: 3, i2: 3, chg2: 0), .init(i1: 7, chg1: 0, i2: 4, chg2: 1)])
        #expect(HistogramDiff.changes(a, a) == [])
        let empty = ThreeWayMerge.Lines([])
        #expect(HistogramDiff.changes(empty, a) == [.init(i1: 0, chg1: 0, i2: 0, chg2: 7)])
    }

    /// A region whose common lines all occur more than 64 times is where git leaves the
    /// histogram for its Myers diff: no answer here.
    @Test func aRegionOfOnlyVeryCommonLinesHasNoAnswer() {
        let blank = [String](repeating: "", count: 70)
        let a = ThreeWayMerge.Lines(Self.bytes(["a"] + blank + ["b"]))
        let b = ThreeWayMerge.Lines(Self.bytes(["c"] + blank + ["d"]))
        #expect(HistogramDiff.changes(a, b) == nil)
        // With a line that occurs once on both sides the regions around it are small enough.
        let c = ThreeWayMerge.Lines(Self.bytes(["a"] + blank.prefix(10) + ["b"]))
        let d = ThreeWayMerge.Lines(Self.bytes(["c"] + blank.prefix(10) + ["b"]))
        #expect(HistogramDiff.changes(c, d) == [.init(i1: 0, chg1: 1, i2: 0, chg2: 1)])
    }

    /// Large files (the class table grows several times) against git.
    @Test func largeFilesAgreeWithGit() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x4c41_5247_45)
        var fresh = 0
        for round in 0..<6 {
            let a = Self.file(&random, fresh: &fresh, maximum: 4000)
            var b = a
            for _ in 0..<20 { b = Self.edited(b, &random, fresh: &fresh) }
            let expected = try Self.gitChangedLines(Self.bytes(a), Self.bytes(b), in: directory)
            guard
                let changes = HistogramDiff.changes(
                    ThreeWayMerge.Lines(Self.bytes(a)),
                    ThreeWayMerge.Lines(Self.bytes(b))
                )
            else {
                Issue.record("round \(round): no answer")
                continue
            }
            #expect(Set(changes.flatMap { $0.i1..<($0.i1 + $0.chg1) }) == expected.old, "round \(round)")
            #expect(Set(changes.flatMap { $0.i2..<($0.i2 + $0.chg2) }) == expected.new, "round \(round)")
            #expect(!expected.old.isEmpty || !expected.new.isEmpty)
        }
        // A second file of new lines only: the table grows while it is read.
        let x = ThreeWayMerge.Lines(Self.bytes(["x"]))
        let y = ThreeWayMerge.Lines(Self.bytes((0..<500).map { "line \($0 % 300)" }))
        #expect(HistogramDiff.classify([x, y])[1] == (0..<500).map { Int32(1 + $0 % 300) })
    }

    /// Classes numbered like git's classifier: by first appearance, the old file first.
    @Test func classesAreNumberedByFirstAppearance() {
        let a = ThreeWayMerge.Lines(Self.bytes(["p", "q", "p"]))
        let b = ThreeWayMerge.Lines(Self.bytes(["q", "p", "r"]))
        let classes = HistogramDiff.classify([a, b])
        #expect(classes == [[0, 1, 0], [1, 0, 2]])
        // Three files: the third renumbered as if classified after the first alone.
        let c = ThreeWayMerge.Lines(Self.bytes(["s", "r", "q"]))
        let three = HistogramDiff.classify([a, b, c])
        #expect(three == [[0, 1, 0], [1, 0, 2], [3, 2, 1]])
        #expect(HistogramDiff.renumbered(three[0], three[2], classes: 4) == [2, 3, 1])
        #expect(HistogramDiff.classify([a, c])[1] == [2, 3, 1])
    }
}
