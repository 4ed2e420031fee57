/// Byte-level text helpers for the build, CI, binary and dependency detectors.
///
/// Everything works on bytes (ASCII case folding only); nothing here allocates a `String` on
/// the scanning path.
enum BuildText {
    /// Lowercases one ASCII byte.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5a) ? byte | 0x20 : byte
    }

    /// Whether `haystack` contains `needle` (bytes of an ASCII literal, already lowercase),
    /// ignoring ASCII case.
    static func containsFolded(_ haystack: some Collection<UInt8>, _ needle: [UInt8]) -> Bool {
        firstFolded(haystack, needle) != nil
    }

    /// Offset (from the start of `haystack`) of the first case-insensitive match of `needle`.
    static func firstFolded(_ haystack: some Collection<UInt8>, _ needle: [UInt8], from start: Int = 0) -> Int? {
        guard let first = needle.first else { return 0 }
        let result: Int?? = haystack.withContiguousStorageIfAvailable { buffer in
            searchFolded(buffer, needle, first: first, from: start)
        }
        if let result { return result }
        let copy = Array(haystack)
        return copy.withUnsafeBufferPointer { searchFolded($0, needle, first: first, from: start) }
    }

    private static func searchFolded(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ needle: [UInt8],
        first: UInt8,
        from start: Int
    ) -> Int? {
        let count = buffer.count
        let n = needle.count
        guard n <= count, start <= count - n else { return nil }
        var i = max(0, start)
        while i <= count - n {
            if lower(buffer[i]) == first {
                var j = 1
                while j < n, lower(buffer[i + j]) == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    /// Whether the text contains `word` as a whole word (neighbours are not identifier bytes).
    static func containsWord(_ haystack: some Collection<UInt8>, _ word: [UInt8]) -> Bool {
        let bytes = Array(haystack)
        var from = 0
        while let at = firstFolded(bytes, word, from: from) {
            let before = at == 0 ? UInt8(ascii: " ") : bytes[at - 1]
            let afterIndex = at + word.count
            let after = afterIndex < bytes.count ? bytes[afterIndex] : UInt8(ascii: " ")
            if !isIdentifierByte(before) && !isIdentifierByte(after) { return true }
            from = at + 1
        }
        return false
    }

    @inline(__always)
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
            || byte == UInt8(ascii: "_")
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a || byte == 0x0b || byte == 0x0c
    }

    /// The bytes with leading and trailing whitespace removed.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    /// The bytes of an ASCII literal, lowercased, for ``containsFolded(_:_:)``.
    static func fold(_ literal: String) -> [UInt8] {
        Array(literal.utf8).map(lower)
    }

    /// Lowercased ASCII copy.
    static func lowered(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map(lower)
    }

    /// Splits bytes into lines (without the newline), at most `limit` lines.
    static func lines(_ bytes: [UInt8], limit: Int = 200_000) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count, out.count < limit {
            if bytes[index] == 0x0a {
                out.append(bytes[start..<index])
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count, out.count < limit { out.append(bytes[start..<bytes.count]) }
        return out
    }

    /// A short, printable rendering of bytes for evidence text: control and non-ASCII bytes become
    /// `\xNN`, and the result is cut at `limit` bytes.
    static func printable(_ bytes: some Collection<UInt8>, limit: Int = 120) -> String {
        var out: [UInt8] = []
        let digits = Array("0123456789abcdef".utf8)
        for byte in bytes {
            if out.count >= limit {
                out.append(contentsOf: Array("…".utf8))
                break
            }
            if byte >= 0x20 && byte < 0x7f {
                out.append(byte)
            } else {
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The added lines of a change as an array (for detectors that look at neighbours).
    static func addedLines(_ change: FileChange) -> [AddedLine] {
        Array(change.addedLines)
    }

    /// Whether the line number is one of the added lines.
    static func addedNumbers(_ change: FileChange) -> Set<Int> {
        Set(change.addedLines.map(\.number))
    }
}

/// A line's text lowercased with spaces and tabs removed, plus a bigram bit set that rules out
/// most literal patterns before any substring search (the literal prefilter of the build
/// detectors).
struct CompactLine {
    private(set) var bytes: [UInt8] = []
    private var bigrams = [UInt64](repeating: 0, count: 64)

    init() {}

    /// Refills from one line, reusing storage.
    mutating func load(_ line: some Collection<UInt8>) {
        bytes.removeAll(keepingCapacity: true)
        for i in 0..<64 { bigrams[i] = 0 }
        var previous: UInt8 = 0
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0d {
            let lowered = BuildText.lower(byte)
            bytes.append(lowered)
            let key = CompactLine.key(previous, lowered)
            bigrams[key >> 6] |= 1 << UInt64(key & 63)
            previous = lowered
        }
    }

    @inline(__always)
    private static func key(_ a: UInt8, _ b: UInt8) -> Int {
        (Int(a) &* 31 &+ Int(b)) & 4095
    }

    /// Whether every bigram of `literal` (lowercase, no spaces) occurs: a necessary condition.
    func mayContain(_ literal: [UInt8]) -> Bool {
        guard literal.count >= 2 else { return true }
        for i in 1..<literal.count {
            let key = CompactLine.key(literal[i - 1], literal[i])
            if bigrams[key >> 6] & (1 << UInt64(key & 63)) == 0 { return false }
        }
        return true
    }

    /// Whether the compact line contains `literal` (lowercase, no spaces).
    func contains(_ literal: [UInt8]) -> Bool {
        mayContain(literal) && BuildText.firstFolded(bytes, literal) != nil
    }
}

/// A literal rule over a ``CompactLine``: all of `all` and at least one of `any` (when given).
struct LinePattern: Sendable {
    var all: [[UInt8]]
    var any: [[UInt8]]
    var label: String

    init(_ all: [String], any: [String] = [], _ label: String) {
        // Compact, as the lines they are matched against (``CompactLine``).
        self.all = all.map { BuildText.fold(String($0.filter { $0 != " " && $0 != "\t" && $0 != "\r" })) }
        self.any = any.map { BuildText.fold(String($0.filter { $0 != " " && $0 != "\t" && $0 != "\r" })) }
        self.label = label
    }

    func matches(_ line: CompactLine) -> Bool {
        for literal in all where !line.contains(literal) { return false }
        if any.isEmpty { return true }
        for literal in any where line.contains(literal) { return true }
        return false
    }
}

/// Many ASCII literals found in one pass (the literal prefilter of the build detectors), ASCII
/// case ignored. Literals shorter than two bytes are never found. The search is an
/// Aho–Corasick automaton (``MultiMatcher``): one table step per byte however many literals.
struct LiteralSet: Sendable {
    /// The literals, lowercased.
    let literals: [[UInt8]]
    private let matcher: MultiMatcher
    /// For each needle of `matcher`, the index of its literal.
    private let literalOf: [Int]

    /// - Parameter ignoring: bytes the search steps over (``MultiMatcher``); no literal may
    ///   hold one.
    init(_ literals: [[UInt8]], ignoring: [UInt8] = []) {
        let lowered = literals.map { $0.map(BuildText.lower) }
        self.literals = lowered
        let searched = lowered.indices.filter { lowered[$0].count >= 2 }
        self.matcher = MultiMatcher(bytes: searched.map { lowered[$0] }, caseInsensitive: true, ignoring: ignoring)
        self.literalOf = searched
    }

    /// Whether any literal of two bytes or more occurs in `text` (ASCII case ignored).
    func containsAny(_ text: ArraySlice<UInt8>) -> Bool { matcher.matchesAny(text) }

    /// Which literals occur in `bytes` (ASCII case ignored).
    func found(in bytes: some Collection<UInt8>) -> [Bool] {
        var hits = [Bool](repeating: false, count: literals.count)
        // A local function, not a stored closure: nothing escapes, so the set is not copied
        // into a heap context on every line.
        func scan(_ buffer: UnsafeBufferPointer<UInt8>) {
            matcher.scan(buffer) { match in
                hits[literalOf[match.needle]] = true
                return true
            }
        }
        if bytes.withContiguousStorageIfAvailable({ scan($0) }) == nil {
            Array(bytes).withUnsafeBufferPointer { scan($0) }
        }
        return hits
    }
}

/// A table of ``LinePattern``s matched with one ``LiteralSet`` pass per line.
struct PatternTable: Sendable {
    let patterns: [LinePattern]
    private let set: LiteralSet
    private let all: [[Int]]
    private let any: [[Int]]

    init(_ patterns: [LinePattern]) {
        self.patterns = patterns
        var unique: [[UInt8]] = []
        var index: [[UInt8]: Int] = [:]
        func id(_ literal: [UInt8]) -> Int {
            if let existing = index[literal] { return existing }
            index[literal] = unique.count
            unique.append(literal)
            return unique.count - 1
        }
        all = patterns.map { $0.all.map(id) }
        any = patterns.map { $0.any.map(id) }
        // Literals are compact (``LinePattern``), so the search steps over what compacting drops.
        set = LiteralSet(unique, ignoring: [0x20, 0x09, 0x0d])
    }

    /// Whether any pattern matches `text` compacted as ``CompactLine`` does (spaces, tabs and
    /// carriage returns dropped, ASCII lowercased). Given the concatenated added lines of a file,
    /// false proves that no single line matches: a literal in a line is in the concatenation.
    func matchesSomewhere(compacting text: [UInt8]) -> Bool {
        // The search itself steps over the blanks and ignores case: no compacted copy is made.
        !matches(text).isEmpty
    }

    /// False proves that no pattern matches `line` (compacted or not): ``matches(_:)`` finds
    /// nothing in a line without any of the literals.
    func mayMatch(_ line: ArraySlice<UInt8>) -> Bool { set.containsAny(line) }

    /// Indices of the patterns that match the (compact, lowercased) line.
    func matches(_ bytes: some Collection<UInt8>) -> [Int] {
        let hits = set.found(in: bytes)
        guard hits.contains(true) else { return [] }
        var out: [Int] = []
        for p in patterns.indices where all[p].allSatisfy({ hits[$0] }) && (any[p].isEmpty || any[p].contains { hits[$0] }) {
            out.append(p)
        }
        return out
    }
}

extension BuildText {
    /// A trimmed line that is only a C-style comment: `// …`, or `/* …` with nothing but blanks
    /// after its first `*/` (`/**/ code();` is code). Only meaningful in C-like files: in a
    /// shell script or a make recipe `//usr/bin/curl` is a command.
    static func isCStyleCommentOnly(_ t: ArraySlice<UInt8>) -> Bool {
        if t.starts(with: "//".utf8) { return true }
        guard t.starts(with: "/*".utf8) else { return false }
        return closingOfComment(t) == nil || isClosedCComment(t)
    }

    /// `/* … */` with nothing but blanks after the first `*/`: a comment in C and C header
    /// templates, never in a shell script or make recipe (`/*/bin/sh` is a path there).
    static func isClosedCComment(_ t: ArraySlice<UInt8>) -> Bool {
        guard t.starts(with: "/*".utf8), let close = closingOfComment(t) else { return false }
        return t[close...].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
    }

    /// The index just after the first `*/` that follows the opening `/*`.
    private static func closingOfComment(_ t: ArraySlice<UInt8>) -> Int? {
        var i = t.startIndex + 2
        while i + 1 < t.endIndex {
            if t[i] == UInt8(ascii: "*"), t[i + 1] == UInt8(ascii: "/") { return i + 2 }
            i += 1
        }
        return nil
    }
}
