/// Renders an ``AuditReport`` for a person at a terminal.
///
/// Sections: the repository, refs and counts; contributors grouped by person with employer,
/// citizenship, US-person status and clearance from the roster, commit counts and first and
/// last dates; unknown identities; findings; what could not be read; duration. Every string
/// that came from the audited repository goes through ``TerminalText/neutralize(_:multiline:)``.
package enum TextReport {
    /// How many refs are listed before "and N more".
    package static let refLimit = 20

    /// The report as text; `color` adds ANSI colours to severities (the CLI decides: only on a
    /// terminal and when NO_COLOR is unset). Repository text is never coloured or passed raw.
    package static func render(_ report: AuditReport, color: Bool = false) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        func safe(_ text: String) -> String { TerminalText.neutralize(text) }

        line("Custody audit of \(safe(report.repository.path))")
        if let root = report.repository.rootCommits.first {
            let more = report.repository.rootCommits.count > 1 ? " (and \(report.repository.rootCommits.count - 1) more)" : ""
            line("  Repository   root commit \(short(root))\(more)")
        } else {
            line("  Repository   no commits")
        }
        var selection = report.options.refSelection
        if let range = report.options.range { selection += " \(safe(range))" }
        line("  Refs         \(report.refs.count) (\(selection))")
        for ref in report.refs.prefix(refLimit) {
            line("                 \(safe(ref.name)) \(short(ref.tip))")
        }
        if report.refs.count > refLimit { line("                 and \(report.refs.count - refLimit) more") }
        let earlier = report.counts.commits - report.counts.newCommits
        var commits = "\(report.counts.commits)"
        if report.options.incremental {
            commits += " (\(report.counts.newCommits) new in this run, \(earlier) from earlier runs)"
        } else {
            commits += " (all read in this run)"
        }
        line("  Commits      \(commits), \(report.counts.merges) merges")
        line(
            "  Authors      \(report.counts.commitsByKnownAuthors) commits by roster people, "
                + "\(report.counts.commitsByUnknownAuthors) by unknown identities"
        )
        if let roster = report.options.roster {
            line("  Roster       \(safe(roster)) \(report.options.rosterDigest.map { "(\($0.prefix(19))…)" } ?? "")")
        } else {
            line("  Roster       none given: every identity is unknown")
        }
        if let mailmap = report.options.mailmap { line("  Mailmap      \(safe(mailmap))") }
        line("  Findings     \(findingSummary(report))")
        line("  Jobs         \(report.options.jobs)")

        line()
        line("Contributors on the roster (\(report.contributors.count))")
        if report.contributors.isEmpty { line("  none") }
        for person in report.contributors {
            line("  \(safe(person.id))  \(safe(person.name))")
            let citizenship = person.citizenship.isEmpty ? "not given" : person.citizenship.map(safe).joined(separator: ", ")
            let usPerson = person.usPerson.map { $0 ? "yes" : "no" } ?? "not given"
            line(
                "    employer \(person.employer.map(safe) ?? "not given") · citizenship \(citizenship)"
                    + " · US person \(usPerson) · clearance \(person.clearance?.rawValue ?? "not given")"
            )
            line(
                "    authored \(person.authoredCommits), committed \(person.committedCommits)"
                    + " · \(day(person.firstDate)) to \(day(person.lastDate))"
            )
            for use in person.identities {
                line(
                    "    as \(safe(use.name)) <\(safe(use.email))> (by \(use.method.rawValue)):"
                        + " authored \(use.authoredCommits), committed \(use.committedCommits)"
                )
            }
        }

        line()
        line("Unknown identities, not on the roster (\(report.unknownIdentities.count))")
        if report.unknownIdentities.isEmpty { line("  none") }
        for identity in report.unknownIdentities {
            line("  \(safe(identity.name)) <\(safe(identity.email))>")
            line(
                "    authored \(identity.authoredCommits), committed \(identity.committedCommits)"
                    + " · \(day(identity.firstDate)) to \(day(identity.lastDate))"
                    + " · e.g. " + identity.exampleCommits.map(short).joined(separator: ", ")
            )
        }

        if !report.findings.isEmpty {
            line()
            line("Findings (\(report.findings.count)), by commit, most serious first")
            // Findings are sorted most severe first, so first appearance orders commits by risk.
            var order: [String] = []
            var byCommit: [String: [Finding]] = [:]
            for finding in report.findings {
                if byCommit[finding.commit] == nil { order.append(finding.commit) }
                byCommit[finding.commit, default: []].append(finding)
            }
            var flagged: [String: AuditReport.FlaggedCommit] = [:]
            for commit in report.flaggedCommits ?? [] { flagged[commit.id] = commit }
            for commit in order {
                var header = "  commit \(short(commit))"
                if let info = flagged[commit] {
                    let who = info.person.map { "roster: \(safe($0))" } ?? paint("NOT ON ROSTER", "1;31", color)
                    header += " by \(safe(info.authorName)) <\(safe(info.authorEmail))> (\(who)) · \(day(info.date))"
                    line(header)
                    line("    \(safe(info.subject))")
                } else {
                    line(header)
                }
                for finding in byCommit[commit] ?? [] {
                    var place = short(finding.commit)
                    if let path = finding.path {
                        place += " " + safe(path)
                        if let start = finding.startLine {
                            place += ":\(start)"
                            if let end = finding.endLine, end != start { place += "-\(end)" }
                        }
                    }
                    let label = paint(finding.severity.rawValue.uppercased(), severityColor(finding.severity), color)
                    line("    \(label)  \(safe(finding.ruleID))  \(place)")
                    line("    \(safe(finding.explanation))")
                    if !finding.evidence.isEmpty { line("    \(safe(finding.evidence))") }
                    if !finding.excerpt.isEmpty {
                        for excerptLine in TerminalText.neutralize(finding.excerpt, multiline: true)
                            .split(separator: "\n", omittingEmptySubsequences: false).prefix(3)
                        {
                            line("    | " + safe(String(excerptLine)))
                        }
                    }
                }
            }
        }

        if let coverage = report.reviewCoverage {
            line()
            out += reviewCoverage(coverage)
        }

        line()
        if report.problems.isEmpty {
            line("Everything selected was read.")
        } else {
            line("Could not be read: the audit is incomplete (\(report.problems.count))")
            for problem in report.problems {
                var parts: [String] = []
                if let commit = problem.commit { parts.append("commit \(short(commit))") }
                if let path = problem.path { parts.append(safe(path)) }
                if let object = problem.object { parts.append("object \(short(object))") }
                let prefix = parts.isEmpty ? "" : parts.joined(separator: " ") + ": "
                line("  \(prefix)\(safe(problem.reason))")
            }
        }
        line("Took \(seconds(report.durationSeconds)) (custody \(safe(report.tool.version)))")
        return out
    }

    private static func paint(_ text: String, _ code: String, _ enabled: Bool) -> String {
        enabled ? "\u{1b}[\(code)m\(text)\u{1b}[0m" : text
    }

    private static func severityColor(_ severity: Severity) -> String {
        switch severity {
        case .critical: "1;35"
        case .high: "1;31"
        case .medium: "33"
        case .low: "36"
        case .info: "2"
        }
    }

    private static func findingSummary(_ report: AuditReport) -> String {
        guard !report.findings.isEmpty else { return "none" }
        let parts = Severity.allCases.reversed().compactMap { severity -> String? in
            guard let count = report.counts.findingsBySeverity[severity.rawValue], count > 0 else { return nil }
            return "\(count) \(severity.rawValue)"
        }
        return "\(report.findings.count) (" + parts.joined(separator: ", ") + ")"
    }

    /// The first 12 hex digits of an object id (neutralized: ids in problems may be odd text).
    private static func short(_ id: String) -> String {
        TerminalText.neutralize(String(id.prefix(12)))
    }

    private static func day(_ iso: String?) -> String {
        iso.map { String($0.prefix(10)) } ?? "?"
    }

    private static func seconds(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        let fraction = millis % 1000
        return "\(millis / 1000).\(fraction < 10 ? "00" : fraction < 100 ? "0" : "")\(fraction) s"
    }
}
