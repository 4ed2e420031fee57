import Foundation

/// git's line diff as `git diff -U0` runs it under git's defaults, ported line for line from git
/// 2.39's `xdiff` so that the changes found are git's own, line numbers included:
///
/// - `xdi_diff` (`xdiff-interface.c`): files over `MAX_XDIFF_SIZE` are not diffed, and with no
///   context lines `trim_common_tail` first cuts the equal tail of the two files in 1024-byte
///   blocks, keeping the trimmed part up to its first newline (``trimCommonTail(_:_:)``);
/// - `xdl_prepare_env` (`xprepare.c`): the files cut into lines, lines classified (equal when
///   their bytes are, newline included), then `xdl_trim_ends` and `xdl_cleanup_records`, which
///   leave out of the search lines with no match in the other file and, with
///   `xdl_clean_mmatch`, lines with very many matches inside runs of such lines
///   (``Prepared``);
/// - `xdl_do_diff` with the default algorithm (`xdiffi.c`): Myers' divide and conquer
///   (`xdl_recs_cmp`, `xdl_split`) with git's cut-offs for costly boxes (`XDL_HEUR_MIN_COST`,
///   `XDL_SNAKE_CNT`, `XDL_K_HEUR`, and `mxcost` from `xdl_bogosqrt`), never minimal
///   (``Search``);
/// - `xdl_change_compact` on the old file against the new one, then the other way round, with
///   the indent heuristic (`XDF_INDENT_HEURISTIC`, on by default since git 2.14): each group of
///   changed lines slides up and down over equal lines, merging with groups it meets, ends
///   aligned with a changed group of the other file when it can, and otherwise where
///   `measure_split`/`score_add_split` find the best split by indentation (``Compactor``);
/// - `xdl_build_script` (``HistogramDiff/script(_:_:_:_:)``).
///
/// Diff options are git's defaults: `diff.algorithm` unset (Myers), no `--minimal`, no
/// whitespace options, `diff.indentHeuristic` unset (on). Whether git diffs the files as text at
/// all is the caller's affair: without `--text`, `git diff` shows as binary a file with a NUL
/// byte in its first 8,000 bytes, one over `core.bigFileThreshold` (512 MiB unless set), and
/// one with a `binary` or `-diff` attribute; here the lines of any file are diffed alike.
enum MyersDiff {
    /// git's `MAX_XDIFF_SIZE` (1023 MiB): `xdi_diff` refuses larger files.
    static let maximumSize = 1024 * 1024 * 1023

    /// The changes `git diff -U0` (git 2.39, default options) reports from `old` to `new`, in file
    /// order, 0-based, or nil when git would not diff them as text (either side over git's
    /// `MAX_XDIFF_SIZE`, 1023 MiB). Each change is one hunk of git's output: with no context
    /// lines, git prints every change of `xdl_build_script` as a hunk of its own.
    static func changes(_ old: [UInt8], _ new: [UInt8]) -> [HistogramDiff.Change]? {
        guard old.count <= maximumSize, new.count <= maximumSize else { return nil }
        return old.withUnsafeBytes { one in
            new.withUnsafeBytes { two in
                let (size1, size2) = trimCommonTail(one, two)
                return diff(
                    UnsafeRawBufferPointer(rebasing: one[0..<size1]),
                    UnsafeRawBufferPointer(rebasing: two[0..<size2])
                )
            }
        }
    }

    /// `trim_common_tail`: the sizes of `a` and `b` once the tail they share is cut, in whole
    /// blocks of 1024 bytes compared from the ends, less the start of the cut part up to and with
    /// its first newline (nothing is cut when it has none). Both files then lose the same whole
    /// lines at their ends, which follow every change, so the changes' line numbers hold for the
    /// whole files; but the diff of what is left can differ from the diff of the whole files
    /// (a group of changed lines slides down only as far as the files now go, and fewer lines
    /// are counted in `xdl_cleanup_records`).
    static func trimCommonTail(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> (Int, Int) {
        let block = 1024
        var trimmed = 0
        var recovered = 0
        let smaller = min(a.count, b.count)
        guard let ap = a.baseAddress, let bp = b.baseAddress else { return (a.count, b.count) }
        while block + trimmed <= smaller
            && memcmp(ap + (a.count - trimmed - block), bp + (b.count - trimmed - block), block) == 0
        {
            trimmed += block
        }
        let cut = a.count - trimmed
        while recovered < trimmed {
            recovered += 1
            if a[cut + recovered - 1] == 0x0a { break }
        }
        return (a.count - (trimmed - recovered), b.count - (trimmed - recovered))
    }

    /// `xdl_diff` without its output: the changes between the (tail-trimmed) files `a` and `b`.
    static func diff(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> [HistogramDiff.Change] {
        let prepared = Prepared(a, b)
        defer { prepared.deallocate() }
        let file1 = prepared.file1
        let file2 = prepared.file2
        Search.run(file1, file2)
        var first = Compactor(file: file1, other: file2)
        first.run()
        var second = Compactor(file: file2, other: file1)
        second.run()
        // xdl_build_script over the marks with both sentinels (index i + 1 holds line i).
        let rchg1 = Array(UnsafeBufferPointer(start: file1.rchg - 1, count: file1.nrec + 2))
        let rchg2 = Array(UnsafeBufferPointer(start: file2.rchg - 1, count: file2.nrec + 2))
        return HistogramDiff.script(rchg1, file1.nrec, rchg2, file2.nrec)
    }

    /// How many bytes end both `a` and `b` (pointers past their ends), up to `limit`.
    static func commonSuffix(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ limit: Int) -> Int {
        var k = 0
        while k + 8 <= limit {
            let difference =
                UInt64(littleEndian: a.loadUnaligned(fromByteOffset: -k - 8, as: UInt64.self))
                ^ UInt64(littleEndian: b.loadUnaligned(fromByteOffset: -k - 8, as: UInt64.self))
            // The last differing byte holds the highest set bit.
            if difference != 0 { return k + difference.leadingZeroBitCount / 8 }
            k += 8
        }
        while k < limit
            && a.load(fromByteOffset: -k - 1, as: UInt8.self) == b.load(fromByteOffset: -k - 1, as: UInt8.self)
        {
            k += 1
        }
        return k
    }

    /// git's `xdl_bogosqrt`: a power of two near the square root of `n` (1 for 0).
    static func bogosqrt(_ n: Int) -> Int {
        var n = n
        var i = 1
        while n > 0 {
            i <<= 1
            n >>= 2
        }
        return i
    }

    /// One file as `xdfile_t` holds it: its lines (`recs`: where each starts), each line's class
    /// (`recs[i]->ha` after classification), the change marks `rchg` (git's layout: `rchg[-1]`
    /// and `rchg[nrec]` are zero sentinels), the range `dstart ... dend` left by
    /// `xdl_trim_ends`, and the lines kept by `xdl_cleanup_records` (`rindex`, with their
    /// classes in `ha`, `nreff` of them). Memory is owned by ``Prepared``.
    struct File {
        /// The file's bytes (nil when empty).
        let bytes: UnsafeRawPointer?
        let nrec: Int
        /// `nrec + 1` offsets: line i is `starts[i] ..< starts[i + 1]`.
        let starts: UnsafeMutablePointer<Int32>
        let classes: UnsafeMutablePointer<Int32>
        let rchg: UnsafeMutablePointer<UInt8>
        let rindex: UnsafeMutablePointer<Int32>
        let ha: UnsafeMutablePointer<Int32>
        var nreff = 0
        var dstart = 0
        var dend = -1

        /// `xdl_prepare_ctx`'s cutting into lines: each line ends after a newline, the last one
        /// possibly at the end of the file without one; an empty file has no lines. Newlines are
        /// found eight bytes at a time.
        init(_ buffer: UnsafeRawBufferPointer) {
            bytes = buffer.baseAddress
            let size = buffer.count
            var capacity = size / 32 + 16
            var found = UnsafeMutablePointer<Int32>.allocate(capacity: capacity + 2)
            found[0] = 0
            var line = 0
            var k = 0
            while k < size {
                var mask: UInt64
                if k + 8 <= size {
                    mask = File.newlines(buffer, k)
                } else {
                    mask = 0
                    for j in 0..<(size - k) where buffer[k + j] == 0x0a { mask |= 0x80 << UInt64(8 * j) }
                }
                while mask != 0 {
                    if line == capacity {
                        let larger = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * capacity + 2)
                        larger.update(from: found, count: line + 1)
                        found.deallocate()
                        found = larger
                        capacity *= 2
                    }
                    line += 1
                    found[line] = Int32(k + mask.trailingZeroBitCount / 8 + 1)
                    mask &= mask - 1
                }
                k += 8
            }
            // A last line without a newline (room is left for it).
            if size > 0 && Int(found[line]) != size {
                line += 1
                found[line] = Int32(size)
            }
            let count = line
            nrec = count
            starts = found
            classes = .allocate(capacity: max(count, 1))
            let marks = UnsafeMutablePointer<UInt8>.allocate(capacity: count + 2)
            marks.initialize(repeating: 0, count: count + 2)
            rchg = marks + 1
            rindex = .allocate(capacity: count + 1)
            ha = .allocate(capacity: count + 1)
        }

        /// The newlines among the eight bytes at `offset`: the top bit of each byte that is one
        /// (bytes in memory order from the lowest).
        @inline(__always)
        static func newlines(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
            let t =
                UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                ^ 0x0a0a_0a0a_0a0a_0a0a
            return ~(((t & 0x7f7f_7f7f_7f7f_7f7f) &+ 0x7f7f_7f7f_7f7f_7f7f) | t) & 0x8080_8080_8080_8080
        }

        /// The bytes of line `i`.
        @inline(__always)
        func line(_ i: Int) -> (address: UnsafeRawPointer, length: Int)? {
            guard let bytes else { return nil }
            let start = Int(starts[i])
            return (bytes + start, Int(starts[i + 1]) - start)
        }

        func deallocate() {
            starts.deallocate()
            classes.deallocate()
            (rchg - 1).deallocate()
            rindex.deallocate()
            ha.deallocate()
        }

        /// git's `get_indent`: the indentation of line `i` with tabs to multiples of 8 columns,
        /// -1 for a line of whitespace only, at most `MAX_INDENT` (200). Whitespace is git's
        /// `isspace` (space, tab, newline, carriage return: not vertical tab or form feed); only
        /// spaces and tabs count.
        @inline(__always)
        func indent(_ i: Int) -> Int {
            guard let bytes else { return -1 }
            var ret = 0
            var k = Int(starts[i])
            let end = Int(starts[i + 1])
            while k < end {
                let c = bytes.load(fromByteOffset: k, as: UInt8.self)
                if !(c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) { return ret }
                if c == 0x20 {
                    ret += 1
                } else if c == 0x09 {
                    ret += 8 - ret % 8
                }
                if ret >= 200 { return 200 }
                k += 1
            }
            return -1
        }
    }

    /// `xdl_prepare_env` for the Myers diff: both files cut into lines and classified, then
    /// `xdl_optimize_ctxs` (`xdl_trim_ends`, `xdl_cleanup_records`).
    struct Prepared {
        var file1: File
        var file2: File

        init(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) {
            file1 = File(a)
            file2 = File(b)
            trimEnds(a, b)
            // The lines between first (see Classifier), then those of the equal start and end.
            var classifier = Classifier(lines: (file1.dend - file1.dstart + 1) + (file2.dend - file2.dstart + 1))
            classifier.classify(file1, file1.dstart..<(file1.dend + 1), pass: 1)
            classifier.classify(file2, file2.dstart..<(file2.dend + 1), pass: 2)
            classifier.classify(file1, file2, 0..<file1.dstart, offset: 0)
            classifier.classify(file1, file2, (file1.dend + 1)..<file1.nrec, offset: file2.nrec - file1.nrec)
            cleanupRecords(classifier)
        }

        func deallocate() {
            file1.deallocate()
            file2.deallocate()
        }

        /// `xdl_trim_ends`: the lines equal from the start of both files, and from the end (at
        /// most as many as the shorter file has after the equal start). Lines are equal when
        /// their bytes are, as their classes are in git; found here from the bytes the files
        /// share at their start and at their end, before classification.
        mutating func trimEnds(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) {
            var lim = min(file1.nrec, file2.nrec)
            var i = 0
            if lim > 0, let one = a.baseAddress, let two = b.baseAddress {
                // Line i is equal when the lines before it are, it ends where the other does,
                // and no byte before its end differs.
                let common = HistogramDiff.commonPrefix(one, two, min(a.count, b.count))
                while i < lim && file1.starts[i + 1] == file2.starts[i + 1] && Int(file1.starts[i + 1]) <= common {
                    i += 1
                }
            }
            file1.dstart = i
            file2.dstart = i
            lim -= i
            i = 0
            if lim > 0, let one = a.baseAddress, let two = b.baseAddress {
                // From the end: line n - 1 - i is equal when it starts as far from the end as the
                // other and no byte after its start differs.
                let common = MyersDiff.commonSuffix(one + a.count, two + b.count, min(a.count, b.count))
                while i < lim {
                    let back1 = a.count - Int(file1.starts[file1.nrec - 1 - i])
                    let back2 = b.count - Int(file2.starts[file2.nrec - 1 - i])
                    guard back1 == back2 && back1 <= common else { break }
                    i += 1
                }
            }
            file1.dend = file1.nrec - i - 1
            file2.dend = file2.nrec - i - 1
        }

        /// `xdl_cleanup_records`: between `dstart` and `dend`, a line whose class is not in the
        /// other file is left out (marked changed); one whose class is there at least
        /// `min(xdl_bogosqrt(nrec), XDL_MAX_EQLIMIT)` times (`nrec` of this file, occurrences
        /// counted over the whole other file) is left out when `xdl_clean_mmatch` says it sits in
        /// a run of such lines; the others are kept for the search.
        mutating func cleanupRecords(_ classifier: Classifier) {
            let dis = UnsafeMutablePointer<UInt8>.allocate(capacity: file1.nrec + file2.nrec + 2)
            dis.initialize(repeating: 0, count: file1.nrec + file2.nrec + 2)
            defer { dis.deallocate() }
            let dis1 = dis
            let dis2 = dis1 + file1.nrec + 1
            classifier.count2.withUnsafeBufferPointer { count2 in
                let mlim = min(MyersDiff.bogosqrt(file1.nrec), Self.maximumEqualLimit)
                var i = file1.dstart
                while i <= file1.dend {
                    let nm = Int(count2[Int(file1.classes[i])])
                    dis1[i] = nm == 0 ? 0 : nm >= mlim ? 2 : 1
                    i += 1
                }
            }
            classifier.count1.withUnsafeBufferPointer { count1 in
                let mlim = min(MyersDiff.bogosqrt(file2.nrec), Self.maximumEqualLimit)
                var i = file2.dstart
                while i <= file2.dend {
                    let nm = Int(count1[Int(file2.classes[i])])
                    dis2[i] = nm == 0 ? 0 : nm >= mlim ? 2 : 1
                    i += 1
                }
            }
            Self.keep(&file1, dis1)
            Self.keep(&file2, dis2)
        }

        /// git's `XDL_MAX_EQLIMIT`.
        static let maximumEqualLimit = 1024

        /// The second half of `xdl_cleanup_records` for one file.
        static func keep(_ file: inout File, _ dis: UnsafeMutablePointer<UInt8>) {
            var nreff = 0
            var i = file.dstart
            while i <= file.dend {
                if dis[i] == 1 || (dis[i] == 2 && !cleanMatch(dis, i, file.dstart, file.dend)) {
                    file.rindex[nreff] = Int32(i)
                    file.ha[nreff] = file.classes[i]
                    nreff += 1
                } else {
                    file.rchg[i] = 1
                }
                i += 1
            }
            file.nreff = nreff
        }

        /// git's `XDL_SIMSCAN_WINDOW` and `XDL_KPDIS_RUN`.
        static let scanWindow = 100
        static let keepRun = 4

        /// `xdl_clean_mmatch`: whether the many-times-matched line `i` (`dis[i] == 2`) lies in a
        /// run of unmatched (0) and many-times-matched (2) lines, with unmatched lines on both
        /// sides, of which more than one in `XDL_KPDIS_RUN` (4) are unmatched; the run is looked
        /// for at most `XDL_SIMSCAN_WINDOW` (100) lines away and within `s ... e`.
        static func cleanMatch(_ dis: UnsafeMutablePointer<UInt8>, _ i: Int, _ s: Int, _ e: Int) -> Bool {
            var s = s
            var e = e
            if i - s > scanWindow { s = i - scanWindow }
            if e - i > scanWindow { e = i + scanWindow }
            var r = 1
            var rdis0 = 0
            var rpdis0 = 1
            while i - r >= s {
                if dis[i - r] == 0 {
                    rdis0 += 1
                } else if dis[i - r] == 2 {
                    rpdis0 += 1
                } else {
                    break
                }
                r += 1
            }
            if rdis0 == 0 { return false }
            r = 1
            var rdis1 = 0
            var rpdis1 = 1
            while i + r <= e {
                if dis[i + r] == 0 {
                    rdis1 += 1
                } else if dis[i + r] == 2 {
                    rpdis1 += 1
                } else {
                    break
                }
                r += 1
            }
            if rdis1 == 0 { return false }
            rdis1 += rdis0
            rpdis1 += rpdis0
            return rpdis1 * keepRun < rpdis1 + rdis1
        }
    }

    /// The classes of git's classifier (`xdl_classify_record`): lines are in one class when their
    /// bytes are equal, newline included, and each class counts its lines in the old file
    /// (`len1`) and in the new one (`len2`). The numbers themselves do not matter to git's answer,
    /// only their equality and the counts do, so lines are found by a hash of their own, keyed
    /// per process, in a ``LineTable`` (equal hashes are confirmed byte for byte: different lines
    /// are never taken for one).
    ///
    /// Only lines between the equal start and end of the files (``Prepared/trimEnds(_:_:)``) are
    /// added. A line of the equal start or end is looked up once for both files and counted in
    /// both when its class is there; otherwise its class is -1, equal to no other. That is
    /// enough: git reads the counts only of classes of lines between, and compares classes
    /// only there and, in `xdl_change_compact`, between a line of a group of changed lines and
    /// the line next to the group, where every line of a group is equal to a line between.
    struct Classifier {
        var table: LineTable
        var count1: [Int32] = []
        var count2: [Int32] = []
        /// A bit for the ``quick(_:_:)`` key of every line added: a line of the equal start or
        /// end whose bit is clear is in no class, and is not hashed.
        var seen: [UInt64]
        var seenShift: UInt64

        init(lines: Int) {
            table = LineTable(expected: min(lines, 1 << 16))
            var seenBits = 6
            while 1 << seenBits < 8 * lines && seenBits < 26 { seenBits += 1 }
            seen = [UInt64](repeating: 0, count: 1 << (seenBits - 6))
            seenShift = UInt64(64 - seenBits)
        }

        /// A number drawn for this process, so that no file can line its lines up in one run of
        /// slots.
        static let key = UInt64.random(in: 1...UInt64.max)

        /// The hash of `length` bytes at `p`, eight at a time; the last few bytes are read as one
        /// word ending at the line's end (or, in lines under eight bytes, as two overlapping
        /// halves, or first, middle and last byte), never outside the line.
        @inline(__always)
        static func hash(_ p: UnsafeRawPointer, _ length: Int) -> UInt64 {
            var h = key ^ UInt64(length)
            var k = 0
            while k + 8 <= length {
                h = (h ^ p.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 32
                k += 8
            }
            let tail = k < length ? ends(p, length) : 0
            h = (h ^ tail) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            h = h &* 0x94D0_49BB_1331_11EB
            return h ^ (h >> 29)
        }

        /// Up to eight bytes read from the ends of the `length` (> 0) bytes at `p`: the last eight,
        /// or two overlapping halves of four, or the first, middle and last byte.
        @inline(__always)
        static func ends(_ p: UnsafeRawPointer, _ length: Int) -> UInt64 {
            if length >= 8 { return p.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self) }
            if length >= 4 {
                return UInt64(p.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
                    | UInt64(p.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)) << 32
            }
            return UInt64(p.load(fromByteOffset: 0, as: UInt8.self))
                | UInt64(p.load(fromByteOffset: length / 2, as: UInt8.self)) << 8
                | UInt64(p.load(fromByteOffset: length - 1, as: UInt8.self)) << 16
        }

        /// A cheap key of a line (its length, first and last bytes) for ``seen``.
        @inline(__always)
        func quick(_ p: UnsafeRawPointer, _ length: Int) -> Int {
            let first = length >= 8 ? p.loadUnaligned(fromByteOffset: 0, as: UInt64.self) : 0
            let key =
                ((first &* 0x9E37_79B9_7F4A_7C15) ^ Self.ends(p, length) ^ UInt64(length)) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: key >> seenShift)
        }

        /// Classifies the lines `range` of `file` (`pass` 1: the old file, 2: the new one),
        /// adding new classes.
        mutating func classify(_ file: File, _ range: Range<Int>, pass: Int) {
            for i in range {
                guard let (address, length) = file.line(i) else { return }
                let bit = quick(address, length)
                seen[bit >> 6] |= 1 << UInt64(bit & 63)
                let id = lookup(address, length, Self.hash(address, length), adding: true)
                file.classes[i] = id
                if pass == 1 { count1[Int(id)] += 1 } else { count2[Int(id)] += 1 }
            }
        }

        /// Classifies the lines `range` of `file1`, equal to lines `range` + `offset` of `file2`,
        /// and those, among the classes there are: counted in both files when found, -1 when not.
        mutating func classify(_ file1: File, _ file2: File, _ range: Range<Int>, offset: Int) {
            for i in range {
                guard let (address, length) = file1.line(i) else { return }
                let bit = quick(address, length)
                var id: Int32 = -1
                if seen[bit >> 6] & (1 << UInt64(bit & 63)) != 0 {
                    id = lookup(address, length, Self.hash(address, length), adding: false)
                }
                file1.classes[i] = id
                file2.classes[i + offset] = id
                if id >= 0 {
                    count1[Int(id)] += 1
                    count2[Int(id)] += 1
                }
            }
        }

        /// The class of the `length` bytes at `address`; when there is none, a new one (counted
        /// in neither file yet) if `adding`, else -1.
        @inline(__always)
        mutating func lookup(_ address: UnsafeRawPointer, _ length: Int, _ hash: UInt64, adding: Bool) -> Int32 {
            let id = table.lookup(address, length, hash, adding: adding)
            if Int(id) == count1.count {
                count1.append(0)
                count2.append(0)
            }
            return id
        }
    }

    /// `xdl_do_diff` for the default algorithm: `xdl_recs_cmp` over the kept lines of both files,
    /// with `xdl_split`, marking in `rchg` the kept lines left unmatched.
    enum Search {
        /// git's `XDL_MAX_COST_MIN`, `XDL_HEUR_MIN_COST`, `XDL_LINE_MAX`, `XDL_SNAKE_CNT` and
        /// `XDL_K_HEUR`.
        static let maximumCostMinimum = 256
        static let heuristicMinimumCost = 256
        static let lineMax = Int.max
        static let snakeCount = 20
        static let kHeuristic = 4

        /// `xdpsplit_t`: where a box is cut, and whether each half must be diffed minimally.
        struct Split {
            var i1 = 0
            var i2 = 0
            var minLo = false
            var minHi = false
        }

        /// `xdl_do_diff` after `xdl_prepare_env`: the K vectors (`kvdf` and `kvdb`, each
        /// indexed by diagonal from `-(nreff2 + 1)`), `mxcost = max(xdl_bogosqrt(ndiags),
        /// XDL_MAX_COST_MIN)`, and `xdl_recs_cmp` over the whole kept files, not minimal.
        ///
        /// git recurses into the lower half of each split box, then the upper one; here a stack
        /// of boxes is worked in the same order, so no file can exhaust the stack.
        static func run(_ file1: File, _ file2: File) {
            let ndiags = file1.nreff + file2.nreff + 3
            let kvd = UnsafeMutablePointer<Int>.allocate(capacity: 2 * ndiags + 2)
            defer { kvd.deallocate() }
            // The vectors only hold values each split writes before it reads them; zeroed all
            // the same, so that nothing depends on what the allocator left there.
            kvd.initialize(repeating: 0, count: 2 * ndiags + 2)
            let kvdf = kvd + (file2.nreff + 1)
            let kvdb = kvd + ndiags + (file2.nreff + 1)
            let mxcost = max(bogosqrt(ndiags), maximumCostMinimum)
            let ha1 = UnsafePointer(file1.ha)
            let ha2 = UnsafePointer(file2.ha)

            var boxes: [(off1: Int, lim1: Int, off2: Int, lim2: Int, needMin: Bool)] = [
                (0, file1.nreff, 0, file2.nreff, false)
            ]
            while let box = boxes.popLast() {
                var (off1, lim1, off2, lim2) = (box.off1, box.lim1, box.off2, box.lim2)
                // xdl_recs_cmp: shrink the box by the snakes at both of its corners.
                while off1 < lim1 && off2 < lim2 && ha1[off1] == ha2[off2] {
                    off1 += 1
                    off2 += 1
                }
                while off1 < lim1 && off2 < lim2 && ha1[lim1 - 1] == ha2[lim2 - 1] {
                    lim1 -= 1
                    lim2 -= 1
                }
                if off1 == lim1 {
                    while off2 < lim2 {
                        file2.rchg[Int(file2.rindex[off2])] = 1
                        off2 += 1
                    }
                } else if off2 == lim2 {
                    while off1 < lim1 {
                        file1.rchg[Int(file1.rindex[off1])] = 1
                        off1 += 1
                    }
                } else {
                    let spl = split(ha1, off1, lim1, ha2, off2, lim2, kvdf, kvdb, box.needMin, mxcost)
                    boxes.append((spl.i1, lim1, spl.i2, lim2, spl.minHi))
                    boxes.append((off1, spl.i1, off2, spl.i2, spl.minLo))
                }
            }
        }

        /// `xdl_split`: the middle snake of the box `off1 ..< lim1` × `off2 ..< lim2`, found by
        /// searching forward from its top left and backward from its bottom right until the
        /// paths meet; unless `needMin`, a box whose cost passes `XDL_HEUR_MIN_COST` is cut at a
        /// diagonal that has gone far with a snake of `XDL_SNAKE_CNT` equal lines behind it, and
        /// one whose cost reaches `mxcost` at the furthest point reached.
        static func split(
            _ ha1: UnsafePointer<Int32>,
            _ off1: Int,
            _ lim1: Int,
            _ ha2: UnsafePointer<Int32>,
            _ off2: Int,
            _ lim2: Int,
            _ kvdf: UnsafeMutablePointer<Int>,
            _ kvdb: UnsafeMutablePointer<Int>,
            _ needMin: Bool,
            _ mxcost: Int
        ) -> Split {
            let dmin = off1 - lim2
            let dmax = lim1 - off2
            let fmid = off1 - off2
            let bmid = lim1 - lim2
            let odd = (fmid - bmid) & 1 != 0
            var fmin = fmid
            var fmax = fmid
            var bmin = bmid
            var bmax = bmid
            var spl = Split()

            kvdf[fmid] = off1
            kvdb[bmid] = lim1

            var ec = 0
            while true {
                ec += 1
                var gotSnake = false

                // Forward: extend the domain of diagonals by one (or shrink it at the box's
                // edge), with -1 just outside it.
                if fmin > dmin {
                    fmin -= 1
                    kvdf[fmin - 1] = -1
                } else {
                    fmin += 1
                }
                if fmax < dmax {
                    fmax += 1
                    kvdf[fmax + 1] = -1
                } else {
                    fmax -= 1
                }
                // (The arithmetic of the two searches wraps, as it cannot overflow: it stays
                // within the box and the K vectors, and the loops do not check for it.)
                var d = fmax
                while d >= fmin {
                    let below = kvdf[d &- 1]
                    let above = kvdf[d &+ 1]
                    var i1 = below >= above ? below &+ 1 : above
                    let prev1 = i1
                    var i2 = i1 &- d
                    while i1 < lim1 && i2 < lim2 && ha1[i1] == ha2[i2] {
                        i1 &+= 1
                        i2 &+= 1
                    }
                    if i1 &- prev1 > snakeCount { gotSnake = true }
                    kvdf[d] = i1
                    if odd && bmin <= d && d <= bmax && kvdb[d] <= i1 {
                        return Split(i1: i1, i2: i2, minLo: true, minHi: true)
                    }
                    d &-= 2
                }

                // Backward, with XDL_LINE_MAX just outside the domain.
                if bmin > dmin {
                    bmin -= 1
                    kvdb[bmin - 1] = lineMax
                } else {
                    bmin += 1
                }
                if bmax < dmax {
                    bmax += 1
                    kvdb[bmax + 1] = lineMax
                } else {
                    bmax -= 1
                }
                d = bmax
                while d >= bmin {
                    let below = kvdb[d &- 1]
                    let above = kvdb[d &+ 1]
                    var i1 = below < above ? below : above &- 1
                    let prev1 = i1
                    var i2 = i1 &- d
                    while i1 > off1 && i2 > off2 && ha1[i1 &- 1] == ha2[i2 &- 1] {
                        i1 &-= 1
                        i2 &-= 1
                    }
                    if prev1 &- i1 > snakeCount { gotSnake = true }
                    kvdb[d] = i1
                    if !odd && fmin <= d && d <= fmax && i1 <= kvdf[d] {
                        return Split(i1: i1, i2: i2, minLo: true, minHi: true)
                    }
                    d &-= 2
                }

                if needMin { continue }

                // Past XDL_HEUR_MIN_COST with a good snake: a diagonal far from the corner
                // (less its distance from the middle diagonal) with XDL_SNAKE_CNT equal lines
                // just behind it.
                if gotSnake && ec > heuristicMinimumCost {
                    var best = 0
                    d = fmax
                    while d >= fmin {
                        let dd = d > fmid ? d - fmid : fmid - d
                        let i1 = kvdf[d]
                        let i2 = i1 - d
                        let v = (i1 - off1) + (i2 - off2) - dd
                        if v > kHeuristic * ec && v > best && off1 + snakeCount <= i1 && i1 < lim1
                            && off2 + snakeCount <= i2 && i2 < lim2
                        {
                            var k = 1
                            while ha1[i1 - k] == ha2[i2 - k] {
                                if k == snakeCount {
                                    best = v
                                    spl.i1 = i1
                                    spl.i2 = i2
                                    break
                                }
                                k += 1
                            }
                        }
                        d -= 2
                    }
                    if best > 0 {
                        spl.minLo = true
                        spl.minHi = false
                        return spl
                    }

                    best = 0
                    d = bmax
                    while d >= bmin {
                        let dd = d > bmid ? d - bmid : bmid - d
                        let i1 = kvdb[d]
                        let i2 = i1 - d
                        let v = (lim1 - i1) + (lim2 - i2) - dd
                        if v > kHeuristic * ec && v > best && off1 < i1 && i1 <= lim1 - snakeCount && off2 < i2
                            && i2 <= lim2 - snakeCount
                        {
                            var k = 0
                            while ha1[i1 + k] == ha2[i2 + k] {
                                if k == snakeCount - 1 {
                                    best = v
                                    spl.i1 = i1
                                    spl.i2 = i2
                                    break
                                }
                                k += 1
                            }
                        }
                        d -= 2
                    }
                    if best > 0 {
                        spl.minLo = false
                        spl.minHi = true
                        return spl
                    }
                }

                // Enough is enough: the furthest reaching path, by i1 + i2.
                if ec >= mxcost {
                    var fbest = -1
                    var fbest1 = -1
                    d = fmax
                    while d >= fmin {
                        var i1 = min(kvdf[d], lim1)
                        var i2 = i1 - d
                        if lim2 < i2 {
                            i1 = lim2 + d
                            i2 = lim2
                        }
                        if fbest < i1 + i2 {
                            fbest = i1 + i2
                            fbest1 = i1
                        }
                        d -= 2
                    }
                    var bbest = lineMax
                    var bbest1 = lineMax
                    d = bmax
                    while d >= bmin {
                        var i1 = max(off1, kvdb[d])
                        var i2 = i1 - d
                        if i2 < off2 {
                            i1 = off2 + d
                            i2 = off2
                        }
                        if i1 + i2 < bbest {
                            bbest = i1 + i2
                            bbest1 = i1
                        }
                        d -= 2
                    }
                    if (lim1 + lim2) - bbest < fbest - (off1 + off2) {
                        return Split(i1: fbest1, i2: fbest - fbest1, minLo: true, minHi: false)
                    }
                    return Split(i1: bbest1, i2: bbest - bbest1, minLo: false, minHi: true)
                }
            }
        }
    }

    /// `xdl_change_compact` with `XDF_INDENT_HEURISTIC`, for `file` against `other`. Groups are
    /// git's `struct xdlgroup`: lines `start ..< end` of a file, changed, between unchanged
    /// lines (or empty, `start == end`, above the unchanged line `start`).
    struct Compactor {
        let file: File
        let other: File
        var g = (start: 0, end: 0)
        var go = (start: 0, end: 0)

        /// `group_init` on both files.
        init(file: File, other: File) {
            self.file = file
            self.other = other
            while file.rchg[g.end] != 0 { g.end += 1 }
            while other.rchg[go.end] != 0 { go.end += 1 }
        }

        /// `group_next`: false at the end of the file.
        @inline(__always)
        static func next(_ f: File, _ g: inout (start: Int, end: Int)) -> Bool {
            if g.end == f.nrec { return false }
            g.start = g.end + 1
            g.end = g.start
            while f.rchg[g.end] != 0 { g.end += 1 }
            return true
        }

        /// `group_previous`: false at the start of the file.
        @inline(__always)
        static func previous(_ f: File, _ g: inout (start: Int, end: Int)) -> Bool {
            if g.start == 0 { return false }
            g.end = g.start - 1
            g.start = g.end
            while f.rchg[g.start - 1] != 0 { g.start -= 1 }
            return true
        }

        /// `group_slide_down`: the group one line down, if its first line equals the line after
        /// it, taking in the group it meets.
        @inline(__always)
        mutating func slideDown() -> Bool {
            guard g.end < file.nrec, file.classes[g.start] == file.classes[g.end] else { return false }
            file.rchg[g.start] = 0
            g.start += 1
            file.rchg[g.end] = 1
            g.end += 1
            while file.rchg[g.end] != 0 { g.end += 1 }
            return true
        }

        /// `group_slide_up`: the group one line up, if its last line equals the line before it,
        /// taking in the group it meets.
        @inline(__always)
        mutating func slideUp() -> Bool {
            guard g.start > 0, file.classes[g.start - 1] == file.classes[g.end - 1] else { return false }
            g.start -= 1
            file.rchg[g.start] = 1
            g.end -= 1
            file.rchg[g.end] = 0
            while file.rchg[g.start - 1] != 0 { g.start -= 1 }
            return true
        }

        /// `struct split_measurement`.
        struct Measurement {
            var endOfFile = false
            var indent = 0
            var preBlank = 0
            var preIndent = 0
            var postBlank = 0
            var postIndent = 0
        }

        /// `struct split_score`.
        struct Score {
            var effectiveIndent = 0
            var penalty = 0
        }

        /// git's `MAX_BLANKS`, the weights of `score_add_split`, `INDENT_WEIGHT` and
        /// `INDENT_HEURISTIC_MAX_SLIDING`.
        static let maximumBlanks = 20
        static let startOfFilePenalty = 1
        static let endOfFilePenalty = 21
        static let totalBlankWeight = -30
        static let postBlankWeight = 6
        static let relativeIndentPenalty = -4
        static let relativeIndentWithBlankPenalty = 10
        static let relativeOutdentPenalty = 24
        static let relativeOutdentWithBlankPenalty = 17
        static let relativeDedentPenalty = 23
        static let relativeDedentWithBlankPenalty = 17
        static let indentWeight = 60
        static let maximumSliding = 100

        /// `measure_split`: the file around a split above line `split`.
        func measure(_ split: Int) -> Measurement {
            var m = Measurement()
            if split >= file.nrec {
                m.endOfFile = true
                m.indent = -1
            } else {
                m.endOfFile = false
                m.indent = file.indent(split)
            }
            m.preBlank = 0
            m.preIndent = -1
            var i = split - 1
            while i >= 0 {
                m.preIndent = file.indent(i)
                if m.preIndent != -1 { break }
                m.preBlank += 1
                if m.preBlank == Self.maximumBlanks {
                    m.preIndent = 0
                    break
                }
                i -= 1
            }
            m.postBlank = 0
            m.postIndent = -1
            i = split + 1
            while i < file.nrec {
                m.postIndent = file.indent(i)
                if m.postIndent != -1 { break }
                m.postBlank += 1
                if m.postBlank == Self.maximumBlanks {
                    m.postIndent = 0
                    break
                }
                i += 1
            }
            return m
        }

        /// `score_add_split`.
        static func addSplit(_ m: Measurement, _ s: inout Score) {
            if m.preIndent == -1 && m.preBlank == 0 { s.penalty += startOfFilePenalty }
            if m.endOfFile { s.penalty += endOfFilePenalty }
            let postBlank = m.indent == -1 ? 1 + m.postBlank : 0
            let totalBlank = m.preBlank + postBlank
            s.penalty += totalBlankWeight * totalBlank
            s.penalty += postBlankWeight * postBlank
            let indent = m.indent != -1 ? m.indent : m.postIndent
            let anyBlanks = totalBlank != 0
            s.effectiveIndent += indent
            if indent == -1 {
                // No additional adjustments needed.
            } else if m.preIndent == -1 {
                // No additional adjustments needed.
            } else if indent > m.preIndent {
                s.penalty += anyBlanks ? relativeIndentWithBlankPenalty : relativeIndentPenalty
            } else if indent == m.preIndent {
                // Same indentation as the line before.
            } else if m.postIndent != -1 && m.postIndent > indent {
                s.penalty += anyBlanks ? relativeOutdentWithBlankPenalty : relativeOutdentPenalty
            } else {
                s.penalty += anyBlanks ? relativeDedentWithBlankPenalty : relativeDedentPenalty
            }
        }

        /// `score_cmp`: negative when `s1` is the better split.
        static func compare(_ s1: Score, _ s2: Score) -> Int {
            let cmpIndents =
                (s1.effectiveIndent > s2.effectiveIndent ? 1 : 0) - (s1.effectiveIndent < s2.effectiveIndent ? 1 : 0)
            return indentWeight * cmpIndents + (s1.penalty - s2.penalty)
        }

        /// `xdl_change_compact`'s loop over the groups of `file`, keeping `go` in step in the
        /// other file. git's `BUG()`s (the two files' groups out of step) cannot happen; here they
        /// end the loop they are in rather than the process.
        mutating func run() {
            while true {
                if g.end != g.start {
                    var groupSize = 0
                    var earliestEnd = 0
                    var endMatchingOther = -1
                    repeat {
                        groupSize = g.end - g.start
                        endMatchingOther = -1
                        while slideUp() {
                            if !Self.previous(other, &go) { break }
                        }
                        earliestEnd = g.end
                        if go.end > go.start { endMatchingOther = g.end }
                        while true {
                            if !slideDown() { break }
                            if !Self.next(other, &go) { break }
                            if go.end > go.start { endMatchingOther = g.end }
                        }
                    } while groupSize != g.end - g.start

                    if g.end == earliestEnd {
                        // No shifting was possible.
                    } else if endMatchingOther != -1 {
                        // Back up to the last group of the other file it lines up with.
                        while go.end == go.start {
                            if !slideUp() { break }
                            if !Self.previous(other, &go) { break }
                        }
                    } else {
                        // The indent heuristic: of the positions the group can take (at most
                        // INDENT_HEURISTIC_MAX_SLIDING up from the lowest), the lowest of those
                        // whose two splits score best.
                        var shift = earliestEnd
                        if g.end - groupSize - 1 > shift { shift = g.end - groupSize - 1 }
                        if g.end - Self.maximumSliding > shift { shift = g.end - Self.maximumSliding }
                        var bestShift = -1
                        var bestScore = Score()
                        while shift <= g.end {
                            var score = Score()
                            Self.addSplit(measure(shift), &score)
                            Self.addSplit(measure(shift - groupSize), &score)
                            if bestShift == -1 || Self.compare(score, bestScore) <= 0 {
                                bestScore = score
                                bestShift = shift
                            }
                            shift += 1
                        }
                        while g.end > bestShift {
                            if !slideUp() { break }
                            if !Self.previous(other, &go) { break }
                        }
                    }
                }
                // Past the group just done.
                if !Self.next(file, &g) { break }
                if !Self.next(other, &go) { break }
            }
        }
    }
}
