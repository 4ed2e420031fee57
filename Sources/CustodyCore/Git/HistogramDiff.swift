import Foundation

/// git's line diff as its merges run it, ported line for line from git 2.39's `xdiff` so that the
/// changes found are git's own: the histogram algorithm (`xhistogram.c`, which `merge-ort.c`
/// hard-codes in `merge_start` whatever `diff.algorithm` says), then `xdl_change_compact` on
/// both files (sliding each group of changed lines up and down over equal lines, without the
/// indent heuristic, which merges never turn on) and `xdl_build_script`.
///
/// Lines are equal when their bytes are, newline included (a last line without one differs from
/// the same text with one), exactly as git's classifier decides. The answer is nil where git
/// would not use a histogram result: a region whose common lines each occur more than 64 times
/// (git falls back to its Myers diff there) and 65 different lines in one bucket of git's hash
/// table (git gives up).
enum HistogramDiff {
    /// Lines `i1 ..< i1 + chg1` of the old file replaced by lines `i2 ..< i2 + chg2` of the new
    /// one (0-based, like git's `xdchange_t`).
    struct Change: Equatable, CustomStringConvertible {
        var i1: Int
        var chg1: Int
        var i2: Int
        var chg2: Int

        var description: String { "-\(i1),\(chg1) +\(i2),\(chg2)" }
    }

    /// git's `max_chain_length`.
    static let maximumChain = 64

    /// The changes from `a` to `b` in file order, or nil (see the type's documentation).
    static func changes(_ a: ThreeWayMerge.Lines, _ b: ThreeWayMerge.Lines) -> [Change]? {
        let classes = classify([a, b])
        return changes(classes[0], classes[1])
    }

    /// The changes between two files given as git's class numbers of their lines (equal
    /// numbers for equal lines, as ``classify(_:)`` gives them).
    static func changes(_ ha1: [Int32], _ ha2: [Int32], index: Index = Index()) -> [Change]? {
        // Change marks with git's sentinels: index i + 1 holds line i, and lines -1 and n are 0.
        var rchg1 = [UInt8](repeating: 0, count: ha1.count + 2)
        var rchg2 = [UInt8](repeating: 0, count: ha2.count + 2)
        let done = ha1.withUnsafeBufferPointer { one in
            ha2.withUnsafeBufferPointer { two in
                rchg1.withUnsafeMutableBufferPointer { marks1 in
                    rchg2.withUnsafeMutableBufferPointer { marks2 in
                        guard index.diff(one, two, marks1, marks2) else { return false }
                        var first = Compactor(rchg: marks1, ha: one, other: UnsafeBufferPointer(marks2))
                        first.run()
                        var second = Compactor(rchg: marks2, ha: two, other: UnsafeBufferPointer(marks1))
                        second.run()
                        return true
                    }
                }
            }
        }
        guard done else { return nil }
        return script(rchg1, ha1.count, rchg2, ha2.count)
    }

    /// Class numbers for the lines of `files`: equal lines (byte for byte) share a number, and
    /// numbers go by first appearance, file after file. For two files this is git's classifier
    /// of a diff from the first to the second; for a merge's base, ours and theirs, the numbers
    /// of base and ours are those of git's diff from base to ours, and ``renumbered(_:_:classes:)``
    /// gives those of base to theirs.
    ///
    /// Every line of the first file is hashed and looked up. A line of a later file is first
    /// compared with the line of the first file that follows its last match (runs of equal lines
    /// are compared eight bytes at a time): an equal line has that line's number, and only the
    /// others are hashed, so a version that differs from the base in a few places costs little
    /// more than reading it.
    static func classify(_ files: [ThreeWayMerge.Lines]) -> [[Int32]] {
        guard let first = files.first else { return [] }
        var classifier = Classifier(expected: first.count + 64)
        classifier.numberAll(files, from: 0)
        return classifier.out
    }

    /// The state of ``classify(_:)``: the classes seen (``LineTable``), each with its line in
    /// the first file (or -1), and the numbers given.
    struct Classifier {
        var table: LineTable
        var classLine: [Int] = []
        var out: [[Int32]] = []
        var firstBytes: UnsafeRawPointer?

        init(expected: Int) { table = LineTable(expected: expected) }

        /// The hash of the bytes `start ..< end` (a line, newline included), eight bytes at a time;
        /// equal hashes are checked byte for byte afterwards, so a collision costs a comparison,
        /// never a wrong answer.
        static func hash(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var k = start
            while k + 8 <= end {
                let word = buffer.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                hash = (hash ^ word) &* 0x100_0000_01b3
                hash ^= hash >> 29
                k += 8
            }
            // The last one to seven bytes as one word, first byte lowest: loaded whole and masked
            // where the buffer goes on past the line, else gathered byte by byte (the same word).
            let rest = end - k
            if rest > 0 {
                var word: UInt64 = 0
                if k + 8 <= buffer.count {
                    word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                    word &= UInt64.max >> UInt64(64 - 8 * rest)
                } else {
                    for i in 0..<rest { word |= UInt64(buffer[k + i]) << UInt64(8 * i) }
                }
                hash = (hash ^ word) &* 0x100_0000_01b3
                hash ^= hash >> 29
            }
            return hash ^ UInt64(end - start)
        }

        /// The class of a line, added when new (with `line`, its line in the first file or -1).
        @inline(__always)
        mutating func lookup(_ address: UnsafeRawPointer, _ length: Int, _ hash: UInt64, line: Int) -> Int32 {
            let id = table.lookup(address, length, hash, adding: true)
            if Int(id) == classLine.count { classLine.append(line) }
            return id
        }

        /// Numbers files `k...`, each pinned in memory while later ones are numbered.
        mutating func numberAll(_ files: [ThreeWayMerge.Lines], from k: Int) {
            if k == files.count { return }
            files[k].bytes.withUnsafeBytes { buffer in
                number(files[k], k == 0 ? nil : files[0], buffer)
                numberAll(files, from: k + 1)
            }
        }

        mutating func number(
            _ lines: ThreeWayMerge.Lines,
            _ first: ThreeWayMerge.Lines?,
            _ buffer: UnsafeRawBufferPointer
        ) {
            // Lines are never empty (each holds at least a newline or one last byte).
            guard let bytes = buffer.baseAddress else {
                out.append([])
                return
            }
            var ids = [Int32](repeating: 0, count: lines.count)
            guard let first else {
                firstBytes = bytes
                for i in 0..<lines.count {
                    let start = lines.starts[i]
                    let end = lines.starts[i + 1]
                    ids[i] = lookup(bytes + start, end - start, Classifier.hash(buffer, from: start, to: end), line: i)
                }
                out.append(ids)
                return
            }
            let base = out[0]
            var i = 0
            var j = 0
            while j < lines.count {
                if i < first.count, let firstBytes {
                    // The run of equal bytes from line j here and line i there: the lines it
                    // holds whole are equal lines.
                    let from = lines.starts[j]
                    let other = first.starts[i]
                    let run = commonPrefix(
                        bytes + from,
                        firstBytes + other,
                        min(buffer.count - from, first.bytes.count - other)
                    )
                    var k = 0
                    while j + k < lines.count, i + k < first.count {
                        let length = lines.starts[j + k + 1] - from
                        guard length <= run, first.starts[i + k + 1] - other == length else { break }
                        ids[j + k] = base[i + k]
                        k += 1
                    }
                    if k > 0 {
                        i += k
                        j += k
                        continue
                    }
                }
                let start = lines.starts[j]
                let end = lines.starts[j + 1]
                let id = lookup(bytes + start, end - start, Classifier.hash(buffer, from: start, to: end), line: -1)
                ids[j] = id
                // Follow the first file from where this line first appears there.
                if classLine[Int(id)] >= 0 { i = classLine[Int(id)] + 1 }
                j += 1
            }
            out.append(ids)
        }
    }

    /// How many bytes `a` and `b` have in common from their starts, up to `limit`.
    static func commonPrefix(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ limit: Int) -> Int {
        var k = 0
        while k + 8 <= limit {
            let difference =
                a.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                ^ b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            // Little-endian: the first differing byte holds the lowest set bit.
            if difference != 0 { return k + UInt64(littleEndian: difference).trailingZeroBitCount / 8 }
            k += 8
        }
        while k < limit && a.load(fromByteOffset: k, as: UInt8.self) == b.load(fromByteOffset: k, as: UInt8.self) {
            k += 1
        }
        return k
    }

    /// The numbers git's classifier gives `side` in a diff from `base`, from numbers shared with
    /// other files (``classify(_:)``; every number is below `classes`).
    static func renumbered(_ base: [Int32], _ side: [Int32], classes: Int) -> [Int32] {
        var map = [Int32](repeating: -1, count: classes)
        var next: Int32 = 0
        for id in base where map[Int(id)] < 0 {
            map[Int(id)] = next
            next += 1
        }
        return side.map { id in
            if map[Int(id)] < 0 {
                map[Int(id)] = next
                next += 1
            }
            return map[Int(id)]
        }
    }

    /// git's `XDL_HASHLONG` of a class number.
    @inline(__always)
    static func bucket(_ value: Int32, bits: Int) -> Int {
        let v = UInt64(value)
        return Int((v &+ (v >> UInt64(bits))) & ((1 << UInt64(bits)) - 1))
    }

    /// git's `xdl_hashbits`: the bits of the smallest power of two at least `size` (at least 1).
    static func hashBits(_ size: Int) -> Int {
        var value = 1
        var bits = 0
        while value < size && bits < 32 {
            value <<= 1
            bits += 1
        }
        return bits == 0 ? 1 : bits
    }

    /// `xhistogram.c`'s index and recursion. Lines are numbered from 1 as there; one buffer
    /// serves every region (and may serve several diffs, one at a time).
    final class Index {
        /// The bucket heads, then per record its line, count and next record, then per line of
        /// the region of `a` its record and the next line of its class (0: none).
        private var storage: UnsafeMutablePointer<Int32>
        private var capacity = 0

        init() { storage = .allocate(capacity: 1) }
        deinit { storage.deallocate() }

        /// The longest common run found, 1-based; all zero when none.
        struct Region {
            var begin1 = 0
            var end1 = 0
            var begin2 = 0
            var end2 = 0
        }

        enum Outcome {
            case found(Region)
            case fallBack
        }

        /// `histogram_diff` over the whole files, marking changed lines in `rchg1` and `rchg2`
        /// (sentinel layout: line `n`, 1-based, at index `n`); false where git would fall back
        /// or fail.
        func diff(
            _ ha1: UnsafeBufferPointer<Int32>,
            _ ha2: UnsafeBufferPointer<Int32>,
            _ rchg1: UnsafeMutableBufferPointer<UInt8>,
            _ rchg2: UnsafeMutableBufferPointer<UInt8>
        ) -> Bool {
            // git recurses into the part before each common run and loops on the part after it;
            // the regions are independent, so a stack of them gives the same marks.
            var pending: [(line1: Int, count1: Int, line2: Int, count2: Int)] = [(1, ha1.count, 1, ha2.count)]
            while let region = pending.popLast() {
                var (line1, count1, line2, count2) = region
                while count1 > 0 || count2 > 0 {
                    if count1 == 0 {
                        for line in line2..<(line2 + count2) { rchg2[line] = 1 }
                        break
                    }
                    if count2 == 0 {
                        for line in line1..<(line1 + count1) { rchg1[line] = 1 }
                        break
                    }
                    guard case .found(let lcs) = findLCS(ha1, ha2, line1, count1, line2, count2) else { return false }
                    if lcs.begin1 == 0 && lcs.begin2 == 0 {
                        for line in line1..<(line1 + count1) { rchg1[line] = 1 }
                        for line in line2..<(line2 + count2) { rchg2[line] = 1 }
                        break
                    }
                    pending.append((line1, lcs.begin1 - line1, line2, lcs.begin2 - line2))
                    let end1 = line1 + count1 - 1
                    let end2 = line2 + count2 - 1
                    count1 = end1 - lcs.end1
                    line1 = lcs.end1 + 1
                    count2 = end2 - lcs.end2
                    line2 = lcs.end2 + 1
                }
            }
            return true
        }

        /// `find_lcs` with `scanA` and `try_lcs`: nil when `scanA` gives up (a full bucket).
        func findLCS(
            _ ha1: UnsafeBufferPointer<Int32>,
            _ ha2: UnsafeBufferPointer<Int32>,
            _ line1: Int,
            _ count1: Int,
            _ line2: Int,
            _ count2: Int
        ) -> Outcome? {
            let bits = HistogramDiff.hashBits(count1)
            let size = 1 << bits
            let needed = size + 5 * count1
            if needed > capacity {
                storage.deallocate()
                capacity = max(needed, 2 * capacity)
                storage = .allocate(capacity: capacity)
            }
            let heads = storage
            let recordLine = heads + size
            let recordCount = recordLine + count1
            let recordNext = recordCount + count1
            let lineRecord = recordNext + count1
            let nextLine = lineRecord + count1
            heads.update(repeating: -1, count: size)
            nextLine.update(repeating: 0, count: count1)
            var records: Int32 = 0

            // scanA: from the last line up, so that each class's chain runs in line order.
            let end1 = line1 + count1 - 1
            var ptr = end1
            scan: while ptr >= line1 {
                defer { ptr -= 1 }
                let line = ha1[ptr - 1]
                let slot = HistogramDiff.bucket(line, bits: bits)
                var record = heads[slot]
                var chain = 0
                while record >= 0 {
                    let r = Int(record)
                    if ha1[Int(recordLine[r]) - 1] == line {
                        nextLine[ptr - line1] = recordLine[r]
                        recordLine[r] = Int32(ptr)
                        recordCount[r] += 1
                        lineRecord[ptr - line1] = record
                        continue scan
                    }
                    record = recordNext[r]
                    chain += 1
                }
                if chain == HistogramDiff.maximumChain { return nil }
                recordLine[Int(records)] = Int32(ptr)
                recordCount[Int(records)] = 1
                recordNext[Int(records)] = heads[slot]
                heads[slot] = records
                lineRecord[ptr - line1] = records
                records += 1
            }

            var lcs = Region()
            var count = HistogramDiff.maximumChain + 1
            var hasCommon = false
            let end2 = line2 + count2 - 1
            var bPtr = line2
            while bPtr <= end2 {
                // try_lcs
                var bNext = bPtr + 1
                let line = ha2[bPtr - 1]
                var record = heads[HistogramDiff.bucket(line, bits: bits)]
                while record >= 0 {
                    let r = Int(record)
                    record = recordNext[r]
                    let occurrences = Int(recordCount[r])
                    if occurrences > count {
                        if !hasCommon { hasCommon = ha1[Int(recordLine[r]) - 1] == line }
                        continue
                    }
                    var aStart = Int(recordLine[r])
                    if ha1[aStart - 1] != line { continue }
                    hasCommon = true
                    while true {
                        var np = Int(nextLine[aStart - line1])
                        var bStart = bPtr
                        var aEnd = aStart
                        var bEnd = bStart
                        var rc = occurrences
                        while line1 < aStart && line2 < bStart && ha1[aStart - 2] == ha2[bStart - 2] {
                            aStart -= 1
                            bStart -= 1
                            if 1 < rc { rc = min(rc, Int(recordCount[Int(lineRecord[aStart - line1])])) }
                        }
                        while aEnd < end1 && bEnd < end2 && ha1[aEnd] == ha2[bEnd] {
                            aEnd += 1
                            bEnd += 1
                            if 1 < rc { rc = min(rc, Int(recordCount[Int(lineRecord[aEnd - line1])])) }
                        }
                        if bNext <= bEnd { bNext = bEnd + 1 }
                        if lcs.end1 - lcs.begin1 < aEnd - aStart || rc < count {
                            lcs = Region(begin1: aStart, end1: aEnd, begin2: bStart, end2: bEnd)
                            count = rc
                        }
                        if np == 0 { break }
                        while np <= aEnd {
                            np = Int(nextLine[np - line1])
                            if np == 0 { break }
                        }
                        if np == 0 { break }
                        aStart = np
                    }
                }
                bPtr = bNext
            }
            if hasCommon && HistogramDiff.maximumChain < count { return .fallBack }
            return .found(lcs)
        }
    }

    /// `xdl_change_compact` without the indent heuristic: each group of changed lines in `rchg`
    /// slides up, then down, as far as equal lines allow (merging with groups it meets), and
    /// ends aligned with the last changed group of the other file it can meet, else as low as
    /// it goes. Marks use the sentinel layout of ``changes(_:_:index:)``; groups are
    /// `start ..< end` in 0-based lines, whose marks are at `start + 1 ..< end + 1`.
    struct Compactor {
        let rchg: UnsafeMutableBufferPointer<UInt8>
        let ha: UnsafeBufferPointer<Int32>
        let other: UnsafeBufferPointer<UInt8>
        var start = 0
        var end = 0
        var otherStart = 0
        var otherEnd = 0

        init(rchg: UnsafeMutableBufferPointer<UInt8>, ha: UnsafeBufferPointer<Int32>, other: UnsafeBufferPointer<UInt8>)
        {
            self.rchg = rchg
            self.ha = ha
            self.other = other
            while rchg[end + 1] != 0 { end += 1 }
            while other[otherEnd + 1] != 0 { otherEnd += 1 }
        }

        mutating func next() -> Bool {
            if end == ha.count { return false }
            start = end + 1
            end = start
            while rchg[end + 1] != 0 { end += 1 }
            return true
        }

        mutating func nextOther() {
            if otherEnd == other.count - 2 { return }
            otherStart = otherEnd + 1
            otherEnd = otherStart
            while other[otherEnd + 1] != 0 { otherEnd += 1 }
        }

        mutating func previousOther() {
            if otherStart == 0 { return }
            otherEnd = otherStart - 1
            otherStart = otherEnd
            while other[otherStart] != 0 { otherStart -= 1 }
        }

        mutating func slideDown() -> Bool {
            guard end < ha.count, ha[start] == ha[end] else { return false }
            rchg[start + 1] = 0
            start += 1
            rchg[end + 1] = 1
            end += 1
            while rchg[end + 1] != 0 { end += 1 }
            return true
        }

        mutating func slideUp() -> Bool {
            guard start > 0, ha[start - 1] == ha[end - 1] else { return false }
            start -= 1
            rchg[start + 1] = 1
            end -= 1
            rchg[end + 1] = 0
            while rchg[start] != 0 { start -= 1 }
            return true
        }

        mutating func run() {
            while true {
                if end != start {
                    var groupSize = 0
                    var earliestEnd = 0
                    var endMatchingOther = -1
                    repeat {
                        groupSize = end - start
                        endMatchingOther = -1
                        while slideUp() { previousOther() }
                        earliestEnd = end
                        if otherEnd > otherStart { endMatchingOther = end }
                        while slideDown() {
                            nextOther()
                            if otherEnd > otherStart { endMatchingOther = end }
                        }
                    } while groupSize != end - start
                    if end != earliestEnd && endMatchingOther != -1 {
                        while otherEnd == otherStart {
                            _ = slideUp()
                            previousOther()
                        }
                    }
                }
                if !next() { break }
                nextOther()
            }
        }
    }

    /// `xdl_build_script`: the groups of the two files paired in order.
    static func script(_ rchg1: [UInt8], _ n1: Int, _ rchg2: [UInt8], _ n2: Int) -> [Change] {
        var out: [Change] = []
        var i1 = n1
        var i2 = n2
        // The unchanged lines of the two files pair up one to one, so both reach 0 together.
        while i1 >= 0 && i2 >= 0 {
            if rchg1[i1] != 0 || rchg2[i2] != 0 {
                let l1 = i1
                let l2 = i2
                while rchg1[i1] != 0 { i1 -= 1 }
                while rchg2[i2] != 0 { i2 -= 1 }
                out.append(Change(i1: i1, chg1: l1 - i1, i2: i2, chg2: l2 - i2))
            }
            i1 -= 1
            i2 -= 1
        }
        return out.reversed()
    }
}
