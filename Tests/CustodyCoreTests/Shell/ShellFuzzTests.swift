import CustodyCore
import CustodyTestSupport
import Testing

/// Generated-input fuzzing: random bytes, random shell-ish tokens and random mutations of the
/// corpus, with a fixed seed so failures reproduce. Asserts that the explainer always returns a
/// well-formed explanation (no crash, no hang: the suite would time out).
@Suite struct ShellFuzzTests {
    static let tokens = ["'", "\"", "$(", ")", "`", "${", "}", "<<", "EOF", "\n", "|", "||", "&&", ";", "&", "(", "{",
        "if", "then", "fi", "for", "do", "done", "case", "esac", "in", ";;", "$'\\x41", "\\", "<(", ">(", "$((", "))",
        "[[", "]]", "sudo", "sh -c", "bash", "eval", "curl http://x", "| sh", "base64 -d", "rm -rf", "*", "?", "[a]",
        "${IFS}", "=", "a=b", "function", "f()", "#", " ", "\t", "<<<", ">&", "2>&1", "/dev/tcp/1.2.3.4/80", "xargs",
        "find . -exec", "\\;", "ssh h", "docker exec c", "kubectl exec p --", "python -c", "watch", "env", "-", "--"]

    static func check(_ input: String) {
        let e = Explainer().explain(input)
        #expect(!e.summary.isEmpty)
        #expect(e.summary.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
        for p in e.parts {
            #expect(p.command.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
        }
        _ = Explainer().explainScript(input)
    }

    @Test func randomBytes() {
        var rng = SplitMix(seed: 0xC0FFEE)
        for _ in 0..<800 {
            let count = rng.below(200)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            for _ in 0..<count { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            Self.check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func randomTokens() {
        var rng = SplitMix(seed: 42)
        for _ in 0..<1200 {
            var s = ""
            for _ in 0..<rng.below(30) {
                s += Self.tokens[rng.below(Self.tokens.count)]
                if rng.below(3) == 0 { s += " " }
            }
            Self.check(s)
        }
    }

    @Test func mutatedCorpus() {
        var rng = SplitMix(seed: 7)
        let seeds = ExplainCorpus.all.map(\.line) + AdversarialCorpus.lines
        for i in 0..<1500 {
            var bytes = Array(seeds[i % seeds.count].utf8)
            for _ in 0..<(1 + rng.below(4)) {
                guard !bytes.isEmpty else { break }
                let at = rng.below(bytes.count)
                switch rng.below(5) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                case 2:
                    let specials = Array("'\"`$(){}|&;<>\\\n".utf8)
                    bytes[at] = specials[rng.below(specials.count)]
                case 3:
                    let end = min(bytes.count, at + rng.below(20))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                default:
                    bytes.removeSubrange(at..<min(bytes.count, at + rng.below(10)))
                }
            }
            Self.check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test(arguments: [
        String(repeating: "$(", count: 4_000),
        String(repeating: "(", count: 3_000),
        String(repeating: "{ ", count: 4_000),
        String(repeating: "`", count: 3_001),
        String(repeating: "sh -c '", count: 500),
        String(repeating: "if true; then ", count: 1_000),
        String(repeating: "a | ", count: 3_000) + "b",
        String(repeating: "echo x; ", count: 1_000),
        String(repeating: "'", count: 10_001),
        String(repeating: "<<EOF ", count: 1_000),
        String(repeating: "${", count: 4_000),
        String(repeating: "x", count: 70_000),
        String(repeating: "sudo ", count: 1_000) + "ls",
        String(repeating: "eval ", count: 1_000) + "ls",
        "sh -c " + String(repeating: "\"sh -c \\\"", count: 200),
    ])
    func hostileShapes(_ input: String) {
        let e = Explainer().explain(input)
        #expect(!e.summary.isEmpty)
        #expect(e.riskClass >= .readOnly)
    }

    @Test func deeplyNestedShellStringsAreBounded() {
        var line = "id"
        for _ in 0..<9 { line = "sh -c " + "'" + line.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" }
        let e = Explainer().explain(line)
        #expect(e.riskClass == .unknown || e.riskClass == .readOnly)
        #expect(e.parts.allSatisfy { $0.depth <= 9 })
    }

    @Test func tooLongInputIsUnknown() {
        let e = Explainer().explain("echo " + String(repeating: "a", count: Explainer.maxLineBytes))
        #expect(e.riskClass == .unknown)
        #expect(e.summary.contains("too long"))
    }
}
