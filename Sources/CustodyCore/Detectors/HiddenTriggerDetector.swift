/// Finds hidden triggers: request input (a header, cookie, query parameter, user agent) or, more
/// weakly, an environment variable or argument compared with a magic literal, followed within a
/// few lines by code execution or a login success; and passwords or tokens compared with a
/// literal written in the code.
///
/// One pass of a multi-literal matcher per line finds sources, comparisons, sinks and
/// credential names; string literals are then checked near the comparison.
struct HiddenTriggerDetector: Detector {
    static let trigger = DetectorRule(
        id: "CUST-HIDDEN-TRIGGER-001",
        name: "MagicInputTriggersAction",
        category: .hiddenTrigger,
        severity: .critical,
        confidence: .medium,
        summary:
            "This code does something powerful only when someone sends a secret word, which is how a hidden back door works.",
        help:
            "A request header, cookie or parameter compared with a fixed value that then runs a command or grants access lets whoever knows the value control the system (the 2021 PHP source backdoor ran code when a header started with a magic word)."
    )
    static let credential = DetectorRule(
        id: "CUST-HIDDEN-TRIGGER-002",
        name: "HardCodedCredentialCheck",
        category: .hiddenTrigger,
        severity: .high,
        confidence: .medium,
        summary: "This line accepts a password or key that is written into the program itself.",
        help:
            "A password or token compared with a fixed value in the code works for anyone who reads the code, and it cannot be changed or revoked without a new release."
    )

    var rules: [DetectorRule] { [Self.trigger, Self.credential] }

    enum Group { case requestSource, localSource, comparison, sink, authSuccess }

    static let groups: [(Group, [String])] = [
        (
            .requestSource,
            [
                "headers[", "headers.get(", ".header(", "getheader(", "header.get(", "http_user_agent", "http_x_",
                "$_server[", "$_get[", "$_post[", "$_cookie[", "$_request[", "request.cookies", "req.cookies",
                "cookies[", "cookie(", "request.args", "request.form", "req.query", "req.body", "req.params",
                "getparameter(", "user-agent", "useragent", "user_agent", "r.url.query", "formvalue(",
                "querystring", "getallheaders(", "request.meta", "getcookie", "zend_hash_str_find",
                "request.getheader", "params[",
            ]
        ),
        (
            .localSource,
            [
                "getenv(", "os.environ", "process.env", "os.lookupenv", "environ[", "env[", "environment[",
                "commandline.arguments", "sys.argv", "argv[", "process.argv",
            ]
        ),
        (
            .comparison,
            [
                "==", "equals(", "strcmp(", "strncmp(", "strcasecmp(", "strstr(", "startswith(", "hasprefix(",
                "includes(", ".contains(", "strpos(", "str_contains(", "indexof(", "hash_equals(",
                "equalsignorecase(", "memcmp(", " eq ", "start_with?(",
            ]
        ),
        (
            .sink,
            [
                "system(", "exec(", "eval(", "popen(", "shell_exec(", "passthru(", "proc_open(", "zend_eval_string",
                "os.system", "subprocess.", "child_process", "execsync(", "spawn(", "getruntime().exec",
                "exec.command(", "posix_spawn", "execve(", "execl(", "execvp(", "/bin/sh", "create_function",
                "instance_eval", "new function(", "runtime.exec",
            ]
        ),
        (
            .authSuccess,
            [
                "authenticated = true", "authenticated=true", "is_admin = true", "isadmin = true",
                "authorized = true", "auth_ok", "login_success", "pam_success", "skip_auth", "bypass",
                "role = \"admin\"", "role = 'admin'", "setadmin(", "grant_access", "access_granted",
                "is_authenticated = true", "isauthenticated = true", "loggedin = true", "logged_in = true",
                "return auth_success",
            ]
        ),
    ]
    static let groupOf: [Group] = groups.flatMap { group in group.1.map { _ in group.0 } }
    static let matcher = MultiMatcher(groups.flatMap(\.1))

    static let credentialSuffixes: [[UInt8]] = [
        "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "api_key", "authkey", "auth_key",
        "masterkey", "master_key", "pass", "pin",
    ].map { Array($0.utf8) }
    static let credentialStopWords: Set<String> = [
        "password", "passwd", "text", "hidden", "string", "secret", "token", "none", "null", "undefined", "bearer",
        "basic", "true", "false", "digest", "plain", "shadow", "bcrypt", "sha256", "sha512", "md5", "argon2",
        "scrypt", "pbkdf2", "crypt", "keychain", "prompt", "stdin", "env", "file", "auto", "default", "empty",
        "unset", "required", "optional", "changeme",
    ]

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        guard traits.language.isCode, !traits.isDocumentation, !traits.isMinified, !traits.isVendored else { return }
        // Lines without a `matcher` marker are skipped below; none in the file means nothing to do.
        guard context.gates(for: change).contains(.hiddenTrigger) else { return }
        let lines = change.addedLines
        var cap = FindingCap()
        var sinkOrAuth: [Int: (Group, String)] = [:]
        var triggers: [(position: Int, source: Group, sourceText: String, literal: String, carried: Carried?)] = []
        // Input read into a variable on one line and compared on one of the next ones
        // (`enc = zend_hash_str_find(…"HTTP_USER_AGENT"…);` … `if (strstr(enc, "magic"))`).
        var carried: [Carried] = []
        let hasChildProcess = traits.language == .javascript || traits.language == .typescript
            ? lines.contains { ByteScan.contains($0.text, Self.childProcessMarker) } : true
        for position in lines.indices {
            let line = lines[position]
            guard line.text.count <= 16 * 1024 else { continue }
            let matches = Self.matcher.matches(in: line.text)
            guard !matches.isEmpty else { continue }
            if CommentHeuristics.isCommentLine(line.text, language: traits.language) { continue }
            var source: (Group, String)?
            var sourceStart = line.text.endIndex
            var comparisonEnds: [Int] = []
            var comparisonStarts: [Int] = []
            for match in matches {
                let group = Self.groupOf[match.needle]
                let needle = Self.matcher.needles[match.needle]
                switch group {
                case .requestSource, .localSource:
                    if source == nil || group == .requestSource && source?.0 == .localSource {
                        source = (group, String(decoding: needle, as: UTF8.self))
                    }
                    sourceStart = min(sourceStart, match.start)
                case .comparison:
                    comparisonStarts.append(match.start)
                    comparisonEnds.append(match.start + needle.count)
                case .sink:
                    guard Self.isSink(needle, at: match.start, in: line.text, language: traits.language, hasChildProcess: hasChildProcess)
                    else { continue }
                    sinkOrAuth[position] = (group, String(decoding: needle, as: UTF8.self).strippingCharacters(" ("))
                case .authSuccess:
                    if sinkOrAuth[position] == nil {
                        sinkOrAuth[position] = (group, String(decoding: needle, as: UTF8.self).strippingCharacters(" ("))
                    }
                }
            }
            // Forget variables read more than four lines ago; remember the one this line reads.
            carried.removeAll { position - $0.position > 4 || line.number - lines[$0.position].number > 5 }
            if let source, let name = Self.assignedName(in: line.text, before: sourceStart) {
                carried.removeAll { $0.name == name }
                carried.append(Carried(name: name, position: position, source: source.0, sourceText: source.1))
            }
            guard !comparisonEnds.isEmpty else { continue }
            let literals = ByteScan.stringLiterals(line.text)
            var from: Carried?
            if source == nil,
                let earlier = carried.last(where: { $0.position < position && ByteScan.containsWord(line.text, $0.name) })
            {
                source = (earlier.source, earlier.sourceText)
                from = earlier
            }
            if let source, let literal = literals.first(where: { range in
                range.count >= 3
                    && (comparisonEnds.contains { $0 <= range.lowerBound + 1 }
                        // "magic".equals(input), "magic" == input
                        || comparisonStarts.contains { start in
                            start > range.upperBound && start - range.upperBound <= 3
                                && line.text[(range.upperBound + 1)..<start].allSatisfy { ByteScan.isSpace($0) || $0 == 0x2e }
                        })
                    && !Self.isKeyName(range, in: line.text, sourceText: source.1)
            }) {
                triggers.append((position, source.0, source.1, ByteScan.text(line.text[literal], limit: 40), from))
            }
            checkCredential(
                line, comparisonStarts: comparisonStarts, literals: literals, change: change, traits: traits,
                context: context, cap: &cap, into: &findings)
        }
        for trigger in triggers {
            // The action on the same line or within the next three added lines.
            let window = lines.window(around: trigger.position, before: 0, after: 3)
            guard let actionPosition = window.first(where: { sinkOrAuth[$0] != nil }),
                let action = sinkOrAuth[actionPosition],
                lines[actionPosition].number - lines[trigger.position].number <= 4
            else { continue }
            if trigger.source == .localSource && (traits.language == .shell || traits.language == .make
                || traits.language == .cmake || action.0 == .sink && traits.language == .python && trigger.sourceText == "sys.argv")
            {
                continue
            }
            var severity: Severity
            switch (trigger.source, action.0) {
            case (.requestSource, .sink): severity = .critical
            case (.requestSource, _): severity = .high
            default: severity = .medium
            }
            // Carried through a variable: critical only when the input itself reaches the sink
            // (`eval(enc + 8)`); a fixed command after a header check is one step weaker.
            if let carriedFrom = trigger.carried, severity == .critical,
                !ByteScan.containsWord(lines[actionPosition].text, carriedFrom.name)
            {
                severity = .high
            }
            if traits.isTest { severity = severity.lowered.lowered }
            guard cap.allow(Self.trigger) else { continue }
            let what = action.0 == .sink ? "runs code with '\(action.1)'" : "grants access ('\(action.1)')"
            let first = trigger.carried?.position ?? trigger.position
            let read = trigger.carried.map {
                "Line \(lines[$0.position].number) reads input from '\(trigger.sourceText)' into '\(ByteScan.text($0.name, limit: 40))'; line \(lines[trigger.position].number) compares it"
            } ?? "Line \(lines[trigger.position].number) compares input from '\(trigger.sourceText)'"
            findings.append(
                Finding(
                    rule: Self.trigger,
                    commit: context.commit,
                    change: change,
                    lines: Array(lines[first...actionPosition]),
                    evidence:
                        "\(read) with the fixed value \"\(trigger.literal)\", and line \(lines[actionPosition].number) \(what).",
                    severity: severity,
                    confidence: trigger.source == .requestSource ? .high : .medium
                )
            )
        }
    }

    /// A variable that holds input read on an earlier added line.
    struct Carried {
        var name: [UInt8]
        var position: Int
        var source: Group
        var sourceText: String
    }

    static let childProcessMarker = ByteScan.bytes("child_process")
    static let assignmentKeywords: Set<String> = ["if", "while", "return", "and", "or", "not", "in", "is", "elif", "when"]

    /// The variable assigned on the line before `limit`: `enc = …`, `(enc = …`, `$ua = …`,
    /// `const ua = …`, `ua := …`, `String ua = …`. Nil for comparisons (`==`, `!=`, `<=`, `>=`, `=>`).
    static func assignedName(in text: ArraySlice<UInt8>, before limit: Int) -> [UInt8]? {
        var i = min(limit, text.endIndex) - 1
        while i > text.startIndex {
            defer { i -= 1 }
            guard text[i] == 0x3d else { continue }  // '='
            let next = i + 1 < text.endIndex ? text[i + 1] : 0
            if next == 0x3d || next == 0x3e { continue }  // == =>
            var j = i - 1
            if j >= text.startIndex, text[j] == 0x3a { j -= 1 }  // :=
            else if j >= text.startIndex, [0x3d, 0x21, 0x3c, 0x3e, 0x2b, 0x2d, 0x2a, 0x2f, 0x7c, 0x26, 0x25, 0x5e, 0x7e].contains(text[j]) {
                continue  // == != <= >= += …
            }
            while j >= text.startIndex, ByteScan.isSpace(text[j]) { j -= 1 }
            let end = j + 1
            while j >= text.startIndex, ByteScan.isIdentifierByte(text[j]) { j -= 1 }
            let start = j + 1
            guard end - start >= 2, !ByteScan.isDigit(text[start]) else { return nil }
            let name = Array(text[start..<end])
            if assignmentKeywords.contains(String(decoding: name, as: UTF8.self)) { return nil }
            return name
        }
        return nil
    }

    /// Whether a sink marker is really a call that runs code: `sqlite3_exec(` and a JavaScript
    /// regular expression's `.exec(` are not (the latter unless the change uses child_process).
    static func isSink(_ needle: [UInt8], at start: Int, in text: ArraySlice<UInt8>, language: SourceLanguage, hasChildProcess: Bool) -> Bool {
        guard let first = needle.first, ByteScan.isIdentifierByte(first), start > text.startIndex else { return true }
        let before = text[start - 1]
        if ByteScan.isIdentifierByte(before) { return false }
        if before == 0x2e, needle.elementsEqual("exec(".utf8), language == .javascript || language == .typescript {
            return hasChildProcess
        }
        return true
    }

    /// True when the literal is the name being read (`headers["X-Token"]`), not the value it is
    /// compared with.
    private static func isKeyName(_ literal: Range<Int>, in text: ArraySlice<UInt8>, sourceText: String) -> Bool {
        var i = literal.lowerBound - 2  // before the opening quote
        while i >= text.startIndex, ByteScan.isSpace(text[i]) { i -= 1 }
        guard i > text.startIndex, text[i] == 0x5b || text[i] == 0x28 else { return false }
        // The bracket must close a read of the source: `headers[`, `getenv(`, `environ.get(`.
        let lo = max(text.startIndex, i - 40)
        let before = ByteScan.lowercased(text[lo..<i])
        let marker = Array(sourceText.utf8.filter { $0 != 0x28 && $0 != 0x5b })
        if before.count >= marker.count, before.suffix(marker.count).elementsEqual(marker) { return true }
        return before.suffix(4).elementsEqual(".get".utf8) && ByteScan.contains(before, marker)
    }

    private func checkCredential(
        _ line: AddedLine, comparisonStarts: [Int], literals: [Range<Int>], change: FileChange, traits: FileTraits,
        context: DetectionContext, cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let text = line.text
        for start in comparisonStarts {
            // Identifiers within 48 bytes before the comparison and 48 after it.
            let lo = max(text.startIndex, start - 48)
            let hi = min(text.endIndex, start + 48)
            guard let name = Self.credentialName(in: text[lo..<hi], literals: literals) else { continue }
            guard let literal = literals.first(where: { $0.lowerBound > start && $0.lowerBound < hi + 2 }),
                literal.count >= 4, literal.count <= 128
            else { continue }
            let value = text[literal]
            if value.contains(where: { ByteScan.isSpace($0) || $0 == 0x24 || $0 == 0x25 || $0 == 0x7b }) { continue }
            let valueText = ByteScan.text(value, limit: 128)
            if Self.credentialStopWords.contains(valueText.lowercased()) { continue }
            let hasDigit = value.contains(where: ByteScan.isDigit)
            let hasUpper = value.contains { $0 >= 0x41 && $0 <= 0x5a }
            let hasLower = value.contains { $0 >= 0x61 && $0 <= 0x7a }
            let hasSymbol = value.contains { !ByteScan.isIdentifierByte($0) && $0 < 0x80 }
            guard hasUpper || hasLower || hasDigit else { continue }  // punctuation: a parser token
            // Password-like: letters and digits (6 or more), or mixed case with a digit or symbol.
            let strong = hasDigit && (hasUpper || hasLower) && value.count >= 6
                || hasUpper && hasLower && (hasDigit || hasSymbol)
            var severity: Severity = strong ? .high : .medium
            if !traits.isProductionCode { severity = .low }
            guard cap.allow(Self.credential) else { return }
            let masked = String(valueText.prefix(2)) + String(repeating: "•", count: max(0, min(valueText.count, 12) - 2))
            findings.append(
                Finding(
                    rule: Self.credential,
                    commit: context.commit,
                    change: change,
                    lines: [line],
                    evidence:
                        "Line \(line.number) compares '\(name)' with a fixed \(value.count)-character value (\(masked)).",
                    severity: severity
                )
            )
            return
        }
    }

    /// The first identifier in the bytes (outside the literals) that ends with a credential word.
    private static func credentialName(in window: ArraySlice<UInt8>, literals: [Range<Int>]) -> String? {
        var i = window.startIndex
        while i < window.endIndex {
            guard ByteScan.isIdentifierByte(window[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < window.endIndex, ByteScan.isIdentifierByte(window[j]) { j += 1 }
            defer { i = j }
            if literals.contains(where: { $0.contains(i) }) { continue }
            let token = ByteScan.lowercased(window[i..<j])
            for suffix in credentialSuffixes where token.count >= suffix.count && token.suffix(suffix.count).elementsEqual(suffix) {
                // "pin" and "pass" only as whole words or after an underscore.
                if suffix.count <= 4, token.count > suffix.count, token[token.endIndex - suffix.count - 1] != 0x5f {
                    continue
                }
                return ByteScan.text(window[i..<j], limit: 60)
            }
        }
        return nil
    }
}
