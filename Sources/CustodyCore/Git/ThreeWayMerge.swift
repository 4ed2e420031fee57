import CCustodyScan
import Foundation

/// A clean three-way line merge by git's rules, used to prove that a merge's recorded file is
/// exactly what git would have merged on its own.
///
/// This is `xdl_merge` (git 2.39's `xdiff/xmerge.c`) at the level and style `merge-ort` uses
/// (`XDL_MERGE_ZEALOUS`, conflict markers without the base): each side is diffed from the base
/// with git's own histogram diff (``HistogramDiff``), the two edit scripts are walked together,
/// and a change of one side that overlaps or touches a change of the other (one ends where the
/// other starts, or both insert at the same line) is a conflict unless both made exactly the same
/// change there; a conflict whose two sides then hold the same text is resolved to it, as git's
/// conflict refinement does. Everything else is taken from whichever side changed it.
///
/// The answer is nil whenever git would not merge cleanly (a conflict, or a version that git
/// treats as binary) or when this code cannot follow git (``HistogramDiff`` answers nil where git
/// would fall back to another diff).
/// Callers treat nil as "let git decide", so a nil is always safe; a non-nil answer is only ever
/// compared with the recorded result, never shown. That the port gives git's answers is tested
/// against `git merge-tree` on random files full of repeated lines, and measured by
/// `Benchmarks/merge-proof.sh` against git's re-merge of every merge of real histories.
enum ThreeWayMerge {
    /// git's binary test: a NUL byte in the first 8,000 bytes.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8000).contains(0)
    }

    /// The merged bytes, or nil (conflict, binary, or undecided).
    static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8]) -> [UInt8]? {
        var out = Output(expected: nil)
        guard merge(Lines(base), Lines(ours), Lines(theirs), into: &out) else { return nil }
        return out.collected
    }

    /// Whether the clean merge is exactly `recorded`; false for a conflict, binary versions, an
    /// undecided merge or any other result. The merge is compared as it is produced, never built.
    static func gives(_ recorded: Lines, base: Lines, ours: Lines, theirs: Lines) -> Bool {
        var out = Output(expected: recorded.bytes)
        return merge(base, ours, theirs, into: &out) && out.matches && out.position == recorded.bytes.count
    }

    /// Merged text as it is produced: collected, or compared with an expected file.
    struct Output {
        let expected: [UInt8]?
        var collected: [UInt8] = []
        var position = 0
        var matches = true

        init(expected: [UInt8]?) { self.expected = expected }

        mutating func append(_ bytes: ArraySlice<UInt8>) {
            guard let expected else {
                collected += bytes
                return
            }
            guard matches, !bytes.isEmpty else { return }
            let end = position + bytes.count
            guard end <= expected.count else {
                matches = false
                return
            }
            let same = expected.withUnsafeBytes { whole in
                bytes.withUnsafeBytes { part in
                    memcmp(whole.baseAddress! + position, part.baseAddress!, bytes.count) == 0
                }
            }
            if same { position = end } else { matches = false }
        }
    }

    /// One region of `xdl_do_merge`'s list: ours `i1 ..< i1 + chg1` and theirs `i2 ..< i2 + chg2`
    /// (git also keeps the base lines, which only its diff3 conflict style shows); `mode` 1
    /// takes ours, 2 theirs, 0 is a conflict, 4 a conflict whose sides turned out the same.
    struct Region {
        var mode: Int
        var i1: Int
        var chg1: Int
        var i2: Int
        var chg2: Int

        /// A region that takes one side (mode 1 or 2): ours' unchanged lines from `position` up to
        /// it, then the lines of the side it takes.
        func appendTaken(after position: Int, ours: Lines, theirs: Lines, to out: inout Output) {
            ours.append(position..<i1, to: &out)
            if mode == 1 {
                ours.append(i1..<(i1 + chg1), to: &out)
            } else {
                theirs.append(i2..<(i2 + chg2), to: &out)
            }
        }
    }

    static func merge(_ b: Lines, _ o: Lines, _ t: Lines, into out: inout Output) -> Bool {
        if looksBinary(b.bytes) || looksBinary(o.bytes) || looksBinary(t.bytes) { return false }
        // xdl_merge: an empty script on one side takes the other side whole.
        if b.bytes == o.bytes {
            t.append(0..<t.count, to: &out)
            return true
        }
        if b.bytes == t.bytes || o.bytes == t.bytes {
            o.append(0..<o.count, to: &out)
            return true
        }
        guard let (first, second) = scripts(b, o, t) else { return false }
        let regions = walk(first, second, ours: o, theirs: t, baseCount: b.count)
        // xdl_refine_conflicts: a conflict with text on both sides is diffed side against side;
        // when the two are the same text the conflict is resolved to it, otherwise it stays.
        var position = 0
        for region in regions {
            switch region.mode {
            case 1, 2:
                region.appendTaken(after: position, ours: o, theirs: t, to: &out)
                position = region.i1 + region.chg1
            default:
                guard region.chg1 > 0, region.chg2 > 0,
                    o.slice(region.i1..<(region.i1 + region.chg1)) == t.slice(region.i2..<(region.i2 + region.chg2))
                else { return false }
            // Resolved: its text is ours, copied with the next unchanged lines.
            }
            if !out.matches { return false }
        }
        o.append(position..<o.count, to: &out)
        return true
    }

    /// `xdl_merge`'s two edit scripts, base to ours and base to theirs (git's classes of the
    /// three versions, one histogram index for both), or nil where ``HistogramDiff`` has none.
    static func scripts(_ b: Lines, _ o: Lines, _ t: Lines) -> ([HistogramDiff.Change], [HistogramDiff.Change])? {
        let index = HistogramDiff.Index()
        let classes = HistogramDiff.classify([b, o, t])
        guard let first = HistogramDiff.changes(classes[0], classes[1], index: index),
            let second = HistogramDiff.changes(
                classes[0],
                HistogramDiff.renumbered(classes[0], classes[2], classes: b.count + o.count + t.count),
                index: index
            )
        else { return nil }
        return (first, second)
    }

    /// The merged file exactly as merge-ort writes it, conflict markers and all: `xdl_merge` at
    /// level `XDL_MERGE_ZEALOUS` in the default style (`xdl_refine_conflicts` diffs the two sides
    /// of each conflict and keeps only the lines that differ, `xdl_simplify_non_conflicts` joins
    /// conflicts at most three lines apart, `xdl_fill_merge_buffer` writes
    /// `<<<<<<< ours`, `=======`, `>>>>>>> theirs` markers, with CRs where git's `is_cr_needed`
    /// puts them), and the number of conflicts left. nil when git would treat a version as
    /// binary or this code cannot follow git's diff (see ``HistogramDiff``).
    static func mergedFile(
        base b: Lines,
        ours o: Lines,
        theirs t: Lines,
        names: (ours: [UInt8], theirs: [UInt8])
    ) -> (bytes: [UInt8], conflicts: Int)? {
        if looksBinary(b.bytes) || looksBinary(o.bytes) || looksBinary(t.bytes) { return nil }
        if b.bytes == o.bytes { return (t.bytes, 0) }
        if b.bytes == t.bytes || o.bytes == t.bytes { return (o.bytes, 0) }
        guard let (first, second) = scripts(b, o, t) else { return nil }
        // xdl_refine_conflicts: each conflict with text on both sides becomes the conflicts of
        // a diff between its two sides (mode 4, "resolved", when they are the same text).
        var regions: [Region] = []
        for region in walk(first, second, ours: o, theirs: t, baseCount: b.count) {
            guard region.mode == 0, region.chg1 > 0, region.chg2 > 0 else {
                regions.append(region)
                continue
            }
            let side1 = Lines(Array(o.slice(region.i1..<(region.i1 + region.chg1))))
            let side2 = Lines(Array(t.slice(region.i2..<(region.i2 + region.chg2))))
            guard let script = HistogramDiff.changes(side1, side2) else { return nil }
            if script.isEmpty {
                regions.append(Region(mode: 4, i1: region.i1, chg1: region.chg1, i2: region.i2, chg2: region.chg2))
            }
            for change in script {
                regions.append(
                    Region(
                        mode: 0,
                        i1: change.i1 + region.i1,
                        chg1: change.chg1,
                        i2: change.i2 + region.i2,
                        chg2: change.chg2
                    )
                )
            }
        }
        // xdl_simplify_non_conflicts: two conflicts next to each other in the list with at
        // most three lines between them become one.
        var k = 0
        while k + 1 < regions.count {
            let m = regions[k]
            let next = regions[k + 1]
            if m.mode != 0 || next.mode != 0 || next.i1 - (m.i1 + m.chg1) > 3 {
                k += 1
            } else {
                regions[k].chg1 = next.i1 + next.chg1 - m.i1
                regions[k].chg2 = next.i2 + next.chg2 - m.i2
                regions.remove(at: k + 1)
            }
        }
        // xdl_fill_merge_buffer.
        var out = Output(expected: nil)
        out.collected.reserveCapacity(o.bytes.count + t.bytes.count / 8)
        var conflicts = 0
        var i = 0
        for m in regions {
            switch m.mode {
            case 0:
                conflicts += 1
                let crlf = isCRNeeded(ours: o, theirs: t, base: b, m)
                func marker(_ sign: Unicode.Scalar, _ name: [UInt8]?) -> ArraySlice<UInt8> {
                    var line = [UInt8](repeating: UInt8(ascii: sign), count: 7)
                    if let name { line += [0x20] + name }
                    line += crlf ? [0x0d, 0x0a] : [0x0a]
                    return line[...]
                }
                o.append(i..<m.i1, to: &out)
                out.append(marker("<", names.ours))
                o.appendClosingLine(m.i1..<(m.i1 + m.chg1), crlf: crlf, to: &out)
                out.append(marker("=", nil))
                t.appendClosingLine(m.i2..<(m.i2 + m.chg2), crlf: crlf, to: &out)
                out.append(marker(">", names.theirs))
            case 1, 2:
                m.appendTaken(after: i, ours: o, theirs: t, to: &out)
            default:
                continue
            }
            i = m.i1 + m.chg1
        }
        o.append(i..<o.count, to: &out)
        return (out.collected, conflicts)
    }

    /// `is_eol_crlf`: 1 when line `i` ends in CR LF (for a last line without a newline, the
    /// line before it), 0 for LF only, -1 when it cannot be told.
    static func eolIsCRLF(_ file: Lines, _ i: Int) -> Int {
        let count = file.count
        func endsInCRLF(_ k: Int) -> Bool {
            let size = file.starts[k + 1] - file.starts[k]
            return size > 1 && file.bytes[file.starts[k + 1] - 2] == 0x0d
        }
        if i < count - 1 { return endsInCRLF(i) ? 1 : 0 }
        if count == 0 { return -1 }
        let size = file.starts[i + 1] - file.starts[i]
        if size > 0 && file.bytes[file.starts[i + 1] - 1] == 0x0a { return endsInCRLF(i) ? 1 : 0 }
        if i == 0 { return -1 }
        return endsInCRLF(i - 1) ? 1 : 0
    }

    /// `is_cr_needed`: conflict markers end in CR LF when the lines before the conflict on both
    /// sides and the base's first line do (an undecided answer counts as yes until the end).
    static func isCRNeeded(ours: Lines, theirs: Lines, base: Lines, _ m: Region) -> Bool {
        var needs = eolIsCRLF(ours, m.i1 > 0 ? m.i1 - 1 : 0)
        if needs != 0 { needs = eolIsCRLF(theirs, m.i2 > 0 ? m.i2 - 1 : 0) }
        if needs != 0 { needs = eolIsCRLF(base, 0) }
        return needs > 0
    }

    /// `xdl_do_merge`'s walk over the two edit scripts, with `xdl_append_merge`'s joining of a
    /// region to the previous one when they overlap or touch on either side.
    static func walk(
        _ first: [HistogramDiff.Change],
        _ second: [HistogramDiff.Change],
        ours: Lines,
        theirs: Lines,
        baseCount: Int
    )
        -> [Region]
    {
        var regions: [Region] = []
        func add(_ mode: Int, _ i1: Int, _ chg1: Int, _ i2: Int, _ chg2: Int) {
            if var m = regions.last, i1 <= m.i1 + m.chg1 || i2 <= m.i2 + m.chg2 {
                if mode != m.mode { m.mode = 0 }
                m.chg1 = i1 + chg1 - m.i1
                m.chg2 = i2 + chg2 - m.i2
                regions[regions.count - 1] = m
            } else {
                regions.append(Region(mode: mode, i1: i1, chg1: chg1, i2: i2, chg2: chg2))
            }
        }
        var k1 = 0
        var k2 = 0
        while k1 < first.count && k2 < second.count {
            let x1 = first[k1]
            let x2 = second[k2]
            if x1.i1 + x1.chg1 < x2.i1 {
                add(1, x1.i2, x1.chg2, x2.i2 - x2.i1 + x1.i1, x1.chg1)
                k1 += 1
                continue
            }
            if x2.i1 + x2.chg1 < x1.i1 {
                add(2, x1.i2 - x1.i1 + x2.i1, x2.chg1, x2.i2, x2.chg2)
                k2 += 1
                continue
            }
            if x1.i1 != x2.i1 || x1.chg1 != x2.chg1 || x1.chg2 != x2.chg2
                || ours.slice(x1.i2..<(x1.i2 + x1.chg2)) != theirs.slice(x2.i2..<(x2.i2 + x2.chg2))
            {
                // The conflict spans both changes: each side is widened by the base lines the
                // other side's change covers beyond its own.
                let off = x1.i1 - x2.i1
                let ffo = off + x1.chg1 - x2.chg1
                var i1 = x1.i2
                var i2 = x2.i2
                if off > 0 { i1 -= off } else { i2 += off }
                var chg1 = x1.i2 + x1.chg2 - i1
                var chg2 = x2.i2 + x2.chg2 - i2
                if ffo < 0 { chg1 -= ffo } else { chg2 += ffo }
                add(0, i1, chg1, i2, chg2)
            }
            let end1 = x1.i1 + x1.chg1
            let end2 = x2.i1 + x2.chg1
            if end1 >= end2 { k2 += 1 }
            if end2 >= end1 { k1 += 1 }
        }
        while k1 < first.count {
            let x1 = first[k1]
            add(1, x1.i2, x1.chg2, x1.i1 + theirs.count - baseCount, x1.chg1)
            k1 += 1
        }
        while k2 < second.count {
            let x2 = second[k2]
            add(2, x2.i1 + ours.count - baseCount, x2.chg1, x2.i2, x2.chg2)
            k2 += 1
        }
        return regions
    }

    /// A file cut into lines (each with its newline, the last one possibly without).
    struct Lines {
        let bytes: [UInt8]
        /// Where each line starts; the last element is the end of the file.
        let starts: [Int]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            starts = bytes.withUnsafeBufferPointer { buffer in
                let count = buffer.count
                guard count > 0, let base = buffer.baseAddress else { return [0] }
                let newlines = custody_count_newlines(base, count)
                let open = buffer[count - 1] != 0x0a
                // Room for the start, each newline's end, and one more entry: the search may write
                // one past its last, and a last line without a newline ends there.
                return [Int](unsafeUninitializedCapacity: newlines + 2) { out, initialized in
                    out[0] = 0
                    var filled = 1 + custody_newline_ends(base, count, out.baseAddress! + 1)
                    // A last line without a newline ends where the file does.
                    if open {
                        out[filled] = count
                        filled += 1
                    }
                    initialized = filled
                }
            }
        }

        var count: Int { starts.count - 1 }

        /// The bytes of the lines in `lines`.
        func slice(_ lines: Range<Int>) -> ArraySlice<UInt8> {
            bytes[starts[lines.lowerBound]..<starts[lines.upperBound]]
        }

        func append(_ lines: Range<Int>, to out: inout Output) {
            guard !lines.isEmpty else { return }
            out.append(bytes[starts[lines.lowerBound]..<starts[lines.upperBound]])
        }

        /// `xdl_recs_copy` with `add_nl`: the lines, and a newline (CR LF when `crlf`) after the
        /// last one when it has none.
        func appendClosingLine(_ lines: Range<Int>, crlf: Bool, to out: inout Output) {
            guard !lines.isEmpty else { return }
            append(lines, to: &out)
            let end = starts[lines.upperBound]
            if end == starts[lines.upperBound - 1] || bytes[end - 1] != 0x0a {
                out.append(crlf ? [0x0d, 0x0a][...] : [0x0a][...])
            }
        }
    }
}
