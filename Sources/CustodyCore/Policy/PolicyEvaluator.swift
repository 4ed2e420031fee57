/// Evaluates a ``Policy`` on one commit and returns the violations, in rule order.
///
/// ```swift
/// let evaluator = PolicyEvaluator(policy: policy)
/// let violations = evaluator.evaluate(
///     commit: commit,
///     authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
///     committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
///     reviewers: collector.reviewers(of: commit),
///     signature: check)
/// ```
///
/// A rule applies to a commit when its `who` matches the author (the committer for
/// `forbid: commit`), at least one changed path matches its `paths` (or it has none), and the
/// commit's author date **or** commit date falls in its `since`/`until` window: back-dating one
/// of the two dates does not move a commit out of a rule. When the two dates disagree by more
/// than the bound, the violation says so.
package struct PolicyEvaluator: Sendable {
    package var policy: Policy

    package init(policy: Policy) {
        self.policy = policy
    }

    /// - Parameters:
    ///   - commit: the commit, with its file changes.
    ///   - authorIdentity: the author resolved through the roster.
    ///   - committerIdentity: the committer resolved through the roster.
    ///   - reviewers: review evidence (trailers, recorded verdicts); reviews by the author do not count.
    ///   - signature: the signature check; nil means "not checked" and is treated as unsigned.
    /// - Returns: the violations, in rule order.
    package func evaluate(
        commit: Commit,
        authorIdentity: ResolvedIdentity,
        committerIdentity: ResolvedIdentity,
        reviewers: [ReviewEvidence],
        signature: SignatureCheck?
    ) -> [Violation] {
        var out: [Violation] = []
        for rule in policy.rules {
            let subject = rule.action == .forbidCommit ? committerIdentity : authorIdentity
            guard rule.who.matches(subject.person) else { continue }
            guard let paths = coveredPaths(commit, rule) else { continue }
            if rule.hasWindow, !rule.covers(time: commit.author.time), !rule.covers(time: commit.committer.time) {
                continue
            }
            let person = Self.describe(subject)
            let skew = dateDisagreement(commit, rule)
            let base = Violation(
                ruleID: rule.id,
                commit: commit.id.description,
                personID: subject.person?.id,
                identity: "\(subject.name) <\(subject.email)>",
                severity: rule.severity,
                explanation: "",
                required: "",
                found: "",
                paths: paths,
                dateDisagreement: skew
            )
            let scope = Self.scopeText(rule, paths: paths)
            switch rule.action {
            case .forbidAuthor:
                var v = base
                v.explanation = "\(person) wrote this change, but the policy does not allow \(rule.who.plainDescription) to author code\(scope)."
                v.required = "no commits authored by \(rule.who.plainDescription)\(scope)"
                v.found = "authored by \(person)"
                out.append(v)
            case .forbidCommit:
                var v = base
                v.explanation = "\(person) committed this change, but the policy does not allow \(rule.who.plainDescription) to commit code\(scope)."
                v.required = "no commits committed by \(rule.who.plainDescription)\(scope)"
                v.found = "committed by \(person)"
                out.append(v)
            case .report:
                var v = base
                v.explanation = "\(person) wrote this change, and the policy flags every change by \(rule.who.plainDescription)\(scope)."
                v.required = "no commits by \(rule.who.plainDescription)\(scope)"
                v.found = "authored by \(person)"
                out.append(v)
            case .requireReview(let reviewerPredicate):
                let found = reviewFinding(reviewers, author: authorIdentity, predicate: reviewerPredicate)
                if let found {
                    var v = base
                    v.explanation = "\(person) wrote this change and nobody qualified reviewed it, which the policy requires."
                    v.required = "a review by \(reviewerPredicate.plainDescription), other than the author"
                    v.found = found
                    out.append(v)
                }
            case .requireSignature:
                if let found = signatureFinding(signature, author: authorIdentity) {
                    var v = base
                    v.explanation = "This change is not signed with a key the roster gives to its author \(person), which the policy requires."
                    v.required = "a valid signature made with a key registered to the author on the roster"
                    v.found = found
                    out.append(v)
                }
            }
        }
        return out
    }

    /// Nil when the rule has paths and none of the commit's changes matches; otherwise the
    /// matching paths (empty when the rule covers every path), at most 5.
    private func coveredPaths(_ commit: Commit, _ rule: PolicyRule) -> [String]? {
        guard !rule.paths.isEmpty else { return [] }
        var matched: [String] = []
        var count = 0
        for change in commit.changes {
            let candidates = [change.newPath, change.oldPath].compactMap { $0 }
            if candidates.contains(where: { path in rule.paths.contains { $0.matches(path) } }) {
                count += 1
                if matched.count < 5 { matched.append(change.path) }
            }
        }
        return count == 0 ? nil : matched
    }

    private func dateDisagreement(_ commit: Commit, _ rule: PolicyRule) -> String? {
        let bound = rule.maxDateSkewSeconds ?? policy.maxDateSkewSeconds
        let skew = abs(commit.committer.time - commit.author.time)
        guard skew > bound else { return nil }
        var text = "the author date and the commit date are \(Self.duration(skew)) apart (the policy allows \(Self.duration(bound)))"
        if rule.hasWindow, rule.covers(time: commit.author.time) != rule.covers(time: commit.committer.time) {
            text += "; only the \(rule.covers(time: commit.author.time) ? "author" : "commit") date falls in the rule's dates"
        }
        return text
    }

    private func reviewFinding(_ reviewers: [ReviewEvidence], author: ResolvedIdentity, predicate: PolicyPredicate) -> String? {
        if reviewers.isEmpty { return "no review recorded" }
        var notes: [String] = []
        for review in reviewers {
            let isSelf: Bool
            if let reviewer = review.identity.person, let writer = author.person {
                isSelf = reviewer.id == writer.id
            } else {
                isSelf = !review.identity.email.isEmpty && review.identity.email.lowercased() == author.email.lowercased()
            }
            if isSelf {
                notes.append("\(review.plainDescription), who is the author (a self-review does not count)")
            } else if review.identity.person == nil {
                notes.append("\(review.plainDescription)")
            } else if predicate.matches(review.identity.person) {
                return nil
            } else {
                notes.append("\(review.plainDescription), who is not \(predicate.plainDescription)")
            }
        }
        return "reviewed only by " + notes.joined(separator: "; ")
    }

    private func signatureFinding(_ signature: SignatureCheck?, author: ResolvedIdentity) -> String? {
        guard let signature, signature.kind != .none else { return "the commit is not signed" }
        switch signature.status {
        case .verified:
            if let signer = signature.signerPersonID, let writer = author.person?.id, signer == writer { return nil }
            let owner = signature.signerPersonID ?? "someone else"
            return "signed with a key registered to \(owner), not to the author"
        case .unsigned: return "the commit is not signed"
        case .unknownKey: return "signed with a key that is on no one's roster entry (\(signature.keyFingerprint ?? "unknown key"))"
        case .bad: return "the signature does not match the commit's content (it was altered after signing, or forged)"
        case .notVerifiable: return "the signature could not be checked: \(signature.detail)"
        }
    }

    static func describe(_ identity: ResolvedIdentity) -> String {
        if let person = identity.person { return "\(person.name) (\(person.id))" }
        return "\(identity.name) <\(identity.email)> (not on the roster)"
    }

    static func scopeText(_ rule: PolicyRule, paths: [String]) -> String {
        var text = ""
        if !rule.paths.isEmpty, !(rule.paths.count == 1 && rule.paths[0].pattern == "**") {
            text += " in \(rule.paths.map(\.pattern).joined(separator: ", "))"
        }
        if let since = rule.since { text += " from \(PolicyDate.format(since))" }
        if let until = rule.until { text += " before \(PolicyDate.format(until))" }
        return text
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds >= 86_400 { return "\(seconds / 86_400) days" }
        if seconds >= 3_600 { return "\(seconds / 3_600) hours" }
        return "\(seconds) seconds"
    }
}
