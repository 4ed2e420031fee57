/// Renders an ``AuditReport`` as one self-contained HTML file for people who do not read code.
///
/// No scripts, no external resources (a Content-Security-Policy meta forbids them), inline SVG
/// charts, print styles. Every value that came from the audited repository goes through
/// ``escape(_:multiline:)``, which also shows hidden and control characters as visible
/// `<U+202E>` tokens. Long lists are cut with an "N more" line so huge histories stay small.
///
/// ```swift
/// try Data(HTMLReport.render(report)).write(to: URL(fileURLWithPath: "report.html"))
/// ```
package enum HTMLReport {
    package static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    /// At most this many rows per list (findings, contributors, identities, problems).
    package static let maximumRows = 500
    /// Excerpts are cut at this many characters.
    package static let maximumExcerpt = 2_000

    /// The report as UTF-8 HTML bytes.
    package static func render(_ report: AuditReport, maximumRows: Int = HTMLReport.maximumRows) -> [UInt8] {
        var out = HTMLWriter()
        out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n")
        out.raw("<meta name=\"referrer\" content=\"no-referrer\">\n")
        out.raw("<title>Custody audit report</title>\n<style>\n\(style)</style>\n</head>\n<body>\n")
        out.raw("<h1>Custody audit report</h1>\n")
        summary(report, &out)
        timeline(report, &out)
        findingChart(report, &out)
        provenance(report, &out)
        contributors(report, &out, limit: maximumRows)
        findings(report, &out, limit: maximumRows)
        violations(report, &out, limit: maximumRows)
        reviewCoverage(report, &out, limit: maximumRows)
        problems(report, &out, limit: maximumRows)
        out.raw("<footer><p>Written by \(escape(report.tool.name)) \(escape(report.tool.version))")
        if !report.startedAt.isEmpty { out.raw(" on \(escape(report.startedAt))") }
        out.raw(".</p></footer>\n</body>\n</html>\n")
        return out.bytes
    }

    /// The one escaping function for every repository value: HTML metacharacters become
    /// entities; control, bidi and invisible characters become visible `<U+XXXX>` tokens.
    package static func escape(_ text: String, multiline: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if TerminalText.needsEscaping(scalar, multiline: multiline) {
                    let token = TerminalText.token(scalar.value)
                    out += "<span class=\"hidden-char\" title=\"hidden character\">&lt;"
                        + token.dropFirst().dropLast() + "&gt;</span>"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    // MARK: - Sections

    private static func summary(_ report: AuditReport, _ out: inout HTMLWriter) {
        let counts = report.counts
        out.raw("<section class=\"summary\"><h2>Summary</h2>\n")
        out.raw("<p>Custody read the history of the repository <code>\(escape(report.repository.path))</code>: ")
        out.raw("\(counts.commits) commits by \(counts.contributors) people on the roster and ")
        out.raw("\(counts.unknownIdentities) identities that are not on the roster.</p>\n<ul>\n")
        out.raw("<li>\(counts.commitsByKnownAuthors) commits were written by people on the roster; ")
        out.raw("\(counts.commitsByUnknownAuthors) by people Custody could not match to the roster.</li>\n")
        if counts.findings == 0 {
            out.raw("<li>No suspicious changes were found.</li>\n")
        } else {
            let severe = (counts.findingsBySeverity["critical"] ?? 0) + (counts.findingsBySeverity["high"] ?? 0)
            out.raw("<li><strong>\(counts.findings) suspicious changes</strong> were found")
            out.raw(severe > 0 ? "; <strong>\(severe) of them are serious and need review</strong>.</li>\n" : ".</li>\n")
        }
        if counts.unknownIdentities > 0 {
            out.raw("<li>\(counts.unknownIdentities) identities need to be matched to the roster or explained.</li>\n")
        }
        if report.isIncomplete {
            out.raw("<li class=\"warn\">The audit is incomplete: \(counts.problems) things could not be read (listed at the end).</li>\n")
        } else {
            out.raw("<li>Everything in the selected history could be read.</li>\n")
        }
        out.raw("</ul>\n")
        if let roster = report.options.roster {
            out.raw("<p class=\"meta\">Roster: <code>\(escape(roster))</code>")
            if let digest = report.options.rosterDigest { out.raw(" (\(escape(digest)))") }
            out.raw(".</p>\n")
        } else {
            out.raw("<p class=\"meta\">No roster was given: nobody could be matched to a vetted person.</p>\n")
        }
        out.raw("</section>\n")
    }

    private static func timeline(_ report: AuditReport, _ out: inout HTMLWriter) {
        out.raw("<section><h2>Commits over time</h2>\n")
        guard let months = report.timeline, !months.isEmpty else {
            out.raw("<p>The timeline was not computed for this report.</p></section>\n")
            return
        }
        out.raw("<p>Each bar is one month; colours show whether the authors are vetted on the roster.</p>\n")
        let width = 760.0, height = 180.0, left = 40.0
        let maximum = max(months.map(\.total).max() ?? 1, 1)
        let step = (width - left) / Double(months.count)
        let bar = max(step - 1, 0.5)
        out.raw("<svg class=\"chart\" viewBox=\"0 0 \(width) \(height + 30)\" role=\"img\" aria-label=\"Commits per month\">\n")
        out.raw("<text x=\"0\" y=\"12\" class=\"axis\">\(maximum)</text><text x=\"0\" y=\"\(height)\" class=\"axis\">0</text>\n")
        for (index, month) in months.enumerated() {
            let x = left + Double(index) * step
            var y = height
            for (value, colour) in [(month.usPersons, "us"), (month.otherRoster, "roster"), (month.unknown, "unknown")] where value > 0 {
                let h = Double(value) / Double(maximum) * (height - 10)
                y -= h
                out.raw("<rect class=\"\(colour)\" x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(bar))\" height=\"\(fmt(h))\"><title>\(escape(month.month)): \(value)</title></rect>\n")
            }
        }
        out.raw("<text x=\"\(left)\" y=\"\(height + 20)\" class=\"axis\">\(escape(months.first!.month))</text>")
        out.raw("<text x=\"\(width - 50)\" y=\"\(height + 20)\" class=\"axis\">\(escape(months.last!.month))</text>\n</svg>\n")
        out.raw("<p class=\"legend\"><span class=\"swatch us\"></span> roster, US person ")
        out.raw("<span class=\"swatch roster\"></span> roster, not a US person or not set ")
        out.raw("<span class=\"swatch unknown\"></span> not on the roster</p>\n</section>\n")
    }

    private static func findingChart(_ report: AuditReport, _ out: inout HTMLWriter) {
        guard !report.findings.isEmpty else { return }
        out.raw("<section><h2>Findings by kind</h2>\n")
        var byCategory: [String: [Severity: Int]] = [:]
        for finding in report.findings { byCategory[finding.category.rawValue, default: [:]][finding.severity, default: 0] += 1 }
        let rows = byCategory.sorted { ($0.value.values.reduce(0, +), $1.key) > ($1.value.values.reduce(0, +), $0.key) }
        let maximum = max(rows.map { $0.value.values.reduce(0, +) }.max() ?? 1, 1)
        let rowHeight = 22.0, label = 220.0, width = 760.0
        out.raw("<svg class=\"chart\" viewBox=\"0 0 \(width) \(fmt(rowHeight * Double(rows.count) + 4))\" role=\"img\" aria-label=\"Findings by category and severity\">\n")
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight
            out.raw("<text x=\"0\" y=\"\(fmt(y + 15))\" class=\"axis\">\(escape(row.key))</text>\n")
            var x = label
            for severity in Severity.allCases.reversed() {
                guard let value = row.value[severity], value > 0 else { continue }
                let w = Double(value) / Double(maximum) * (width - label - 40)
                out.raw("<rect class=\"sev-\(severity.rawValue)\" x=\"\(fmt(x))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(w))\" height=\"16\"><title>\(severity.rawValue): \(value)</title></rect>\n")
                x += w
            }
            out.raw("<text x=\"\(fmt(x + 4))\" y=\"\(fmt(y + 15))\" class=\"axis\">\(row.value.values.reduce(0, +))</text>\n")
        }
        out.raw("</svg>\n<p class=\"legend\">")
        for severity in Severity.allCases.reversed() {
            out.raw("<span class=\"swatch sev-\(severity.rawValue)\"></span> \(severity.rawValue) ")
        }
        out.raw("</p>\n</section>\n")
    }

    private static func provenance(_ report: AuditReport, _ out: inout HTMLWriter) {
        if let provenance = report.provenance { return provenanceSection(provenance, &out) }
        out.raw("<section><h2>Who wrote the code that is there today</h2>\n")
        out.raw("<p>The share of today's code by vetting status was not computed for this report.</p>\n</section>\n")
    }

    private static func contributors(_ report: AuditReport, _ out: inout HTMLWriter, limit: Int) {
        out.raw("<section><h2>People</h2>\n")
        if report.contributors.isEmpty {
            out.raw("<p>Nobody in the history is on the roster.</p>\n")
        } else {
            out.raw("<table><thead><tr><th>Person</th><th>Employer</th><th>US person</th><th>Citizenship</th><th>Authored</th><th>Committed</th><th>Active</th></tr></thead><tbody>\n")
            for contributor in report.contributors.prefix(limit) {
                let us = contributor.usPerson.map { $0 ? "yes" : "no" } ?? "not set"
                out.raw("<tr><td>\(escape(contributor.name)) <span class=\"meta\">(\(escape(contributor.id)))</span></td>")
                out.raw("<td>\(escape(contributor.employer ?? "—"))</td><td>\(us)</td>")
                out.raw("<td>\(escape(contributor.citizenship.joined(separator: ", ")))</td>")
                out.raw("<td>\(contributor.authoredCommits)</td><td>\(contributor.committedCommits)</td>")
                out.raw("<td>\(escape(contributor.firstDate.map { String($0.prefix(10)) } ?? ""))–\(escape(contributor.lastDate.map { String($0.prefix(10)) } ?? ""))</td></tr>\n")
            }
            out.raw("</tbody></table>\n")
            more(report.contributors.count - limit, "people", &out)
        }
        if !report.unknownIdentities.isEmpty {
            out.raw("<h3>Identities not on the roster</h3>\n<p>These names and emails appear in git but match nobody on the roster. Custody never guesses who they are.</p>\n")
            out.raw("<table><thead><tr><th>Name</th><th>Email</th><th>Authored</th><th>Committed</th><th>Example commit</th></tr></thead><tbody>\n")
            for identity in report.unknownIdentities.prefix(limit) {
                out.raw("<tr><td>\(escape(identity.name))</td><td>\(escape(identity.email))</td>")
                out.raw("<td>\(identity.authoredCommits)</td><td>\(identity.committedCommits)</td>")
                out.raw("<td><code>\(escape(String((identity.exampleCommits.first ?? "").prefix(12))))</code></td></tr>\n")
            }
            out.raw("</tbody></table>\n")
            more(report.unknownIdentities.count - limit, "identities", &out)
        }
        out.raw("</section>\n")
    }

    private static func findings(_ report: AuditReport, _ out: inout HTMLWriter, limit: Int) {
        out.raw("<section><h2>Findings</h2>\n")
        guard !report.findings.isEmpty else {
            out.raw("<p>No suspicious changes were found.</p>\n</section>\n")
            return
        }
        var commits: [String: AuditReport.FlaggedCommit] = [:]
        for commit in report.flaggedCommits ?? [] { commits[commit.id] = commit }
        for finding in report.findings.prefix(limit) {
            out.raw("<article class=\"finding sev-border-\(finding.severity.rawValue)\">\n")
            out.raw("<p class=\"explanation\"><span class=\"badge sev-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span> \(escape(finding.explanation))</p>\n")
            if !finding.evidence.isEmpty { out.raw("<p>\(escape(finding.evidence))</p>\n") }
            out.raw("<dl>")
            if let commit = commits[finding.commit] {
                let who = commit.person.map { "on the roster as " + escape($0) } ?? "<strong>not on the roster</strong>"
                out.raw("<dt>Who</dt><dd>\(escape(commit.authorName)) &lt;\(escape(commit.authorEmail))&gt;, \(who)</dd>")
                out.raw("<dt>When</dt><dd>\(escape(commit.date))</dd>")
                out.raw("<dt>Commit</dt><dd><code>\(escape(String(finding.commit.prefix(12))))</code> \(escape(commit.subject))</dd>")
            } else {
                out.raw("<dt>Commit</dt><dd><code>\(escape(String(finding.commit.prefix(12))))</code></dd>")
            }
            if let path = finding.path {
                var place = escape(path)
                if let line = finding.startLine { place += ", line \(line)" }
                out.raw("<dt>File</dt><dd><code>\(place)</code></dd>")
            }
            if let present = finding.stillPresent {
                out.raw(present ? "<dt>Today</dt><dd>these lines are still in the code</dd>" : "<dt>Today</dt><dd>these lines were removed since</dd>")
            }
            out.raw("<dt>Rule</dt><dd>\(escape(finding.ruleID)) (\(finding.category.rawValue), confidence \(finding.confidence.rawValue))</dd></dl>\n")
            if !finding.excerpt.isEmpty {
                var excerpt = finding.excerpt
                if excerpt.count > maximumExcerpt { excerpt = String(excerpt.prefix(maximumExcerpt)) + "…" }
                out.raw("<pre class=\"excerpt\"><mark>\(escape(excerpt, multiline: true))</mark></pre>\n")
            }
            out.raw("</article>\n")
        }
        more(report.findings.count - limit, "findings (the JSON report has them all)", &out)
        out.raw("</section>\n")
    }

    /// Policy violations (only when the audit was given a policy).
    private static func violations(_ report: AuditReport, _ out: inout HTMLWriter, limit: Int) {
        guard let violations = report.violations else { return }
        out.raw("<section><h2>Policy violations</h2>\n")
        guard !violations.isEmpty else {
            out.raw("<p>No commit breaks the policy.</p>\n</section>\n")
            return
        }
        for violation in violations.prefix(limit) {
            out.raw("<article class=\"finding sev-border-\(violation.severity.rawValue)\">\n")
            out.raw("<p class=\"explanation\"><span class=\"badge sev-\(violation.severity.rawValue)\">\(violation.severity.rawValue)</span> \(escape(violation.explanation))</p>\n<dl>")
            let who = violation.personID.map { "on the roster as " + escape($0) } ?? "<strong>not on the roster</strong>"
            out.raw("<dt>Who</dt><dd>\(escape(violation.identity)), \(who)</dd>")
            out.raw("<dt>Commit</dt><dd><code>\(escape(String(violation.commit.prefix(12))))</code></dd>")
            out.raw("<dt>Required</dt><dd>\(escape(violation.required))</dd><dt>Found</dt><dd>\(escape(violation.found))</dd>")
            if !violation.paths.isEmpty {
                out.raw("<dt>Files</dt><dd>\(violation.paths.map { "<code>" + escape($0) + "</code>" }.joined(separator: ", "))</dd>")
            }
            out.raw("<dt>Rule</dt><dd>\(escape(violation.ruleID))</dd></dl>\n</article>\n")
        }
        more(violations.count - limit, "violations", &out)
        out.raw("</section>\n")
    }

    private static func problems(_ report: AuditReport, _ out: inout HTMLWriter, limit: Int) {
        out.raw("<section><h2>What could not be read</h2>\n")
        guard !report.problems.isEmpty else {
            out.raw("<p>Nothing: every commit and file in the selected history was read.</p>\n</section>\n")
            return
        }
        out.raw("<ul>\n")
        for problem in report.problems.prefix(limit) {
            out.raw("<li>\(escape(problem.reason))")
            if let commit = problem.commit { out.raw(" (commit <code>\(escape(String(commit.prefix(12))))</code>)") }
            out.raw("</li>\n")
        }
        out.raw("</ul>\n")
        more(report.problems.count - limit, "problems", &out)
        out.raw("</section>\n")
    }

    private static func more(_ count: Int, _ what: String, _ out: inout HTMLWriter) {
        if count > 0 { out.raw("<p class=\"more\">… and \(count) more \(what).</p>\n") }
    }

    private static func fmt(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static let style = """
        body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}
        h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
        code,pre{font-family:ui-monospace,monospace}pre.excerpt{background:#f6f6f6;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        mark{background:#fff3b0}.hidden-char{background:#d00;color:#fff;border-radius:2px;padding:0 1px;font-family:monospace}
        table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
        .meta{color:#666;font-size:.9em}.warn{color:#a00;font-weight:bold}.more{font-style:italic}
        .chart{width:100%;height:auto}.axis{font-size:11px;fill:#444}
        .us{fill:#2e7d32;background:#2e7d32}.roster{fill:#f9a825;background:#f9a825}.unknown{fill:#c62828;background:#c62828}
        .sev-critical{fill:#7b1fa2;background:#7b1fa2;color:#fff}.sev-high{fill:#c62828;background:#c62828;color:#fff}
        .sev-medium{fill:#ef6c00;background:#ef6c00;color:#fff}.sev-low{fill:#1565c0;background:#1565c0;color:#fff}.sev-info{fill:#757575;background:#757575;color:#fff}
        .swatch{display:inline-block;width:.8em;height:.8em;margin-left:.6em}
        .badge{padding:0 .4em;border-radius:3px;font-size:.8em;text-transform:uppercase}
        .finding{border-left:4px solid #999;padding:.2rem .8rem;margin:1rem 0;break-inside:avoid}
        .sev-border-critical{border-color:#7b1fa2}.sev-border-high{border-color:#c62828}.sev-border-medium{border-color:#ef6c00}
        dl{display:grid;grid-template-columns:6em 1fr;gap:.1rem .5rem;margin:.3rem 0}dt{color:#666}dd{margin:0;overflow-wrap:anywhere}
        @media print{body{max-width:none;margin:0;font-size:10pt}.finding,table,svg{break-inside:avoid}pre.excerpt{white-space:pre-wrap}
        .swatch,.badge,rect,.hidden-char{-webkit-print-color-adjust:exact;print-color-adjust:exact}}

        """
}

/// Accumulates HTML as bytes.
struct HTMLWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
}
