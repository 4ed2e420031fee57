@testable import CustodyLedger
import Testing

/// The verifier's one-pass scanner accepts exactly what parse → re-encode leaves unchanged.
@Suite struct CanonicalRecordScannerTests {
    static func slowAccepts(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONValue(parsing: bytes), let again = try? value.encoded(), again == bytes,
            let members = value.objectValue,
            Set(members.keys).isSubset(of: ["attachments", "body", "kind", "seq", "time", "v"])
        else { return false }
        return members["v"]?.intValue != nil && members["seq"]?.intValue != nil && members["kind"]?.stringValue != nil
            && members["time"]?.stringValue != nil && members["body"]?.objectValue != nil
    }

    @Test func agreesWithTheParserOnEveryMutation() {
        let samples = [
            #"{"body":{"a":[1,-2,true,false,null,"x\n\u001f\"\\é😂"],"b":{}},"kind":"session.event","seq":42,"time":"2026-11-29T07:39:20.123456Z","v":1}"#,
            #"{"attachments":[{"digest":{"sha256":"ab"},"mediaType":"m","name":"n","size":3}],"body":{},"kind":"audit.run","seq":0,"time":"t","v":1}"#,
        ]
        var cases = 0
        for sample in samples {
            let base = Array(sample.utf8)
            #expect(CanonicalRecordScanner.scan(base) != nil)
            var variants: [[UInt8]] = []
            for i in base.indices {
                for delta: UInt8 in [1, 2, 0x20, 0x80, 0xff] {
                    var m = base
                    m[i] &+= delta
                    variants.append(m)
                }
                var d = base
                d.remove(at: i)
                variants.append(d)
                for byte: UInt8 in [0x20, 0x5c, 0x22, 0x30, 0x2c] {
                    var m = base
                    m.insert(byte, at: i)
                    variants.append(m)
                }
            }
            for variant in variants {
                cases += 1
                #expect((CanonicalRecordScanner.scan(variant) != nil) == Self.slowAccepts(variant),
                        "\(String(decoding: variant, as: UTF8.self))")
            }
        }
        #expect(cases > 3000)
    }
}
