/// Makes explanation text safe to print on a terminal, with the same visible forms as every
/// other Custody output (``TerminalText``: `^[` for ESC, `<U+202E>` for bidi and invisible
/// characters).
package enum ShellText {
    /// Returns `text` with every control, bidi and invisible formatting character made visible;
    /// newlines and tabs are kept only when `keepNewlines` is true.
    package static func neutralize(_ text: String, keepNewlines: Bool = false) -> String {
        TerminalText.neutralize(text, multiline: keepNewlines)
    }

    static func neutralize(_ part: CommandExplanation.Part) -> CommandExplanation.Part {
        var p = part
        p.command = neutralize(part.command)
        p.summary = neutralize(part.summary)
        p.reasons = part.reasons.map { neutralize($0) }
        p.effects = part.effects.map { CommandEffect($0.kind, $0.detail.map { neutralize($0) }) }
        return p
    }
}
