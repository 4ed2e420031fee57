/// A hand-written lexer and recursive-descent parser for POSIX sh and the bash features operators
/// use. It reads bytes, never runs anything, and never fails: syntax problems are recorded and
/// skipped, unfinished input is reported as incomplete.
///
/// ```swift
/// let parsed = ShellParser.parse("curl -s http://203.0.113.9/x | sudo sh")
/// print(parsed.script.items.count, parsed.isIncomplete)
/// ```
///
/// - Complexity: O(n) in the input length for a fixed nesting depth; nesting is bounded by
///   ``maxDepth`` (deeper input is marked ``ParsedShell/tooDeep`` and not read further).
package struct ShellParser {
    /// Deepest nesting of substitutions, subshells and compound commands that is read.
    package static let maxDepth = 40

    private enum Token {
        case word(ShellWord)
        case op(String)
        case newline
        case eof
    }

    private var bytes: [UInt8]
    private var pos = 0
    private var depth = 0
    private var heredocs: [String] = []
    private var pendingHeredocs: [(index: Int, delimiter: [UInt8], stripTabs: Bool)] = []
    private var incomplete = false
    private var openConstruct: String?
    private var errors: [String] = []
    private var tooDeep = false
    private var peeked: (start: Int, token: Token, end: Int)?

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a command line or script text.
    package static func parse(_ text: String) -> ParsedShell {
        var parser = ShellParser(bytes: Array(text.utf8))
        let script = parser.parseList(terminators: [])
        if !parser.pendingHeredocs.isEmpty {
            parser.markIncomplete("a here-document")
        }
        return ParsedShell(
            script: script, heredocs: parser.heredocs, isIncomplete: parser.incomplete,
            openConstruct: parser.openConstruct, errors: parser.errors, tooDeep: parser.tooDeep)
    }

    // MARK: - Bytes

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), nl = UInt8(ascii: "\n")
    private static let backslash = UInt8(ascii: "\\"), squote = UInt8(ascii: "'"), dquote = UInt8(ascii: "\"")
    private static let dollar = UInt8(ascii: "$"), backtick = UInt8(ascii: "`"), hash = UInt8(ascii: "#")
    private static let lparen = UInt8(ascii: "("), rparen = UInt8(ascii: ")")
    private static let lbrace = UInt8(ascii: "{"), rbrace = UInt8(ascii: "}")
    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&")
    private static let pipe = UInt8(ascii: "|"), semi = UInt8(ascii: ";"), eq = UInt8(ascii: "=")

    private func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func markIncomplete(_ what: String) {
        if !incomplete {
            incomplete = true
            openConstruct = what
        }
    }

    private mutating func error(_ message: String) {
        if errors.count < 20 { errors.append(message) }
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[max(0, range.lowerBound)..<min(bytes.count, range.upperBound)], as: UTF8.self)
    }

    // MARK: - Tokens

    private mutating func skipBlanks() {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == Self.space || c == Self.tab || c == 0x0D {
                pos += 1
            } else if c == Self.backslash, byte(pos + 1) == Self.nl {
                pos += 2
            } else if c == Self.hash {
                while pos < bytes.count, bytes[pos] != Self.nl { pos += 1 }
            } else {
                return
            }
        }
    }

    private mutating func peekToken() -> Token {
        skipBlanks()
        if let p = peeked, p.start == pos { return p.token }
        let start = pos
        let token = lexToken()
        peeked = (start, token, pos)
        pos = start
        return token
    }

    private mutating func nextToken() -> Token {
        skipBlanks()
        if let p = peeked, p.start == pos {
            pos = p.end
            peeked = nil
            return p.token
        }
        return lexToken()
    }

    private mutating func lexToken() -> Token {
        guard pos < bytes.count else { return .eof }
        let c = bytes[pos]
        let n1 = byte(pos + 1)
        let n2 = byte(pos + 2)
        func op(_ s: String) -> Token {
            pos += s.utf8.count
            return .op(s)
        }
        switch c {
        case Self.nl:
            pos += 1
            readPendingHeredocs()
            return .newline
        case Self.semi:
            if n1 == Self.semi { return n2 == Self.amp ? op(";;&") : op(";;") }
            return n1 == Self.amp ? op(";&") : op(";")
        case Self.amp:
            if n1 == Self.amp { return op("&&") }
            if n1 == Self.gt { return n2 == Self.gt ? op("&>>") : op("&>") }
            return op("&")
        case Self.pipe:
            if n1 == Self.pipe { return op("||") }
            return n1 == Self.amp ? op("|&") : op("|")
        case Self.lparen: return op("(")
        case Self.rparen: return op(")")
        case Self.lt:
            if n1 == Self.lparen { return .word(lexWord()) }
            if n1 == Self.lt {
                if n2 == Self.lt { return op("<<<") }
                return n2 == UInt8(ascii: "-") ? op("<<-") : op("<<")
            }
            if n1 == Self.amp { return op("<&") }
            return n1 == Self.gt ? op("<>") : op("<")
        case Self.gt:
            if n1 == Self.lparen { return .word(lexWord()) }
            if n1 == Self.gt { return op(">>") }
            if n1 == Self.amp { return op(">&") }
            return n1 == Self.pipe ? op(">|") : op(">")
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var i = pos
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            if i < bytes.count, bytes[i] == Self.lt || bytes[i] == Self.gt, byte(i + 1) != Self.lparen {
                let digits = text(pos..<i)
                pos = i
                guard case .op(let o) = lexToken() else { return .word(lexWord()) }
                return .op(digits + o)
            }
            return .word(lexWord())
        default:
            return .word(lexWord())
        }
    }

    private mutating func readPendingHeredocs() {
        let pending = pendingHeredocs
        pendingHeredocs = []
        for doc in pending {
            var body = ""
            var closed = false
            while pos < bytes.count {
                var end = pos
                while end < bytes.count, bytes[end] != Self.nl { end += 1 }
                var lineStart = pos
                if doc.stripTabs { while lineStart < end, bytes[lineStart] == Self.tab { lineStart += 1 } }
                let line = bytes[lineStart..<end]
                pos = min(end + 1, bytes.count)
                if line.elementsEqual(doc.delimiter) || (line.last == 0x0D && line.dropLast().elementsEqual(doc.delimiter)) {
                    closed = true
                    break
                }
                body += String(decoding: line, as: UTF8.self)
                body += "\n"
            }
            heredocs[doc.index] = body
            if !closed {
                markIncomplete("a here-document (waiting for the line \(String(decoding: doc.delimiter, as: UTF8.self)))")
            }
        }
    }

    // MARK: - Words

    private mutating func lexWord() -> ShellWord {
        let start = pos
        var parts: [WordPart] = []
        var lit: [UInt8] = []
        func flush(_ parts: inout [WordPart], _ lit: inout [UInt8]) {
            if !lit.isEmpty {
                parts.append(.literal(String(decoding: lit, as: UTF8.self)))
                lit.removeAll(keepingCapacity: true)
            }
        }
        loop: while pos < bytes.count {
            let c = bytes[pos]
            switch c {
            case Self.space, Self.tab, Self.nl, 0x0D, Self.semi, Self.amp, Self.pipe, Self.rparen:
                break loop
            case Self.lparen:
                let isArray = parts.isEmpty && lit.last == Self.eq
                let isExtGlob = lit.last.map { [UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "+"),
                                                UInt8(ascii: "*"), UInt8(ascii: "?")].contains($0) } ?? false
                guard isArray || isExtGlob else { break loop }
                var level = 0
                while pos < bytes.count {
                    let b = bytes[pos]
                    lit.append(b)
                    pos += 1
                    if b == Self.lparen { level += 1 } else if b == Self.rparen { level -= 1; if level == 0 { break } }
                }
                if level != 0 { markIncomplete("a parenthesis") }
            case Self.lt, Self.gt:
                guard byte(pos + 1) == Self.lparen else { break loop }
                flush(&parts, &lit)
                pos += 2
                let script = parseNested(close: ")", what: "a process substitution")
                parts.append(.processSubstitution(script, input: c == Self.lt))
            case Self.backslash:
                guard let next = byte(pos + 1) else {
                    markIncomplete("a backslash at the end of the line")
                    pos += 1
                    break loop
                }
                if next == Self.nl {
                    pos += 2
                    continue
                }
                flush(&parts, &lit)
                var end = pos + 2
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                parts.append(.escaped(text(pos + 1..<end)))
                pos = end
            case Self.squote:
                flush(&parts, &lit)
                let from = pos + 1
                var end = from
                while end < bytes.count, bytes[end] != Self.squote { end += 1 }
                if end >= bytes.count { markIncomplete("a single quote (')") }
                parts.append(.singleQuoted(text(from..<end)))
                pos = min(end + 1, bytes.count)
            case Self.dquote:
                flush(&parts, &lit)
                parts.append(.doubleQuoted(lexDoubleQuoted()))
            case Self.dollar:
                flush(&parts, &lit)
                lexDollar(into: &parts)
            case Self.backtick:
                flush(&parts, &lit)
                parts.append(lexBacktick())
            case UInt8(ascii: "*"), UInt8(ascii: "?"):
                flush(&parts, &lit)
                parts.append(.glob(String(UnicodeScalar(c))))
                pos += 1
            case UInt8(ascii: "["):
                var end = pos + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "]"), !Self.isMeta(bytes[end]) { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "]"), end > pos + 1 {
                    flush(&parts, &lit)
                    parts.append(.glob(text(pos..<end + 1)))
                    pos = end + 1
                } else {
                    lit.append(c)
                    pos += 1
                }
            default:
                lit.append(c)
                pos += 1
            }
        }
        flush(&parts, &lit)
        return ShellWord(parts: parts, raw: text(start..<pos))
    }

    private static func isMeta(_ c: UInt8) -> Bool {
        c == space || c == tab || c == nl || c == semi || c == amp || c == pipe || c == lparen || c == rparen
            || c == lt || c == gt || c == squote || c == dquote || c == dollar || c == backtick
    }

    private mutating func lexDoubleQuoted() -> [WordPart] {
        pos += 1
        var parts: [WordPart] = []
        var lit: [UInt8] = []
        func flush(_ parts: inout [WordPart], _ lit: inout [UInt8]) {
            if !lit.isEmpty {
                parts.append(.literal(String(decoding: lit, as: UTF8.self)))
                lit.removeAll(keepingCapacity: true)
            }
        }
        while pos < bytes.count {
            let c = bytes[pos]
            switch c {
            case Self.dquote:
                pos += 1
                flush(&parts, &lit)
                return parts
            case Self.backslash:
                if let next = byte(pos + 1), next == Self.dollar || next == Self.backtick || next == Self.dquote
                    || next == Self.backslash || next == Self.nl
                {
                    if next != Self.nl { lit.append(next) }
                    pos += 2
                } else {
                    lit.append(c)
                    pos += 1
                }
            case Self.dollar:
                flush(&parts, &lit)
                lexDollar(into: &parts)
            case Self.backtick:
                flush(&parts, &lit)
                parts.append(lexBacktick())
            default:
                lit.append(c)
                pos += 1
            }
        }
        markIncomplete("a double quote (\")")
        flush(&parts, &lit)
        return parts
    }

    private mutating func lexDollar(into parts: inout [WordPart]) {
        guard let next = byte(pos + 1) else {
            parts.append(.literal("$"))
            pos += 1
            return
        }
        switch next {
        case Self.lparen:
            if byte(pos + 2) == Self.lparen, let end = arithmeticEnd(from: pos + 3) {
                parts.append(.arithmetic(text(pos + 3..<end - 1)))
                pos = end + 1
                return
            }
            pos += 2
            let script = parseNested(close: ")", what: "a command substitution $(")
            parts.append(.commandSubstitution(script, backtick: false))
        case Self.lbrace:
            var end = pos + 2
            var level = 1
            while end < bytes.count {
                let b = bytes[end]
                if b == Self.lbrace { level += 1 } else if b == Self.rbrace { level -= 1; if level == 0 { break } }
                end += 1
            }
            if end >= bytes.count { markIncomplete("a ${ expansion") }
            parts.append(.parameter(text(pos + 2..<end), braced: true))
            pos = min(end + 1, bytes.count)
        case Self.squote:
            pos += 2
            parts.append(lexANSIC())
        case Self.dquote:
            pos += 1
            parts.append(.doubleQuoted(lexDoubleQuoted()))
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            var end = pos + 1
            while end < bytes.count, Self.isNameByte(bytes[end]) { end += 1 }
            parts.append(.parameter(text(pos + 1..<end), braced: false))
            pos = end
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "@"), UInt8(ascii: "*"), UInt8(ascii: "#"),
            UInt8(ascii: "?"), UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "-"):
            parts.append(.parameter(String(UnicodeScalar(next)), braced: false))
            pos += 2
        default:
            parts.append(.literal("$"))
            pos += 1
        }
    }

    /// For `$((`: the index of the final `)` of `))`, or nil when it is not arithmetic.
    private func arithmeticEnd(from start: Int) -> Int? {
        var level = 2
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if b == Self.lparen {
                level += 1
            } else if b == Self.rparen {
                level -= 1
                if level == 0 { return bytes[i - 1] == Self.rparen ? i : nil }
            } else if b == Self.nl && level < 2 {
                return nil
            }
            i += 1
        }
        return nil
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Decodes `$'…'` (position just after the opening quote).
    private mutating func lexANSIC() -> WordPart {
        var out = String.UnicodeScalarView()
        var raw: [UInt8] = []
        var encoded = false
        func appendCode(_ value: UInt32, _ out: inout String.UnicodeScalarView, _ encoded: inout Bool) {
            if let scalar = UnicodeScalar(value) {
                out.append(scalar)
                if value > 0x20 && value < 0x7F { encoded = true }
            }
        }
        func flushRaw(_ raw: inout [UInt8], _ out: inout String.UnicodeScalarView) {
            if !raw.isEmpty {
                out.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
        }
        while pos < bytes.count {
            let c = bytes[pos]
            if c == Self.squote {
                pos += 1
                flushRaw(&raw, &out)
                return .ansiC(String(out), encodedLetters: encoded)
            }
            guard c == Self.backslash, let e = byte(pos + 1) else {
                raw.append(c)
                pos += 1
                continue
            }
            flushRaw(&raw, &out)
            pos += 2
            switch e {
            case UInt8(ascii: "n"): out.append("\n")
            case UInt8(ascii: "t"): out.append("\t")
            case UInt8(ascii: "r"): out.append("\r")
            case UInt8(ascii: "a"): out.append("\u{07}")
            case UInt8(ascii: "b"): out.append("\u{08}")
            case UInt8(ascii: "e"), UInt8(ascii: "E"): out.append("\u{1B}")
            case UInt8(ascii: "f"): out.append("\u{0C}")
            case UInt8(ascii: "v"): out.append("\u{0B}")
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let limit = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                var value: UInt32 = 0
                var count = 0
                while count < limit, let b = byte(pos), let h = Self.hexValue(b) {
                    value = value &* 16 &+ h
                    pos += 1
                    count += 1
                }
                if count == 0 { out.append("\\"); out.append(UnicodeScalar(e)) } else { appendCode(value, &out, &encoded) }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(e - UInt8(ascii: "0"))
                var count = 1
                while count < 3, let b = byte(pos), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") {
                    value = value * 8 + UInt32(b - UInt8(ascii: "0"))
                    pos += 1
                    count += 1
                }
                appendCode(value & 0xFF, &out, &encoded)
            case UInt8(ascii: "c"):
                if let b = byte(pos) {
                    out.append(UnicodeScalar(b & 0x1F))
                    pos += 1
                }
            default:
                out.append(UnicodeScalar(e))
            }
        }
        markIncomplete("a $' quote")
        flushRaw(&raw, &out)
        return .ansiC(String(out), encodedLetters: encoded)
    }

    private mutating func lexBacktick() -> WordPart {
        var inner: [UInt8] = []
        var i = pos + 1
        var closed = false
        while i < bytes.count {
            let b = bytes[i]
            if b == Self.backtick {
                closed = true
                break
            }
            if b == Self.backslash, let n = byte(i + 1), n == Self.backtick || n == Self.backslash || n == Self.dollar {
                inner.append(n)
                i += 2
                continue
            }
            inner.append(b)
            i += 1
        }
        if !closed { markIncomplete("a backquote (`)") }
        let resume = min(i + 1, bytes.count)
        // Parse the inner text with this parser (here-document indices stay global).
        let savedBytes = bytes, savedPeek = peeked
        bytes = inner
        pos = 0
        peeked = nil
        let script: ShellScript
        if depth >= Self.maxDepth {
            tooDeep = true
            script = ShellScript()
        } else {
            depth += 1
            script = parseList(terminators: [])
            depth -= 1
        }
        bytes = savedBytes
        peeked = savedPeek
        pos = resume
        return .commandSubstitution(script, backtick: true)
    }

    /// Parses a nested list that ends with `close` (for `$(`, `<(`, subshells).
    private mutating func parseNested(close: String, what: String) -> ShellScript {
        guard depth < Self.maxDepth else {
            tooDeep = true
            pos = bytes.count
            return ShellScript()
        }
        depth += 1
        defer { depth -= 1 }
        let script = parseList(terminators: [close])
        if case .op(let o) = peekToken(), o == close {
            _ = nextToken()
        } else {
            markIncomplete(what)
        }
        return script
    }

    // MARK: - Grammar

    private static let reservedEnders: Set<String> = ["then", "elif", "else", "fi", "do", "done", "esac", "}"]

    private mutating func parseList(terminators: Set<String>) -> ShellScript {
        var script = ShellScript()
        while true {
            let token = peekToken()
            let before = pos
            switch token {
            case .eof:
                return script
            case .newline:
                _ = nextToken()
                continue
            case .op(let o):
                if terminators.contains(o) { return script }
                if o == ";" || o == ")" || o == ";;" || o == ";&" || o == ";;&" || o == "&" || o == "&&"
                    || o == "||" || o == "|" || o == "|&"
                {
                    error("unexpected '\(o)'")
                    _ = nextToken()
                    continue
                }
            case .word(let w):
                if Self.reservedEnders.contains(w.raw) {
                    if terminators.contains(w.raw) { return script }
                    error("unexpected '\(w.raw)'")
                    _ = nextToken()
                    continue
                }
            }
            let itemStart = pos
            if var item = parseAndOr() {
                item.source = text(itemStart..<pos)
                switch peekToken() {
                case .op("&"):
                    _ = nextToken()
                    item.background = true
                case .op(";"), .newline:
                    _ = nextToken()
                default:
                    break
                }
                script.items.append(item)
            }
            if pos == before {
                // No progress: drop one token so the loop always ends.
                if case .eof = nextToken() { return script }
            }
            if tooDeep { return script }
        }
    }

    private mutating func skipNewlines(orIncomplete what: String) -> Bool {
        while true {
            switch peekToken() {
            case .newline: _ = nextToken()
            case .eof:
                markIncomplete(what)
                return false
            default: return true
            }
        }
    }

    private mutating func parseAndOr() -> ShellAndOr? {
        guard let first = parsePipeline() else { return nil }
        var item = ShellAndOr(pipelines: [first])
        while case .op(let o) = peekToken(), o == "&&" || o == "||" {
            _ = nextToken()
            guard skipNewlines(orIncomplete: "a command after \(o)"), let next = parsePipeline() else { break }
            item.operators.append(o)
            item.pipelines.append(next)
        }
        return item
    }

    private mutating func parsePipeline() -> ShellPipeline? {
        var pipeline = ShellPipeline()
        if case .word(let w) = peekToken(), w.raw == "!" {
            _ = nextToken()
            pipeline.negated = true
        }
        if case .word(let w) = peekToken(), w.raw == "time" {
            _ = nextToken()
            if case .word(let p) = peekToken(), p.raw == "-p" { _ = nextToken() }
        }
        guard let first = parseCommand() else { return pipeline.negated ? pipeline : nil }
        pipeline.commands.append(first)
        while case .op(let o) = peekToken(), o == "|" || o == "|&" {
            _ = nextToken()
            guard skipNewlines(orIncomplete: "a command after |"), let next = parseCommand() else { break }
            pipeline.commands.append(next)
        }
        return pipeline
    }

    private static let redirectOps: Set<Substring> = ["<", ">", ">>", "<<", "<<-", "<<<", "<&", ">&", "<>", ">|", "&>", "&>>"]

    private static func isRedirect(_ o: String) -> Bool {
        redirectOps.contains(o.drop { $0.isNumber })
    }

    private mutating func parseCommand() -> ShellCommandNode? {
        let start = pos
        switch peekToken() {
        case .op("("):
            _ = nextToken()
            if byte(pos) == Self.lparen, let end = arithmeticEnd(from: pos + 1) {
                let expr = text(pos + 1..<end - 1)
                pos = end + 1
                var compound = CompoundCommand(kind: .arithmetic)
                compound.words = [ShellWord(parts: [.arithmetic(expr)], raw: expr)]
                return .compound(finishCompound(compound, start: start))
            }
            let body = parseNested(close: ")", what: "a subshell (")
            return .compound(finishCompound(CompoundCommand(kind: .subshell, bodies: [body]), start: start))
        case .op(let o) where Self.isRedirect(o):
            return .simple(parseSimple(start: start))
        case .word(let w):
            switch w.raw {
            case "{":
                _ = nextToken()
                return .compound(finishCompound(compoundBody(.group, close: "}"), start: start))
            case "if": return .compound(finishCompound(parseIf(), start: start))
            case "while", "until": return .compound(finishCompound(parseWhile(w.raw), start: start))
            case "for", "select": return .compound(finishCompound(parseFor(w.raw), start: start))
            case "case": return .compound(finishCompound(parseCase(), start: start))
            case "[[": return .compound(finishCompound(parseTest(), start: start))
            case "function":
                _ = nextToken()
                guard case .word(let name) = nextToken() else {
                    markIncomplete("a function definition")
                    return nil
                }
                if case .op("(") = peekToken() {
                    _ = nextToken()
                    if case .op(")") = peekToken() { _ = nextToken() }
                }
                return parseFunctionBody(name: name.raw)
            default:
                if Self.reservedEnders.contains(w.raw) { return nil }
                let simple = parseSimple(start: start)
                if simple.words.count == 1, simple.assignments.isEmpty, simple.redirects.isEmpty,
                    case .op("(") = peekToken()
                {
                    _ = nextToken()
                    if case .op(")") = peekToken() { _ = nextToken() }
                    return parseFunctionBody(name: w.raw)
                }
                return .simple(simple)
            }
        default:
            return nil
        }
    }

    private mutating func parseFunctionBody(name: String) -> ShellCommandNode? {
        guard skipNewlines(orIncomplete: "a function body") else { return nil }
        guard depth < Self.maxDepth else {
            tooDeep = true
            pos = bytes.count
            return nil
        }
        depth += 1
        defer { depth -= 1 }
        guard let body = parseCommand() else { return nil }
        switch body {
        case .compound(let c): return .function(name: name, body: c)
        case .simple(let s):
            var script = ShellScript()
            script.items = [ShellAndOr(pipelines: [ShellPipeline(commands: [.simple(s)])])]
            return .function(name: name, body: CompoundCommand(kind: .group, bodies: [script]))
        case .function: return body
        }
    }

    private mutating func finishCompound(_ compound: CompoundCommand, start: Int) -> CompoundCommand {
        var compound = compound
        while case .op(let o) = peekToken(), Self.isRedirect(o) {
            _ = nextToken()
            if let r = parseRedirect(o) { compound.redirects.append(r) }
        }
        compound.source = text(start..<pos)
        return compound
    }

    /// After the opening word was consumed: a list up to `close`.
    private mutating func compoundBody(_ kind: CompoundKind, close: String) -> CompoundCommand {
        guard depth < Self.maxDepth else {
            tooDeep = true
            pos = bytes.count
            return CompoundCommand(kind: kind)
        }
        depth += 1
        defer { depth -= 1 }
        let body = parseList(terminators: [close])
        expectWord(close, in: "a { group")
        return CompoundCommand(kind: kind, bodies: [body])
    }

    @discardableResult
    private mutating func expectWord(_ word: String, in what: String) -> Bool {
        switch peekToken() {
        case .word(let w) where w.raw == word:
            _ = nextToken()
            return true
        case .eof:
            markIncomplete(what)
            return false
        default:
            error("expected '\(word)'")
            return false
        }
    }

    private mutating func nestedList(_ terminators: Set<String>) -> ShellScript {
        guard depth < Self.maxDepth else {
            tooDeep = true
            pos = bytes.count
            return ShellScript()
        }
        depth += 1
        defer { depth -= 1 }
        return parseList(terminators: terminators)
    }

    private mutating func parseIf() -> CompoundCommand {
        _ = nextToken()
        var compound = CompoundCommand(kind: .ifClause)
        while true {
            compound.bodies.append(nestedList(["then"]))
            guard expectWord("then", in: "an if block (waiting for then)") else { return compound }
            compound.bodies.append(nestedList(["elif", "else", "fi"]))
            guard case .word(let w) = peekToken() else {
                markIncomplete("an if block (waiting for fi)")
                return compound
            }
            _ = nextToken()
            if w.raw == "fi" { return compound }
            if w.raw == "else" {
                compound.bodies.append(nestedList(["fi"]))
                expectWord("fi", in: "an if block (waiting for fi)")
                return compound
            }
        }
    }

    private mutating func parseWhile(_ keyword: String) -> CompoundCommand {
        _ = nextToken()
        var compound = CompoundCommand(kind: keyword == "while" ? .whileLoop : .untilLoop)
        compound.bodies.append(nestedList(["do"]))
        guard expectWord("do", in: "a \(keyword) loop (waiting for do)") else { return compound }
        compound.bodies.append(nestedList(["done"]))
        expectWord("done", in: "a \(keyword) loop (waiting for done)")
        return compound
    }

    private mutating func parseFor(_ keyword: String) -> CompoundCommand {
        _ = nextToken()
        var compound = CompoundCommand(kind: keyword == "for" ? .forLoop : .select)
        skipBlanks()
        if byte(pos) == Self.lparen, byte(pos + 1) == Self.lparen, let end = arithmeticEnd(from: pos + 2) {
            compound.words = [ShellWord(parts: [.arithmetic(text(pos + 2..<end - 1))], raw: text(pos..<end + 1))]
            pos = end + 1
        } else if case .word(let name) = nextToken() {
            compound.variable = name.raw
            while case .newline = peekToken() { _ = nextToken() }
            if case .word(let w) = peekToken(), w.raw == "in" {
                _ = nextToken()
                while case .word(let item) = peekToken() {
                    _ = nextToken()
                    compound.words.append(item)
                }
            }
        } else {
            markIncomplete("a \(keyword) loop")
            return compound
        }
        while true {
            switch peekToken() {
            case .newline, .op(";"): _ = nextToken(); continue
            default: break
            }
            break
        }
        guard expectWord("do", in: "a \(keyword) loop (waiting for do)") else { return compound }
        compound.bodies.append(nestedList(["done"]))
        expectWord("done", in: "a \(keyword) loop (waiting for done)")
        return compound
    }

    private mutating func parseCase() -> CompoundCommand {
        _ = nextToken()
        var compound = CompoundCommand(kind: .caseClause)
        guard case .word(let subject) = nextToken() else {
            markIncomplete("a case block")
            return compound
        }
        compound.words.append(subject)
        guard skipNewlines(orIncomplete: "a case block (waiting for in)") else { return compound }
        guard expectWord("in", in: "a case block (waiting for in)") else { return compound }
        while true {
            guard skipNewlines(orIncomplete: "a case block (waiting for esac)") else { return compound }
            let before = pos
            if case .word(let w) = peekToken(), w.raw == "esac" {
                _ = nextToken()
                return compound
            }
            if case .op("(") = peekToken() { _ = nextToken() }
            patterns: while true {
                switch nextToken() {
                case .word(let p): compound.words.append(p)
                case .op("|"): continue
                case .op(")"): break patterns
                case .eof:
                    markIncomplete("a case block (waiting for esac)")
                    return compound
                default:
                    error("bad case pattern")
                    break patterns
                }
            }
            compound.bodies.append(nestedList([";;", ";&", ";;&", "esac"]))
            switch peekToken() {
            case .op(";;"), .op(";&"), .op(";;&"): _ = nextToken()
            default: break
            }
            if pos == before { _ = nextToken() }
            if tooDeep { return compound }
        }
    }

    private mutating func parseTest() -> CompoundCommand {
        _ = nextToken()
        var compound = CompoundCommand(kind: .test)
        while true {
            switch nextToken() {
            case .word(let w):
                if w.raw == "]]" { return compound }
                compound.words.append(w)
            case .eof:
                markIncomplete("a [[ test (waiting for ]])")
                return compound
            default:
                continue
            }
        }
    }

    private mutating func parseSimple(start: Int) -> SimpleCommand {
        var command = SimpleCommand()
        var end = pos
        loop: while true {
            switch peekToken() {
            case .word(let w):
                _ = nextToken()
                if command.words.isEmpty, let assignment = Self.assignment(w) {
                    command.assignments.append(assignment)
                } else {
                    command.words.append(w)
                }
            case .op(let o) where Self.isRedirect(o):
                _ = nextToken()
                if let r = parseRedirect(o) { command.redirects.append(r) }
            default:
                break loop
            }
            end = pos
        }
        command.source = text(start..<end)
        return command
    }

    private mutating func parseRedirect(_ op: String) -> ShellRedirect? {
        var digits = Substring(op)
        var fd: Int?
        if let first = op.first, first.isNumber {
            let d = op.prefix { $0.isNumber }
            fd = Int(d)
            digits = op.dropFirst(d.count)
        }
        let bare = String(digits)
        guard case .word(let target) = peekToken() else {
            if case .eof = peekToken() { markIncomplete("a redirection (a file name is missing after \(bare))") }
            else { error("missing file name after \(bare)") }
            return nil
        }
        _ = nextToken()
        var redirect = ShellRedirect(fd: fd, op: bare, target: target)
        if bare == "<<" || bare == "<<-" {
            let delimiter = target.literal ?? target.raw
            redirect.heredoc = heredocs.count
            redirect.heredocQuoted = target.raw.contains("'") || target.raw.contains("\"") || target.raw.contains("\\")
            heredocs.append("")
            pendingHeredocs.append((heredocs.count - 1, Array(delimiter.utf8), bare == "<<-"))
        }
        return redirect
    }

    /// `NAME=value`, `NAME+=value`, `NAME[i]=value` as the first literal of a word.
    static func assignment(_ word: ShellWord) -> ShellAssignment? {
        guard case .literal(let first) = word.parts.first, let eqIndex = first.firstIndex(of: "=") else { return nil }
        var name = first[..<eqIndex]
        if name.hasSuffix("+") { name = name.dropLast() }
        if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
        guard let head = name.utf8.first, !(head >= UInt8(ascii: "0") && head <= UInt8(ascii: "9")),
            name.utf8.allSatisfy(isNameByte)
        else { return nil }
        var parts = word.parts
        let rest = String(first[first.index(after: eqIndex)...])
        if rest.isEmpty { parts.removeFirst() } else { parts[0] = .literal(rest) }
        let rawValue = word.raw.firstIndex(of: "=").map { String(word.raw[word.raw.index(after: $0)...]) } ?? ""
        return ShellAssignment(name: String(name), value: ShellWord(parts: parts, raw: rawValue))
    }
}
