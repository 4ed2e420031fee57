/// The checks `custody gate` runs on new commits: the policy, every detector, and the
/// identity-anomaly history pass; returns what blocks and what does not.
///
/// ```swift
/// let gate = Gate(policy: policy, roster: roster, threshold: .high)
/// let result = gate.check(newCommits: commits, earlierCommits: [], blobs: reader,
///                         rawCommit: { reader.readObject($0, limit: 1 << 20)?.bytes })
/// for line in result.blockingLines { print(line) }
/// ```
package struct Gate: Sendable {
    package var policy: Policy?
    package var resolver: IdentityResolver
    package var suite: DetectorSuite
    package var verifier: SignatureVerifier
    /// Violations and findings at or above this severity block.
    package var threshold: Severity
    /// Verdicts recorded with `custody review` (count as reviews).
    package var recorded: [RecordedReview]

    package init(
        policy: Policy?,
        roster: Roster,
        threshold: Severity = .high,
        suite: DetectorSuite = DetectorSuite(),
        gpg: GPGVerifier? = nil,
        recorded: [RecordedReview] = []
    ) {
        self.policy = policy
        self.resolver = IdentityResolver(roster: roster)
        self.suite = suite
        self.verifier = SignatureVerifier(roster: roster, gpg: gpg)
        self.threshold = threshold
        self.recorded = recorded
    }

    package struct Result: Sendable {
        package var violations: [Violation]
        package var findings: [Finding]
        package var signatures: [ObjectID: SignatureCheck]
        /// One readable line per blocking reason, in commit order.
        package var blockingLines: [String]
        package var blocked: Bool { !blockingLines.isEmpty }
    }

    /// - Parameters:
    ///   - newCommits: the commits being pushed or proposed, oldest first.
    ///   - earlierCommits: history before them, for identity patterns (may be empty).
    ///   - blobs: reads changed blobs for detectors.
    ///   - rawCommit: reads a raw commit object for signature checks (nil: unreadable).
    package func check(
        newCommits: [Commit],
        earlierCommits: [Commit] = [],
        blobs: some BlobSource,
        rawCommit: (ObjectID) -> [UInt8]?
    ) -> Result {
        var violations: [Violation] = []
        var findings: [Finding] = []
        var signatures: [ObjectID: SignatureCheck] = [:]
        var lines: [String] = []
        let collector = ReviewCollector(resolver: resolver, recorded: recorded)
        let evaluator = policy.map(PolicyEvaluator.init)
        for commit in newCommits {
            let check: SignatureCheck
            if commit.signature == .none {
                check = .unsigned
            } else if let raw = rawCommit(commit.id) {
                check = verifier.check(rawCommit: raw)
            } else {
                check = SignatureCheck(kind: commit.signature, status: .notVerifiable, detail: "the commit object could not be read")
            }
            signatures[commit.id] = check
            if let evaluator {
                violations += evaluator.evaluate(
                    commit: commit,
                    authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
                    committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
                    reviewers: collector.reviewers(of: commit),
                    signature: check
                )
            }
            findings += suite.scan(commit, blobs: blobs)
        }
        let newIDs = Set(newCommits.map(\.id))
        let history = IdentityAnomalyAnalyzer(resolver: resolver).analyze(commits: earlierCommits + newCommits, signatures: signatures)
        findings += history.filter { finding in newIDs.contains { $0.description == finding.commit } }

        let order = Dictionary(uniqueKeysWithValues: newCommits.enumerated().map { ($0.element.id.description, $0.offset) })
        var reasons: [(Int, String)] = []
        for v in violations where v.severity >= threshold {
            reasons.append((order[v.commit] ?? 0, "\(v.commit.prefix(12)) [\(v.severity.rawValue)] policy \(v.ruleID): \(v.explanation) Found: \(v.found)."))
        }
        for f in findings where f.severity >= threshold {
            let place = f.path.map { " \($0)" + (f.startLine.map { ":\($0)" } ?? "") } ?? ""
            reasons.append((order[f.commit] ?? 0, "\(f.commit.prefix(12)) [\(f.severity.rawValue)] \(f.ruleID)\(place): \(f.explanation) \(f.evidence)"))
        }
        lines = reasons.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
        return Result(violations: violations, findings: findings, signatures: signatures, blockingLines: lines)
    }
}
