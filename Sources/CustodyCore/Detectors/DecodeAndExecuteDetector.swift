/// Finds code that runs data it has just decoded, decompressed or downloaded: `exec(b64decode(…))`,
/// `eval(atob(…))`, `eval(gzinflate(base64_decode(…)))`, `echo … | base64 -d | sh`,
/// `curl … | sh`, `bash <(curl …)`, and a decoder and an `eval` a few lines apart.
///
/// Lines are normalized first (lowercased, string concatenations joined, printable escapes
/// decoded) so that `"ev" + "al"` and `"\x65val"` read as `eval`. Shell lines are also given to
/// the command explainer; its risk class is extra evidence, never the only reason for a high
/// finding.
struct DecodeAndExecuteDetector: Detector {
    static let decodeExec = DetectorRule(
        id: "CUST-DECODE-AND-EXECUTE-001",
        name: "ExecutesDecodedData",
        category: .decodeAndExecute,
        severity: .critical,
        confidence: .high,
        summary: "This line unpacks hidden data and runs it as a program, so what runs was never visible to reviewers.",
        help:
            "Decoding (base64, hex, character codes) or decompressing data and passing it straight to eval, exec or a shell is how backdoors keep their real code out of sight. Decode the data offline and read it before trusting the change."
    )
    static let downloadExec = DetectorRule(
        id: "CUST-DECODE-AND-EXECUTE-002",
        name: "ExecutesDownloadedCode",
        category: .decodeAndExecute,
        severity: .high,
        confidence: .high,
        summary: "This line downloads a program from the internet and runs it immediately, without anyone checking it.",
        help:
            "`curl … | sh` and `eval(fetch(…))` run whatever the server sends at that moment; the code reviewers saw is not the code that runs. Pin and verify a checksum instead."
    )
    static let nearby = DetectorRule(
        id: "CUST-DECODE-AND-EXECUTE-003",
        name: "DecodesThenExecutesNearby",
        category: .decodeAndExecute,
        severity: .high,
        confidence: .medium,
        summary: "This code unpacks hidden data and then runs it a few lines later.",
        help:
            "A decoder and an eval or exec within a few lines, or decoded bytes written to a file that is then made executable, is the two-step form of running hidden code."
    )

    var rules: [DetectorRule] { [Self.decodeExec, Self.downloadExec, Self.nearby] }

    static let decoders: [[UInt8]] = [
        "b64decode", "base64.decode", "base64_decode", "atob(", "frombase64string", "decodestring(",
        "decode64", "decodebase64", "getdecoder().decode", "getmimedecoder().decode", "unhexlify", "fromhex(",
        "zlib.decompress", "gzinflate", "gzuncompress", "gzdecode", "str_rot13", "codecs.decode", "fromcharcode",
        "marshal.loads", "lzma.decompress", "bz2.decompress", "gzip.decompress", "zlib::inflate", "inflatesync(",
        "gunzipsync(", "xxd -r", "base64 -d", "base64 --decode", "base64 -di", "openssl enc -d",
        "openssl base64 -d", "uudecode", "'base64')", "\"base64\")", "'hex')", "\"hex\")",
        "hex.decodestring", "unpack('h*'", "unpack(\"h*\"", "pack('h*'", "pack(\"h*\"", "['base64']",
    ].map { Array($0.utf8) }

    static let sinks: [[UInt8]] = [
        "eval(", "eval ", "exec(", "execsync(", "new function(", "function(atob", "vm.runin", "instance_eval",
        "class_eval", "module_eval", "assert(", "create_function(", "invoke-expression", "iex(", "iex ",
        "loadstring(", "compile(", "os.system(", "system(", "popen(", "shell_exec(", "passthru(", "proc_open(",
        "getruntime().exec(", "exec.command(", "spawn(", "processbuilder(", "defineclass(", "runpy",
        "| sh", "|sh", "| bash", "|bash", "| zsh", "| sudo sh", "| sudo bash", "| python", "| perl", "| ruby",
        "| node", "|python", "| sudo -e bash", "| source /dev/stdin", "| . /dev/stdin", "settimeout(",
        "setinterval(", "zend_eval_string", "runtime.exec", "scriptengine", "'eval'", "\"eval\"", "'exec'",
        "\"exec\"",
    ].map { Array($0.utf8) }

    static let downloaders: [[UInt8]] = [
        "curl ", "wget ", "urlopen(", "requests.get(", "fetch(", "http.get(", "https.get(", "invoke-webrequest",
        "iwr ", "downloadstring(", "file_get_contents('http", "file_get_contents(\"http", "open-uri", "uri.open",
        "net::http.get", "httpclient", "urllib.request", "webclient", "axios.get(",
    ].map { Array($0.utf8) }

    /// Shell forms that run what comes from a process substitution or command substitution.
    static let substitutionRunners: [[UInt8]] = [
        "bash <(", "sh <(", "source <(", ". <(", "zsh <(", "eval \"$(", "eval $(", "eval `", "sh -c \"$(",
        "bash -c \"$(", "sh -c '$(", "bash -c '$(", "python -c \"$(", "python3 -c \"$(",
    ].map { Array($0.utf8) }

    static let chmodExec = ByteScan.bytes("chmod +x")

    enum Group { case decoder, sink, downloader, runner, chmod }
    static let groupOf: [Group] =
        decoders.map { _ in .decoder } + sinks.map { _ in .sink } + downloaders.map { _ in .downloader }
        + substitutionRunners.map { _ in .runner } + [.chmod]
    static let matcher = MultiMatcher(
        bytes: decoders + sinks + downloaders + substitutionRunners + [chmodExec], caseInsensitive: true)

    /// The first needle of each group found on a normalized line.
    struct Hits {
        var decoder: [UInt8]?
        var sink: [UInt8]?
        var downloader: [UInt8]?
        var runner: [UInt8]?
        var chmod = false
        var isEmpty: Bool { decoder == nil && sink == nil && downloader == nil && runner == nil && !chmod }
    }

    static func hits(_ lower: ArraySlice<UInt8>, language: SourceLanguage) -> Hits {
        var hits = Hits()
        matcher.scan(lower) { match in
            let needle = matcher.needles[match.needle]
            switch groupOf[match.needle] {
            case .decoder:
                // zlib's C inflateSync is not Node's inflateSync.
                if hits.decoder == nil, language == .javascript || language == .typescript || !nodeOnly.contains(needle) {
                    hits.decoder = needle
                }
            case .sink:
                if hits.sink == nil, isSink(needle, at: match.start, in: lower, language: language) {
                    hits.sink = needle
                }
            case .downloader: if hits.downloader == nil { hits.downloader = needle }
            case .runner: if hits.runner == nil { hits.runner = needle }
            case .chmod: hits.chmod = true
            }
            return true
        }
        return hits
    }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        if traits.isLockfile || traits.isMinified || traits.isVendored { return }
        let lines = change.addedLines
        var cap = FindingCap()
        var decodeLines: [Int] = []
        var sinkLines: [Int] = []
        var flagged = Set<Int>()
        // A file without any marker in its added text (the suite's literal gates) leaves only the
        // escape and quote tests to make per line.
        let markers = context.gates(for: change).contains(.decodeAndExecute)
        for position in lines.indices {
            let line = lines[position]
            guard line.text.count <= 64 * 1024 else { continue }
            // Prefilter: a marker as written, or quotes and escapes that normalization may join.
            guard markers && Self.matcher.matchesAny(line.text) || ByteScan.contains(line.text, [0x5c])
                || (ByteScan.contains(line.text, [0x22]) || ByteScan.contains(line.text, [0x27]))
                    && ByteScan.normalizationJoins(line.text)
            else { continue }
            let lower = ByteScan.normalized(line.text)
            let hits = Self.hits(lower, language: traits.language)
            if hits.isEmpty { continue }
            let decoder = hits.decoder
            let sink = hits.sink
            let downloader = hits.downloader
            let runner = hits.runner
            if decoder != nil { decodeLines.append(position) }
            if sink != nil || hits.chmod { sinkLines.append(position) }
            let isComment = CommentHeuristics.isCommentLine(line.text, language: traits.language)
            let quiet = traits.isDocumentation || isComment
            // The explainer is costly and only adds evidence (or, for production shell, decides
            // the last case): asked once a line is about to be reported or judged by it.
            var explained: (text: String, risk: RiskClass?)?
            func explanation() -> (text: String, risk: RiskClass?) {
                if let explained { return explained }
                let made = explain(line, traits: traits, lower: lower, context: context)
                explained = made
                return made
            }
            if let decoder, let found = sink ?? runner, !quiet {
                guard cap.allow(Self.decodeExec) else { continue }
                flagged.insert(position)
                var severity: Severity = traits.isProductionCode ? .critical : (traits.isTest ? .medium : .high)
                if !traits.language.isCode { severity = .medium }
                findings.append(
                    Finding(
                        rule: Self.decodeExec,
                        commit: context.commit,
                        change: change,
                        lines: [line],
                        evidence:
                            "Line \(line.number) decodes with '\(Self.word(decoder))' and runs the result with '\(Self.word(found))'.\(explanation().text)",
                        severity: severity
                    )
                )
            } else if let downloader, let found = sink ?? runner, !quiet,
                Self.runsDownload(lower, downloader: downloader, runner: found)
            {
                guard cap.allow(Self.downloadExec) else { continue }
                flagged.insert(position)
                var severity: Severity = traits.isProductionCode ? .high : .medium
                let name = change.path.lowercased()
                if name.hasSuffix("dockerfile") || name.contains("install") && traits.language == .shell
                    || !traits.language.isCode
                {
                    severity = .medium
                }
                if traits.isTest { severity = .low }
                findings.append(
                    Finding(
                        rule: Self.downloadExec,
                        commit: context.commit,
                        change: change,
                        lines: [line],
                        evidence:
                            "Line \(line.number) fetches with '\(Self.word(downloader))' and runs what it gets with '\(Self.word(found))'.\(explanation().text)",
                        severity: severity
                    )
                )
            } else if traits.language == .shell, !quiet, traits.isProductionCode, explanation().risk == .runsOpaqueCode,
                cap.allow(Self.downloadExec)
            {
                flagged.insert(position)
                findings.append(
                    Finding(
                        rule: Self.downloadExec,
                        commit: context.commit,
                        change: change,
                        lines: [line],
                        evidence: "Line \(line.number):\(explanation().text)",
                        severity: .medium,
                        confidence: .low
                    )
                )
            }
        }
        reportNearby(
            decodeLines: decodeLines, sinkLines: sinkLines, flagged: flagged, change: change, traits: traits,
            context: context, cap: &cap, into: &findings)
    }

    /// A decoder and a sink within three lines of each other (not already reported on one line).
    private func reportNearby(
        decodeLines: [Int], sinkLines: [Int], flagged: Set<Int>, change: FileChange, traits: FileTraits,
        context: DetectionContext, cap: inout FindingCap, into findings: inout [Finding]
    ) {
        guard !decodeLines.isEmpty, !sinkLines.isEmpty, !traits.isDocumentation else { return }
        let lines = change.addedLines
        var used = flagged
        for d in decodeLines where !used.contains(d) {
            guard let s = sinkLines.first(where: { $0 != d && $0 > d && $0 - d <= 3 && !used.contains($0) }) else {
                continue
            }
            let first = lines[d]
            let last = lines[s]
            guard last.number - first.number <= 4,
                !CommentHeuristics.isCommentLine(first.text, language: traits.language),
                !CommentHeuristics.isCommentLine(last.text, language: traits.language),
                cap.allow(Self.nearby)
            else { continue }
            used.insert(d)
            used.insert(s)
            let decodeHits = Self.hits(ByteScan.normalized(first.text), language: traits.language)
            let sinkHits = Self.hits(ByteScan.normalized(last.text), language: traits.language)
            let decoder = decodeHits.decoder.map(Self.word) ?? "a decoder"
            let sink = sinkHits.sink.map(Self.word) ?? (sinkHits.chmod ? "chmod +x" : "a runner")
            findings.append(
                Finding(
                    rule: Self.nearby,
                    commit: context.commit,
                    change: change,
                    lines: Array(lines[d...s]),
                    evidence:
                        "Line \(first.number) decodes with '\(decoder)' and line \(last.number) runs or makes executable with '\(sink)'.",
                    severity: traits.isProductionCode ? .high : .medium
                )
            )
        }
    }

    /// True for a real execution sink, not a look-alike such as a regular expression's `.exec(`
    /// in JavaScript, `re.compile(` or `my_eval(`.
    static func isSink(_ sink: [UInt8], at hit: Int, in lower: ArraySlice<UInt8>, language: SourceLanguage) -> Bool {
        if ByteScan.isIdentifierByte(sink[0]), hit > lower.startIndex {
            let before = lower[hit - 1]
            if ByteScan.isIdentifierByte(before) { return false }
            if before == 0x2e, sink == execWord || sink == compileWord { return false }
        }
        if sink == evalSpace, language != .shell, language != .other, language != .make { return false }
        if sink == iexSpace, language != .powershell { return false }
        if sink == assertCall, language != .php { return false }  // only PHP's assert evaluates strings
        return true
    }

    private static let execWord = ByteScan.bytes("exec(")
    private static let compileWord = ByteScan.bytes("compile(")
    private static let evalSpace = ByteScan.bytes("eval ")
    private static let iexSpace = ByteScan.bytes("iex ")
    private static let assertCall = ByteScan.bytes("assert(")
    static let nodeOnly: Set<[UInt8]> = [ByteScan.bytes("inflatesync("), ByteScan.bytes("gunzipsync(")]

    /// True when a download is what gets run: the runner follows the downloader (a pipe into a
    /// shell after curl), or wraps it (`eval(fetch(…))`, `bash <(curl …)`).
    static func runsDownload(_ lower: ArraySlice<UInt8>, downloader: [UInt8], runner: [UInt8]) -> Bool {
        guard let d = ByteScan.find(downloader, in: lower), let r = ByteScan.find(runner, in: lower, from: nil) else {
            return false
        }
        if runner.first == 0x7c { return r > d }  // curl … | sh
        guard r < d else { return false }  // eval(fetch(…)), bash <(curl …)
        // `system("curl URL -o file")` runs curl, which saves the download; it runs what it got
        // only when the command line pipes it into a shell.
        if commandSinks.contains(runner) {
            return pipesToShell.contains { needle in
                // `| sh` but not `| sha256sum`: the shell's name must end there.
                var from = d
                while let hit = ByteScan.find(needle, in: lower, from: from) {
                    let end = hit + needle.count
                    if end == lower.endIndex || !ByteScan.isIdentifierByte(lower[end]) { return true }
                    from = hit + 1
                }
                return false
            }
        }
        return true
    }

    /// Sinks that run a command line (the download inside is a program being run, not code).
    static let commandSinks: Set<[UInt8]> = Set([
        "system(", "os.system(", "popen(", "shell_exec(", "passthru(", "proc_open(", "spawn(", "exec.command(",
        "processbuilder(", "getruntime().exec(", "runtime.exec", "execsync(",
    ].map { Array($0.utf8) })
    static let pipesToShell: [[UInt8]] = [
        "| sh", "|sh", "| bash", "|bash", "| zsh", "| sudo sh", "| sudo bash", "| python", "| perl", "| ruby",
        "| node", "|python", "sh -c", "bash -c",
    ].map { Array($0.utf8) }

    private func explain(
        _ line: AddedLine, traits: FileTraits, lower: ArraySlice<UInt8>, context: DetectionContext
    ) -> (String, RiskClass?) {
        guard traits.language == .shell || traits.language == .make, line.text.count <= 4096,
            ByteScan.contains(lower, [0x7c]) || ByteScan.contains(lower, ByteScan.bytes("$("))
                || ByteScan.contains(lower, ByteScan.bytes("eval"))
        else { return ("", nil) }
        let explanation = context.explain(ByteScan.text(line.text, limit: 4096))
        guard explanation.riskClass != .unknown else { return ("", nil) }
        return (
            " The command explainer says: \(explanation.summary) (\(explanation.riskClass.rawValue)).",
            explanation.riskClass
        )
    }

    static func word(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).strippingCharacters(" (")
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func strippingCharacters(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// The command explainer as extra evidence for shell lines.
enum DetectorShellEvidence {
    /// " The command explainer says: …" when the explainer knows the line, else "".
    static func explain(_ text: ArraySlice<UInt8>, explainer: Explainer) -> String {
        let explanation = explainer.explain(ByteScan.text(text, limit: 4096))
        guard explanation.riskClass != .unknown else { return "" }
        return " The command explainer says: \(explanation.summary) (\(explanation.riskClass.rawValue))."
    }

    /// The explainer's risk class for a shell line, or nil when it does not know.
    static func riskClass(_ text: ArraySlice<UInt8>, explainer: Explainer) -> RiskClass? {
        guard text.count <= 4096 else { return nil }
        let risk = explainer.explain(ByteScan.text(text, limit: 4096)).riskClass
        return risk == .unknown ? nil : risk
    }
}
