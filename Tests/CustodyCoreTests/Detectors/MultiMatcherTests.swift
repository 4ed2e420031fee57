import CustodyTestSupport
import Testing

@testable import CustodyCore

/// The Aho–Corasick matcher against a naive search, on generated text over a small alphabet
/// (so that needles overlap, nest and repeat), with and without bytes it steps over.
struct MultiMatcherTests {
    static let needles: [[UInt8]] = ["ab", "abc", "bca", "c(a", "aaa", "B\"c", "cab(", "x"].map { Array($0.utf8) }

    /// Every (needle, end) pair a naive search finds in `text`, ASCII case ignored.
    static func naive(_ text: [UInt8], _ needles: [[UInt8]]) -> [Pair] {
        let lower = text.map(BuildText.lower)
        var out: [Pair] = []
        for end in 0..<lower.count {
            for (n, needle) in needles.enumerated() {
                let folded = needle.map(BuildText.lower)
                let start = end + 1 - folded.count
                if start >= 0, Array(lower[start...end]) == folded { out.append(Pair(needle: n, end: end)) }
            }
        }
        return out
    }

    struct Pair: Hashable {
        var needle: Int
        var end: Int
    }

    static func texts(count: Int, alphabet: [UInt8]) -> [[UInt8]] {
        var generator = SplitMix(seed: 0x5eed)
        return (0..<count).map { _ in
            (0..<generator.below(40)).map { _ in alphabet[generator.below(alphabet.count)] }
        }
    }

    @Test func findsWhatANaiveSearchFinds() {
        let matcher = MultiMatcher(bytes: Self.needles, caseInsensitive: true)
        for text in Self.texts(count: 2_000, alphabet: Array("abcABC(\"x ".utf8)) {
            var found: [Pair] = []
            matcher.scan(text[...]) { match in
                found.append(Pair(needle: match.needle, end: match.start + Self.needles[match.needle].count - 1))
                return true
            }
            #expect(Set(found) == Set(Self.naive(text, Self.needles)), "\(String(decoding: text, as: UTF8.self))")
            #expect(found.count == Self.naive(text, Self.needles).count)
            #expect(matcher.matchesAny(text[...]) == !found.isEmpty)
        }
    }

    @Test func unionOfMasksIsTheUnionOverEveryMatch() {
        let matcher = MultiMatcher(bytes: Self.needles, caseInsensitive: true)
        let masks = Self.needles.indices.map { UInt32(1) << UInt32($0 % 5) }
        let states = matcher.stateMasks(masks)
        for text in Self.texts(count: 2_000, alphabet: Array("abcABC(\"x ".utf8)) {
            let expected = matcher.matches(in: text[...], limit: .max).reduce(UInt32(0)) { $0 | masks[$1.needle] }
            #expect(matcher.union(of: states, in: text[...], all: 0b11111) == expected, "\(String(decoding: text, as: UTF8.self))")
            // Stops early once every bit is in, with the same answer.
            #expect(matcher.union(of: states, in: text[...], all: expected) == expected)
        }
    }

    @Test func ignoredBytesAreSteppedOverAndFindNothingTwice() {
        let blanks: [UInt8] = [0x20, 0x09, 0x0d]
        let matcher = MultiMatcher(bytes: Self.needles, caseInsensitive: true, ignoring: blanks)
        for text in Self.texts(count: 2_000, alphabet: Array("abcAB(\"x \t\r".utf8)) {
            let compact = text.filter { !blanks.contains($0) }
            var found: [Int] = []
            matcher.scan(text[...]) { match in
                found.append(match.needle)
                return true
            }
            let expected = Self.naive(compact, Self.needles).map(\.needle)
            #expect(found.sorted() == expected.sorted(), "\(String(decoding: text, as: UTF8.self))")
            #expect(matcher.matchesAny(text[...]) == !expected.isEmpty)
        }
    }

    @Test func patternTablesFindOverWholeFilesWhatTheyFindOverCompactedOnes() {
        let patterns = [
            LinePattern(["setuid(0)"], "a"), LinePattern(["verify_peer"], any: ["=false", "=0"], "b"),
            LinePattern(["ssl_verify_none"], "c"),
        ]
        let table = PatternTable(patterns)
        let lines = [
            "  SetUID ( 0 );", "curl.verify_peer = False", "verify_peer\t=\r0", "ssl_verify _none", "x = 1",
            "SSL_VERIFY_NONE", "verify_peer = true",
        ]
        var generator = SplitMix(seed: 7)
        for _ in 0..<300 {
            let picked = (0..<3).map { _ in lines[generator.below(lines.count)] }
            let text = Array(picked.joined().utf8)
            let compact = text.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0d }.map(BuildText.lower)
            #expect(table.matchesSomewhere(compacting: text) == !table.matches(compact).isEmpty, "\(picked)")
        }
        #expect(table.matchesSomewhere(compacting: Array("  SetUID ( 0 );".utf8)))
        #expect(!table.matchesSomewhere(compacting: Array("verify_peer = true; x = 1".utf8)))
    }
}
