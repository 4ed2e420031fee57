/// A small syntactic sanity check for the C test programs of build-system feature probes.
///
/// A feature probe (CMake `check_c_source_compiles`, autoconf `AC_COMPILE_IFELSE`, meson
/// `cc.compiles`) enables a feature only when its test program compiles. Breaking the program
/// with one stray character silently disables the feature — in xz-utils 5.6 a lone `.` line made
/// the Landlock sandbox probe fail forever. This checker does not compile anything: it tokenizes
/// the program and reports what no compiler would accept, while staying quiet for ordinary
/// probes (which are short, simple programs).
enum CProbeChecker {
    /// One reason the program cannot compile, with its line (1-based, within the program).
    struct Problem: Hashable, Sendable {
        var line: Int
        var message: String
    }

    private enum TokenKind: Equatable {
        case identifier
        case number
        case literal
        case punct
    }

    private struct Token {
        var kind: TokenKind
        var text: [UInt8]
        var line: Int
        /// Whether the token is the only token on its source line.
        var alone: Bool = false
    }

    private static let directives: Set<[UInt8]> = Set(
        ["include", "define", "undef", "if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else", "endif",
         "error", "warning", "pragma", "line", "include_next", "import", "embed"].map { Array($0.utf8) }
    )

    private static let punctuators: [[UInt8]] = [
        "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=", "%=",
        "+=", "-=", "&=", "^=", "|=", "::", "##",
    ].map { Array($0.utf8) }

    private static let singlePunct: Set<UInt8> = Set(Array("{}[]();,.<>+-*/%&|^!~?:=#".utf8))

    /// Checks a C or C++ program; returns the problems found (empty when it looks compilable).
    static func check(_ source: [UInt8]) -> [Problem] {
        var problems: [Problem] = []
        let tokens = tokenize(source, problems: &problems)
        guard problems.isEmpty else { return problems }
        checkStructure(tokens, problems: &problems)
        return problems
    }

    // MARK: Tokenizer

    private static func tokenize(_ s: [UInt8], problems: inout [Problem]) -> [Token] {
        var tokens: [Token] = []
        var conditions: [(active: Bool, taken: Bool)] = []
        var i = 0
        var line = 1
        var atLineStart = true
        var lineTokenStart = 0
        let n = s.count
        func endLine() {
            if tokens.count - lineTokenStart == 1 { tokens[tokens.count - 1].alone = true }
            lineTokenStart = tokens.count
        }
        while i < n {
            let c = s[i]
            if c == 0x0a {
                endLine()
                line += 1
                atLineStart = true
                i += 1
                continue
            }
            if BuildText.isSpace(c) {
                i += 1
                continue
            }
            if c == UInt8(ascii: "\\"), i + 1 < n, s[i + 1] == 0x0a || (s[i + 1] == 0x0d && i + 2 < n && s[i + 2] == 0x0a) {
                i += s[i + 1] == 0x0a ? 2 : 3
                line += 1
                continue
            }
            // Comments.
            if c == UInt8(ascii: "/"), i + 1 < n, s[i + 1] == UInt8(ascii: "/") {
                while i < n, s[i] != 0x0a { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < n, s[i + 1] == UInt8(ascii: "*") {
                i += 2
                var closed = false
                while i + 1 < n {
                    if s[i] == 0x0a { line += 1 }
                    if s[i] == UInt8(ascii: "*"), s[i + 1] == UInt8(ascii: "/") {
                        closed = true
                        i += 2
                        break
                    }
                    i += 1
                }
                if !closed {
                    problems.append(Problem(line: line, message: "a comment is never closed"))
                    return tokens
                }
                continue
            }
            // Inside a conditional branch that is not taken: skip the line (probes put deliberately
            // invalid code in #else branches so that they fail on other platforms).
            if !conditions.allSatisfy(\.active), !(c == UInt8(ascii: "#") && atLineStart) {
                while i < n, s[i] != 0x0a { i += 1 }
                continue
            }
            // Preprocessor directive: check its name, then skip the logical line.
            if c == UInt8(ascii: "#"), atLineStart {
                var j = i + 1
                while j < n, s[j] == 0x20 || s[j] == 0x09 { j += 1 }
                let nameStart = j
                while j < n, BuildText.isIdentifierByte(s[j]) { j += 1 }
                let name = Array(s[nameStart..<j])
                let nameText = String(decoding: name, as: UTF8.self)
                switch nameText {
                case "if", "ifdef", "ifndef":
                    var k = j
                    while k < n, s[k] == 0x20 || s[k] == 0x09 { k += 1 }
                    let isZero = nameText == "if" && k < n && s[k] == UInt8(ascii: "0")
                        && (k + 1 >= n || !BuildText.isIdentifierByte(s[k + 1]))
                    conditions.append((active: !isZero, taken: !isZero))
                case "elif", "elifdef", "elifndef", "else":
                    if let last = conditions.popLast() {
                        conditions.append((active: !last.taken, taken: true))
                    }
                case "endif":
                    _ = conditions.popLast()
                default:
                    break
                }
                if !conditions.dropLast().allSatisfy(\.active) || !(conditions.last?.active ?? true) && !["else", "elif", "endif", "if", "ifdef", "ifndef"].contains(nameText) {
                    // A directive inside a skipped branch is not judged.
                } else if !name.isEmpty, !directives.contains(name) {
                    problems.append(Problem(line: line, message: "unknown preprocessor directive #\(BuildText.printable(name, limit: 30))"))
                }
                if name == Array("include".utf8) || name == Array("include_next".utf8) {
                    var k = j
                    while k < n, s[k] == 0x20 || s[k] == 0x09 { k += 1 }
                    let ok = k < n && (s[k] == UInt8(ascii: "<") || s[k] == UInt8(ascii: "\"") || BuildText.isIdentifierByte(s[k]))
                    if !ok { problems.append(Problem(line: line, message: "an #include names no file")) }
                }
                // Skip to the end of the logical line.
                while j < n {
                    if s[j] == UInt8(ascii: "\\"), j + 1 < n, s[j + 1] == 0x0a {
                        j += 2
                        line += 1
                        continue
                    }
                    if s[j] == 0x0a { break }
                    j += 1
                }
                i = j
                continue
            }
            atLineStart = false
            if BuildText.isIdentifierByte(c) && !(c >= 0x30 && c <= 0x39) {
                var j = i
                while j < n, BuildText.isIdentifierByte(s[j]) || s[j] == UInt8(ascii: "$") { j += 1 }
                // String prefixes such as L"..", u8"..".
                if j < n, s[j] == UInt8(ascii: "\"") || s[j] == UInt8(ascii: "'"), j - i <= 2 {
                    i = j
                    continue
                }
                tokens.append(Token(kind: .identifier, text: Array(s[i..<j]), line: line))
                i = j
                continue
            }
            if (c >= 0x30 && c <= 0x39) || (c == UInt8(ascii: ".") && i + 1 < n && s[i + 1] >= 0x30 && s[i + 1] <= 0x39) {
                var j = i + 1
                while j < n, BuildText.isIdentifierByte(s[j]) || s[j] == UInt8(ascii: ".") || s[j] == UInt8(ascii: "'")
                    || ((s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-")) && (s[j - 1] | 0x20) == UInt8(ascii: "e"))
                {
                    j += 1
                }
                tokens.append(Token(kind: .number, text: Array(s[i..<j]), line: line))
                i = j
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                var j = i + 1
                var closed = false
                while j < n {
                    if s[j] == UInt8(ascii: "\\") {
                        j += 2
                        continue
                    }
                    if s[j] == 0x0a { break }
                    if s[j] == c {
                        closed = true
                        break
                    }
                    j += 1
                }
                if !closed {
                    problems.append(Problem(line: line, message: "a quoted string or character is never closed"))
                    return tokens
                }
                tokens.append(Token(kind: .literal, text: Array(s[i...j]), line: line))
                i = j + 1
                continue
            }
            if let p = punctuators.first(where: { p in i + p.count <= n && s[i..<(i + p.count)].elementsEqual(p) }) {
                tokens.append(Token(kind: .punct, text: p, line: line))
                i += p.count
                continue
            }
            if singlePunct.contains(c) {
                tokens.append(Token(kind: .punct, text: [c], line: line))
                i += 1
                continue
            }
            problems.append(Problem(line: line, message: "the character \(BuildText.printable([c])) is not valid C"))
            return tokens
        }
        endLine()
        return tokens
    }

    // MARK: Structure

    private enum Brace {
        case block
        case initializer
        case members
    }

    /// Words after which `{` opens a block, not an initializer.
    private static let blockWords: Set<[UInt8]> = Set(
        ["else", "do", "try", "const", "noexcept", "override", "final", "mutable", "return"].map { Array($0.utf8) }
    )

    private static let controlKeywords: Set<[UInt8]> = Set(["if", "for", "while", "switch"].map { Array($0.utf8) })
    private static let aggregateKeywords: Set<[UInt8]> = Set(["struct", "union", "class", "namespace"].map { Array($0.utf8) })

    private static func isPunct(_ t: Token?, _ text: String) -> Bool {
        guard let t, t.kind == .punct else { return false }
        return t.text.elementsEqual(text.utf8)
    }

    /// Tokens that may begin a statement or a declaration.
    private static func canStartStatement(_ t: Token) -> Bool {
        switch t.kind {
        case .identifier, .number, .literal: return true
        case .punct:
            let ok: Set<[UInt8]> = Set(["(", "*", "&", "++", "--", "-", "+", "!", "~", "{", ";", "}", "[", "::"].map { Array($0.utf8) })
            return ok.contains(t.text)
        }
    }

    private static func checkStructure(_ tokens: [Token], problems: inout [Problem]) {
        var stack: [(open: UInt8, line: Int, brace: Brace?, controlParen: Bool)] = []
        var previous: Token?
        var lastClosedControlParen = false
        var lastBraceClosedInitializer = false
        var pendingEnum = false
        var pendingAggregate = false
        var pendingEquals = false
        for token in tokens {
            let depthIsStatementLevel = stack.isEmpty || stack.last?.brace == .block || stack.last?.brace == .members
            let atStatementStart: Bool = {
                guard depthIsStatementLevel else { return false }
                guard let previous else { return true }
                if previous.kind != .punct { return false }
                return isPunct(previous, ";") || isPunct(previous, "{")
                    || (isPunct(previous, "}") && !lastBraceClosedInitializer)
            }()
            if atStatementStart && !canStartStatement(token) {
                problems.append(Problem(line: token.line, message: "a stray \(BuildText.printable(token.text, limit: 20)) where a statement or declaration must begin"))
                return
            }
            if token.alone, isPunct(token, ".") {
                problems.append(Problem(line: token.line, message: "a line holding only \(BuildText.printable(token.text, limit: 4))"))
                return
            }
            if token.kind == .identifier {
                if token.text.elementsEqual("enum".utf8) { pendingEnum = true }
                if aggregateKeywords.contains(token.text) { pendingAggregate = true }
            }
            if token.kind == .punct {
                switch token.text {
                case Array("=".utf8):
                    if depthIsStatementLevel { pendingEquals = true }
                    pendingAggregate = false
                    pendingEnum = false
                case Array(";".utf8):
                    if depthIsStatementLevel {
                        pendingEquals = false
                        pendingEnum = false
                        pendingAggregate = false
                    }
                case Array("(".utf8), Array("[".utf8):
                    if token.text == Array("(".utf8) {
                        pendingAggregate = false
                        pendingEnum = false
                    }
                    let control = token.text == Array("(".utf8) && previous.map { $0.kind == .identifier && controlKeywords.contains($0.text) } == true
                    stack.append((token.text[0], token.line, nil, control))
                case Array("{".utf8):
                    let brace: Brace
                    let previousIsWord = previous.map { $0.kind == .identifier && !Self.blockWords.contains($0.text) } ?? false
                    if pendingEquals && depthIsStatementLevel {
                        brace = .initializer
                    } else if pendingEnum {
                        brace = .initializer
                    } else if pendingAggregate {
                        brace = .members
                    } else if previous?.kind == .literal {
                        brace = .members  // extern "C" {
                    } else if previousIsWord && !stack.isEmpty {
                        brace = .initializer  // C++ braced initialization: std::vector<int> v{1, 2};
                    } else if pendingEquals || !(depthIsStatementLevel) || isPunct(previous, ",") || isPunct(previous, "=")
                        || (previous?.kind == .identifier && previous.map { $0.text.elementsEqual("return".utf8) } == true)
                    {
                        brace = .initializer
                    } else {
                        brace = .block
                    }
                    pendingEnum = false
                    pendingAggregate = false
                    if brace != .initializer { pendingEquals = false }
                    stack.append((UInt8(ascii: "{"), token.line, brace, false))
                case Array(")".utf8), Array("]".utf8), Array("}".utf8):
                    let expected: UInt8 = token.text[0] == UInt8(ascii: ")") ? UInt8(ascii: "(") : token.text[0] == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
                    guard let top = stack.last else {
                        problems.append(Problem(line: token.line, message: "a closing \(BuildText.printable(token.text)) with nothing to close"))
                        return
                    }
                    guard top.open == expected else {
                        problems.append(Problem(line: token.line, message: "\(BuildText.printable(token.text)) closes a \(BuildText.printable([top.open])) opened on line \(top.line)"))
                        return
                    }
                    if top.brace == .block || top.brace == .members, let previous,
                        !(isPunct(previous, ";") || isPunct(previous, "{") || isPunct(previous, "}") || isPunct(previous, ":"))
                    {
                        problems.append(Problem(line: token.line, message: "a statement before this } has no semicolon"))
                        return
                    }
                    stack.removeLast()
                    lastClosedControlParen = top.controlParen
                    if top.open == UInt8(ascii: "{") { lastBraceClosedInitializer = top.brace == .initializer }
                default:
                    break
                }
            }
            _ = lastClosedControlParen
            previous = token
        }
        if let open = stack.last {
            problems.append(Problem(line: open.line, message: "a \(BuildText.printable([open.open])) opened on line \(open.line) is never closed"))
            return
        }
        if let last = previous, !(isPunct(last, "}") || isPunct(last, ";")) {
            problems.append(Problem(line: last.line, message: "the program ends in the middle of a declaration"))
        }
    }
}
