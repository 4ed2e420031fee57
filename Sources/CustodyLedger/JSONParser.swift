/// A strict, bounded JSON parser for the canonical profile (see ``JSONValue``).
///
/// Accepts insignificant whitespace (so callers may pass any formatting); rejects duplicate keys
/// (compared by bytes), keys outside `[A-Za-z0-9_.-]`, fractions, exponents, `-0`, leading zeros,
/// integers beyond ±(2^53−1), lone surrogates, raw control characters and invalid UTF-8.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private let maximumDepth = 64

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("trailing bytes after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ message: String) -> LedgerError {
        LedgerError(.badJSON, "json at byte \(index): \(message)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0a || bytes[index] == 0x0d || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ literal: String) throws {
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw error("expected \(literal)") }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < maximumDepth else { throw error("nesting is too deep") }
        guard index < bytes.count else { throw error("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try parseInteger())
        default: throw error("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try parseString()
            guard JSONValue.isValidKey(key) else { throw error("key is outside [A-Za-z0-9_.-]") }
            guard members[key] == nil else { throw error("duplicate key \(key)") }
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect("}")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        index += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect("]")
            return .array(values)
        }
    }

    private mutating func parseInteger() throws -> Int64 {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        let digits = index - digitsStart
        guard digits > 0 else { throw error("a number needs digits") }
        guard digits == 1 || bytes[digitsStart] != 0x30 else { throw error("a number has a leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            throw error("only integers are allowed")
        }
        guard digits <= 16, let magnitude = Int64(String(decoding: bytes[digitsStart..<index], as: UTF8.self)),
            magnitude <= JSONValue.maximumInteger
        else {
            index = start
            throw error("integer is outside ±(2^53-1)")
        }
        if negative && magnitude == 0 { throw error("-0 is not allowed") }
        return negative ? -magnitude : magnitude
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            default: throw error("bad \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseString() throws -> String {
        index += 1
        var out: [UInt8] = []
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let slice = bytes[start..<index]
                index += 1
                guard let string = String(validating: slice, as: UTF8.self) else { throw error("string is not valid utf-8") }
                return string
            }
            if c == UInt8(ascii: "\\") { break }
            guard c >= 0x20 else { throw error("raw control character in a string") }
            index += 1
        }
        out.append(contentsOf: bytes[start..<index])
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: out, as: UTF8.self) else { throw error("string is not valid utf-8") }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unexpected end in an escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5c)
                case UInt8(ascii: "/"): out.append(0x2f)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xd800..<0xdc00).contains(scalar) {
                        guard index + 2 <= bytes.count, bytes[index] == 0x5c, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("lone surrogate")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xdc00..<0xe000).contains(low) else { throw error("lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                    } else if (0xdc00..<0xe000).contains(scalar) {
                        throw error("lone surrogate")
                    }
                    // swift-format-ignore: NeverForceUnwrap
                    out.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
                default: throw error("unknown escape")
                }
            default:
                guard c >= 0x20 else { throw error("raw control character in a string") }
                out.append(c)
                index += 1
            }
        }
        throw error("unterminated string")
    }
}

extension JSONValue {
    /// Parses JSON strictly into the profile.
    ///
    /// - Throws: ``LedgerError`` (`badJSON`) naming the byte offset.
    package init(parsing bytes: [UInt8]) throws {
        self = try JSONParser.parse(bytes)
    }

    /// True when `bytes` are exactly the canonical encoding of the value they parse to.
    package static func isCanonical(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONValue(parsing: bytes), let again = try? value.encoded() else { return false }
        return again == bytes
    }
}
