import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The port of `git diff -U0` under git's defaults (Myers, indent heuristic on) against git itself,
/// hunk for hunk: with no context each hunk git prints is one change of the port, so the old and
/// new start lines and counts of every hunk are compared, and the changed lines as git's output
/// marks them. Files are made mostly of lines that repeat and of code indented with tabs and
/// spaces, where the indent heuristic decides which copy of a line is kept.
struct MyersDiffTests {
    /// Lines that repeat.
    static let repeated = ["", "}", "\treturn 0;", "\tbreak;", "{", "\t}", ""]
    /// Code, indented at random.
    static let code = ["if (x) {", "call(a, b);", "x += 1;", "} else {", "for (;;) {", "y = f(x);", "/* note */"]
    static let indents = ["", "\t", "\t\t", "    ", "        ", "\t    ", "  ", "\t\t\t"]

    static func line(_ random: inout SplitMix, fresh: inout Int) -> String {
        switch random.below(10) {
        case 0..<5: return repeated[random.below(repeated.count)]
        case 5..<8: return indents[random.below(indents.count)] + code[random.below(code.count)]
        default:
            fresh += 1
            return indents[random.below(indents.count)] + "unique \(fresh);"
        }
    }

    /// A C-like function: a header, a braced body of indented statements and blocks, a blank line.
    static func function(_ random: inout SplitMix, fresh: inout Int) -> [String] {
        fresh += 1
        var out = ["int f\(fresh)(void)", "{"]
        for _ in 0..<random.below(4) {
            switch random.below(3) {
            case 0: out += ["\tif (x) {", "\t\tcall(a, b);", "\t}", ""]
            case 1: out += ["\tfor (;;) {", "\t\ty = f(x);", "\t\tbreak;", "\t}"]
            default: out += ["\tx += 1;", ""]
            }
        }
        out += ["\treturn 0;", "}", ""]
        return out
    }

    /// Random lines, or functions, or both.
    static func file(_ random: inout SplitMix, fresh: inout Int, maximum: Int = 40) -> [String] {
        var out: [String] = []
        let target = random.below(maximum + 1)
        let style = random.below(3)
        while out.count < target {
            if style == 0 || (style == 2 && random.below(2) == 0) {
                out.append(line(&random, fresh: &fresh))
            } else {
                out += function(&random, fresh: &fresh)
            }
        }
        return out
    }

    /// A few edits at random places: lines replaced, a function added, a run of lines copied.
    static func edited(_ lines: [String], _ random: inout SplitMix, fresh: inout Int, edits: Int = 3) -> [String] {
        var out = lines
        for _ in 0..<(1 + random.below(edits)) {
            let at = random.below(out.count + 1)
            switch random.below(3) {
            case 0:
                out.insert(contentsOf: function(&random, fresh: &fresh), at: at)
            case 1 where !out.isEmpty:
                let from = random.below(out.count)
                let copied = Array(out[from..<min(out.count, from + 1 + random.below(6))])
                out.insert(contentsOf: copied, at: at)
            default:
                let length = min(random.below(5), out.count - at)
                let inserted = (0..<random.below(4)).map { _ in line(&random, fresh: &fresh) }
                out.replaceSubrange(at..<(at + length), with: inserted)
            }
        }
        return out
    }

    static func crlf(_ lines: [String], _ random: inout SplitMix) -> [String] {
        let all = random.below(2) == 0
        return lines.map { all || random.below(3) == 0 ? $0 + "\r" : $0 }
    }

    /// The changes of `git diff --no-index -U0` with git's defaults (no user or system
    /// configuration) from `a` to `b`, one per hunk, 0-based like `xdchange_t`, and the lines
    /// the hunks mark as changed.
    static func gitChanges(_ a: [UInt8], _ b: [UInt8], in directory: URL, options: [String] = []) throws
        -> (changes: [HistogramDiff.Change], old: Set<Int>, new: Set<Int>)
    {
        try Data(a).write(to: directory.appendingPathComponent("a"))
        try Data(b).write(to: directory.appendingPathComponent("b"))
        let diff = try HistogramDiffTests.git(
            ["diff", "--no-index", "--no-color", "-U0"] + options + ["a", "b"],
            in: directory
        )
        var changes: [HistogramDiff.Change] = []
        for raw in diff.output.split(separator: 0x0a) where raw.starts(with: Array("@@ -".utf8)) {
            // @@ -a[,b] +c[,d] @@: a count of 0 is after line a, otherwise from line a (1-based).
            let fields = String(decoding: raw, as: UTF8.self).split(separator: " ")
            func range(_ field: Substring) -> (Int, Int) {
                let parts = field.dropFirst().split(separator: ",").map { Int($0) ?? -1 }
                let count = parts.count > 1 ? parts[1] : 1
                return (count == 0 ? parts[0] : parts[0] - 1, count)
            }
            let (i1, chg1) = range(fields[1])
            let (i2, chg2) = range(fields[2])
            changes.append(.init(i1: i1, chg1: chg1, i2: i2, chg2: chg2))
        }
        let lines = HistogramDiffTests.changedLines(diff.output)
        return (changes, lines.old, lines.new)
    }

    /// The port's changes from `a` to `b`, with an issue recorded where they are not git's (as
    /// changes, and as changed lines).
    @discardableResult
    static func agrees(
        _ a: [UInt8],
        _ b: [UInt8],
        in directory: URL,
        options: [String] = [],
        _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [HistogramDiff.Change] {
        let expected = try gitChanges(a, b, in: directory, options: options)
        guard let changes = MyersDiff.changes(a, b) else {
            Issue.record("\(label): no answer", sourceLocation: sourceLocation)
            return []
        }
        let old = Set(changes.flatMap { $0.i1..<($0.i1 + $0.chg1) })
        let new = Set(changes.flatMap { $0.i2..<($0.i2 + $0.chg2) })
        #expect(changes == expected.changes, "\(label)", sourceLocation: sourceLocation)
        #expect(old == expected.old && new == expected.new, "\(label)", sourceLocation: sourceLocation)
        return changes
    }

    @Test func agreesWithGitDiff() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x4d59_4552_53)
        var fresh = 0
        var heuristicMatters = 0
        var withCR = 0
        for round in 0..<300 {
            var a = Self.file(&random, fresh: &fresh)
            var b = Self.edited(a, &random, fresh: &fresh)
            if round % 4 == 0 { b = Self.edited(b, &random, fresh: &fresh) }
            if random.below(5) == 0 {
                a = Self.crlf(a, &random)
                b = Self.crlf(b, &random)
                withCR += 1
            }
            let one = HistogramDiffTests.bytes(a, newlineAtEnd: random.below(6) != 0)
            let two = HistogramDiffTests.bytes(b, newlineAtEnd: random.below(6) != 0)
            let changes = try Self.agrees(one, two, in: directory, "round \(round): \(a) → \(b)")
            // Rounds where git without the indent heuristic answers otherwise.
            let plain = try Self.gitChanges(one, two, in: directory, options: ["--no-indent-heuristic"])
            if plain.changes != changes { heuristicMatters += 1 }
        }
        #expect(heuristicMatters > 15)
        #expect(withCR > 30)
    }

    /// Files of thousands of lines.
    @Test func largeFilesAgreeWithGit() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x4c41_5247_45)
        var fresh = 0
        for round in 0..<6 {
            let a = Self.file(&random, fresh: &fresh, maximum: 5000)
            var b = a
            for _ in 0..<30 { b = Self.edited(b, &random, fresh: &fresh) }
            let changes = try Self.agrees(
                HistogramDiffTests.bytes(a),
                HistogramDiffTests.bytes(b),
                in: directory,
                "round \(round)"
            )
            #expect(!changes.isEmpty)
        }
    }

    /// With no context git first cuts the files' common tail (whole kilobytes, then up to the
    /// first newline of what was cut): a line added to a run of equal lines is found where the
    /// cut run ends, not at the end of the file where a diff with context puts it.
    @Test func theCommonTailIsTrimmedAsGitDoes() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = Array(String(repeating: "a\n", count: 1000).utf8)
        let new = old + Array("a\n".utf8)
        // The last 1024 of the 2000 bytes shared at the end are cut, less the line "a\n" they
        // start with: 511 lines of both files.
        let changes = try Self.agrees(old, new, in: directory, "a × 1000 → a × 1001")
        #expect(changes == [.init(i1: 489, chg1: 0, i2: 489, chg2: 1)])
        let context = try HistogramDiffTests.git(["diff", "--no-index", "--no-color", "-U1", "a", "b"], in: directory)
        #expect(HistogramDiffTests.changedLines(context.output).new == [1000])

        // Random files followed by a long tail they share, whose lines repeat.
        var random = SplitMix(seed: 0x5441_494c)
        var fresh = 0
        for round in 0..<40 {
            let a = Self.file(&random, fresh: &fresh, maximum: 60)
            let b = Self.edited(a, &random, fresh: &fresh)
            let tail = (0..<(100 + random.below(900))).map { _ in Self.repeated[random.below(3)] }
            let cr = random.below(4) == 0
            let one = HistogramDiffTests.bytes((a + tail).map { cr ? $0 + "\r" : $0 }, newlineAtEnd: round % 3 != 0)
            let two = HistogramDiffTests.bytes((b + tail).map { cr ? $0 + "\r" : $0 }, newlineAtEnd: round % 3 != 0)
            try Self.agrees(one, two, in: directory, "round \(round)")
        }
    }

    /// Lines found in the other file more than about √n times, among runs of lines found nowhere
    /// else, are left out of the search (`xdl_cleanup_records`, `xdl_clean_mmatch`).
    @Test func commonLinesAmongNewOnesAreCleanedUpAsGitDoes() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x434c_4541_4e)
        var fresh = 0
        func region(_ random: inout SplitMix, _ fresh: inout Int) -> [String] {
            (0..<(5 + random.below(40))).map { _ in
                fresh += 1
                switch random.below(4) {
                case 0: return ""
                case 1: return "}"
                default: return "\tnew \(fresh);"
                }
            }
        }
        for round in 0..<12 {
            let count = 500 + random.below(2500)
            let a = (0..<count).map { _ in
                random.below(3) == 0 ? Self.repeated[random.below(2)] : Self.line(&random, fresh: &fresh)
            }
            var b = a
            for _ in 0..<(5 + random.below(30)) {
                let at = random.below(b.count + 1)
                let length = min(random.below(30), b.count - at)
                b.replaceSubrange(at..<(at + length), with: region(&random, &fresh))
            }
            try Self.agrees(HistogramDiffTests.bytes(a), HistogramDiffTests.bytes(b), in: directory, "round \(round)")
        }
    }

    /// `count` lines drawn from `vocabulary` different ones, and a copy with an edit (up to 5
    /// lines replaced by up to 5) every `gap` lines or so, every 4 in the first half when
    /// `denseStart`.
    static func heavilyEdited(
        _ random: inout SplitMix,
        count: Int,
        vocabulary: Int,
        gap: Int,
        denseStart: Bool = false
    ) -> (old: [UInt8], new: [UInt8]) {
        let a = (0..<count).map { _ in "line \(random.below(vocabulary))" }
        var b = a
        var at = 0
        while at < b.count {
            at += 1 + random.below(2 * (denseStart && at < b.count / 2 ? 4 : gap))
            let length = min(random.below(6), max(0, b.count - at))
            let inserted = (0..<random.below(6)).map { _ in "line \(random.below(vocabulary))" }
            if at <= b.count { b.replaceSubrange(at..<(at + length), with: inserted) }
            at += inserted.count
        }
        return (HistogramDiffTests.bytes(a), HistogramDiffTests.bytes(b))
    }

    /// Heavily edited files: boxes whose cost reaches `mxcost` (`xdl_bogosqrt(ndiags)`, at least
    /// `XDL_MAX_COST_MIN`, 256) are cut at the furthest point reached, forward or backward; and,
    /// once `mxcost` is above 256 (65,533 kept lines or more in all), boxes whose cost passes
    /// `XDL_HEUR_MIN_COST` are cut after a snake of `XDL_SNAKE_CNT` equal lines on a diagonal
    /// that has gone `XDL_K_HEUR` times its cost, found forward or, where the start of the files
    /// is edited densely and their end sparsely, backward.
    @Test func costlyDiffsAreCutAsGitCutsThem() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x434f_5354)
        let rounds: [(count: Int, vocabulary: Int, gap: Int, denseStart: Bool)] = [
            (20_000, 100, 10, false),
            (20_000, 1000, 10, false),
            (40_000, 300, 25, false),
            (40_000, 5000, 25, false),
            (40_000, 300, 25, true),
            (40_000, 2000, 25, true),
            (6000, 200, 3, false),
            (6000, 50, 4, false),
            (40_000, 50, 6, false),
            (40_000, 200, 6, false),
            (40_000, 1000, 8, false),
        ]
        for (round, setting) in rounds.enumerated() {
            let (a, b) = Self.heavilyEdited(
                &random,
                count: setting.count,
                vocabulary: setting.vocabulary,
                gap: setting.gap,
                denseStart: setting.denseStart
            )
            let changes = try Self.agrees(a, b, in: directory, "round \(round)")
            #expect(changes.count > 100)
        }
        // A box whose furthest forward and backward points tie: git takes the backward one.
        var tie = SplitMix(seed: 3)
        let (a, b) = Self.heavilyEdited(&tie, count: 2000, vocabulary: 20, gap: 3)
        try Self.agrees(a, b, in: directory, "tie")
    }

    /// A line found in the other file at least `XDL_MAX_EQLIMIT` (1024) times counts as found
    /// very often even where √n is larger (files of over 1,048,575 lines): two such lines among
    /// new ones are left out of the search, and the region is one change rather than two.
    @Test func theLimitOfVeryCommonLinesIsGits() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 1_100_000
        // "}" 1,501 times among numbers, then 101 lines replaced with "}" in their middle.
        let base = (0..<count).map { $0 % 733 == 0 ? "}" : "\($0)" }
        let old = HistogramDiffTests.bytes(base + (0..<101).map { $0 == 50 ? "}" : "old \($0)" } + ["end"])
        let new = HistogramDiffTests.bytes(base + (0..<101).map { $0 == 50 ? "}" : "new \($0)" } + ["end"])
        let changes = try Self.agrees(old, new, in: directory, "1,100,102 lines")
        #expect(changes == [.init(i1: count, chg1: 101, i2: count, chg2: 101)])
    }

    /// A group is placed by the scores of its lowest positions: as many as it has lines plus one,
    /// and at most `INDENT_HEURISTIC_MAX_SLIDING` (100) plus one.
    @Test func slidingIsLimitedAsGitLimitsIt() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The best place is just below the blank line, the lowest at the end of the run; the
        // files' last lines differ, so that no common tail is trimmed.
        let head = ["int f(void)", "{", "\tx();", ""]
        for run in [20, 99, 100, 101, 102, 110, 121, 122, 150] {
            for added in [1, 2, 99, 100, 120].map({ Array(repeating: "\ty();", count: $0) }) {
                let old = head + Array(repeating: "\ty();", count: run) + ["\tz();", "}"]
                let new = head + Array(repeating: "\ty();", count: run) + added + ["\tz();", "} /* f */"]
                try Self.agrees(
                    HistogramDiffTests.bytes(old),
                    HistogramDiffTests.bytes(new),
                    in: directory,
                    "run \(run) + \(added.count)"
                )
            }
        }
    }

    /// `xdl_clean_mmatch` looks at most `XDL_SIMSCAN_WINDOW` (100) lines either way: a common
    /// line with 100 common lines on one side is kept, whatever lies beyond them.
    @Test func runsAreScannedOnlyAsFarAsGitScansThem() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // "}" every other line in the old file; in the new one, a run of "}" between runs of
        // new lines.
        let prefix = (0..<50).flatMap { ["\tcode \($0);", "}"] }
        let suffix = (50..<100).flatMap { ["\tcode \($0);", "}"] }
        let old = prefix + (0..<30).flatMap { ["\told \($0);", "}"] } + suffix
        var fresh = 0
        func unique(_ n: Int) -> [String] {
            (0..<n).map { _ in
                fresh += 1
                return "\tnew \(fresh);"
            }
        }
        for (before, run, after) in [(200, 101, 200), (300, 150, 300), (150, 105, 250), (50, 101, 50), (400, 230, 400)]
        {
            let new = prefix + unique(before) + Array(repeating: "}", count: run) + unique(after) + suffix
            try Self.agrees(
                HistogramDiffTests.bytes(old),
                HistogramDiffTests.bytes(new),
                in: directory,
                "\(before), \(run), \(after)"
            )
        }
    }

    /// `xdl_trim_ends` keeps the lines equal at the start and the end of both files out of
    /// `xdl_clean_mmatch`'s runs: a common "}" among new lines, next to a run of "}" of the equal
    /// start or end, is left out of the search as if that run were not there.
    @Test func theEqualStartAndEndAreLeftOutAsGitLeavesThem() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = (0..<30).flatMap { ["\tcode \($0);", "}"] } + Array(repeating: "}", count: 5)
        let tail = Array(repeating: "}", count: 5) + (30..<60).flatMap { ["\tcode \($0);", "}"] }
        func unique(_ name: String, _ n: Int) -> [String] { (0..<n).map { "\t\(name) \($0);" } }
        for run in [0, 1, 2, 5] {
            let more = Array(repeating: "}", count: run)
            // "}" second among new lines, after the equal start.
            try Self.agrees(
                HistogramDiffTests.bytes(head + more + unique("old", 10) + ["}"] + unique("old", 10) + tail),
                HistogramDiffTests.bytes(head + more + unique("new", 1) + ["}"] + unique("new", 10) + tail),
                in: directory,
                "start, \(run)"
            )
            // "}" last but one among new lines, before the equal end.
            try Self.agrees(
                HistogramDiffTests.bytes(head + unique("old", 10) + ["}"] + unique("old", 10) + more + tail),
                HistogramDiffTests.bytes(head + unique("new", 10) + ["}"] + unique("new", 1) + more + tail),
                in: directory,
                "end, \(run)"
            )
        }
    }

    /// Lines whose indentation is measured at its limits: whitespace only (CR included), deeper
    /// than `MAX_INDENT` (200 columns), led by a vertical tab or form feed (not whitespace to
    /// git), and runs of blank lines longer than `MAX_BLANKS` (20).
    @Test func indentationIsMeasuredAsGitMeasuresIt() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x494e_4445_4e54)
        let odd = [
            "", " ", "\t", "\r", " \r", "}", "\tx();", "\t\ty();",
            String(repeating: "\t", count: 24) + "deep();", String(repeating: "\t", count: 25) + "deep();",
            String(repeating: "\t", count: 26) + "deep();", String(repeating: " ", count: 199) + "wide();",
            String(repeating: " ", count: 200) + "wide();", String(repeating: " ", count: 203) + "wide();",
            "\u{0B}vt();", "\u{0C}ff();", "\t\u{0B}x();", "  \u{0C}", "\u{0B}",
        ]
        // Half the rounds only indent deeply.
        let deep = Array(odd[8...13]) + ["", "}"]
        var deepOnly = false
        func chunk(_ random: inout SplitMix) -> [String] {
            if deepOnly { return (0..<(1 + random.below(6))).map { _ in deep[random.below(deep.count)] } }
            return random.below(4) == 0
                ? Array(repeating: ["", " ", "\t"][random.below(3)], count: 15 + random.below(16))
                : (0..<(1 + random.below(6))).map { _ in odd[random.below(odd.count)] }
        }
        var heuristicMatters = 0
        for round in 0..<200 {
            deepOnly = round % 2 == 1
            var a: [String] = []
            while a.count < 10 + random.below(80) { a += chunk(&random) }
            var b = a
            for _ in 0..<(1 + random.below(3)) {
                let at = random.below(b.count + 1)
                if random.below(2) == 0, !b.isEmpty {
                    // A copy of nearby lines: a group that can slide.
                    let from = max(0, min(b.count - 1, at - 1 - random.below(8)))
                    b.insert(contentsOf: Array(b[from..<min(b.count, from + 1 + random.below(8))]), at: at)
                } else {
                    b.replaceSubrange(at..<min(b.count, at + random.below(4)), with: chunk(&random))
                }
            }
            let one = HistogramDiffTests.bytes(a)
            let two = HistogramDiffTests.bytes(b)
            let changes = try Self.agrees(one, two, in: directory, "round \(round): \(a) → \(b)")
            let plain = try Self.gitChanges(one, two, in: directory, options: ["--no-indent-heuristic"])
            if plain.changes != changes { heuristicMatters += 1 }
        }
        #expect(heuristicMatters > 10)
    }

    /// Small sliders each of which gives another answer when one weight of `score_add_split` or
    /// `score_cmp` is one more or one less than git's (found by search; the weights named).
    @Test func scoreWeightsAreGits() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(old: [String], new: [String], weights: String)] = [
            (
                ["{", "", "\tif (a) {", "{", "", "\tif (a) {"], ["{", "", "\tif (a) {"],
                "END_OF_FILE -1, INDENT_WEIGHT +1, POST_BLANK -1, RELATIVE_INDENT_WITH_BLANK +1, RELATIVE_OUTDENT -1, TOTAL_BLANK +1"
            ),
            (
                ["  z;", "a", "", "\tif (a) {"], ["  z;", "a", "", "\tif (a) {", "  z;", "a", "", "\tif (a) {"],
                "END_OF_FILE +1, RELATIVE_INDENT_WITH_BLANK -1"
            ),
            (
                ["", "\tx();", "  z;", "\t\ty();"], ["", "\tx();", "", "\tx();", "  z;", "\t\ty();"],
                "INDENT_WEIGHT -1, POST_BLANK +1, RELATIVE_OUTDENT +1, TOTAL_BLANK -1"
            ),
            (
                ["  z;", "{", "\t}", "", "{", "", "}"], ["  z;", "{", "\t}", "", "{", "", "  z;", "{", "", "}"],
                "RELATIVE_DEDENT -1"
            ),
            (
                ["  z;", "\tif (a) {", "\t\ty();", "\tif (a) {", "}", "\tif (a) {"],
                ["  z;", "\tif (a) {", "}", "\tif (a) {"],
                "RELATIVE_DEDENT +1"
            ),
            (
                ["\t\ty();", "}", "\tx();", "\t\ty();", "}", "\tx();", "", "a"], ["\t\ty();", "}", "\tx();", "", "a"],
                "RELATIVE_DEDENT_WITH_BLANK -1"
            ),
            (
                ["", "\t}", "\t\t\tw();", "  z;", "\t}"],
                ["", "\t}", "\t\t\tw();", "", "\t}", "\t\t\tw();", "  z;", "\t}"],
                "RELATIVE_DEDENT_WITH_BLANK +1, RELATIVE_OUTDENT_WITH_BLANK -1"
            ),
            (
                ["  z;", "\t\ty();", "", "\t\t\tw();"],
                ["  z;", "\t\ty();", "", "\t\t\tw();", "\t\ty();", "", "\t\t\tw();"],
                "RELATIVE_INDENT -1"
            ),
            (
                ["  z;", "", "\t\ty();", "  z;", "", "\t\ty();", "\t\t\tw();", "\t}"],
                ["  z;", "", "\t\ty();", "\t\t\tw();", "\t}"],
                "RELATIVE_INDENT +1"
            ),
            (
                ["\t\ty();", "", "\tx();", "\t\t\tw();", "{", "\tx();", "\tx();"],
                [
                    "\t\ty();", "", "\tx();", "\t\t\tw();", "{", "\tx();", "\tx();", "\t\t\tw();", "{", "\tx();",
                    "\tx();",
                ],
                "RELATIVE_OUTDENT_WITH_BLANK +1"
            ),
            (
                ["\t}", "}", "\t\ty();", "", "\t\t\tw();"],
                ["\t}", "}", "\t\ty();", "", "\t}", "}", "\t\ty();", "", "\t\t\tw();"],
                "START_OF_FILE -1"
            ),
            (["\tx();", "}", "\t}", "{"], ["\tx();", "}", "", "\tx();", "}", "\t}", "{"], "START_OF_FILE +1"),
        ]
        for (old, new, weights) in cases {
            try Self.agrees(HistogramDiffTests.bytes(old), HistogramDiffTests.bytes(new), in: directory, weights)
        }
    }

    @Test func handCases() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = HistogramDiffTests.bytes(["a", "", "\tb", "}"])
        #expect(MyersDiff.changes([], text) == [.init(i1: 0, chg1: 0, i2: 0, chg2: 4)])
        #expect(MyersDiff.changes(text, []) == [.init(i1: 0, chg1: 4, i2: 0, chg2: 0)])
        #expect(MyersDiff.changes(text, text) == [])
        #expect(MyersDiff.changes([], []) == [])
        // Only the final newline lost: the last line differs.
        let cut = Array(text.dropLast())
        #expect(MyersDiff.changes(text, cut) == [.init(i1: 3, chg1: 1, i2: 3, chg2: 1)])
        for (a, b) in [([], text), (text, []), (text, cut), (cut, text), (Array("x".utf8), Array("y".utf8))] {
            try Self.agrees(a, b, in: directory, "\(a) → \(b)")
        }
        // An added block that can slide: without the indent heuristic it would go as low as it
        // can ("\tx += 1;", "", "{"); the heuristic puts the split where the indentation says.
        let before = HistogramDiffTests.bytes(["{", "{"])
        let after = HistogramDiffTests.bytes(["{", "{", "\tx += 1;", "", "{"])
        #expect(MyersDiff.changes(before, after) == [.init(i1: 1, chg1: 0, i2: 1, chg2: 3)])
        try Self.agrees(before, after, in: directory, "slider")
        let plain = try Self.gitChanges(before, after, in: directory, options: ["--no-indent-heuristic"])
        #expect(plain.changes == [.init(i1: 2, chg1: 0, i2: 2, chg2: 3)])
        // Twenty blank lines above a split count as a line indented 0 (`MAX_BLANKS`).
        let blanks = ["\tx();", "\tx();", "\t\ty();"] + Array(repeating: "", count: 5) + ["\t\ty();", "", "", ""]
        let moreBlanks = ["\tx();", "\tx();", "\t\ty();"] + Array(repeating: "", count: 21) + ["\t\ty();", "", "", ""]
        try Self.agrees(HistogramDiffTests.bytes(blanks), HistogramDiffTests.bytes(moreBlanks), in: directory, "blanks")
        // A line found often, with a line found once just before it, is kept (`xdl_clean_mmatch`
        // wants lines found nowhere on both sides).
        try Self.agrees(
            HistogramDiffTests.bytes(["a", "a", "}", "}", "}", "}"]),
            HistogramDiffTests.bytes(["}", "  z;", "\tx();", "", "u1", "u2", "", "u3", "}", "}", "}"]),
            in: directory,
            "found once, then often"
        )
    }

    /// Bytes that are not text (NUL, CR, long lines, no newline at all) never stop the port, and
    /// give the answer of `git diff --text`.
    @Test func anyBytesAgreeWithGitText() throws {
        let directory = try HistogramDiffTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix(seed: 0x4259_5445_53)
        let alphabet: [UInt8] = [0, 0x0a, 0x0a, 0x0d, 0x09, 0x20, 0x0b, 0x0c, 0x61, 0x62, 0xff]
        for round in 0..<60 {
            let size = [0, 3, 50, 3000, 40_000][random.below(5)]
            let letters = round % 4 == 0 ? alphabet.filter { $0 != 0x0a } : alphabet
            let a = (0..<size).map { _ in letters[random.below(letters.count)] }
            var b = a
            for _ in 0..<random.below(10) {
                let at = random.below(b.count + 1)
                let length = min(random.below(20), b.count - at)
                b.replaceSubrange(
                    at..<(at + length),
                    with: (0..<random.below(20)).map { _ in letters[random.below(letters.count)] }
                )
            }
            try Self.agrees(a, b, in: directory, options: ["--text"], "round \(round)")
        }
        // One long line, changed near its end.
        let long = [UInt8](repeating: 0x61, count: 200_000)
        try Self.agrees(long, long + [0x62], in: directory, options: ["--text"], "long line")
    }
}
