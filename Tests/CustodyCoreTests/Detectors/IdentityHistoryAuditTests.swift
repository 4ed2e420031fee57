import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// Identity anomalies over a whole history, through the Auditor: time zone pattern changes,
/// stopped signing, shared emails and names, and per-commit anomalies folded per identity.
@Suite(.serialized)
struct IdentityHistoryAuditTests {
    struct Built {
        var repo: TemporaryGitRepository
        var ids: [String: String]
    }

    static func sig(_ name: String, _ email: String, _ minute: Int, _ offset: String = "+0000") -> TemporaryGitRepository.Signature {
        .init(name: name, email: email, date: "\(1_700_000_000 + minute * 3_600) \(offset)")
    }

    /// A history with one anomaly of each history-wide kind:
    /// - Alice: 6 commits at -0500, then 3 in a row at +0800 ("tz-7" is the first);
    /// - Bob: 3 commits signed with an SSH key, then one unsigned ("bob-unsigned");
    /// - "Mallory" commits with Alice's email ("mallory");
    /// - "Bob Baker" also commits from another address ("bob-home");
    /// - Dave commits three patches authored by Carol ("carol-1" … "carol-3").
    static func build() throws -> Built {
        let repo = try TemporaryGitRepository()
        var ids: [String: String] = [:]
        var n = 0
        func change(_ key: String, author: TemporaryGitRepository.Signature, committer: TemporaryGitRepository.Signature? = nil) throws {
            n += 1
            try repo.write("f\(n).txt", "change \(n)\n")
            ids[key] = try repo.commit("change \(n)", author: author, committer: committer)
        }
        for i in 0..<6 { try change("tz-\(i)", author: sig("Alice Adams", "alice@vendor.example", n, "-0500")) }
        for i in 6..<9 { try change("tz-\(i)", author: sig("Alice Adams", "alice@vendor.example", n, "+0800")) }
        // Bob signs with an SSH key, three times, then stops.
        let keys = repo.url.deletingLastPathComponent().appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let (bobKey, _) = try SignatureVerifierTests.makeKey(keys, "bob")
        for i in 0..<3 {
            n += 1
            let bob = sig("Bob Baker", "bob@vendor.example", n)
            try repo.write("f\(n).txt", "change \(n)\n")
            try repo.git(["add", "-A"])
            try repo.git(["-c", "gpg.format=ssh", "-c", "user.signingkey=" + bobKey, "commit", "-q", "--no-verify", "-S", "-m", "signed \(i)"],
                         env: TemporaryGitRepository.identityEnvironment(author: bob, committer: bob))
            ids["bob-\(i)"] = try repo.gitString(["rev-parse", "HEAD"])
        }
        try change("bob-unsigned", author: sig("Bob Baker", "bob@vendor.example", n))
        try change("mallory", author: sig("Mallory", "alice@vendor.example", n))
        try change("bob-home", author: sig("Bob Baker", "bob@home.example", n))
        for i in 1...3 {
            try change("carol-\(i)", author: sig("Carol Chen", "carol@partner.example", n), committer: sig("Dave Dunn", "dave@vendor.example", n))
        }
        return Built(repo: repo, ids: ids)
    }

    static func audit(_ repo: TemporaryGitRepository, history: Bool, baseline: AuditBaseline = .empty) throws -> AuditOutcome {
        let configuration = AuditConfiguration(jobs: 2, identityHistory: history ? IdentityAnomalyAnalyzer() : nil)
        return try Auditor(configuration).run(try GitRepository(path: repo.path), baseline: { _ in baseline })
    }

    @Test func historyAnomaliesAppearInTheAuditReport() throws {
        let built = try Self.build()
        let outcome = try Self.audit(built.repo, history: true)
        let identity = outcome.report.findings.filter { $0.category == .identityAnomaly }
        func on(_ rule: DetectorRule) -> [Finding] { identity.filter { $0.ruleID == rule.id } }

        let tz = try #require(on(IdentityAnomalyRules.timeZoneChange).first)
        #expect(on(IdentityAnomalyRules.timeZoneChange).count == 1)
        #expect(tz.commit == built.ids["tz-6"])
        #expect(tz.evidence.contains("-0500") && tz.evidence.contains("+0800"))
        #expect(tz.severity == .medium)

        let stopped = try #require(on(IdentityAnomalyRules.stoppedSigning).first)
        #expect(stopped.commit == built.ids["bob-unsigned"])
        #expect(stopped.evidence.contains("signed the previous 3 commits"))

        let shared = try #require(on(IdentityAnomalyRules.emailUnderSeveralNames).first)
        #expect(shared.commit == built.ids["mallory"])
        #expect(shared.evidence.contains("\"mallory\""))

        let names = try #require(on(IdentityAnomalyRules.nameUnderSeveralEmails).first)
        #expect(names.commit == built.ids["bob-home"])
        #expect(names.evidence.contains("<bob@home.example>"))

        // Dave put in three of Carol's patches: one finding for Dave, listing the three commits.
        let applied = on(IdentityAnomalyRules.authorIsNotCommitter)
        #expect(applied.count == 1)
        #expect(applied.first?.commit == built.ids["carol-1"])
        #expect(applied.first?.relatedCommits == ["carol-1", "carol-2", "carol-3"].map { built.ids[$0]! })
        #expect(applied.first?.evidence.hasPrefix("committer Dave Dunn <dave@vendor.example> put in changes authored by others: 3 commits") == true)

        // The counts follow the folded report; history findings are not stored per run.
        #expect(outcome.report.counts.findings == outcome.report.findings.count)
        #expect(!outcome.newFindings.contains { $0.ruleID == IdentityAnomalyRules.timeZoneChange.id })
        #expect(outcome.newFindings.filter { $0.ruleID == IdentityAnomalyRules.authorIsNotCommitter.id }.count == 3)
    }

    @Test func withoutTheHistoryPassOnlyPerCommitAnomaliesRemain() throws {
        let built = try Self.build()
        let outcome = try Self.audit(built.repo, history: false)
        let rules = Set(outcome.report.findings.map(\.ruleID))
        for rule in [IdentityAnomalyRules.timeZoneChange, IdentityAnomalyRules.stoppedSigning, IdentityAnomalyRules.emailUnderSeveralNames, IdentityAnomalyRules.nameUnderSeveralEmails] {
            #expect(!rules.contains(rule.id))
        }
        // Folding does not depend on the history pass.
        #expect(outcome.report.findings.filter { $0.ruleID == IdentityAnomalyRules.authorIsNotCommitter.id }.count == 1)
    }

    @Test func incrementalRunReportsTheSameAnomaliesOnce() throws {
        let built = try Self.build()
        let first = try Self.audit(built.repo, history: true)
        var stored = AuditBaseline()
        for record in first.newCommits { stored.commits[record.id] = record }
        stored.findings = first.newFindings
        // One more commit by Carol through Dave: the folded finding grows, nothing doubles.
        try built.repo.write("late.txt", "late\n")
        let late = try built.repo.commit("late", author: Self.sig("Carol Chen", "carol@partner.example", 100), committer: Self.sig("Dave Dunn", "dave@vendor.example", 100))
        let second = try Self.audit(built.repo, history: true, baseline: stored)
        #expect(second.report.counts.newCommits == 1)
        let firstRules = first.report.findings.map(\.ruleID).sorted()
        #expect(second.report.findings.map(\.ruleID).sorted() == firstRules)
        let applied = second.report.findings.first { $0.ruleID == IdentityAnomalyRules.authorIsNotCommitter.id }
        #expect(applied?.relatedCommits?.last == late)
        #expect(applied?.relatedCommits?.count == 4)
        // Stable fingerprint while the group grows (baselines keep working).
        #expect(applied?.fingerprint == first.report.findings.first { $0.ruleID == IdentityAnomalyRules.authorIsNotCommitter.id }?.fingerprint)
    }

    @Test func aGroupOfOneKeepsItsOriginalFinding() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("a.txt", "a\n")
        let id = try repo.commit("a", author: Self.sig("Carol Chen", "carol@partner.example", 0), committer: Self.sig("Dave Dunn", "dave@vendor.example", 0))
        let outcome = try Self.audit(repo, history: true)
        let applied = try #require(outcome.report.findings.first { $0.ruleID == IdentityAnomalyRules.authorIsNotCommitter.id })
        #expect(applied.commit == id)
        #expect(applied.relatedCommits == nil)
        #expect(applied.evidence.hasPrefix("author Carol Chen"))
    }
}
