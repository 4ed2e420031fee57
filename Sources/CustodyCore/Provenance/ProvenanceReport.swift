/// Shares of surviving lines by person and by roster attribute, overall and per top-level
/// folder, plus the surviving lines that come from flagged commits.
///
/// Attributes come only from the roster. Lines by identities not on the roster count as
/// "(unknown identity)" in every attribute table; a roster person with an attribute left
/// blank counts as "(not recorded)".
package struct ProvenanceReport: Hashable, Sendable, Codable {
    package struct Share: Hashable, Sendable, Codable {
        package var key: String
        package var lines: Int
        /// lines / total, 0…1.
        package var share: Double
    }

    /// One set of tables: by person, employer, citizenship, usPerson, clearance, and roster
    /// (on the roster / unknown identity).
    package struct Tables: Hashable, Sendable, Codable {
        package var totalLines: Int
        package var person: [Share]
        package var employer: [Share]
        package var citizenship: [Share]
        package var usPerson: [Share]
        package var clearance: [Share]
        package var roster: [Share]
    }

    package struct Directory: Hashable, Sendable, Codable {
        package var directory: String
        package var tables: Tables
    }

    /// Surviving lines from a flagged commit.
    package struct FlaggedLines: Hashable, Sendable, Codable {
        package var path: String
        package var startLine: Int
        package var endLine: Int
        package var commit: String
        package var reasons: [String]

        package init(path: String, startLine: Int, endLine: Int, commit: String, reasons: [String]) {
            self.path = path
            self.startLine = startLine
            self.endLine = endLine
            self.commit = commit
            self.reasons = reasons
        }
    }

    package var revision: String
    package var files: Int
    package var overall: Tables
    package var directories: [Directory]
    package var flagged: [FlaggedLines]
    package var problems: [ReadProblem]

    static let unknownKey = "(unknown identity)"

    /// The roster share of identities not on the roster.

    static let notOnRoster = "not on the roster"
    static let notRecorded = "(not recorded)"

    /// Builds the report.
    ///
    /// - Parameters:
    ///   - snapshot: the attributed lines.
    ///   - resolver: maps blame's author identities to roster people.
    ///   - flagged: commit id (hex) → reasons (rule ids or short texts) for commits with
    ///     findings or violations.
    package init(snapshot: ProvenanceSnapshot, resolver: IdentityResolver, flagged: [String: [String]] = [:]) {
        var overall = Counter()
        var byDirectory: [String: Counter] = [:]
        var resolved: [String: Keys] = [:]
        var flaggedLines: [FlaggedLines] = []
        let flaggedLower = Dictionary(flagged.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
        for file in snapshot.files {
            let directory = file.path.split(separator: "/", maxSplits: 1).count > 1 ? String(file.path.split(separator: "/", maxSplits: 1)[0]) : "."
            var counter = byDirectory[directory] ?? Counter()
            let keys: [Keys] = file.commits.map { commit in
                let cacheKey = commit.authorName + "\u{0}" + commit.authorEmail
                if let known = resolved[cacheKey] { return known }
                let keys = Keys(resolver.resolve(name: commit.authorName, email: commit.authorEmail))
                resolved[cacheKey] = keys
                return keys
            }
            for run in file.runs {
                let k = keys[Int(run.commit)]
                overall.add(k, Int(run.count))
                counter.add(k, Int(run.count))
                let commit = file.commits[Int(run.commit)].id
                if let reasons = flaggedLower[commit] {
                    let start = Int(run.finalStart)
                    let end = start + Int(run.count) - 1
                    if let last = flaggedLines.last, last.path == file.path, last.commit == commit, last.endLine + 1 == start {
                        flaggedLines[flaggedLines.count - 1].endLine = end
                    } else {
                        flaggedLines.append(FlaggedLines(path: file.path, startLine: start, endLine: end, commit: commit, reasons: reasons))
                    }
                }
            }
            byDirectory[directory] = counter
        }
        revision = snapshot.revision
        files = snapshot.files.count
        self.overall = overall.tables
        directories = byDirectory.keys.sorted().map { Directory(directory: $0, tables: byDirectory[$0]!.tables) }
        self.flagged = flaggedLines
        problems = snapshot.problems
    }

    struct Keys {
        var person: String
        var employer: String
        var citizenship: String
        var usPerson: String
        var clearance: String
        var roster: String

        init(_ identity: ResolvedIdentity) {
            guard let p = identity.person else {
                person = "\(ProvenanceReport.unknownKey) \(identity.name) <\(identity.email)>"
                employer = ProvenanceReport.unknownKey
                citizenship = ProvenanceReport.unknownKey
                usPerson = ProvenanceReport.unknownKey
                clearance = ProvenanceReport.unknownKey
                roster = ProvenanceReport.notOnRoster
                return
            }
            person = p.id
            employer = p.employer ?? ProvenanceReport.notRecorded
            citizenship = p.citizenship.isEmpty ? ProvenanceReport.notRecorded : p.citizenship.map { $0.uppercased() }.sorted().joined(separator: "+")
            usPerson = p.usPerson.map { $0 ? "yes" : "no" } ?? ProvenanceReport.notRecorded
            clearance = p.clearance?.rawValue ?? ProvenanceReport.notRecorded
            roster = "on the roster"
        }
    }

    struct Counter {
        var total = 0
        var person: [String: Int] = [:]
        var employer: [String: Int] = [:]
        var citizenship: [String: Int] = [:]
        var usPerson: [String: Int] = [:]
        var clearance: [String: Int] = [:]
        var roster: [String: Int] = [:]

        mutating func add(_ k: Keys, _ n: Int) {
            total += n
            person[k.person, default: 0] += n
            employer[k.employer, default: 0] += n
            citizenship[k.citizenship, default: 0] += n
            usPerson[k.usPerson, default: 0] += n
            clearance[k.clearance, default: 0] += n
            roster[k.roster, default: 0] += n
        }

        var tables: Tables {
            func rows(_ d: [String: Int]) -> [Share] {
                d.map { Share(key: $0.key, lines: $0.value, share: total == 0 ? 0 : Double($0.value) / Double(total)) }
                    .sorted { ($0.lines, $1.key) > ($1.lines, $0.key) }
            }
            return Tables(
                totalLines: total,
                person: rows(person),
                employer: rows(employer),
                citizenship: rows(citizenship),
                usPerson: rows(usPerson),
                clearance: rows(clearance),
                roster: rows(roster)
            )
        }
    }
}
