/// One piece of evidence that someone reviewed a commit.
package struct ReviewEvidence: Hashable, Sendable {
    package enum Source: Hashable, Sendable {
        /// A `Reviewed-by`, `Approved-by` or `Acked-by` trailer (the key as written).
        case trailer(String)
        /// A verdict recorded later with `custody review`.
        case verdict
    }

    package var identity: ResolvedIdentity
    package var source: Source

    package init(identity: ResolvedIdentity, source: Source) {
        self.identity = identity
        self.source = source
    }

    /// "Jane Doe <jane@x> (Reviewed-by trailer)".
    package var plainDescription: String {
        let who = identity.person.map { "\($0.name) (\($0.id))" } ?? "\(identity.name) <\(identity.email)> (not on the roster)"
        switch source {
        case .trailer(let key): return "\(who) in a \(key) trailer"
        case .verdict: return "\(who) in a recorded review verdict"
        }
    }
}

/// A review verdict recorded with `custody review`: the commit, the reviewer's roster id and the
/// verdict (`cleared`, `malicious`, `needs-fix`).
package struct RecordedReview: Hashable, Sendable, Codable {
    package var commit: String
    package var reviewerID: String
    package var verdict: String

    package init(commit: String, reviewerID: String, verdict: String = "cleared") {
        self.commit = commit
        self.reviewerID = reviewerID
        self.verdict = verdict
    }
}

/// Collects review evidence for commits: trailers in the message, resolved through the
/// roster, plus verdicts recorded later.
package struct ReviewCollector: Sendable {
    /// Trailer keys that count as review (compared case-insensitively).
    package static let reviewTrailerKeys = ["reviewed-by", "approved-by", "acked-by"]

    package var resolver: IdentityResolver
    /// Recorded verdicts per commit (lowercased id), in ledger order.
    private var verdicts: [String: [RecordedReview]]

    /// - Parameters:
    ///   - resolver: maps trailer identities to roster people.
    ///   - recorded: verdicts recorded with `custody review`, in ledger order.
    package init(resolver: IdentityResolver, recorded: [RecordedReview] = []) {
        self.resolver = resolver
        var verdicts: [String: [RecordedReview]] = [:]
        for review in recorded { verdicts[review.commit.lowercased(), default: []].append(review) }
        self.verdicts = verdicts
    }

    /// The reviewers whose recorded `cleared` verdicts count for `commit`: the author's own
    /// verdicts are ignored, and clearances count only while the latest other verdict is
    /// `cleared` (a later `malicious` or `needs-fix` withdraws them; the author cannot undo that).
    func clearingReviewers(of commit: Commit) -> [String] {
        let author = resolver.resolve(name: commit.author.name, email: commit.author.email).person?.id
        let others = (verdicts[commit.id.description] ?? []).filter { $0.reviewerID != author }
        guard others.last?.verdict == "cleared" else { return [] }
        return others.filter { $0.verdict == "cleared" }.map(\.reviewerID)
    }

    /// Every reviewer named for `commit`, in message order, then recorded verdicts.
    package func reviewers(of commit: Commit) -> [ReviewEvidence] {
        var out: [ReviewEvidence] = []
        var trailers = commit.trailers
        if trailers.isEmpty { trailers = Self.parseTrailers(commit.body) }
        for trailer in trailers where Self.reviewTrailerKeys.contains(trailer.key.lowercased()) {
            let (name, email) = Self.splitIdentity(trailer.value)
            out.append(ReviewEvidence(identity: resolver.resolve(name: name, email: email), source: .trailer(trailer.key)))
        }
        for id in clearingReviewers(of: commit) {
            if let person = resolver.roster.person(id: id) {
                let identity = ResolvedIdentity(
                    name: person.name,
                    email: person.emails.first ?? "",
                    person: person,
                    method: .key
                )
                out.append(ReviewEvidence(identity: identity, source: .verdict))
            }
        }
        return out
    }

    /// Splits "Jane Doe <jane@example.com>" into name and email (bounded, no regex).
    package static func splitIdentity(_ value: String) -> (name: String, email: String) {
        let bounded = String(value.prefix(1024))
        guard let open = bounded.lastIndex(of: "<"), let close = bounded.lastIndex(of: ">"), open < close else {
            let trimmed = bounded.trimmed
            return trimmed.contains("@") ? ("", trimmed) : (trimmed, "")
        }
        let name = String(bounded[..<open]).trimmed
        let email = String(bounded[bounded.index(after: open)..<close]).trimmed
        return (name, email)
    }

    /// Parses `Key: value` trailer lines from the last paragraph of a message body.
    package static func parseTrailers(_ body: String) -> [Trailer] {
        let paragraphs = body.split(separator: "\n\n", omittingEmptySubsequences: true)
        guard let last = paragraphs.last else { return [] }
        var out: [Trailer] = []
        for line in last.split(separator: "\n").prefix(200) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            guard !key.isEmpty, key.count < 64, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { continue }
            out.append(Trailer(key: String(key), value: String(line[line.index(after: colon)...]).trimmed))
        }
        return out
    }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }
}
