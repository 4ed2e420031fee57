/// An organization's policy: rules that say who may touch what, and what each change needs.
///
/// Loaded from `policy.yaml` by ``PolicyLoader``; evaluated per commit by ``PolicyEvaluator``.
package struct Policy: Hashable, Sendable {
    package var rules: [PolicyRule]
    /// Default bound on how far a commit's author date and commit date may disagree before a
    /// violation says so (seconds). `settings: { maxDateSkew: 7d }` in the file.
    package var maxDateSkewSeconds: Int64
    /// Where the policy came from (file path), for messages.
    package var source: String

    package init(rules: [PolicyRule], maxDateSkewSeconds: Int64 = 7 * 86_400, source: String = "policy") {
        self.rules = rules
        self.maxDateSkewSeconds = maxDateSkewSeconds
        self.source = source
    }
}

/// What a rule forbids or requires of the people it selects.
package enum PolicyAction: Hashable, Sendable {
    /// The selected people may not author commits (in the rule's paths and dates).
    case forbidAuthor
    /// The selected people may not commit (be the committer of) commits.
    case forbidCommit
    /// Commits authored by the selected people need a review by someone matching the predicate.
    case requireReview(reviewer: PolicyPredicate)
    /// Commits authored by the selected people must be signed by a key the roster registers to
    /// the author.
    case requireSignature
    /// No `forbid`/`require`: every commit by a selected person is reported (for example
    /// `who: unknown`).
    case report
}

/// One rule of the policy.
package struct PolicyRule: Hashable, Sendable {
    package var id: String
    package var description: String?
    package var who: PolicyPredicate
    package var action: PolicyAction
    /// Empty means every path (and commits that change no file).
    package var paths: [PathGlob]
    /// Inclusive start, epoch seconds (UTC midnight for a plain date).
    package var since: Int64?
    /// Exclusive end, epoch seconds (the midnight after a plain date: the day is included).
    package var until: Int64?
    /// Overrides ``Policy/maxDateSkewSeconds`` for this rule.
    package var maxDateSkewSeconds: Int64?
    package var severity: Severity
    /// "file:line" of the rule, for messages.
    package var location: String?

    package init(
        id: String,
        description: String? = nil,
        who: PolicyPredicate = .everyone,
        action: PolicyAction,
        paths: [PathGlob] = [],
        since: Int64? = nil,
        until: Int64? = nil,
        maxDateSkewSeconds: Int64? = nil,
        severity: Severity = .high,
        location: String? = nil
    ) {
        self.id = id
        self.description = description
        self.who = who
        self.action = action
        self.paths = paths
        self.since = since
        self.until = until
        self.maxDateSkewSeconds = maxDateSkewSeconds
        self.severity = severity
        self.location = location
    }

    /// True when the time falls in the rule's window.
    package func covers(time: Int64) -> Bool {
        if let since, time < since { return false }
        if let until, time >= until { return false }
        return true
    }

    package var hasWindow: Bool { since != nil || until != nil }
}
