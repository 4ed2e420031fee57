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
        let traits = FileTraits(path: change.path)
        guard traits.language.isCode, !traits.isDocumentation, !traits.isMinified, !traits.isVendored else { return }
        let lines = change.addedLines
        var cap = FindingCap()
        var sinkOrAuth: [Int: (Group, String)] = [:]
        var triggers: [(position: Int, source: Group, sourceText: String, literal: String)] = []
        for position in lines.indices {
            let line = lines[position]
            guard line.text.count <= 16 * 1024 else { continue }
            let matches = Self.matcher.matches(in: line.text)
            guard !matches.isEmpty else { continue }
            if CommentHeuristics.isCommentLine(line.text, language: traits.language) { continue }
            var source: (Group, String)?
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
                case .comparison:
                    comparisonStarts.append(match.start)
                    comparisonEnds.append(match.start + needle.count)
                case .sink, .authSuccess:
                    if sinkOrAuth[position] == nil || group == .sink {
                        sinkOrAuth[position] = (group, String(decoding: needle, as: UTF8.self).strippingCharacters(" ("))
                    }
                }
            }
            guard !comparisonEnds.isEmpty else { continue }
            let literals = ByteScan.stringLiterals(line.text)
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
                triggers.append((position, source.0, source.1, ByteScan.text(line.text[literal], limit: 40)))
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
            if traits.isTest { severity = severity.lowered.lowered }
            guard cap.allow(Self.trigger) else { continue }
            let what = action.0 == .sink ? "runs code with '\(action.1)'" : "grants access ('\(action.1)')"
            findings.append(
                Finding(
                    rule: Self.trigger,
                    commit: context.commit,
                    change: change,
                    lines: Array(lines[trigger.position...actionPosition]),
                    evidence:
                        "Line \(lines[trigger.position].number) compares input from '\(trigger.sourceText)' with the fixed value \"\(trigger.literal)\", and line \(lines[actionPosition].number) \(what).",
                    severity: severity,
                    confidence: trigger.source == .requestSource ? .high : .medium
                )
            )
        }
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
