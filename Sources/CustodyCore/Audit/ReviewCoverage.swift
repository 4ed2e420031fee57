/// A review verdict recorded with `custody review record`, as read back from the ledger.
///
/// The reader (the executable, which owns the ledger) has already checked the DSSE signature of
/// the verdict with `reviewerKey`; ``ReviewCoverage`` then checks that the roster registers that
/// key to the reviewer the verdict names. Strings come from the ledger and are shown neutralized.
package struct LedgerVerdict: Hashable, Sendable {
    /// Hex object id of the commit.
    package var commit: String
    /// `cleared`, `malicious` or `needs-fix`.
    package var verdict: String
    /// The roster id the reviewer gave with `--as`.
    package var reviewer: String
    /// The raw 32-byte Ed25519 public key the verdict's signature verifies with.
    package var reviewerKey: [UInt8]
    /// The verdict's time (RFC 3339 UTC).
    package var time: String
    package var note: String
    /// Position of the verdict in the ledger.
    package var ledgerEntry: UInt64

    package init(commit: String, verdict: String, reviewer: String, reviewerKey: [UInt8], time: String, note: String, ledgerEntry: UInt64) {
        self.commit = commit
        self.verdict = verdict
        self.reviewer = reviewer
        self.reviewerKey = reviewerKey
        self.time = time
        self.note = note
        self.ledgerEntry = ledgerEntry
    }
}

/// How many flagged commits (commits with findings or policy violations) have a counted review
/// verdict, by verdict and by reviewer, and which still wait for one.
///
/// A verdict counts only when its signature verifies (checked when the ledger is read) with an
/// Ed25519 key that the roster registers to the reviewer it names, and the reviewer is not the
/// commit's author. Verdicts that do not count are listed with the reason.
package struct ReviewCoverage: Hashable, Sendable, Codable {
    /// One verdict on a flagged commit.
    package struct Verdict: Hashable, Sendable, Codable {
        package var commit: String
        package var verdict: String
        /// The roster id the verdict names.
        package var reviewer: String
        /// The reviewer's display name from the roster, when on it.
        package var reviewerName: String?
        package var time: String
        package var note: String
        package var ledgerEntry: UInt64
        /// Whether the verdict counts (see ``ReviewCoverage``).
        package var counted: Bool
        /// Why it does not count, in plain words; nil when it counts.
        package var reason: String?
    }

    /// Where the verdicts were read: the ledger directory and the size of its latest checkpoint.
    package var ledger: String
    package var ledgerSize: UInt64
    /// Commits with findings or policy violations.
    package var flaggedCommits: Int
    /// Flagged commits with at least one counted verdict.
    package var reviewedCommits: Int
    /// Reviewed commits by their latest counted verdict (`cleared`, `malicious`, `needs-fix`).
    package var byVerdict: [String: Int]
    /// Counted verdicts per reviewer roster id.
    package var byReviewer: [String: Int]
    /// Flagged commits without a counted verdict: most severe first, then history order.
    package var unreviewed: [String]
    /// Every verdict recorded on a flagged commit, counted or not, in ledger order.
    package var verdicts: [Verdict]

    /// Computes the coverage of `report`'s flagged commits.
    ///
    /// - Parameters:
    ///   - report: the report with its findings and violations.
    ///   - verdicts: verdicts read from the ledger (signatures already verified), in ledger order.
    ///   - roster: registers reviewers' keys (OpenSSH `ssh-ed25519` lines).
    ///   - authors: the author's roster id per commit (nil when not on the roster); self-verdicts
    ///     do not count.
    package init(
        report: AuditReport, verdicts: [LedgerVerdict], roster: Roster, authors: [String: String?],
        ledger: String, ledgerSize: UInt64
    ) {
        self.ledger = ledger
        self.ledgerSize = ledgerSize
        var order: [String] = []
        var seen: Set<String> = []
        for commit in report.findings.map(\.commit) + (report.violations ?? []).map(\.commit) where seen.insert(commit).inserted {
            order.append(commit)
        }
        flaggedCommits = order.count
        let (keysByPerson, ownerOfKey) = Self.registeredKeys(roster)
        var latest: [String: String] = [:]
        var reviewers: [String: Int] = [:]
        var listed: [Verdict] = []
        for recorded in verdicts where seen.contains(recorded.commit) {
            let person = roster.person(id: recorded.reviewer)
            var reason: String?
            if person == nil {
                reason = "the reviewer \(recorded.reviewer) is not on the roster"
            } else if keysByPerson[recorded.reviewer]?.contains(recorded.reviewerKey) != true {
                if let owner = ownerOfKey[recorded.reviewerKey] {
                    reason = "signed with a key the roster registers to \(owner), not to \(recorded.reviewer)"
                } else {
                    reason = "signed with a key the roster does not register to \(recorded.reviewer)"
                }
            } else if let author = authors[recorded.commit] ?? nil, author == recorded.reviewer {
                reason = "the reviewer is the commit's author (a self-review does not count)"
            }
            if reason == nil {
                latest[recorded.commit] = recorded.verdict
                reviewers[recorded.reviewer, default: 0] += 1
            }
            listed.append(
                Verdict(
                    commit: recorded.commit, verdict: recorded.verdict, reviewer: recorded.reviewer, reviewerName: person?.name,
                    time: recorded.time, note: recorded.note, ledgerEntry: recorded.ledgerEntry, counted: reason == nil,
                    reason: reason))
        }
        reviewedCommits = latest.count
        byVerdict = latest.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        byReviewer = reviewers
        unreviewed = order.filter { latest[$0] == nil }
        self.verdicts = listed
    }

    /// The latest counted verdict on `commit`, if any.
    package func countedVerdict(on commit: String) -> Verdict? {
        verdicts.last { $0.commit == commit && $0.counted }
    }

    /// The Ed25519 keys the roster registers, by person, and the first person each key is
    /// registered to.
    package static func registeredKeys(_ roster: Roster) -> (byPerson: [String: Set<[UInt8]>], owner: [[UInt8]: String]) {
        var byPerson: [String: Set<[UInt8]>] = [:]
        var owner: [[UInt8]: String] = [:]
        for person in roster.people {
            for line in person.keys {
                guard let raw = SSHPublicKey(line: line)?.ed25519PublicKey else { continue }
                byPerson[person.id, default: []].insert(raw)
                if owner[raw] == nil { owner[raw] = person.id }
            }
        }
        return (byPerson, owner)
    }

    /// The verdicts that can be review evidence for the policy (`require: review`): those signed
    /// with a key the roster registers to their reviewer, in ledger order, with their verdict.
    ///
    /// Which of them count is decided where the commit's author is known
    /// (``ReviewCollector/clearingReviewers(of:)``): the author's own verdicts are ignored, and a
    /// commit's clearances count only while its latest other verdict is `cleared` (a later
    /// `malicious` or `needs-fix` withdraws them).
    package static func reviewEvidence(_ verdicts: [LedgerVerdict], roster: Roster) -> [RecordedReview] {
        let keysByPerson = registeredKeys(roster).byPerson
        return verdicts.filter { keysByPerson[$0.reviewer]?.contains($0.reviewerKey) == true }
            .sorted { $0.ledgerEntry < $1.ledgerEntry }
            .map { RecordedReview(commit: $0.commit.lowercased(), reviewerID: $0.reviewer, verdict: $0.verdict) }
    }
}

/// Fills ``AuditReport/reviewCoverage`` after the policy pass, from verdicts read from the ledger.
package struct ReviewCoveragePass: AuditReportPass {
    package var verdicts: [LedgerVerdict]
    package var ledger: String
    package var ledgerSize: UInt64

    package init(verdicts: [LedgerVerdict], ledger: String, ledgerSize: UInt64) {
        self.verdicts = verdicts
        self.ledger = ledger
        self.ledgerSize = ledgerSize
    }

    package func apply(to report: inout AuditReport, context: AuditPassContext) throws {
        let flagged = Set(report.findings.map(\.commit) + (report.violations ?? []).map(\.commit))
        var authors: [String: String?] = [:]
        for commit in context.commits where flagged.contains(commit.id) {
            authors[commit.id] = context.resolver.resolve(name: commit.authorName, email: commit.authorEmail).person?.id
        }
        report.reviewCoverage = ReviewCoverage(
            report: report, verdicts: verdicts, roster: context.resolver.roster, authors: authors, ledger: ledger,
            ledgerSize: ledgerSize)
    }
}

extension SSHPublicKey {
    /// The raw 32-byte public key of an `ssh-ed25519` key, else nil.
    package var ed25519PublicKey: [UInt8]? {
        guard type == "ssh-ed25519" else { return nil }
        // Wire format: string "ssh-ed25519", string key.
        var reader = SSHWireReader(Array(blob))
        guard reader.readString() == Array("ssh-ed25519".utf8), let key = reader.readString(), key.count == 32 else { return nil }
        return key
    }
}
