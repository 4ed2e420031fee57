import Testing

@testable import CustodyCore

struct RiskScoreTests {
    func finding(_ severity: Severity, _ confidence: Confidence = .high, commit: Commit, path: String = "src/a.c") -> Finding {
        Finding(
            ruleID: "CUST-TEST-001", category: .buildTampering, severity: severity, confidence: confidence,
            commit: commit.id.description, path: path, startLine: 1, endLine: 1, excerpt: "x",
            explanation: "Something happened.", evidence: "e", fingerprint: String(repeating: "a", count: 32)
        )
    }

    func commit(_ paths: [String]) -> Commit {
        var blobs = InMemoryBlobSource()
        let changes = paths.map { BuildDetectorFixtures.change($0, old: nil, new: "x\n", blobs: &blobs) }
        return BuildDetectorFixtures.commit(changes, subject: paths.joined())
    }

    @Test func quietCommitByEstablishedAuthorScoresNothing() {
        let c = commit(["README.md"])
        let score = RiskScorer.score(commit: c, findings: [], contributor: .established)
        #expect(score.value == 0)
        #expect(score.level == .info)
        #expect(score.reasons.isEmpty)
    }

    @Test func criticalFindingByUnknownFirstTimeAuthorInBuildFilesIsCritical() {
        let c = commit(["m4/build-to-host.m4", "tests/files/bad-3-corrupt_lzma2.xz"])
        let contributor = ContributorContext(isKnownIdentity: false, isFirstContribution: true)
        let score = RiskScorer.score(commit: c, findings: [finding(.critical, commit: c)], contributor: contributor)
        #expect(score.level == .critical)
        #expect(score.value == 100)
        #expect(score.areas.contains(.build))
        #expect(score.reasons.contains("The author is not on the roster."))
        #expect(score.reasons.first?.hasPrefix("1 finding, the worst critical") == true)
    }

    @Test func authorAndAreaRaiseTheSameFindings() {
        let c = commit(["src/auth/login.c"])
        let findings = [finding(.medium, commit: c)]
        let known = RiskScorer.score(commit: c, findings: findings, contributor: .established)
        let newcomer = RiskScorer.score(commit: c, findings: findings, contributor: ContributorContext(isKnownIdentity: true, isFirstContribution: true))
        let restricted = RiskScorer.score(commit: c, findings: findings, contributor: ContributorContext(isKnownIdentity: true, isRestrictedByPolicy: true))
        #expect(known.value < newcomer.value)
        #expect(newcomer.value < restricted.value)
        #expect(known.areas == [.auth])
        let plain = commit(["docs/guide.md"])
        let plainScore = RiskScorer.score(commit: plain, findings: [finding(.medium, commit: plain)], contributor: .established)
        #expect(plainScore.value < known.value)
    }

    @Test func findingsOfOtherCommitsAreIgnoredAndMoreFindingsDecay() {
        let c = commit(["src/x.c"])
        let other = commit(["src/y.c"])
        let one = RiskScorer.score(commit: c, findings: [finding(.high, commit: c), finding(.critical, commit: other)], contributor: .established)
        #expect(one.findingCount == 1)
        #expect(one.value == 35)
        let two = RiskScorer.score(commit: c, findings: [finding(.high, commit: c), finding(.high, commit: c)], contributor: .established)
        #expect(two.value == 53)  // 35 + 17.5, rounded
        let lowConfidence = RiskScorer.score(commit: c, findings: [finding(.high, .low, commit: c)], contributor: .established)
        #expect(lowConfidence.value == 18)
    }

    @Test func rankingSortsByValueThenCommit() {
        let scores = [
            RiskScore(commit: "b", value: 10, level: .low, reasons: [], areas: [], findingCount: 1),
            RiskScore(commit: "a", value: 90, level: .critical, reasons: [], areas: [], findingCount: 2),
            RiskScore(commit: "a2", value: 10, level: .low, reasons: [], areas: [], findingCount: 1),
        ]
        #expect(RiskScorer.ranked(scores).map(\.commit) == ["a", "a2", "b"])
    }

    @Test func escalationRaisesSensitiveFindingsOnlyForRiskyAuthors() {
        let c = commit(["CMakeLists.txt"])
        let findings = [
            finding(.medium, commit: c, path: "CMakeLists.txt"),
            finding(.medium, commit: c, path: "docs/a.md"),
            finding(.high, commit: c, path: ".github/workflows/ci.yml"),
            finding(.low, commit: c, path: "CMakeLists.txt"),
        ]
        let raised = RiskScorer.escalated(findings, contributor: ContributorContext(isKnownIdentity: false))
        #expect(raised.map(\.severity) == [.high, .medium, .critical, .low])
        #expect(RiskScorer.escalated(findings, contributor: .established) == findings)
    }
}
