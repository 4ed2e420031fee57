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
/// would fall back to another diff, or on a 64-bit hash collision between different lines).
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
    /// takes ours, 2 theirs, 0 is a conflict.
    struct Region {
        var mode: Int
        var i1: Int
        var chg1: Int
        var i2: Int
        var chg2: Int
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
        let index = HistogramDiff.Index()
        guard let classes = HistogramDiff.classify([b, o, t]),
            let first = HistogramDiff.changes(classes[0], classes[1], index: index),
            let second = HistogramDiff.changes(
                classes[0],
                HistogramDiff.renumbered(classes[0], classes[2], classes: b.count + o.count + t.count),
                index: index
            )
        else { return false }
        let regions = walk(first, second, ours: o, theirs: t, baseCount: b.count)
        // xdl_refine_conflicts: a conflict with text on both sides is diffed side against side;
        // when the two are the same text the conflict is resolved to it, otherwise it stays.
        var position = 0
        for region in regions {
            switch region.mode {
            case 1, 2:
                o.append(position..<region.i1, to: &out)
                if region.mode == 1 {
                    o.append(region.i1..<(region.i1 + region.chg1), to: &out)
                } else {
                    t.append(region.i2..<(region.i2 + region.chg2), to: &out)
                }
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
            var starts: [Int] = [0]
            starts.reserveCapacity(bytes.count / 24 + 2)
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count, let found = memchr(base + offset, 0x0a, buffer.count - offset) {
                    offset = base.distance(to: UnsafeRawPointer(found)) + 1
                    starts.append(offset)
                }
            }
            if starts.last != bytes.count { starts.append(bytes.count) }
            self.starts = starts
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
    }
}
