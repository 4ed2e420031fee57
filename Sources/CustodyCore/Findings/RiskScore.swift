/// Who made a commit, as far as the roster and the policy know: the input that lets a commit's
/// risk rise with its author.
///
/// Built by the audit from identity resolution and policy evaluation; citizenship or any other
/// attribute is never inferred here.
package struct ContributorContext: Hashable, Sendable, Codable {
    /// The author resolved to a person on the roster.
    package var isKnownIdentity: Bool
    /// This is the first commit of that identity (or person) in the audited history.
    package var isFirstContribution: Bool
    /// A policy rule restricts this person (for example forbids them to author these paths).
    package var isRestrictedByPolicy: Bool
    /// Commits by the same person before this one, when known.
    package var priorCommits: Int?

    package init(
        isKnownIdentity: Bool,
        isFirstContribution: Bool = false,
        isRestrictedByPolicy: Bool = false,
        priorCommits: Int? = nil
    ) {
        self.isKnownIdentity = isKnownIdentity
        self.isFirstContribution = isFirstContribution
        self.isRestrictedByPolicy = isRestrictedByPolicy
        self.priorCommits = priorCommits
    }

    /// A known, established contributor: adds nothing to the score.
    package static let established = ContributorContext(isKnownIdentity: true)

    /// Whether anything about the author raises risk.
    package var raisesRisk: Bool { !isKnownIdentity || isFirstContribution || isRestrictedByPolicy }
}

/// A commit's risk: a number from 0 to 100, the level it maps to, and the plain reasons.
///
/// Reports sort commits by ``value`` (highest first); ties keep the history order.
package struct RiskScore: Hashable, Sendable, Codable {
    /// Hex id of the commit.
    package var commit: String
    /// 0 (nothing notable) to 100.
    package var value: Int
    package var level: Severity
    /// Plain sentences, most important first.
    package var reasons: [String]
    /// Sensitive areas the commit touches, sorted.
    package var areas: [SensitiveArea]
    package var findingCount: Int

    package init(commit: String, value: Int, level: Severity, reasons: [String], areas: [SensitiveArea], findingCount: Int) {
        self.commit = commit
        self.value = value
        self.level = level
        self.reasons = reasons
        self.areas = areas
        self.findingCount = findingCount
    }
}

/// Combines a commit's findings, its author and what it touches into a ``RiskScore``.
///
/// ```swift
/// let findings = DetectorSuite().scan(commit, blobs: blobs)
/// let score = RiskScorer.score(commit: commit, findings: findings,
///                              contributor: ContributorContext(isKnownIdentity: false, isFirstContribution: true))
/// ```
package enum RiskScorer {
    /// Points of the worst finding of each severity before confidence and decay.
    static func weight(_ severity: Severity) -> Double {
        switch severity {
        case .critical: 60
        case .high: 35
        case .medium: 15
        case .low: 5
        case .info: 1
        }
    }

    static func factor(_ confidence: Confidence) -> Double {
        switch confidence {
        case .high: 1.0
        case .medium: 0.8
        case .low: 0.5
        }
    }

    static func points(_ area: SensitiveArea) -> Double {
        switch area {
        case .build, .ci, .installScripts, .sandbox: 8
        case .auth, .crypto: 6
        case .dependencies: 4
        }
    }

    /// The sensitive areas a commit's changed paths touch.
    package static func areas(of commit: Commit) -> Set<SensitiveArea> {
        var out = Set<SensitiveArea>()
        for change in commit.changes.prefix(5000) {
            out.formUnion(BuildFiles.sensitiveAreas(of: change.path))
            if let old = change.oldPath, old != change.path { out.formUnion(BuildFiles.sensitiveAreas(of: old)) }
        }
        return out
    }

    /// Scores one commit.
    ///
    /// Findings add decaying points (the worst counts fully, the next half, then a quarter…),
    /// multiplied when the author is unknown, new or restricted; the author and the sensitive
    /// areas touched add points of their own.
    ///
    /// - Complexity: O(findings log findings + changes).
    package static func score(commit: Commit, findings: [Finding], contributor: ContributorContext) -> RiskScore {
        score(commitID: commit.id.description, findings: findings, areas: areas(of: commit), contributor: contributor)
    }

    /// Scores one commit given the sensitive areas its changes touch (for commits whose changes
    /// are no longer in memory, such as those of earlier runs).
    package static func score(
        commitID: String,
        findings: [Finding],
        areas: Set<SensitiveArea>,
        contributor: ContributorContext
    ) -> RiskScore {
        let ownFindings = findings.filter { $0.commit == commitID }
        let weights = ownFindings.map { weight($0.severity) * factor($0.confidence) }.sorted(by: >)
        var findingPoints = 0.0
        var decay = 1.0
        for w in weights.prefix(12) {
            findingPoints += w * decay
            decay *= 0.5
        }
        var multiplier = 1.0
        var contributorPoints = 0.0
        var reasons: [String] = []
        if let worst = ownFindings.max(by: { ($0.severity, $0.confidence) < ($1.severity, $1.confidence) }) {
            let count = ownFindings.count
            reasons.append("\(count) finding\(count == 1 ? "" : "s"), the worst \(worst.severity.rawValue): \(worst.explanation)")
        }
        if contributor.isRestrictedByPolicy {
            multiplier += 0.7
            contributorPoints += 20
            reasons.append("The author is restricted by the organization's policy.")
        }
        if !contributor.isKnownIdentity {
            multiplier += 0.5
            contributorPoints += 10
            reasons.append("The author is not on the roster.")
        }
        if contributor.isFirstContribution {
            multiplier += 0.3
            contributorPoints += 5
            reasons.append("This is the author's first commit in the history.")
        }
        var areaPoints = min(20, areas.reduce(0) { $0 + points($1) })
        if contributor.raisesRisk, !areas.isEmpty { areaPoints += 10 }
        if !areas.isEmpty {
            reasons.append("It changes " + areas.sorted().map(\.rawValue).joined(separator: ", ") + " files.")
        }
        let raw = findingPoints * multiplier + contributorPoints + areaPoints
        let value = max(0, min(100, Int(raw.rounded())))
        let level: Severity =
            switch value {
            case 80...: .critical
            case 55..<80: .high
            case 30..<55: .medium
            case 10..<30: .low
            default: .info
            }
        return RiskScore(
            commit: commitID,
            value: value,
            level: level,
            reasons: reasons,
            areas: areas.sorted(),
            findingCount: ownFindings.count
        )
    }

    /// Raises by one step the severity of medium and high findings on sensitive paths when the
    /// author is unknown, new or restricted (DESIGN: "severity rises with who made the change and
    /// with what it touches"). Critical, low and info findings keep theirs.
    package static func escalated(_ findings: [Finding], contributor: ContributorContext) -> [Finding] {
        guard contributor.raisesRisk else { return findings }
        return findings.map { finding in
            guard let path = finding.path, finding.severity == .medium || finding.severity == .high,
                !BuildFiles.sensitiveAreas(of: path).isEmpty
            else { return finding }
            var raised = finding
            raised.severity = finding.severity == .medium ? .high : .critical
            return raised
        }
    }

    /// Scores sorted for a report: highest value first, then by commit id for a stable order.
    package static func ranked(_ scores: [RiskScore]) -> [RiskScore] {
        scores.sorted { a, b in a.value != b.value ? a.value > b.value : a.commit < b.commit }
    }
}
