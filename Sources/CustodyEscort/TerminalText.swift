/// Makes untrusted bytes safe to show on someone's terminal: control characters, escape
/// sequences and bidi or zero-width characters become visible notation.
package enum TerminalText {
    /// `^X` for C0 controls and DEL, `\n` for newlines, `<U+XXXX>` for invisible or bidi code
    /// points, U+FFFD for invalid UTF-8. At most `limit` bytes of input are shown.
    package static func neutralize(_ bytes: [UInt8], limit: Int = 4096) -> String {
        let shown = bytes.count > limit ? Array(bytes.prefix(limit)) : bytes
        var out = ""
        for scalar in String(decoding: shown, as: UTF8.self).unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x00..<0x20: out += "^" + String(UnicodeScalar(UInt8(scalar.value) + 0x40))
            case 0x7F: out += "^?"
            case 0x80..<0xA0, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF, 0xE0000...0xE007F:
                out += "<U+" + String(scalar.value, radix: 16, uppercase: true) + ">"
            default: out.unicodeScalars.append(scalar)
            }
        }
        if bytes.count > limit { out += " … (\(bytes.count - limit) more bytes)" }
        return out
    }
}

extension TerminalText {
    /// Neutralizes each line of `text` and keeps the newlines.
    package static func neutralizeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { neutralize(Array($0.utf8), limit: 8192) }.joined(separator: "\n")
    }
}
