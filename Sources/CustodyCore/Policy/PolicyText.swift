import Foundation

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

extension PolicyText {
    /// A "Who wrote today's code" section for the audit's text report; empty when provenance
    /// was not computed.
    package static func provenance(_ provenance: AuditProvenance?, top: Int = 8) -> String {
        guard let p = provenance else { return "" }
        let total = p.shares.totalLines
        func pct(_ lines: Int) -> String { total == 0 ? "0.0%" : String(format: "%.1f%%", Double(lines) * 100 / Double(total)) }
        var out = "\nWho wrote the code at \(p.revision.prefix(12)): \(total) surviving lines in \(p.files) files, "
        out += "\(p.unknownLines) (\(pct(p.unknownLines))) by identities not on the roster, \(p.flaggedLines) from flagged commits.\n"
        out += "  Findings still present: \(p.findingsStillPresent), removed since: \(p.findingsGone)"
        out += p.findingsUnknown > 0 ? ", not traceable to lines: \(p.findingsUnknown)\n" : "\n"
        for (title, rows) in [("US person", p.shares.usPerson), ("Citizenship", p.shares.citizenship), ("Clearance", p.shares.clearance), ("Employer", p.shares.employer), ("Person", p.shares.person)] {
            let shown = rows.prefix(top).map { "\(TerminalText.neutralize($0.key)) \(pct($0.lines))" }
            out += "  \(title): \(shown.joined(separator: ", "))\(rows.count > top ? ", … \(rows.count - top) more" : "")\n"
        }
        return out
    }
}
