import CustodyCore
import Testing

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("evil\u{1b}]0;pwned\u{7}", "evil^[]0;pwned^G"),
        ("\u{1b}[2J\u{1b}[31mred", "^[[2J^[[31mred"),
        ("nul\u{0}del\u{7f}", "nul^@del^?"),
        ("line\nbreak\ttab\r", "line^Jbreak^Itab^M"),
        ("c1 \u{9b}31m", "c1 <U+009B>31m"),
        ("abc\u{202E}fed\u{202C}", "abc<U+202E>fed<U+202C>"),
        ("\u{2066}\u{2067}\u{2068}\u{2069}", "<U+2066><U+2067><U+2068><U+2069>"),
        ("a\u{200B}b\u{200E}c\u{200F}d\u{FEFF}", "a<U+200B>b<U+200E>c<U+200F>d<U+FEFF>"),
        ("tag\u{E0041}\u{E007F}", "tag<U+E0041><U+E007F>"),
        ("bad \u{FFFD} utf8", "bad \u{FFFD} utf8"),
        ("Zoë 日本 🙂", "Zoë 日本 🙂"),
    ])
    func neutralizes(input: String, expected: String) {
        #expect(TerminalText.neutralize(input) == expected)
    }

    @Test func multilineKeepsNewlinesAndTabs() {
        #expect(TerminalText.neutralize("a\n\tb\u{1b}", multiline: true) == "a\n\tb^[")
    }

    @Test func outputHasNoControlOrBidiCharacters() {
        var hostile = ""
        for v in Array(0..<0x20) + Array(0x7F...0xA0) + Array(0x2000...0x2070) + [0xFEFF, 0xE0001, 0xE0020] {
            if let scalar = Unicode.Scalar(UInt32(v)) { hostile.unicodeScalars.append(scalar) }
        }
        let out = TerminalText.neutralize(hostile)
        #expect(!TerminalText.containsHiddenCharacters(out))
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }
}
