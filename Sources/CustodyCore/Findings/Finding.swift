/// One thing a detector found in one commit, explained for a non-programmer.
///
/// `explanation` is one plain sentence; `evidence` and `excerpt` follow it. Text in `excerpt`
/// comes from the audited repository and is hostile: renderers neutralize it.
package struct Finding: Hashable, Sendable, Codable {
    package var ruleID: String
    package var category: FindingCategory
    package var severity: Severity
    package var confidence: Confidence
    /// Hex object id of the commit that introduced it.
    package var commit: String
    package var path: String?
    package var startLine: Int?
    package var endLine: Int?
    package var excerpt: String
    package var explanation: String
    package var evidence: String
    /// Stable across line shifts elsewhere in the file; used by baselines and review.
    package var fingerprint: String
    /// Whether the flagged lines survive at the audited revision (nil when not computed).
    package var stillPresent: Bool?
    /// For a finding that stands for the same anomaly on several commits (identity anomalies
    /// folded per identity): every commit, hex, in history order; `commit` is the first. Nil otherwise.
    package var relatedCommits: [String]? = nil

    package init(
        ruleID: String,
        category: FindingCategory,
        severity: Severity,
        confidence: Confidence,
        commit: String,
        path: String?,
        startLine: Int?,
        endLine: Int?,
        excerpt: String,
        explanation: String,
        evidence: String,
        fingerprint: String,
        stillPresent: Bool? = nil
    ) {
        self.ruleID = ruleID
        self.category = category
        self.severity = severity
        self.confidence = confidence
        self.commit = commit
        self.path = path
        self.startLine = startLine
        self.endLine = endLine
        self.excerpt = excerpt
        self.explanation = explanation
        self.evidence = evidence
        self.fingerprint = fingerprint
        self.stillPresent = stillPresent
    }
}
