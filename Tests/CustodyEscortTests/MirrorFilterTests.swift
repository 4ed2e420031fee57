import CustodyCore
import Foundation
import Testing

@testable import CustodyEscort

struct MirrorFilterTests {
    private func filtered(_ chunks: [String]) -> String {
        var filter = MirrorFilter()
        var out: [UInt8] = []
        for chunk in chunks { out += filter.filter(Array(chunk.utf8)) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func drawingPassesUnchanged() {
        let screen = "plain \u{1B}[1;31mred\u{1B}[0m \u{1B}[2J\u{1B}[H\u{1B}[?1049h\u{1B}[10;20Hx\u{1B}(0q\u{1B}(B é\r\n"
        #expect(filtered([screen]) == screen)
    }

    @Test func queriesThatMakeTheTerminalAnswerAreDropped() {
        // Device status, cursor position, device attributes (primary, secondary), window report,
        // window resize, mode query, XTVERSION, keyboard query and ENQ.
        let hostile = "a\u{1B}[5nb\u{1B}[6nc\u{1B}[cd\u{1B}[>0ce\u{1B}[21tf\u{1B}[8;100;300tg\u{1B}[?2004$ph\u{1B}[>qi\u{1B}[?uj\u{05}k"
        #expect(filtered([hostile]) == "abcdefghijk")
    }

    @Test func answerSequencesHiddenInsideOthersAreDropped() {
        // An overlong CSI still ends in a query byte; ENQ inside a sequence; DECID (ESC Z).
        let overlong = "a\u{1B}[" + String(repeating: ";", count: 300) + "6nb"
        #expect(filtered([overlong]) == "ab")
        #expect(filtered(["a\u{1B}[", String(repeating: "1;", count: 200), "6n", "b"]) == "ab")
        #expect(filtered(["a\u{1B}[1\u{05}mb\u{1B}\u{05}c"]) == "a\u{1B}[1mb\u{1B}c")
        #expect(filtered(["a\u{1B}Zb"]) == "ab")
    }

    @Test func stringsAreDroppedWhateverTheirTerminator() {
        let clipboard = "x\u{1B}]52;c;cm0gLXJmIC8K\u{07}y"
        let colourQuery = "\u{1B}]11;?\u{1B}\\z"
        let dcs = "\u{1B}P$qm\u{1B}\\w"
        let title = "\u{1B}]0;fake [custody] approved\u{07}v"
        #expect(filtered([clipboard, colourQuery, dcs, title]) == "xyzwv")
    }

    @Test func sequencesSplitAcrossChunksAreHeldThenDecided() {
        var filter = MirrorFilter()
        #expect(filter.filter(Array("ab\u{1B}".utf8)) == Array("ab".utf8))
        #expect(!filter.isIdle)
        #expect(filter.filter(Array("[3".utf8)).isEmpty)
        #expect(filter.filter(Array("1mred".utf8)) == Array("\u{1B}[31mred".utf8))
        #expect(filter.isIdle)
        #expect(filter.filter(Array("\u{1B}[".utf8)).isEmpty)
        #expect(filter.filter(Array("6n!".utf8)) == Array("!".utf8))
        #expect(filter.filter(Array("\u{1B}]52;c;".utf8)).isEmpty)
        #expect(filter.filter(Array("AAAA".utf8)).isEmpty)
        #expect(filter.filter(Array("\u{07}ok".utf8)) == Array("ok".utf8))
    }

    private func filteredBytes(_ chunks: [[UInt8]]) -> [UInt8] {
        var filter = MirrorFilter()
        var out: [UInt8] = []
        for chunk in chunks { out += filter.filter(chunk) }
        return out
    }

    @Test func eightBitControlsAreJudgedLikeTheirSevenBitForms() {
        // Raw C1 bytes, as a terminal in 8-bit mode reads them: CSI 6 n, OSC 52, DCS, DECID.
        let raw: [UInt8] = Array("a".utf8) + [0x9B] + Array("6nb".utf8) + [0x9D] + Array("52;c;cm0gLXJmIC8K".utf8)
            + [0x07] + Array("c".utf8) + [0x90] + Array("$qm".utf8) + [0x9C] + Array("d".utf8) + [0x9A]
            + Array("e".utf8)
        #expect(filteredBytes([raw]) == Array("abcde".utf8))
        // The same controls written as UTF-8 (U+009B, U+009D), which xterm obeys.
        #expect(filtered(["a\u{9B}6nb\u{9D}52;c;cm0gLXJmIC8K\u{07}c\u{9B}>0cd"]) == "abcd")
        // A harmless one passes in its 7-bit form.
        #expect(filtered(["\u{9B}1mbold"]) == "\u{1B}[1mbold")
        // Split between the UTF-8 lead byte and the control.
        var filter = MirrorFilter()
        #expect(filter.filter([0x61, 0xC2]) == [0x61])
        #expect(!filter.isIdle)
        #expect(filter.filter(Array("\u{9B}".utf8).dropFirst() + Array("6nb".utf8)) == Array("b".utf8))
        #expect(filter.isIdle)
    }

    @Test func textWhoseUTF8BytesLookLikeControlsPassUnchanged() {
        // ě, ğ, €, 日本, an emoji and U+00A0: continuation bytes 0x80–0x9F inside characters.
        let text = "ě ğ € 日本 😀 \u{A0}x ě"
        #expect(filtered([text]) == text)
        // Split inside characters.
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 3).map { Array(bytes[$0..<min(bytes.count, $0 + 3)]) }
        #expect(filteredBytes(chunks) == bytes)
    }

    @Test func switchingTheTerminalToEightBitAnswersIsDropped() {
        #expect(filtered(["a\u{1B} Gb\u{1B} Fc"]) == "abc")
        #expect(filtered(["a\u{1B} ", "G", "b"]) == "ab")
        // An escape after ESC SP starts a new sequence, which is judged on its own.
        #expect(filtered(["a\u{1B} \u{1B}[6nb"]) == "a\u{1B} b")
        #expect(filtered(["\u{1B} \u{1B}]52;c;cm0gLXJmIC8K\u{07}x"]) == "\u{1B} x")
        #expect(filtered(["a\u{1B} ", "\u{9B}6nb"]) == "a\u{1B} b")
    }

    @Test func controlBytesAfterABrokenUTF8LeadAreJudgedToo() {
        // E0 must be followed by A0–BF, F4 by 80–8F, ED by 80–9F: 9B here is no part of a character.
        #expect(filteredBytes([[0x61, 0xE0, 0x9B] + Array("6nb".utf8)]) == [0x61, 0xE0] + Array("b".utf8))
        #expect(filteredBytes([[0xF4, 0x9B] + Array("6nb".utf8)]) == [0xF4] + Array("b".utf8))
        #expect(filteredBytes([[0xED, 0xA0], [0x9B] + Array("6nb".utf8)]) == [0xED, 0xA0] + Array("b".utf8))
    }

    @Test func aStringInterruptedByAnotherSequenceEndsThere() {
        #expect(filtered(["\u{1B}]0;title\u{1B}[1mbold"]) == "\u{1B}[1mbold")
    }

    @Test func overlongSequencesDoNotSwallowTheScreen() {
        // An overlong CSI is dropped up to its final byte; what follows is shown.
        let long = "\u{1B}[" + String(repeating: "1;", count: 200) + "m"
        #expect(filtered([long + "after"]) == "after")
        var filter = MirrorFilter()
        _ = filter.filter(Array("\u{1B}]".utf8))
        _ = filter.filter([UInt8](repeating: 0x41, count: MirrorFilter.maximumString + 1))
        #expect(filter.filter(Array("visible".utf8)) == Array("visible".utf8))
    }

    @Test func escortPanelNeutralizesTheEngineersLine() {
        let line = Array("echo \u{1B}[8mhidden\u{1B}[0m \u{202E}evil; rm -rf /tmp/x".utf8)
        let explanation = Explainer().explain(String(decoding: line, as: UTF8.self))
        let proposal = SessionStateMachine.Proposal(number: 7, line: line, explanation: explanation, opaqueReason: nil)
        let panel = String(decoding: EscortLink.panel(proposal, engineer: "eng"), as: UTF8.self)
        #expect(panel.contains("line 7 from eng waits for you"))
        #expect(panel.contains("line: echo ^[[8mhidden^[[0m <U+202E>evil; rm -rf /tmp/x"))
        #expect(panel.contains("what it does: "))
        #expect(panel.contains("risk: \(explanation.riskClass.rawValue)"))
        #expect(panel.contains("a=approve  d=deny"))
        #expect(!panel.contains("\u{202E}"))
        // The only escape sequences are the panel's own styling.
        let styles = panel.components(separatedBy: "\u{1B}[").dropFirst().map { String($0.prefix(while: { $0 != "m" })) }
        #expect(styles.allSatisfy { ["0", "1", "7", "1;31"].contains($0) })
        #expect(explanation.parts.count > 1)
        #expect(panel.contains("- rm -rf /tmp/x"))
    }
}
