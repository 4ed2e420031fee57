/// Makes text from the audited repository safe to show on a terminal.
///
/// Names, emails, subjects, paths and excerpts can carry escape sequences that move the cursor,
/// rewrite the title or hide text, and Unicode controls that reorder or hide what is shown
/// (Trojan Source). This neutralizer shows every such character visibly instead:
///
/// - C0 controls and DEL in caret notation: ESC is `^[`, NUL `^@`, DEL `^?`; newline and tab
///   only when `multiline` is false (single-line fields).
/// - C1 controls (U+0080–U+009F), bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
///   U+061C), zero-width and invisible characters (U+200B–U+200D, U+2060–U+2064, U+FEFF,
///   U+180E, U+00AD), line and paragraph separators (U+2028, U+2029), variation selectors and
///   tag characters (U+E0000–U+E007F) as `<U+202E>` tokens.
/// - U+FFFD (what invalid UTF-8 was replaced with when it was decoded) is shown as it is.
///
/// ```swift
/// TerminalText.neutralize("evil\u{1b}]0;pwned\u{7}")  // "evil^[]0;pwned^G"
/// ```
package enum TerminalText {
    /// Returns `text` with every control, bidi, invisible and tag character made visible.
    ///
    /// - Parameters:
    ///   - text: hostile text.
    ///   - multiline: keep newline and tab as they are (for excerpts); default false.
    /// - Complexity: O(n); text that is printable ASCII is returned without copying.
    package static func neutralize(_ text: String, multiline: Bool = false) -> String {
        if isPlainASCII(text, multiline: multiline) { return text }
        return neutralizeSlow(text, multiline: multiline)
    }

    /// True when `scalar` would be rewritten by ``neutralize(_:multiline:)``.
    package static func needsEscaping(_ scalar: Unicode.Scalar, multiline: Bool = false) -> Bool {
        let v = scalar.value
        if v < 0x20 {
            return !(multiline && (v == 0x0A || v == 0x09))
        }
        if v < 0x7F { return false }
        return v == 0x7F || isInvisibleOrControl(v)
    }

    /// True when `text` contains any character that ``neutralize(_:multiline:)`` would rewrite.
    package static func containsHiddenCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { needsEscaping($0, multiline: true) }
    }

    private static func isPlainASCII(_ text: String, multiline: Bool) -> Bool {
        var utf8 = text.utf8
        if let fast = utf8.withContiguousStorageIfAvailable({ bytes in
            bytes.allSatisfy { isSafeASCII($0, multiline: multiline) }
        }) {
            return fast
        }
        utf8 = text.utf8
        return utf8.allSatisfy { isSafeASCII($0, multiline: multiline) }
    }

    @inline(__always)
    private static func isSafeASCII(_ byte: UInt8, multiline: Bool) -> Bool {
        (byte >= 0x20 && byte < 0x7F) || (multiline && (byte == 0x0A || byte == 0x09))
    }

    private static func isInvisibleOrControl(_ v: UInt32) -> Bool {
        switch v {
        case 0x80...0x9F: true  // C1 controls (CSI is U+009B)
        case 0xAD: true  // soft hyphen
        case 0x061C: true  // Arabic letter mark
        case 0x180E: true  // Mongolian vowel separator
        case 0x200B...0x200F: true  // zero-width space/non-joiner/joiner, LRM, RLM
        case 0x2028...0x202E: true  // line/paragraph separators, LRE RLE PDF LRO RLO
        case 0x2060...0x2064: true  // word joiner, invisible operators
        case 0x2066...0x2069: true  // LRI RLI FSI PDI
        case 0x206A...0x206F: true  // deprecated format characters
        case 0xFE00...0xFE0F: true  // variation selectors
        case 0xFEFF: true  // zero-width no-break space (BOM)
        case 0xFFF9...0xFFFB: true  // interlinear annotation controls
        case 0xE0000...0xE007F: true  // tag characters
        case 0xE0100...0xE01EF: true  // variation selectors supplement
        default: false
        }
    }

    @inline(never)
    private static func neutralizeSlow(_ text: String, multiline: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if !needsEscaping(scalar, multiline: multiline) {
                out.append(scalar)
            } else if v < 0x20 {
                out.append("^")
                out.append(Unicode.Scalar(UInt8(v) + 0x40))
            } else if v == 0x7F {
                out.append(contentsOf: "^?".unicodeScalars)
            } else {
                out.append(contentsOf: token(v).unicodeScalars)
            }
        }
        return String(out)
    }

    /// `<U+202E>` for a code point (at least four uppercase hex digits).
    package static func token(_ value: UInt32) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var hex: [UInt8] = []
        var v = value
        repeat {
            hex.append(digits[Int(v & 0xF)])
            v >>= 4
        } while v != 0
        while hex.count < 4 { hex.append(UInt8(ascii: "0")) }
        return "<U+" + String(decoding: hex.reversed(), as: UTF8.self) + ">"
    }
}
