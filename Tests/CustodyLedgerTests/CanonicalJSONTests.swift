import CustodyLedger
import Testing

/// The RFC 8785 subset of FORMATS.md §2.3 (strings and structures from cyberphone's JCS test data).
@Suite struct CanonicalJSONTests {
    func canonical(_ text: String) throws -> String {
        String(decoding: try JSONValue(parsing: Array(text.utf8)).encoded(), as: UTF8.self)
    }

    @Test func keysSortAndWhitespaceGoes() throws {
        #expect(try canonical(#"{ "b" : 1, "a" : [ true, false, null ], "A": {"z":"", "_": -5} }"#)
            == #"{"A":{"_":-5,"z":""},"a":[true,false,null],"b":1}"#)
    }

    @Test func stringEscapesFollowJCS() throws {
        // The string part of JCS `values`: "€$\u000f\nA'B\"\\\\\"/"
        #expect(try canonical(#"["\u20ac$\u000F\u000aA'B\u0022\u005c\\\"\/"]"#) == "[\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"]")
        // Controls: named escapes where JCS has them, lowercase \u00xx otherwise; U+007F, U+2028 and / stay literal.
        #expect(try canonical(#"["\b\t\n\f\r\u0001\u001f\u007f\u2028/"]"#) == "[\"\\b\\t\\n\\f\\r\\u0001\\u001f\u{7f}\u{2028}/\"]")
        // Unicode is not normalized: A + combining ring stays as it is (JCS `unicode`).
        #expect(try canonical(#"{"k":"A\u030a"}"#) == "{\"k\":\"A\u{030A}\"}")
        // A surrogate pair becomes one literal scalar.
        #expect(try canonical(#"["\ud83d\ude02"]"#) == "[\"😂\"]")
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#, "[1.5]", "[1e3]", "[-0]", "[01]", "[9007199254740992]", #"["\ud800"]"#, #"["\udc00x"]"#,
        "[\"\u{01}\"]", #"{"é":1}"#, #"{"a b":1}"#, "[1,]", "{}x", "[tru]", #"["\x"]"#,
    ])
    func outsideTheProfileIsRejected(text: String) {
        #expect(throws: LedgerError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: LedgerError.self) { try JSONValue(parsing: [0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]) }
    }

    @Test func largestIntegersRoundTrip() throws {
        #expect(try canonical("[9007199254740991,-9007199254740991,0]") == "[9007199254740991,-9007199254740991,0]")
        #expect(throws: LedgerError.self) { try JSONValue.int(9_007_199_254_740_992).encoded() }
    }

    @Test func distinctKeysThatSwiftCallsEqualStayDistinct() {
        // Keys are ASCII-only, so canonically equivalent non-ASCII keys cannot collide.
        #expect(throws: LedgerError.self) { try JSONValue(parsing: Array(#"{"\u00c5":1,"A\u030a":2}"#.utf8)) }
    }

    @Test func deepNestingIsBounded() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: LedgerError.self) { try JSONValue(parsing: Array(deep.utf8)) }
    }

    @Test func recordsHaveAFixedShape() throws {
        let entry = LedgerEntry(kind: "session.event", time: "2026-11-29T07:39:20.123456Z", body: ["x": 1])
        #expect(String(decoding: try entry.record(seq: 42), as: UTF8.self)
            == #"{"body":{"x":1},"kind":"session.event","seq":42,"time":"2026-11-29T07:39:20.123456Z","v":1}"#)
        let (parsed, seq) = try LedgerEntry.parse(record: try entry.record(seq: 42))
        #expect(seq == 42 && parsed.kind == "session.event")
        #expect(throws: LedgerError.self) {
            try LedgerEntry.parse(record: Array(#"{"body":{"x":1}, "kind":"session.event","seq":42,"time":"t","v":1}"#.utf8))
        }
    }

    @Test func timesAreRFC3339WithMicroseconds() {
        #expect(LedgerTime.format(microseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(LedgerTime.format(microseconds: 1_795_937_960_123_456) == "2026-11-29T07:39:20.123456Z")
        #expect(LedgerTime.format(microseconds: 951_782_400_000_001) == "2000-02-29T00:00:00.000001Z")
        #expect(LedgerTime.now().utf8.count == 27)
    }
}
