import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The in-process line merge against git's own (`git merge-file`), which uses the same rules as
/// the merges `--remerge-diff` recomputes.
struct ThreeWayMergeTests {
    static func bytes(_ lines: [String], newlineAtEnd: Bool = true) -> [UInt8] {
        var text = lines.joined(separator: "\n")
        if newlineAtEnd && !lines.isEmpty { text += "\n" }
        return Array(text.utf8)
    }

    static func merge(_ base: [String], _ ours: [String], _ theirs: [String]) -> String? {
        ThreeWayMerge.merge(base: bytes(base), ours: bytes(ours), theirs: bytes(theirs))
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Lines are cut at every newline byte and nowhere else, whatever surrounds it: bytes one
    /// bit away from a newline (0x0b, 0x08, 0x8a, 0x4a), newlines at every offset of the eight-byte
    /// words the search reads, runs of them, and a last line with or without one.
    @Test func linesAreCutAtEveryNewlineAndNowhereElse() {
        var generator = SplitMix(seed: 7)
        let alphabet: [UInt8] = [0x0a, 0x0b, 0x08, 0x8a, 0x4a, 0x0e, 0x2a, 0x00, 0xff, 0x61]
        for length in Array(0..<40) + [63, 64, 65, 1000, 4079, 4080, 4081, 4099, 70_001] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                var expected = [0]
                for (offset, byte) in bytes.enumerated() where byte == 0x0a { expected.append(offset + 1) }
                if expected.last != bytes.count { expected.append(bytes.count) }
                #expect(ThreeWayMerge.Lines(bytes).starts == expected, "\(bytes)")
            }
        }
    }

    @Test func changesApartMergeCleanly() {
        let base = ["a", "b", "c", "d", "e"]
        #expect(Self.merge(base, ["A", "b", "c", "d", "e"], ["a", "b", "c", "d", "E"]) == "A\nb\nc\nd\nE\n")
        // Deletions and insertions on different lines.
        #expect(Self.merge(base, ["b", "c", "d", "e"], ["a", "b", "c", "x", "d", "e"]) == "b\nc\nx\nd\ne\n")
    }

    @Test func overlappingOrTouchingChangesConflict() {
        let base = ["a", "b", "c", "d", "e"]
        #expect(Self.merge(base, ["a", "B", "c", "d", "e"], ["a", "b2", "c", "d", "e"]) == nil)
        // One side changes b, the other c: adjacent, a conflict for git.
        #expect(Self.merge(base, ["a", "B", "c", "d", "e"], ["a", "b", "C", "d", "e"]) == nil)
        // Both insert at the same place, different lines.
        #expect(Self.merge(base, ["a", "x", "b", "c", "d", "e"], ["a", "y", "b", "c", "d", "e"]) == nil)
    }

    @Test func oneUnchangedLineBetweenChangesIsEnough() {
        let base = ["a", "b", "c", "d", "e", "f"]
        #expect(
            Self.merge(base, ["A", "b", "c", "d", "e", "f"], ["a", "b", "C", "d", "e", "f"]) == "A\nb\nC\nd\ne\nf\n"
        )
    }

    @Test func theSameChangeOnBothSidesIsTakenOnce() {
        let base = ["a", "b", "c", "d", "e"]
        #expect(Self.merge(base, ["a", "B", "c", "d", "e"], ["a", "B", "c", "d", "E"]) == "a\nB\nc\nd\nE\n")
    }

    @Test func binaryVersionsAreLeftToGit() {
        let base = Array("a\nb\nc\n".utf8)
        var binary = base
        binary.insert(0, at: 1)
        #expect(ThreeWayMerge.merge(base: base, ours: binary, theirs: Array("a\nb\nC\n".utf8)) == nil)
    }

    @Test func aMissingNewlineAtTheEndIsPartOfTheLastLine() {
        let base = Self.bytes(["a", "b", "c"], newlineAtEnd: false)
        let ours = Self.bytes(["A", "b", "c"], newlineAtEnd: false)
        let theirs = Self.bytes(["a", "b", "c"])
        // One unchanged line between the changes: clean, and the newline added by theirs is kept.
        #expect(ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs) == Array("A\nb\nc\n".utf8))
        #expect(ThreeWayMerge.merge(base: base, ours: theirs, theirs: ours) == Array("A\nb\nc\n".utf8))
        // Adjacent to the last line: a conflict.
        let next = Self.bytes(["a", "B", "c"], newlineAtEnd: false)
        #expect(ThreeWayMerge.merge(base: base, ours: next, theirs: theirs) == nil)
        let far = Self.bytes(["a", "b", "c", "d"], newlineAtEnd: false)
        #expect(
            ThreeWayMerge.merge(
                base: far,
                ours: Self.bytes(["A", "b", "c", "d"], newlineAtEnd: false),
                theirs: Self.bytes(["a", "b", "c", "d"])
            )
                == Array("A\nb\nc\nd\n".utf8)
        )
    }

    /// Random edits of a file of unique lines (so that every diff is unambiguous), merged here and
    /// by `git merge-file`: the same clean results, and a conflict exactly when git has one.
    @Test func agreesWithGitMergeFile() throws {
        var seed: UInt64 = 0x5eed
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "custody-merge-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var fresh = 0
        func side(_ base: [String], shared: inout [Int: [String]]) -> [String] {
            var out: [String] = []
            for (i, line) in base.enumerated() {
                if let same = shared[i] {
                    out += same
                    continue
                }
                var piece: [String]
                switch next(10) {
                case 0: piece = []
                case 1:
                    fresh += 1
                    piece = ["new \(fresh)"]
                case 2:
                    fresh += 1
                    piece = ["new \(fresh)", line]
                default: piece = [line]
                }
                // Sometimes both sides make this same change.
                if next(8) == 0 && piece != [line] { shared[i] = piece }
                out += piece
            }
            if next(6) == 0 {
                fresh += 1
                out.append("tail \(fresh)")
            }
            return out
        }
        var clean = 0
        var conflicts = 0
        for round in 0..<300 {
            let base = (0..<next(14)).map { "base \(round).\($0)" }
            var shared: [Int: [String]] = [:]
            let ours = side(base, shared: &shared)
            var sharedTheirs: [Int: [String]] = shared
            let theirs = side(base, shared: &sharedTheirs)
            let files = [("base", base), ("ours", ours), ("theirs", theirs)].map { name, lines in
                (directory.appendingPathComponent(name).path, Self.bytes(lines, newlineAtEnd: next(5) != 0))
            }
            for (path, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
            let merged = ThreeWayMerge.merge(base: files[0].1, ours: files[1].1, theirs: files[2].1)
            let git = try Self.gitMergeFile(ours: files[1].0, base: files[0].0, theirs: files[2].0)
            let lines = files.map { ThreeWayMerge.Lines($0.1) }
            let gives = ThreeWayMerge.gives(
                ThreeWayMerge.Lines(git.output),
                base: lines[0],
                ours: lines[1],
                theirs: lines[2]
            )
            #expect(gives == (git.status == 0), "round \(round)")
            if let merged, !merged.isEmpty {
                // One byte more or less is never the same merge.
                let shorter = ThreeWayMerge.Lines(Array(merged.dropLast()))
                #expect(
                    !ThreeWayMerge.gives(shorter, base: lines[0], ours: lines[1], theirs: lines[2]),
                    "round \(round)"
                )
                let longer = ThreeWayMerge.Lines(merged + [0x0a])
                #expect(
                    !ThreeWayMerge.gives(longer, base: lines[0], ours: lines[1], theirs: lines[2]),
                    "round \(round)"
                )
            }
            if git.status == 0 {
                #expect(merged == git.output, "round \(round)")
                clean += 1
            } else {
                #expect(merged == nil, "round \(round)")
                conflicts += 1
            }
        }
        #expect(clean > 50 && conflicts > 50)
    }

    /// Random edits of files made mostly of repeated lines (blank lines, braces), where diff
    /// algorithms disagree about which copy of a line is kept, merged here and by git's own
    /// merge-ort (`git merge-tree --write-tree`, the merge that `--remerge-diff` recomputes):
    /// a clean result exactly when git's is clean, and then the same bytes.
    @Test func agreesWithGitMergeOrt() throws {
        let repo = try TemporaryGitRepository(bare: true)
        var random = SplitMix(seed: 0x6d65_7267_65)
        var fresh = 0
        var stream: [UInt8] = []
        var triples: [[[UInt8]]] = []
        func commit(_ ref: String, parent: String?, _ bytes: [UInt8]) {
            stream += Array("commit refs/heads/\(ref)\ncommitter T <t@example.com> 1700000000 +0000\ndata 0\n".utf8)
            if let parent { stream += Array("from refs/heads/\(parent)\n".utf8) }
            stream += Array("M 100644 inline f\ndata \(bytes.count)\n".utf8) + bytes + [0x0a]
        }
        // Found by search: both sides make the same change, but git's diff cuts it differently
        // on each side, so the walk meets a conflict whose two sides hold the same text (about 1
        // in 2,500 random cases of this shape, too rare for the random rounds below).
        let found: [[[String]]] = [
            [["", "c", "", "c"], ["c", "a", "", "c"], ["c", "a", ""]],
            [
                ["b", "", "b", "b", "b", "b", "b", "", "c", "", "a", "c", "c"],
                ["a", "b", "b", "b", "b", "b", "b", "", "c", "", "a", "c", "c"],
                ["a", "b", "b", "b", "b", "b", "b", "", "a", "c", "c"],
            ],
            [
                ["a", "b", "a", "", "b", "a", "b", "", "b", "a", "b", "", "b"],
                ["a", "b", "a", "", "b", "", "b", "a", "b", "", "b"],
                ["a", "b", "a", "", "b", "", "b", "a", "b", "", "", "b"],
            ],
        ]
        for round in 0..<(found.count + 300) {
            var base = HistogramDiffTests.file(&random, fresh: &fresh, maximum: 40)
            var ours = HistogramDiffTests.edited(base, &random, fresh: &fresh)
            // Sometimes theirs makes ours's change too, and more.
            var theirs = HistogramDiffTests.edited(random.below(4) == 0 ? ours : base, &random, fresh: &fresh)
            if round < found.count { (base, ours, theirs) = (found[round][0], found[round][1], found[round][2]) }
            let newline = round < found.count || random.below(8) != 0
            var files = [base, ours, theirs].map { HistogramDiffTests.bytes($0, newlineAtEnd: newline) }
            // Some rounds with CR LF line ends (on one side only, sometimes): the conflict
            // markers follow git's is_cr_needed.
            if round >= found.count, random.below(6) == 0 {
                let sides = random.below(2) == 0 ? [0, 1, 2] : [Int(random.below(3))]
                for k in sides {
                    files[k] = files[k].flatMap { $0 == 0x0a ? [0x0d, 0x0a] : [$0] }
                }
            }
            triples.append(files)
            commit("b\(round)", parent: nil, files[0])
            commit("o\(round)", parent: "b\(round)", files[1])
            commit("t\(round)", parent: "b\(round)", files[2])
        }
        try repo.git(["fast-import", "--quiet"], stdin: stream)

        var clean = 0
        var conflicts = 0
        var refined = 0
        for (round, files) in triples.enumerated() {
            let git = try HistogramDiffTests.git(
                ["merge-tree", "--write-tree", "o\(round)", "t\(round)"],
                in: repo.url
            )
            let merged = ThreeWayMerge.merge(base: files[0], ours: files[1], theirs: files[2])
            // The whole merged file, conflict markers included, is git's byte for byte.
            let lines = files.map { ThreeWayMerge.Lines($0) }
            let whole = ThreeWayMerge.mergedFile(
                base: lines[0],
                ours: lines[1],
                theirs: lines[2],
                names: (Array("o\(round)".utf8), Array("t\(round)".utf8))
            )
            let tree = String(decoding: git.output.prefix { $0 != 0x0a }, as: UTF8.self)
            let written = try HistogramDiffTests.git(["cat-file", "blob", "\(tree):f"], in: repo.url)
            #expect(whole?.bytes == written.output, "round \(round)")
            #expect(((whole?.conflicts ?? -1) > 0) == (git.status == 1), "round \(round)")
            if git.status == 0 {
                let tree = String(decoding: git.output.prefix { $0 != 0x0a }, as: UTF8.self)
                let recorded = try HistogramDiffTests.git(["cat-file", "blob", "\(tree):f"], in: repo.url)
                #expect(merged == recorded.output, "round \(round)")
                clean += 1
                if let first = HistogramDiff.changes(lines[0], lines[1]),
                    let second = HistogramDiff.changes(lines[0], lines[2]),
                    !first.isEmpty, !second.isEmpty,
                    ThreeWayMerge.walk(first, second, ours: lines[1], theirs: lines[2], baseCount: lines[0].count)
                        .contains(where: { $0.mode == 0 })
                {
                    refined += 1
                }
            } else {
                #expect(git.status == 1, "round \(round)")
                #expect(merged == nil, "round \(round)")
                conflicts += 1
            }
        }
        #expect(clean > 60 && conflicts > 60)
        // Clean merges that passed through a conflict whose two sides held the same text.
        #expect(refined >= found.count)
    }

    static func gitMergeFile(ours: String, base: String, theirs: String) throws -> (status: Int32, output: [UInt8]) {
        try HistogramDiffTests.git(
            ["merge-file", "-p", ours, base, theirs],
            in: URL(fileURLWithPath: ours).deletingLastPathComponent()
        )
    }
}
