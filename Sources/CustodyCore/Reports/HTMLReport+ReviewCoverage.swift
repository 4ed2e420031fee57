extension HTMLReport {
    /// The "Review coverage" section (only when the report has coverage from a ledger): how many
    /// flagged commits have a counted verdict, by verdict and by reviewer, every verdict with the
    /// reason when it does not count, and the commits still waiting for one.
    static func reviewCoverage(_ report: AuditReport, _ out: inout HTMLWriter, limit: Int) {
        guard let coverage = report.reviewCoverage else { return }
        func counts(_ values: [String: Int]) -> String {
            values.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\(escape($0.key)) \($0.value)" }.joined(separator: ", ")
        }
        out.raw("<section class=\"coverage\"><h2>Review coverage</h2>\n")
        out.raw("<p>\(coverage.reviewedCommits) of \(coverage.flaggedCommits) flagged commits have a review verdict that counts ")
        out.raw("(signed by a key the roster gives to the reviewer, who is not the author). ")
        out.raw("Verdicts read from the ledger <code>\(escape(coverage.ledger))</code> at \(coverage.ledgerSize) entries.</p>\n")
        if !coverage.byVerdict.isEmpty || !coverage.byReviewer.isEmpty {
            out.raw("<dl>")
            if !coverage.byVerdict.isEmpty { out.raw("<dt>By verdict</dt><dd>\(counts(coverage.byVerdict))</dd>") }
            if !coverage.byReviewer.isEmpty { out.raw("<dt>By reviewer</dt><dd>\(counts(coverage.byReviewer))</dd>") }
            out.raw("</dl>\n")
        }
        if !coverage.verdicts.isEmpty {
            out.raw("<table><thead><tr><th>Commit</th><th>Verdict</th><th>Reviewer</th><th>Ledger entry</th><th>Counts</th></tr></thead><tbody>\n")
            for verdict in coverage.verdicts.prefix(limit) {
                let who = escape(verdict.reviewer) + (verdict.reviewerName.map { " (" + escape($0) + ")" } ?? "")
                let counted = verdict.reason.map { "<span class=\"warn\">no</span>: " + escape($0) } ?? "yes"
                out.raw("<tr><td><code>\(escape(String(verdict.commit.prefix(12))))</code></td><td>\(escape(verdict.verdict))</td>")
                out.raw("<td>\(who)</td><td>\(verdict.ledgerEntry)</td><td>\(counted)</td></tr>\n")
            }
            out.raw("</tbody></table>\n")
            if coverage.verdicts.count > limit { out.raw("<p class=\"more\">… and \(coverage.verdicts.count - limit) more verdicts.</p>\n") }
        }
        if coverage.unreviewed.isEmpty {
            out.raw("<p>Every flagged commit has a verdict that counts.</p>\n")
        } else {
            out.raw("<p>Waiting for a verdict (\(coverage.unreviewed.count)): ")
            out.raw(coverage.unreviewed.prefix(limit).map { "<code>" + escape(String($0.prefix(12))) + "</code>" }.joined(separator: ", "))
            if coverage.unreviewed.count > limit { out.raw(", and \(coverage.unreviewed.count - limit) more") }
            out.raw("</p>\n")
        }
        out.raw("</section>\n")
    }
}
