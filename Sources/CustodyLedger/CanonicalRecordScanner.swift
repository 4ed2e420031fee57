/// A one-pass check that bytes are a canonical Custody record, without building a ``JSONValue``.
///
/// Accepts exactly the bytes that ``JSONValue`` would re-encode unchanged (no whitespace, keys in
/// the profile and strictly increasing, minimal string escapes, canonical integers, valid UTF-8),
/// and reads the top-level `seq`, `kind` and `v`. The verifier uses it on every entry; records that
/// need more (attachments, signatures, genesis) go through ``LedgerEntry/parse(record:)``.
struct CanonicalRecordScanner {
    struct Summary {
        var seq: Int64 = -1
        var version: Int64 = -1
        /// Raw bytes of `kind` (nil when it had escapes: use the full parser).
        var kind: ArraySlice<UInt8>?
        var hasAttachments = false
        var hasBody = false
        var hasTime = false
    }

    private let bytes: [UInt8]
    private var index = 0

    /// nil when the bytes are not a canonical record (the caller then reports the full parser's reason).
    static func scan(_ bytes: [UInt8]) -> Summary? {
        var scanner = CanonicalRecordScanner(bytes: bytes)
        return scanner.record()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func record() -> Summary? {
        var summary = Summary()
        guard next(UInt8(ascii: "{")) else { return nil }
        var previous: ArraySlice<UInt8>? = nil
        if peek(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = key(after: previous), next(UInt8(ascii: ":")) else { return nil }
            previous = key
            let start = index
            switch key.count {
            case 1 where key.first == UInt8(ascii: "v"):
                guard let value = integer() else { return nil }
                summary.version = value
            case 3 where key.elementsEqual("seq".utf8):
                guard let value = integer() else { return nil }
                summary.seq = value
            case 4 where key.elementsEqual("kind".utf8):
                guard string() else { return nil }
                let raw = bytes[(start + 1)..<(index - 1)]
                summary.kind = raw.contains(0x5c) ? nil : raw
            case 4 where key.elementsEqual("time".utf8):
                guard string() else { return nil }
                summary.hasTime = true
            case 4 where key.elementsEqual("body".utf8):
                guard peek(UInt8(ascii: "{")), value(depth: 1) else { return nil }
                summary.hasBody = true
            case 11 where key.elementsEqual("attachments".utf8):
                guard value(depth: 1) else { return nil }
                summary.hasAttachments = true
            default:
                return nil
            }
        } while next(UInt8(ascii: ","))
        guard next(UInt8(ascii: "}")), index == bytes.count else { return nil }
        return summary
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private mutating func next(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        index += 1
        return true
    }

    /// A key in the profile, strictly greater than `previous`.
    private mutating func key(after previous: ArraySlice<UInt8>?) -> ArraySlice<UInt8>? {
        guard next(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            let c = bytes[index]
            guard (0x30...0x39).contains(c) || (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
            else { return nil }
            index += 1
        }
        guard index > start, next(UInt8(ascii: "\"")) else { return nil }
        let key = bytes[start..<(index - 1)]
        if let previous, !previous.lexicographicallyPrecedes(key) { return nil }
        return key
    }

    private mutating func value(depth: Int) -> Bool {
        guard depth < 64, index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            if next(UInt8(ascii: "}")) { return true }
            var previous: ArraySlice<UInt8>? = nil
            repeat {
                guard let key = key(after: previous), next(UInt8(ascii: ":")), value(depth: depth + 1) else { return false }
                previous = key
            } while next(UInt8(ascii: ","))
            return next(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            if next(UInt8(ascii: "]")) { return true }
            repeat {
                guard value(depth: depth + 1) else { return false }
            } while next(UInt8(ascii: ","))
            return next(UInt8(ascii: "]"))
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return integer() != nil
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { buffer in
            (0..<count).allSatisfy { bytes[index + $0] == buffer[$0] }
        }
        if matches { index += count }
        return matches
    }

    /// A canonical integer within ±(2^53−1).
    private mutating func integer() -> Int64? {
        var negative = false
        if next(UInt8(ascii: "-")) { negative = true }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            value = value &* 10 &+ Int64(bytes[index] - 0x30)
            index += 1
            if index - start > 16 { return nil }
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != 0x30, value <= JSONValue.maximumInteger else { return nil }
        if negative && value == 0 { return nil }
        return negative ? -value : value
    }

    /// A string with only the escapes the canonical encoder writes, and valid UTF-8.
    private mutating func string() -> Bool {
        guard next(UInt8(ascii: "\"")) else { return false }
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                return true
            }
            if c == 0x5c {
                guard index + 1 < bytes.count else { return false }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), 0x5c, UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "f"), UInt8(ascii: "r"):
                    index += 2
                case UInt8(ascii: "u"):
                    // Only \u00xx (lowercase hex) for a control character without a short escape.
                    guard index + 6 <= bytes.count, bytes[index + 2] == 0x30, bytes[index + 3] == 0x30,
                        let high = Self.lowerHex(bytes[index + 4]), let low = Self.lowerHex(bytes[index + 5])
                    else { return false }
                    let scalar = high << 4 | low
                    guard scalar < 0x20, ![0x08, 0x09, 0x0a, 0x0c, 0x0d].contains(scalar) else { return false }
                    index += 6
                default: return false
                }
                continue
            }
            if c < 0x20 { return false }
            if c < 0x80 {
                index += 1
                continue
            }
            guard let length = utf8Sequence(at: index) else { return false }
            index += length
        }
        return false
    }

    private static func lowerHex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Length of a well-formed UTF-8 sequence (no overlongs, surrogates or values above U+10FFFF).
    private func utf8Sequence(at i: Int) -> Int? {
        let b0 = bytes[i]
        func cont(_ k: Int) -> UInt8? { i + k < bytes.count && bytes[i + k] & 0xc0 == 0x80 ? bytes[i + k] : nil }
        switch b0 {
        case 0xc2...0xdf:
            return cont(1) != nil ? 2 : nil
        case 0xe0...0xef:
            guard let b1 = cont(1), cont(2) != nil else { return nil }
            if b0 == 0xe0 && b1 < 0xa0 { return nil }
            if b0 == 0xed && b1 >= 0xa0 { return nil }
            return 3
        case 0xf0...0xf4:
            guard let b1 = cont(1), cont(2) != nil, cont(3) != nil else { return nil }
            if b0 == 0xf0 && b1 < 0x90 { return nil }
            if b0 == 0xf4 && b1 >= 0x90 { return nil }
            return 4
        default:
            return nil
        }
    }
}
