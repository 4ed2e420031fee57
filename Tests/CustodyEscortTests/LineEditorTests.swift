import Testing

@testable import CustodyEscort

struct LineEditorTests {
    private func submits(_ events: [LineEditor.Event]) -> [(String, String?)] {
        events.compactMap {
            if case .submit(let line, let reason) = $0 { return (String(decoding: line, as: UTF8.self), reason) }
            return nil
        }
    }

    @Test func typedLineIsSubmittedOnEnterAndEchoed() {
        var editor = LineEditor()
        var events = editor.feed(Array("ls -l".utf8))
        #expect(events == [.echo(Array("ls -l".utf8))])
        events = editor.feed([0x0D])
        #expect(events.first == .echo([0x0D, 0x0A]))
        #expect(submits(events).map(\.0) == ["ls -l"])
        #expect(submits(events).first?.1 == nil)
        #expect(editor.buffer.isEmpty)
    }

    @Test func carriageReturnLineFeedCountsOnce() {
        var editor = LineEditor()
        let events = editor.feed(Array("pwd\r\n".utf8))
        #expect(submits(events).map(\.0) == ["pwd"])
    }

    @Test func backspaceRemovesWholeUTF8Character() {
        var editor = LineEditor()
        _ = editor.feed(Array("echo é".utf8))
        let events = editor.feed([0x7F])
        #expect(events == [.echo([0x08, 0x20, 0x08])])
        #expect(editor.buffer == Array("echo ".utf8))
        #expect(editor.feed([0x08, 0x08, 0x08, 0x08, 0x08, 0x08]).last == .bell)
        #expect(editor.buffer.isEmpty)
    }

    @Test func controlUClearsAndControlCInterrupts() {
        var editor = LineEditor()
        _ = editor.feed(Array("rm -rf /".utf8))
        _ = editor.feed([0x15])
        #expect(editor.buffer.isEmpty)
        _ = editor.feed(Array("oops".utf8))
        #expect(editor.feed([0x03]) == [.interrupt])
        #expect(editor.buffer.isEmpty)
        #expect(submits(editor.feed([0x0D])).map(\.0) == [""])
    }

    @Test func escapeSequencesAreSkippedAcrossChunks() {
        var editor = LineEditor()
        _ = editor.feed(Array("ab".utf8) + [0x1B])
        _ = editor.feed(Array("[1;5".utf8))
        _ = editor.feed(Array("Dc\u{1B}OA".utf8))
        #expect(editor.buffer == Array("abc".utf8))
    }

    @Test func pasteOfSeveralLinesIsOneOpaqueItem() {
        var editor = LineEditor()
        let events = editor.feed(Array("touch /tmp/a\ntouch /tmp/b\nrest".utf8))
        let items = submits(events)
        #expect(items.count == 1)
        #expect(items[0].0 == "touch /tmp/a\ntouch /tmp/b")
        #expect(items[0].1 == "a paste of 2 lines")
        #expect(editor.buffer == Array("rest".utf8))
    }

    @Test func longEncodedBlobIsOpaque() {
        let blob = String(repeating: "QUJDRA", count: 30)
        #expect(LineEditor.opaqueReason(Array("echo \(blob) | base64 -d".utf8)) == "a long run of encoded text")
        #expect(LineEditor.opaqueReason(Array("echo aGVsbG8= | base64 -d".utf8)) == nil)
        #expect(LineEditor.opaqueReason(Array(repeating: 0x20, count: 2000))?.hasPrefix("a very long line") == true)
    }

    @Test func controlKeysPassThroughOnlyWhenMeaningful() {
        var editor = LineEditor()
        #expect(editor.feed([0x04]) == [.control(0x04)])
        _ = editor.feed(Array("x".utf8))
        #expect(editor.feed([0x04]) == [.bell])
        #expect(editor.feed([0x1A]) == [.control(0x1A)])
        #expect(editor.feed([0x01]) == [.bell])
    }
}
