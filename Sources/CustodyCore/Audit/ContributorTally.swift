/// Groups the history's authors and committers by roster person, and lists unknown identities.
enum ContributorTally {
    private struct Key: Hashable {
        var name: String
        var email: String
    }

    private struct Span {
        var first = Int64.max
        var last = Int64.min
        mutating func add(_ time: Int64) {
            first = min(first, time)
            last = max(last, time)
        }
        var firstDate: String? { first == .max ? nil : ISODate.utc(first) }
        var lastDate: String? { last == .min ? nil : ISODate.utc(last) }
    }

    static let exampleLimit = 3

    static func fill(_ report: inout AuditReport, history: [AuditedCommit], resolver: IdentityResolver) {
        var cache: [Key: ResolvedIdentity] = [:]
        func resolve(_ name: String, _ email: String) -> ResolvedIdentity {
            let key = Key(name: name, email: email)
            if let hit = cache[key] { return hit }
            let resolved = resolver.resolve(name: name, email: email)
            cache[key] = resolved
            return resolved
        }

        var people: [String: AuditReport.Contributor] = [:]
        var peopleSpans: [String: Span] = [:]
        var uses: [String: [Key: AuditReport.IdentityUse]] = [:]
        var unknown: [Key: AuditReport.UnknownIdentity] = [:]
        var unknownSpans: [Key: Span] = [:]
        var known = 0
        var unknownAuthored = 0

        for commit in history {
            for role in [true, false] {
                let name = role ? commit.authorName : commit.committerName
                let email = role ? commit.authorEmail : commit.committerEmail
                let time = role ? commit.authorTime : commit.committerTime
                let identity = resolve(name, email)
                let key = Key(name: name, email: email)
                if let person = identity.person {
                    if role { known += 1 }
                    var contributor = people[person.id] ?? AuditReport.Contributor(person: person)
                    var use =
                        uses[person.id]?[key]
                        ?? AuditReport.IdentityUse(name: name, email: email, method: identity.method)
                    if role {
                        contributor.authoredCommits += 1
                        use.authoredCommits += 1
                    } else {
                        contributor.committedCommits += 1
                        use.committedCommits += 1
                    }
                    people[person.id] = contributor
                    uses[person.id, default: [:]][key] = use
                    peopleSpans[person.id, default: Span()].add(time)
                } else {
                    if role { unknownAuthored += 1 }
                    var entry = unknown[key] ?? AuditReport.UnknownIdentity(name: name, email: email)
                    if role { entry.authoredCommits += 1 } else { entry.committedCommits += 1 }
                    if entry.exampleCommits.count < exampleLimit, entry.exampleCommits.last != commit.id {
                        entry.exampleCommits.append(commit.id)
                    }
                    unknown[key] = entry
                    unknownSpans[key, default: Span()].add(time)
                }
            }
        }

        var contributors: [AuditReport.Contributor] = []
        for (id, var contributor) in people {
            contributor.firstDate = peopleSpans[id]?.firstDate
            contributor.lastDate = peopleSpans[id]?.lastDate
            contributor.identities = (uses[id].map { Array($0.values) } ?? []).sorted {
                ($0.authoredCommits + $0.committedCommits, $1.email, $1.name)
                    > ($1.authoredCommits + $1.committedCommits, $0.email, $0.name)
            }
            contributors.append(contributor)
        }
        contributors.sort {
            ($0.authoredCommits + $0.committedCommits, $1.id) > ($1.authoredCommits + $1.committedCommits, $0.id)
        }
        var unknowns: [AuditReport.UnknownIdentity] = []
        for (key, var entry) in unknown {
            entry.firstDate = unknownSpans[key]?.firstDate
            entry.lastDate = unknownSpans[key]?.lastDate
            unknowns.append(entry)
        }
        unknowns.sort {
            ($0.authoredCommits + $0.committedCommits, $1.email, $1.name)
                > ($1.authoredCommits + $1.committedCommits, $0.email, $0.name)
        }
        report.contributors = contributors
        report.unknownIdentities = unknowns
        report.counts.contributors = contributors.count
        report.counts.unknownIdentities = unknowns.count
        report.counts.commitsByKnownAuthors = known
        report.counts.commitsByUnknownAuthors = unknownAuthored
    }
}
