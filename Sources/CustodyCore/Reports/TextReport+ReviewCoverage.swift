extension TextReport {
    /// The "Review coverage" section: flagged commits with counted verdicts, by verdict and by
    /// reviewer, the verdicts that do not count and why, and the commits still waiting.
    ///
    /// - Parameter limit: how many unreviewed commits are listed before "and N more".
    package static func reviewCoverage(_ coverage: ReviewCoverage, limit: Int = 20) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        func safe(_ text: String) -> String { TerminalText.neutralize(text) }
        func short(_ id: String) -> String { safe(String(id.prefix(12))) }
        func counts(_ values: [String: Int]) -> String {
            values.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\(safe($0.key)) \($0.value)" }.joined(separator: ", ")
        }

        line("Review coverage (verdicts in the ledger \(safe(coverage.ledger)), \(coverage.ledgerSize) entries)")
        if coverage.flaggedCommits == 0 {
            line("  no flagged commits")
            return out
        }
        line("  \(coverage.reviewedCommits) of \(coverage.flaggedCommits) flagged commits have a counted verdict")
        if !coverage.byVerdict.isEmpty { line("  by verdict   \(counts(coverage.byVerdict))") }
        if !coverage.byReviewer.isEmpty { line("  by reviewer  \(counts(coverage.byReviewer))") }
        for verdict in coverage.verdicts {
            let who = safe(verdict.reviewer) + (verdict.reviewerName.map { " (\(safe($0)))" } ?? "")
            let head = "  \(short(verdict.commit)) \(safe(verdict.verdict)) by \(who), ledger entry \(verdict.ledgerEntry)"
            if let reason = verdict.reason {
                line(head + ": NOT COUNTED, \(safe(reason))")
            } else {
                line(head)
            }
        }
        if coverage.unreviewed.isEmpty {
            line("  every flagged commit has a counted verdict")
        } else {
            line("  waiting for a verdict (\(coverage.unreviewed.count)): "
                + coverage.unreviewed.prefix(limit).map(short).joined(separator: ", ")
                + (coverage.unreviewed.count > limit ? ", and \(coverage.unreviewed.count - limit) more" : ""))
        }
        return out
    }
}
