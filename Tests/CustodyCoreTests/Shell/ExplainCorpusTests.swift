import CustodyCore
import Testing

@Suite struct ExplainCorpusTests {
    private static func text(_ e: CommandExplanation) -> String {
        ([e.summary] + e.parts.flatMap { [$0.summary] + $0.reasons }).joined(separator: " | ").lowercased()
    }

    @Test(arguments: ExplainCorpus.all)
    func realWorldLine(_ c: CorpusCase) {
        let e = Explainer().explain(c.line)
        #expect(e.riskClass == c.risk, "\(c.line) → \(e.summary)")
        #expect(!e.isIncomplete)
        let text = Self.text(e)
        for phrase in c.phrases {
            #expect(text.contains(phrase.lowercased()), "missing “\(phrase)” in: \(text)")
        }
        #expect(e.summary.first?.isUppercase == true && e.summary.hasSuffix("."))
    }

    @Test func corpusIsLargeAndCoversEveryClass() {
        #expect(ExplainCorpus.all.count >= 400)
        let classes = Set(ExplainCorpus.all.map(\.risk))
        for r in RiskClass.allCases where r != .unknown { #expect(classes.contains(r)) }
        #expect(Set(ExplainCorpus.all.map(\.line)).count == ExplainCorpus.all.count, "duplicate lines")
    }

    @Test(arguments: AdversarialCorpus.lines)
    func obfuscationIsNeverBelowOpaque(_ line: String) {
        let e = Explainer().explain(line)
        #expect(e.riskClass >= .runsOpaqueCode, "\(line) → \(e.riskClass.rawValue): \(e.summary)")
        #expect(e.parts.contains { !$0.reasons.isEmpty }, "no reason given for \(line)")
    }

    @Test func adversarialCorpusIsLarge() {
        #expect(AdversarialCorpus.lines.count >= 60)
    }

    @Test(arguments: ExplainCorpus.incomplete)
    func incompleteInputSaysSo(_ line: String) {
        let e = Explainer().explain(line)
        #expect(e.isIncomplete, "\(line) → \(e.summary)")
        #expect(e.riskClass == .unknown)
        #expect(e.summary.contains("incomplete"))
    }
}
