/// Terminal text for policy violations (appended to the audit's text report).
package enum PolicyText {
    /// A "Policy violations" section, neutralized; empty when `violations` is nil.
    package static func violations(_ violations: [Violation]?) -> String {
        guard let violations else { return "" }
        var out = "\nPolicy violations: \(violations.count)\n"
        for v in violations.sorted(by: { $0.severity > $1.severity }) {
            out += "  [\(v.severity.rawValue)] \(v.commit.prefix(12)) \(TerminalText.neutralize(v.ruleID)): \(TerminalText.neutralize(v.explanation))\n"
            out += "      required: \(TerminalText.neutralize(v.required))\n"
            out += "      found:    \(TerminalText.neutralize(v.found))\n"
            if let skew = v.dateDisagreement { out += "      dates:    \(TerminalText.neutralize(skew))\n" }
        }
        return out
    }
}
