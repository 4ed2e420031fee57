/// A commit that breaks a policy rule, explained for a non-programmer.
///
/// `explanation` is one plain sentence; `required` and `found` say, in plain words, what the
/// rule asked for and what the commit shows. Names and emails come from the audited
/// repository and are hostile: renderers neutralize them.
package struct Violation: Hashable, Sendable, Codable {
    package var ruleID: String
    /// Hex object id of the commit.
    package var commit: String
    /// The roster id of the person concerned (author, or committer for `forbid: commit`); nil
    /// when the identity is not on the roster.
    package var personID: String?
    /// The raw identity as git records it: "Name <email>".
    package var identity: String
    package var severity: Severity
    /// One plain sentence that opens the violation.
    package var explanation: String
    package var required: String
    package var found: String
    /// Paths of the commit that fall under the rule (at most a few; empty when the rule covers
    /// every path).
    package var paths: [String]
    /// Set when the author date and commit date disagree by more than the policy's bound.
    package var dateDisagreement: String?

    package init(
        ruleID: String,
        commit: String,
        personID: String?,
        identity: String,
        severity: Severity,
        explanation: String,
        required: String,
        found: String,
        paths: [String] = [],
        dateDisagreement: String? = nil
    ) {
        self.ruleID = ruleID
        self.commit = commit
        self.personID = personID
        self.identity = identity
        self.severity = severity
        self.explanation = explanation
        self.required = required
        self.found = found
        self.paths = paths
        self.dateDisagreement = dateDisagreement
    }

    /// One line for a terminal or a hook: "rule: explanation (found)". Not neutralized.
    package var oneLine: String {
        let short = String(commit.prefix(12))
        return "\(short) \(ruleID): \(explanation) Required: \(required). Found: \(found)."
    }
}
