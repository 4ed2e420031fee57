import Foundation

/// A clean three-way line merge by git's rules, used to prove that a merge's recorded file is
/// exactly what git would have merged on its own.
///
/// The rules are those of git's line merge (`xdl_merge` at the level `git merge` uses): the
/// changes of each side are the hunks of a line diff from the base; a hunk of one side that
/// overlaps or touches a hunk of the other side (one ends where the other starts, or both insert
/// at the same line) is a conflict unless both sides made exactly the same change there.
/// Everything else is taken from whichever side changed it.
///
/// The answer is nil whenever git would not merge cleanly (a conflict, or a version that git
/// treats as binary) or when this code cannot be sure it would merge the same way. The hunks
/// here come from ``LineDiff`` (Myers); git's merge-ort diffs with the histogram algorithm
/// (`merge-ort.c` hard-codes `HISTOGRAM_DIFF` in `merge_start`, whatever `diff.algorithm` says).
/// The two find the same changed lines in ordinary edits but may place a change a line up or
/// down (runs of equal lines such as blank lines or braces) or cut it differently, so changes
/// of the two sides must be at least `margin + 1` unchanged lines apart (git needs one); closer
/// ones are left undecided. That this margin suffices is measured, not proven:
/// `Benchmarks/merge-proof.sh` compares every merge of real histories with git's own re-merge
/// (with margin 0, two of tmux's 2,423 merges were proven wrongly; with 2, none of the 2,539
/// merges on the branches of tmux, jq, openssh-portable and curl, nor the 440 over all of jq's
/// refs). Callers treat nil as "let git decide", so a nil is always safe; a non-nil answer is
/// only ever compared with the recorded result, never shown. Lines are compared by a hash in
/// the diff, then byte for byte: a line that collides with another (even on purpose) makes the
/// answer nil.
enum ThreeWayMerge {
    /// Beyond this many differing lines between the base and a side, a side's change is taken
    /// as one block (still a correct merge, but more likely to conflict and go back to git).
    /// ``LineDiff`` keeps a trace per step, so its cost grows with the square of the edits; a
    /// side that changed this much is cheaper to leave to git (on tmux: 18 of 2,423 merges).
    static let maximumEdits = 200
    /// Unchanged lines required between changes of the two sides, beyond git's one.
    static let defaultMargin = 2

    /// git's binary test: a NUL byte in the first 8,000 bytes.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8000).contains(0)
    }

    /// The merged bytes, or nil (conflict, binary, or undecided).
    static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], margin: Int = defaultMargin) -> [UInt8]? {
        var out = Output(expected: nil)
        guard merge(Lines(base), Lines(ours), Lines(theirs), margin: margin, into: &out) else { return nil }
        return out.collected
    }

    /// Whether the clean merge is exactly `recorded`; false for a conflict, binary versions, an
    /// undecided merge or any other result. The merge is compared as it is produced, never built.
    static func gives(_ recorded: Lines, base: Lines, ours: Lines, theirs: Lines, margin: Int = defaultMargin) -> Bool {
        var out = Output(expected: recorded.bytes)
        return merge(base, ours, theirs, margin: margin, into: &out) && out.matches && out.position == recorded.bytes.count
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
                bytes.withUnsafeBytes { part in memcmp(whole.baseAddress! + position, part.baseAddress!, bytes.count) == 0 }
            }
            if same { position = end } else { matches = false }
        }
    }

    static func merge(_ b: Lines, _ o: Lines, _ t: Lines, margin: Int, into out: inout Output) -> Bool {
        if looksBinary(b.bytes) || looksBinary(o.bytes) || looksBinary(t.bytes) { return false }
        if o.bytes == t.bytes || b.bytes == t.bytes {
            o.append(0..<o.count, to: &out)
            return true
        }
        if b.bytes == o.bytes {
            t.append(0..<t.count, to: &out)
            return true
        }
        guard let first = hunks(b, o, side: 0), let second = hunks(b, t, side: 1) else { return false }
        let hunks = (first + second).sorted {
            ($0.base.lowerBound, $0.base.upperBound, $0.side) < ($1.base.lowerBound, $1.base.upperBound, $1.side)
        }
        let sides = [o, t]
        var position = 0
        var k = 0
        while k < hunks.count {
            var group = [hunks[k]]
            let start = hunks[k].base.lowerBound
            var end = hunks[k].base.upperBound
            k += 1
            // Hunks that overlap, touch or come within `margin` lines join the group.
            while k < hunks.count, hunks[k].base.lowerBound <= end + margin {
                group.append(hunks[k])
                end = max(end, hunks[k].base.upperBound)
                k += 1
            }
            b.append(position..<start, to: &out)
            if let only = group.first?.side, group.allSatisfy({ $0.side == only }) {
                render(group, side: sides[only], base: b, range: start..<end, into: &out)
            } else {
                var one = Output(expected: nil)
                var two = Output(expected: nil)
                render(group.filter { $0.side == 0 }, side: o, base: b, range: start..<end, into: &one)
                render(group.filter { $0.side == 1 }, side: t, base: b, range: start..<end, into: &two)
                guard one.collected == two.collected else { return false }
                out.append(one.collected[...])
            }
            if !out.matches { return false }
            position = end
        }
        b.append(position..<b.count, to: &out)
        return true
    }

    /// One side's change: base lines `base` replaced by the side's lines `lines`.
    struct Hunk {
        var base: Range<Int>
        var lines: Range<Int>
        var side: Int
    }

    /// The hunks of a line diff from `a` (base) to `b`; nil when two lines the diff matched
    /// differ in their bytes (a hash collision).
    static func hunks(_ a: Lines, _ b: Lines, side: Int) -> [Hunk]? {
        // Equal lines at both ends by byte comparison; only the middle is hashed and diffed.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a.same(prefix, as: b, prefix) { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
            a.same(a.count - 1 - suffix, as: b, b.count - 1 - suffix)
        {
            suffix += 1
        }
        let aMiddle = prefix..<(a.count - suffix)
        let bMiddle = prefix..<(b.count - suffix)
        var out: [Hunk] = []
        var i = aMiddle.lowerBound
        var j = bMiddle.lowerBound
        if !aMiddle.isEmpty && !bMiddle.isEmpty {
            let matches = LineDiff.matches(a.hashes(aMiddle), b.hashes(bMiddle), maximumEdits: maximumEdits)
            for (offset, matched) in matches.enumerated() where matched >= 0 {
                let m = aMiddle.lowerBound + Int(matched)
                let line = bMiddle.lowerBound + offset
                guard a.same(m, as: b, line) else { return nil }
                if m > i || line > j { out.append(Hunk(base: i..<m, lines: j..<line, side: side)) }
                i = m + 1
                j = line + 1
            }
        }
        if i < aMiddle.upperBound || j < bMiddle.upperBound {
            out.append(Hunk(base: i..<aMiddle.upperBound, lines: j..<bMiddle.upperBound, side: side))
        }
        return out
    }

    /// The side's text over the base range `range`: base lines outside its hunks, its lines inside.
    static func render(_ hunks: [Hunk], side: Lines, base: Lines, range: Range<Int>, into out: inout Output) {
        var position = range.lowerBound
        for hunk in hunks {
            base.append(position..<hunk.base.lowerBound, to: &out)
            side.append(hunk.lines, to: &out)
            position = hunk.base.upperBound
        }
        base.append(position..<range.upperBound, to: &out)
    }

    /// A file cut into lines (each with its newline, the last one possibly without).
    struct Lines {
        let bytes: [UInt8]
        /// Where each line starts; the last element is the end of the file.
        let starts: [Int]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var starts: [Int] = [0]
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

        /// Whether line `i` has the same bytes as line `j` of `other`.
        func same(_ i: Int, as other: Lines, _ j: Int) -> Bool {
            let length = starts[i + 1] - starts[i]
            guard length == other.starts[j + 1] - other.starts[j] else { return false }
            guard length > 0 else { return true }
            return bytes.withUnsafeBytes { mine in
                other.bytes.withUnsafeBytes { theirs in
                    memcmp(mine.baseAddress! + starts[i], theirs.baseAddress! + other.starts[j], length) == 0
                }
            }
        }

        /// Hashes of the lines in `range`, eight bytes at a time (matches are checked byte for
        /// byte afterwards, so a collision costs a proof, never a wrong answer).
        func hashes(_ range: Range<Int>) -> [UInt64] {
            bytes.withUnsafeBytes { buffer in
                range.map { i in
                    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                    var k = starts[i]
                    let end = starts[i + 1]
                    while k + 8 <= end {
                        let word = buffer.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                        hash = (hash ^ word) &* 0x100_0000_01b3
                        hash ^= hash >> 29
                        k += 8
                    }
                    while k < end {
                        hash = (hash ^ UInt64(buffer[k])) &* 0x100_0000_01b3
                        k += 1
                    }
                    return hash ^ UInt64(end - starts[i])
                }
            }
        }

        func append(_ lines: Range<Int>, to out: inout Output) {
            guard !lines.isEmpty else { return }
            out.append(bytes[starts[lines.lowerBound]..<starts[lines.upperBound]])
        }
    }
}
