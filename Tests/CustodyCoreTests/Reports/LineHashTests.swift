import Testing

@testable import CustodyCore

/// Known answers from github/codeql-action's fingerprint tests (FORMATS.md §4.4).
struct LineHashTests {
    @Test func emptyInput() {
        #expect(LineHash.hashes(of: "") == ["c129715d7a2bc9a3:1"])
    }

    @Test func whitespaceIsSkipped() {
        #expect(
            LineHash.hashes(of: " a\nb\n  \t\tc\n d") == [
                "271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1",
            ]
        )
    }

    @Test(arguments: ["\n", "\r", "\r\n"])
    func lineEndingsAreNormalized(_ newline: String) {
        let text = [" hello; \t", "world!!!", "", "", "  \t\tGreetings", " End", ""].joined(separator: newline)
        #expect(
            LineHash.hashes(of: text) == [
                "e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1",
            ]
        )
    }

    @Test func repeatedLinesCountOccurrences() {
        let hashes = LineHash.hashes(of: String(repeating: "Lorem ipsum dolor sit amet.\n", count: 10))
        #expect(hashes.prefix(6) == (1...6).map { "a7f2ff13bc495cf2:\($0)" }[...])
        #expect(
            Array(hashes.dropFirst(6)) == [
                "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1",
            ]
        )
    }
}
