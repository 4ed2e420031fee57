/// Makes text safe to print on a terminal: control characters, escape sequences and bidi or
/// zero-width characters are replaced by visible escapes (`\x1b`, `\u{202E}`).
package enum ShellText {
    /// Returns `text` with every control, bidi and invisible formatting character escaped.
    ///
    /// Tabs become a space; newlines are kept only when `keepNewlines` is true.
    package static func neutralize(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                out.append(" ")
            } else if needsEscape(scalar, keepNewlines) {
                let hex = String(scalar.value, radix: 16)
                let escaped = scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex.uppercased() + "}"
                out.append(contentsOf: escaped.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func needsEscape(_ s: Unicode.Scalar, _ keepNewlines: Bool) -> Bool {
        let v = s.value
        if v == 0x0A { return !keepNewlines }
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return true }
        if (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        if v == 0xFEFF || v == 0x2028 || v == 0x2029 || v == 0x061C || v == 0x180E { return true }
        if (0xE0000...0xE007F).contains(v) { return true }
        return false
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
