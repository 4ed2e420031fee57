#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level search helpers shared by the content detectors.
///
/// Everything here is linear in the input: literal search is `memmem` (two-way, no backtracking),
/// case-insensitive search folds ASCII only, and no function allocates more than a copy of the
/// line it is given. Lines are hostile: invalid UTF-8 and megabyte-long lines are normal input.
enum ByteScan {
    /// The bytes of a literal, for needles kept in `static let`s.
    @inline(__always)
    static func bytes(_ text: StaticString) -> [UInt8] {
        Array(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The index of the first occurrence of `needle` at or after `from`, or nil.
    ///
    /// - Complexity: O(n·m) in the worst case with m the needle's length, which is a short
    ///   literal (at most a few dozen bytes): `memchr` finds candidates for the first byte and
    ///   `memcmp` checks them. No backtracking.
    static func find(_ needle: [UInt8], in line: ArraySlice<UInt8>, from: Int? = nil) -> Int? {
        let start = from ?? line.startIndex
        guard start >= line.startIndex, !needle.isEmpty, line.endIndex - start >= needle.count else { return nil }
        return line.withUnsafeBufferPointer { hay -> Int? in
            guard let base = hay.baseAddress else { return nil }
            return needle.withUnsafeBufferPointer { pin -> Int? in
                guard let pinBase = pin.baseAddress else { return nil }
                let first = Int32(pin[0])
                let m = pin.count
                var offset = start - line.startIndex
                let last = hay.count - m  // last offset where the needle fits
                while offset <= last {
                    guard let hit = memchr(base + offset, first, last - offset + 1) else { return nil }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if m == 1 || memcmp(base + at + 1, pinBase + 1, m - 1) == 0 {
                        return line.startIndex + at
                    }
                    offset = at + 1
                }
                return nil
            }
        }
    }

    /// True when `needle` occurs in `line`.
    @inline(__always)
    static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        find(needle, in: line) != nil
    }

    /// True when any of `needles` occurs in `line`.
    static func containsAny(_ line: ArraySlice<UInt8>, _ needles: [[UInt8]]) -> Bool {
        for needle in needles where find(needle, in: line) != nil { return true }
        return false
    }

    /// The first of `needles` that occurs in `line`.
    static func firstPresent(_ line: ArraySlice<UInt8>, _ needles: [[UInt8]]) -> [UInt8]? {
        for needle in needles where find(needle, in: line) != nil { return needle }
        return nil
    }

    /// Every start index of `needle` in `line` (non-overlapping), at most `limit` of them.
    static func all(_ needle: [UInt8], in line: ArraySlice<UInt8>, limit: Int = 64) -> [Int] {
        var out: [Int] = []
        var from = line.startIndex
        while out.count < limit, let hit = find(needle, in: line, from: from) {
            out.append(hit)
            from = hit + needle.count
        }
        return out
    }

    /// An ASCII-lowercased copy of the line (other bytes unchanged).
    static func lowercased(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var out = [UInt8](repeating: 0, count: line.count)
        var i = 0
        for byte in line {
            out[i] = (byte >= 0x41 && byte <= 0x5a) ? byte | 0x20 : byte
            i += 1
        }
        return out[...]
    }

    /// True when the line has any byte ≥ 0x80 (a fast prefilter for Unicode checks).
    static func hasNonASCII(_ line: ArraySlice<UInt8>) -> Bool {
        line.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            // Eight bytes at a time.
            while i + 8 <= n {
                let word = UnsafeRawPointer(buffer.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { return true }
                i += 8
            }
            while i < n {
                if buffer[i] >= 0x80 { return true }
                i += 1
            }
            return false
        }
    }

    @inline(__always)
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5f || byte == 0x24
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0c }

    /// True when the needle at `index` is a whole word: not preceded or followed by an identifier
    /// byte.
    static func isWord(at index: Int, length: Int, in line: ArraySlice<UInt8>) -> Bool {
        if index > line.startIndex, isIdentifierByte(line[index - 1]) { return false }
        let end = index + length
        if end < line.endIndex, isIdentifierByte(line[end]) { return false }
        return true
    }

    /// True when `needle` occurs in `line` as a whole word.
    static func containsWord(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        var from = line.startIndex
        while let hit = find(needle, in: line, from: from) {
            if isWord(at: hit, length: needle.count, in: line) { return true }
            from = hit + 1
        }
        return false
    }

    /// The index of the first non-blank byte, or `endIndex`.
    static func firstNonBlank(_ line: ArraySlice<UInt8>) -> Int {
        line.firstIndex { !isSpace($0) } ?? line.endIndex
    }

    /// The line without leading and trailing blanks.
    static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let start = firstNonBlank(line)
        var end = line.endIndex
        while end > start, isSpace(line[end - 1]) { end -= 1 }
        return line[start..<end]
    }

    /// Decodes bytes for display: invalid UTF-8 replaced, at most `limit` bytes.
    static func text(_ bytes: some Collection<UInt8>, limit: Int = 120) -> String {
        String(decoding: bytes.prefix(limit), as: UTF8.self)
    }

    /// The string literals of a line: runs between matching `"`, `'` or backquote quotes, with
    /// backslash escapes skipped. Linear; unterminated literals run to the end of the line.
    static func stringLiterals(_ line: ArraySlice<UInt8>, limit: Int = 256) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = line.startIndex
        while i < line.endIndex, out.count < limit {
            let byte = line[i]
            if byte == 0x22 || byte == 0x27 || byte == 0x60 {
                let quote = byte
                var j = i + 1
                while j < line.endIndex, line[j] != quote {
                    j += line[j] == 0x5c ? 2 : 1
                }
                let end = min(j, line.endIndex)
                out.append((i + 1)..<max(i + 1, end))
                i = end + 1
            } else {
                i += 1
            }
        }
        return out
    }

    /// Shannon entropy of the bytes in bits per byte.
    static func entropy(_ bytes: some Collection<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        for byte in bytes {
            counts[Int(byte)] += 1
            total += 1
        }
        guard total > 0 else { return 0 }
        var result = 0.0
        let n = Double(total)
        for count in counts where count > 0 {
            let p = Double(count) / n
            result -= p * log2(p)
        }
        return result
    }

    /// Number of distinct byte values.
    static func distinctCount(_ bytes: some Collection<UInt8>) -> Int {
        var seen = [Bool](repeating: false, count: 256)
        var count = 0
        for byte in bytes where !seen[Int(byte)] {
            seen[Int(byte)] = true
            count += 1
        }
        return count
    }
}

extension ByteScan {
    /// True when ``normalized(_:)`` would join two string literals somewhere in the line: a
    /// quote followed by blanks, an optional `+` or `.`, blanks and a quote. Without a join and
    /// without a backslash, the normalized line is the line lowercased, so a case-insensitive
    /// literal search of the line itself tells whether the normalized one holds the literal.
    static func normalizationJoins(_ line: ArraySlice<UInt8>) -> Bool {
        line.indices.contains { joinedQuote(line, at: $0) != nil }
    }

    /// When the quote at `i` closes a string literal that the next one continues (blanks, an
    /// optional `+` or `.`, blanks, a quote), the index of that opening quote.
    static func joinedQuote(_ line: ArraySlice<UInt8>, at i: Int) -> Int? {
        let b = line[i]
        guard b == 0x22 || b == 0x27 || b == 0x60 else { return nil }
        let end = line.endIndex
        var j = i + 1
        while j < end, isSpace(line[j]) { j += 1 }
        if j < end, line[j] == 0x2b || line[j] == 0x2e {
            j += 1
            while j < end, isSpace(line[j]) { j += 1 }
        }
        guard j < end, j > i + 1 || line[j] == b, line[j] == 0x22 || line[j] == 0x27 || line[j] == 0x60 else { return nil }
        return j
    }

    /// The line as a reader would assemble it: ASCII-lowercased, string concatenations joined
    /// (`"ev" + "al"`, `'ev'.'al'`, `"ev""al"`), and `\xHH` escapes and `\NNN` octal escapes of
    /// printable characters decoded. Linear; the result is never longer than the line.
    static func normalized(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = line.startIndex
        let end = line.endIndex
        while i < end {
            let b = line[i]
            if b == 0x22 || b == 0x27 || b == 0x60 {
                // A closing quote followed by blanks, an optional + or . , blanks and an opening quote.
                if let j = joinedQuote(line, at: i) {
                    i = j + 1
                    continue
                }
                out.append(b)
                i += 1
                continue
            }
            if b == 0x5c, i + 3 < end {
                let kind = line[i + 1]
                if kind == 0x78, let h = hexValue(line[i + 2]), let l = hexValue(line[i + 3]) {
                    let value = h << 4 | l
                    if value >= 0x20 && value < 0x7f {
                        out.append(value >= 0x41 && value <= 0x5a ? value | 0x20 : value)
                        i += 4
                        continue
                    }
                } else if (0x30...0x33).contains(kind), (0x30...0x37).contains(line[i + 2]),
                    (0x30...0x37).contains(line[i + 3])
                {
                    let value = (kind - 0x30) << 6 | (line[i + 2] - 0x30) << 3 | (line[i + 3] - 0x30)
                    if value >= 0x20 && value < 0x7f {
                        out.append(value >= 0x41 && value <= 0x5a ? value | 0x20 : value)
                        i += 4
                        continue
                    }
                }
            }
            out.append(b >= 0x41 && b <= 0x5a ? b | 0x20 : b)
            i += 1
        }
        return out[...]
    }
}
