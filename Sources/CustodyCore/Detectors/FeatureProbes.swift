/// Finds the compile and link probes of CMake, autoconf and meson files and extracts the test
/// program each one compiles, as the build system would hand it to the compiler.
///
/// Bounded and forgiving: a probe whose program cannot be recovered exactly (it names a variable
/// defined elsewhere, or expands other m4 macros) is returned with `source == nil` and is never
/// judged.
enum FeatureProbes {
    struct Probe: Hashable, Sendable {
        /// The macro or function, for example `check_c_source_compiles`.
        var macro: String
        /// The cache/result variable the probe sets, or "" when unknown; matches old and new probes.
        var result: String
        /// The test program, or nil when it cannot be recovered.
        var source: [UInt8]?
        /// File lines (1-based, inclusive) that the probe call spans.
        var lines: ClosedRange<Int>
        /// The file line where the program text begins.
        var sourceLine: Int
        /// File lines the program text spans (it may be defined away from the call).
        var sourceLines: ClosedRange<Int> {
            let count = source.map { $0.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) } } ?? 0
            return sourceLine...(sourceLine + count)
        }

        /// Whether any of the given file lines belongs to the probe or its program.
        func touches(_ numbers: Set<Int>) -> Bool {
            lines.contains { numbers.contains($0) } || sourceLines.contains { numbers.contains($0) }
        }
    }

    /// Finds the probes in a build file of the given role.
    ///
    /// With `near`, a probe that cannot touch any of those file lines may be left out (an autoconf
    /// probe's program is only worked out when the call, or the few lines its program may add,
    /// meets one of them); the probes that ``Probe/touches(_:)`` them are all returned.
    static func probes(in bytes: [UInt8], role: BuildFiles.Role, near: Set<Int>? = nil) -> [Probe] {
        switch role {
        case .cmake: return cmakeProbes(bytes)
        case .autoconf: return autoconfProbes(bytes, near: near)
        case .meson: return mesonProbes(bytes)
        default: return []
        }
    }

    // MARK: Shared scanning

    private static func lineNumber(_ bytes: [UInt8], at offset: Int, from: (offset: Int, line: Int)) -> Int {
        var line = from.line
        var i = from.offset
        while i < offset, i < bytes.count {
            if bytes[i] == 0x0a { line += 1 }
            i += 1
        }
        return line
    }

    /// Finds each case-insensitive occurrence of a call name followed by `(`, in one pass over the
    /// text for every name; yields the name as written, its offset and the offset just after `(`.
    private static func calls(_ bytes: [UInt8], _ names: MultiMatcher) -> [(name: String, at: Int, open: Int)] {
        var out: [(String, Int, Int)] = []
        bytes.withUnsafeBufferPointer { buffer in
            names.scan(buffer) { match in
                let at = match.start
                let length = names.needles[match.needle].count
                if names.needles[match.needle].first != UInt8(ascii: "."), at > 0,
                    BuildText.isIdentifierByte(buffer[at - 1]) || buffer[at - 1] == UInt8(ascii: "$")
                {
                    return true
                }
                var j = at + length
                while j < buffer.count, buffer[j] == 0x20 || buffer[j] == 0x09 { j += 1 }
                guard j < buffer.count, buffer[j] == UInt8(ascii: "(") else { return true }
                out.append((String(decoding: buffer[at..<(at + length)], as: UTF8.self), at, j + 1))
                return true
            }
        }
        return out.sorted { $0.1 < $1.1 }
    }

    // MARK: CMake

    private static let cmakeNames = MultiMatcher(["check_c_source_compiles", "check_cxx_source_compiles",
        "check_c_source_runs", "check_cxx_source_runs", "check_objc_source_compiles", "check_source_compiles",
        "check_source_runs"])
    private static let cmakeSet = MultiMatcher(["set"])

    /// One CMake argument: its text after unescaping, whether it was quoted, and its start offset.
    private struct CMakeArgument {
        var text: [UInt8]
        var offset: Int
    }

    /// Parses CMake arguments from just after `(` to the matching `)`; returns nil when unbalanced.
    private static func cmakeArguments(_ b: [UInt8], from start: Int) -> (args: [CMakeArgument], end: Int)? {
        var args: [CMakeArgument] = []
        var i = start
        var depth = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if BuildText.isSpace(c) {
                i += 1
                continue
            }
            if c == UInt8(ascii: "#") {
                while i < n, b[i] != 0x0a { i += 1 }
                continue
            }
            if c == UInt8(ascii: ")") {
                if depth == 0 { return (args, i) }
                depth -= 1
                i += 1
                continue
            }
            if c == UInt8(ascii: "(") {
                depth += 1
                i += 1
                continue
            }
            if c == UInt8(ascii: "\"") {
                var text: [UInt8] = []
                var j = i + 1
                var closed = false
                while j < n {
                    let d = b[j]
                    if d == UInt8(ascii: "\\"), j + 1 < n {
                        let e = b[j + 1]
                        switch e {
                        case UInt8(ascii: "n"): text.append(0x0a)
                        case UInt8(ascii: "t"): text.append(0x09)
                        case UInt8(ascii: "r"): text.append(0x0d)
                        case 0x0a: break  // line continuation
                        default: text.append(e)
                        }
                        j += 2
                        continue
                    }
                    if d == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    text.append(d)
                    j += 1
                }
                guard closed else { return nil }
                args.append(CMakeArgument(text: text, offset: i + 1))
                i = j + 1
                continue
            }
            if c == UInt8(ascii: "["), i + 1 < n, b[i + 1] == UInt8(ascii: "[") || b[i + 1] == UInt8(ascii: "=") {
                var j = i + 1
                var equals = 0
                while j < n, b[j] == UInt8(ascii: "=") {
                    equals += 1
                    j += 1
                }
                if j < n, b[j] == UInt8(ascii: "[") {
                    let close = [UInt8(ascii: "]")] + Array(repeating: UInt8(ascii: "="), count: equals) + [UInt8(ascii: "]")]
                    var k = j + 1
                    if k < n, b[k] == 0x0a { k += 1 }
                    let contentStart = k
                    while k + close.count <= n, !b[k..<(k + close.count)].elementsEqual(close) { k += 1 }
                    guard k + close.count <= n else { return nil }
                    args.append(CMakeArgument(text: Array(b[contentStart..<k]), offset: contentStart))
                    i = k + close.count
                    continue
                }
            }
            var j = i
            while j < n, !BuildText.isSpace(b[j]), b[j] != UInt8(ascii: ")"), b[j] != UInt8(ascii: "("),
                b[j] != UInt8(ascii: "\"")
            {
                j += 1
            }
            args.append(CMakeArgument(text: Array(b[i..<j]), offset: i))
            i = j
        }
        return nil
    }

    /// `set(NAME "value")` / `set(NAME [[value]])` definitions before `limit`.
    private static func cmakeVariable(_ b: [UInt8], named name: [UInt8], before limit: Int) -> CMakeArgument? {
        var found: CMakeArgument?
        for call in calls(b, cmakeSet) where call.at < limit {
            guard let (args, _) = cmakeArguments(b, from: call.open), args.count >= 2, args[0].text == name else {
                continue
            }
            found = args[1]
        }
        return found
    }

    private static func cmakeProbes(_ b: [UInt8]) -> [Probe] {
        var out: [Probe] = []
        var cursor = (offset: 0, line: 1)
        for call in calls(b, cmakeNames) {
            let startLine = lineNumber(b, at: call.at, from: cursor)
            cursor = (call.at, startLine)
            guard let (args, end) = cmakeArguments(b, from: call.open) else { continue }
            let endLine = lineNumber(b, at: end, from: cursor)
            let generic = call.name.lowercased().hasPrefix("check_source")
            let sourceIndex = generic ? 1 : 0
            guard args.count > sourceIndex + 1 else { continue }
            var sourceArg = args[sourceIndex]
            let result = String(decoding: args[sourceIndex + 1].text, as: UTF8.self)
            // "${VAR}" as the whole source: look it up.
            let trimmed = Array(BuildText.trimmed(sourceArg.text[...]))
            if trimmed.count > 3, trimmed.starts(with: Array("${".utf8)), trimmed.last == UInt8(ascii: "}"),
                !trimmed.dropFirst(2).contains(UInt8(ascii: "$"))
            {
                let name = Array(trimmed.dropFirst(2).dropLast())
                if let value = cmakeVariable(b, named: name, before: call.at) {
                    sourceArg = value
                } else {
                    out.append(Probe(macro: call.name, result: result, source: nil, lines: startLine...max(startLine, endLine), sourceLine: startLine))
                    continue
                }
            }
            var source: [UInt8]? = sourceArg.text
            if let text = source, text.contains(UInt8(ascii: "$")) {
                source = substituteCMakeVariables(text)
            }
            // A program in the call counts on from the call's line; one in a variable set earlier
            // counts from the top.
            let sourceLine = lineNumber(b, at: sourceArg.offset, from: sourceArg.offset >= cursor.offset ? cursor : (0, 1))
            out.append(Probe(macro: call.name, result: result, source: source, lines: startLine...max(startLine, endLine), sourceLine: sourceLine))
        }
        return out
    }

    /// Replaces `${NAME}` with an identifier; returns nil for nested or unbalanced references.
    private static func substituteCMakeVariables(_ text: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            if text[i] == UInt8(ascii: "$"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "{") {
                guard let close = text[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                if text[(i + 2)..<close].contains(UInt8(ascii: "$")) { return nil }
                out.append(contentsOf: Array("custody_var".utf8))
                i = close + 1
                continue
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    // MARK: autoconf / m4

    private static let autoconfNames = MultiMatcher(["AC_COMPILE_IFELSE", "AC_LINK_IFELSE", "AC_RUN_IFELSE",
        "AC_TRY_COMPILE", "AC_TRY_LINK", "AC_TRY_RUN"])

    /// Splits m4 arguments from just after `(` to the matching `)`; returns raw argument texts.
    ///
    /// With `collect` false only the offsets and the end are worked out (the texts stay empty).
    static func m4Arguments(_ b: [UInt8], from start: Int, collect: Bool = true) -> (args: [(text: [UInt8], offset: Int)], end: Int)? {
        var args: [(text: [UInt8], offset: Int)] = []
        var current: [UInt8] = []
        var currentCount = 0
        var currentOffset = start
        var quote = 0
        var paren = 0
        var i = start
        var leading = true
        while i < b.count {
            let c = b[i]
            if leading, quote == 0, BuildText.isSpace(c) {
                i += 1
                currentOffset = i
                continue
            }
            leading = false
            if c == UInt8(ascii: "[") {
                quote += 1
            } else if c == UInt8(ascii: "]") {
                quote = max(0, quote - 1)
            } else if quote == 0 {
                if c == UInt8(ascii: "(") {
                    paren += 1
                } else if c == UInt8(ascii: ")") {
                    if paren == 0 {
                        args.append((current, currentOffset))
                        return (args, i)
                    }
                    paren -= 1
                } else if c == UInt8(ascii: ","), paren == 0 {
                    args.append((current, currentOffset))
                    current = []
                    currentCount = 0
                    leading = true
                    i += 1
                    currentOffset = i
                    continue
                }
            }
            if collect { current.append(c) }
            currentCount += 1
            i += 1
            if currentCount > 200_000 { return nil }
        }
        return nil
    }

    /// Removes one level of m4 quotes everywhere in the text.
    static func m4Unquote(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var depth = 0
        for c in text {
            if c == UInt8(ascii: "[") {
                depth += 1
                if depth == 1 { continue }
            } else if c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { continue }
                if depth < 0 { depth = 0 }
            }
            out.append(c)
        }
        return out
    }

    private static let quadrigraphs: [([UInt8], [UInt8])] = [
        ("@<:@", "["), ("@:>@", "]"), ("@S|@", "$"), ("@%:@", "#"), ("@{:@", "("), ("@:}@", ")"), ("@&t@", ""),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func replaceQuadrigraphs(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(UInt8(ascii: "@")) else { return text }
        var out: [UInt8] = []
        var i = 0
        outer: while i < text.count {
            if text[i] == UInt8(ascii: "@") {
                for (from, to) in quadrigraphs where i + from.count <= text.count && text[i..<(i + from.count)].elementsEqual(from) {
                    out.append(contentsOf: to)
                    i += from.count
                    continue outer
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    private static func langProgram(prologue: [UInt8], body: [UInt8]) -> [UInt8] {
        prologue + Array("\nint\nmain (void)\n{\n".utf8) + body + Array("\n  ;\n  return 0;\n}\n".utf8)
    }

    /// Resolves the program argument of an `*_IFELSE` macro after one unquote.
    private static func autoconfProgram(_ arg: [UInt8]) -> [UInt8]? {
        let text = Array(BuildText.trimmed(arg[...]))
        for (macro, isProgram) in [("AC_LANG_PROGRAM", true), ("AC_LANG_SOURCE", false)] {
            let name = Array(macro.utf8)
            guard text.starts(with: name) else { continue }
            var j = name.count
            while j < text.count, BuildText.isSpace(text[j]) { j += 1 }
            guard j < text.count, text[j] == UInt8(ascii: "("), let (inner, _) = m4Arguments(text, from: j + 1) else {
                return nil
            }
            let parts = inner.map { m4Unquote(m4Unquote($0.text)) }
            if isProgram {
                return langProgram(prologue: parts.first ?? [], body: parts.count > 1 ? parts[1] : [])
            }
            return parts.first
        }
        if text.first == UInt8(ascii: "[") { return m4Unquote(text) }
        return nil
    }

    private static func cleanAutoconf(_ program: [UInt8]?) -> [UInt8]? {
        guard var program else { return nil }
        program = replaceQuadrigraphs(program)
        // Known default includes; other macros or shell variables make the program unknowable.
        let defaultIncludes = Array("AC_INCLUDES_DEFAULT".utf8)
        if let at = BuildText.firstFolded(program, BuildText.fold("AC_INCLUDES_DEFAULT")) {
            var end = at + defaultIncludes.count
            if end + 1 < program.count, program[end] == UInt8(ascii: "("), program[end + 1] == UInt8(ascii: ")") { end += 2 }
            program.replaceSubrange(at..<end, with: Array("#include <stdio.h>\n#include <stdlib.h>\n".utf8))
        }
        if program.contains(UInt8(ascii: "$")) { return nil }
        for prefix in ["AC_", "AS_", "m4_", "_AC_", "gl_", "AX_"] where containsMacroPrefix(program, Array(prefix.utf8)) {
            return nil
        }
        return program
    }

    private static func containsMacroPrefix(_ text: [UInt8], _ prefix: [UInt8]) -> Bool {
        var from = 0
        while let at = BuildText.firstFolded(text, prefix.map(BuildText.lower), from: from) {
            from = at + 1
            if at > 0, BuildText.isIdentifierByte(text[at - 1]) { continue }
            if text[at..<(at + prefix.count)].elementsEqual(prefix) { return true }
        }
        return false
    }

    /// How many lines an autoconf probe's program can have beyond its call: AC_LANG_PROGRAM's
    /// wrapper adds 8 line breaks and AC_INCLUDES_DEFAULT 2 (16 leaves room to spare).
    private static let autoconfProgramSlack = 16

    private static func autoconfProbes(_ b: [UInt8], near: Set<Int>?) -> [Probe] {
        var out: [Probe] = []
        var cursor = (offset: 0, line: 1)
        var lastEnd = -1
        for call in calls(b, autoconfNames) {
            // Only exact-case macro names are m4 macros.
            guard b[call.at..<(call.at + call.name.count)].elementsEqual(call.name.uppercased().utf8) else { continue }
            guard call.at > lastEnd else { continue }
            let startLine = lineNumber(b, at: call.at, from: cursor)
            cursor = (call.at, startLine)
            // With `near`, a first pass finds only where the call ends (no argument texts), and
            // the texts are collected for the probes that pass the test below; without it, once.
            guard let (spans, end) = m4Arguments(b, from: call.open, collect: near == nil), !spans.isEmpty else { continue }
            lastEnd = end
            let endLine = lineNumber(b, at: end, from: cursor)
            // The program lies inside the call, so it cannot reach past the call's last line by
            // more than the wrapper adds: a probe far from every line of interest is skipped.
            if let near, !(startLine...(max(startLine, endLine) + autoconfProgramSlack)).contains(where: near.contains) {
                continue
            }
            guard let args = near == nil ? spans : m4Arguments(b, from: call.open)?.args, let first = args.first else { continue }
            let upper = call.name.uppercased()
            var program: [UInt8]?
            switch upper {
            case "AC_TRY_COMPILE", "AC_TRY_LINK":
                program = langProgram(prologue: m4Unquote(first.text), body: args.count > 1 ? m4Unquote(args[1].text) : [])
            case "AC_TRY_RUN":
                program = m4Unquote(first.text)
            default:
                program = autoconfProgram(m4Unquote(first.text))
            }
            // The test program's first argument comes after the call: count on from the call's
            // line (counting from the top of the file for every probe was quadratic).
            let sourceLine = lineNumber(b, at: first.offset, from: cursor)
            out.append(Probe(macro: upper, result: autoconfResultName(b, before: call.at), source: cleanAutoconf(program), lines: startLine...max(startLine, endLine), sourceLine: sourceLine))
        }
        return out
    }

    /// The cache variable of the enclosing `AC_CACHE_CHECK` or the nearest `AC_MSG_CHECKING`
    /// text before the probe, used to pair old and new probes.
    private static func autoconfResultName(_ b: [UInt8], before offset: Int) -> String {
        let window = Array(b[max(0, offset - 400)..<offset])
        for macro in ["AC_CACHE_CHECK", "AC_MSG_CHECKING", "AC_CACHE_VAL"] {
            let name = Array(macro.utf8)
            var last: Int?
            var from = 0
            while let at = BuildText.firstFolded(window, BuildText.fold(macro), from: from) {
                last = at
                from = at + 1
            }
            guard let at = last, let open = window[(at + name.count)...].firstIndex(of: UInt8(ascii: "(")) else { continue }
            let rest = window[(open + 1)...]
            let end = rest.firstIndex(of: UInt8(ascii: ")")) ?? window.endIndex
            let text = rest[..<end].prefix(120)
            return macro + ":" + String(decoding: text, as: UTF8.self)
        }
        return ""
    }

    // MARK: meson

    private static let mesonNames = MultiMatcher([".compiles", ".links", ".run"])

    private static func mesonString(_ b: [UInt8], at start: Int) -> (text: [UInt8], offset: Int)? {
        var i = start
        while i < b.count, BuildText.isSpace(b[i]) { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "'") else { return nil }
        let triple = i + 2 < b.count && b[i + 1] == UInt8(ascii: "'") && b[i + 2] == UInt8(ascii: "'")
        if triple {
            let contentStart = i + 3
            var k = contentStart
            while k + 2 < b.count, !(b[k] == UInt8(ascii: "'") && b[k + 1] == UInt8(ascii: "'") && b[k + 2] == UInt8(ascii: "'")) {
                k += 1
            }
            guard k + 2 < b.count else { return nil }
            return (Array(b[contentStart..<k]), contentStart)
        }
        var text: [UInt8] = []
        var k = i + 1
        while k < b.count, b[k] != UInt8(ascii: "'"), b[k] != 0x0a {
            if b[k] == UInt8(ascii: "\\"), k + 1 < b.count {
                switch b[k + 1] {
                case UInt8(ascii: "n"): text.append(0x0a)
                case UInt8(ascii: "t"): text.append(0x09)
                default: text.append(b[k + 1])
                }
                k += 2
                continue
            }
            text.append(b[k])
            k += 1
        }
        guard k < b.count, b[k] == UInt8(ascii: "'") else { return nil }
        return (text, i + 1)
    }

    private static func mesonProbes(_ b: [UInt8]) -> [Probe] {
        var out: [Probe] = []
        var cursor = (offset: 0, line: 1)
        for call in calls(b, mesonNames) {
            let startLine = lineNumber(b, at: call.at, from: cursor)
            cursor = (call.at, startLine)
            var i = call.open
            while i < b.count, BuildText.isSpace(b[i]) { i += 1 }
            var literal = mesonString(b, at: i)
            if literal == nil {
                var j = i
                while j < b.count, BuildText.isIdentifierByte(b[j]) { j += 1 }
                let name = Array(b[i..<j])
                if !name.isEmpty { literal = mesonVariable(b, named: name, before: call.at) }
            }
            var end = call.open
            var depth = 0
            while end < b.count {
                if b[end] == UInt8(ascii: "(") { depth += 1 }
                if b[end] == UInt8(ascii: ")") {
                    if depth == 0 { break }
                    depth -= 1
                }
                end += 1
            }
            let endLine = lineNumber(b, at: min(end, b.count), from: cursor)
            let nameArg = mesonNamedArgument(b[call.open..<min(end, b.count)], "name")
            out.append(Probe(macro: "meson" + call.name, result: nameArg, source: literal?.text, lines: startLine...max(startLine, endLine), sourceLine: literal.map { lineNumber(b, at: $0.offset, from: $0.offset >= cursor.offset ? cursor : (0, 1)) } ?? startLine))
        }
        return out
    }

    private static func mesonVariable(_ b: [UInt8], named name: [UInt8], before limit: Int) -> (text: [UInt8], offset: Int)? {
        var found: (text: [UInt8], offset: Int)?
        var from = 0
        while let at = BuildText.firstFolded(b, name.map(BuildText.lower), from: from), at < limit {
            from = at + 1
            if at > 0, BuildText.isIdentifierByte(b[at - 1]) { continue }
            var j = at + name.count
            while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
            guard j < b.count, b[j] == UInt8(ascii: "="), j + 1 < b.count, b[j + 1] != UInt8(ascii: "=") else { continue }
            if let value = mesonString(b, at: j + 1) { found = value }
        }
        return found
    }

    private static func mesonNamedArgument(_ args: ArraySlice<UInt8>, _ key: String) -> String {
        let bytes = Array(args)
        var from = 0
        while let at = BuildText.firstFolded(bytes, BuildText.fold(key), from: from) {
            from = at + 1
            var j = at + key.count
            while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else { continue }
            if let value = mesonString(bytes, at: j + 1) { return String(decoding: value.text, as: UTF8.self) }
        }
        return ""
    }
}
