/// Per-commit facts that renderers need beyond the findings: who made each flagged commit, and
/// how many commits each month came from vetted people.
extension AuditReport {
    /// A commit with at least one finding, and who made it (from git and the roster only).
    package struct FlaggedCommit: Hashable, Sendable, Codable {
        /// Hex commit id.
        package var id: String
        package var subject: String
        package var authorName: String
        package var authorEmail: String
        /// The roster id of the author, or nil when the author is not on the roster.
        package var person: String?
        /// Author date, ISO 8601 UTC.
        package var date: String

        package init(id: String, subject: String, authorName: String, authorEmail: String, person: String?, date: String) {
            self.id = id
            self.subject = subject
            self.authorName = authorName
            self.authorEmail = authorEmail
            self.person = person
            self.date = date
        }
    }

    /// Commits authored in one month (UTC), by the vetting status of the author on the roster.
    package struct TimelineMonth: Hashable, Sendable, Codable {
        /// `2026-11`.
        package var month: String
        /// Authors on the roster with `usPerson: true`.
        package var usPersons: Int
        /// Authors on the roster who are not US persons, or whose status is not set.
        package var otherRoster: Int
        /// Authors not on the roster.
        package var unknown: Int

        package init(month: String, usPersons: Int = 0, otherRoster: Int = 0, unknown: Int = 0) {
            self.month = month
            self.usPersons = usPersons
            self.otherRoster = otherRoster
            self.unknown = unknown
        }

        package var total: Int { usPersons + otherRoster + unknown }
    }

    /// The flagged commit with this id, if listed.
    package func flaggedCommit(_ id: String) -> FlaggedCommit? {
        flaggedCommits?.first { $0.id == id }
    }
}

/// Fills ``AuditReport/flaggedCommits`` and ``AuditReport/timeline`` from the whole history.
enum CommitFacts {
    static func fill(_ report: inout AuditReport, history: [AuditedCommit], resolver: IdentityResolver) {
        let flaggedIDs = Set(report.findings.map(\.commit))
        var cache: [String: Person?] = [:]
        func person(_ name: String, _ email: String) -> Person? {
            let key = name + "\u{0}" + email
            if let hit = cache[key] { return hit }
            let found = resolver.resolve(name: name, email: email).person
            cache[key] = found
            return found
        }
        var flagged: [AuditReport.FlaggedCommit] = []
        var months: [String: AuditReport.TimelineMonth] = [:]
        for commit in history {
            let author = person(commit.authorName, commit.authorEmail)
            let date = ISODate.utc(commit.authorTime)
            let month = String(date.prefix(7))
            var entry = months[month] ?? AuditReport.TimelineMonth(month: month)
            if let author {
                if author.usPerson == true { entry.usPersons += 1 } else { entry.otherRoster += 1 }
            } else {
                entry.unknown += 1
            }
            months[month] = entry
            if flaggedIDs.contains(commit.id) {
                flagged.append(
                    AuditReport.FlaggedCommit(
                        id: commit.id,
                        subject: commit.subject,
                        authorName: commit.authorName,
                        authorEmail: commit.authorEmail,
                        person: author?.id,
                        date: date
                    )
                )
            }
        }
        report.flaggedCommits = flagged
        report.timeline = months.values.sorted { $0.month < $1.month }
    }
}
