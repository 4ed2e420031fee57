import CustodyCore
import CustodyStore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct SQLiteAuditStoreTests {
    /// A temporary folder removed when the value goes away.
    final class TemporaryFolder {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("custody-store-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static func commit(_ n: Int) -> AuditedCommit {
        AuditedCommit(
            id: String(repeating: "0", count: 32) + String(format: "%08x", n),
            parents: n == 0 ? [] : [String(repeating: "0", count: 32) + String(format: "%08x", n - 1)],
            authorName: "Author \(n % 7) \u{1b}[31m",
            authorEmail: "a\(n % 7)@x.example",
            authorTime: 1_700_000_000 + Int64(n),
            authorOffsetMinutes: -480,
            committerName: "Committer",
            committerEmail: "c@x.example",
            committerTime: 1_700_000_100 + Int64(n),
            subject: "Change \(n) \u{202E}",
            signature: n % 2 == 0 ? .ssh : .none,
            trailers: n % 3 == 0 ? [.init(key: "Signed-off-by", value: "A \"q\" <a@x.example>\n")] : [],
            stats: .init(filesChanged: n % 5, filesAdded: 1, linesAdded: n, bytesAdded: n * 10)
        )
    }

    static func outcome(commits: [AuditedCommit], findings: [Finding] = [], problems: [ReadProblem] = []) -> AuditOutcome {
        var report = AuditReport(repository: .init(path: "/repo", rootCommits: ["root1", "root2"]))
        report.startedAt = "2026-11-29T10:00:00Z"
        report.counts.commits = commits.count
        report.counts.newCommits = commits.count
        report.unknownIdentities = [.init(name: "Mallory", email: "m@x.example")]
        return AuditOutcome(
            report: report,
            rootCommits: ["root1", "root2"],
            newCommits: commits,
            newFindings: findings,
            newProblems: problems
        )
    }

    @Test func recordsAndReloadsEveryField() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/custody.sqlite"
        let commits = (0..<10).map(Self.commit)
        let finding = Finding(
            ruleID: "CUST-TEST-001",
            category: .hiddenUnicode,
            severity: .high,
            confidence: .medium,
            commit: commits[3].id,
            path: "src/a.c",
            startLine: 4,
            endLine: 5,
            excerpt: "x\u{202E}y",
            explanation: "A plain sentence.",
            evidence: "evidence",
            fingerprint: "fp1",
            stillPresent: true
        )
        let problems = [
            ReadProblem(commit: commits[4].id, path: "big.bin", object: "ab", reason: "missing blob"),
            ReadProblem(reason: "a problem with no commit"),
        ]
        do {
            let store = try SQLiteAuditStore(path: path)
            #expect(try store.seenCommitIDs(repository: ["root1", "root2"]).isEmpty)
            let runID = try store.record(Self.outcome(commits: commits, findings: [finding], problems: problems))
            #expect(runID == 1)
        }
        // Reopen from the file: everything is there.
        let store = try SQLiteAuditStore(path: path)
        #expect(try store.seenCommitIDs(repository: ["root2", "root1"]) == Set(commits.map(\.id)))
        #expect(try store.seenCommitIDs(repository: ["other"]).isEmpty)
        let baseline = try store.baseline(repository: ["root1", "root2"])
        #expect(baseline.commits.count == 10)
        for commit in commits { #expect(baseline.commits[commit.id] == commit) }
        #expect(baseline.findings == [finding])
        #expect(baseline.problems == [problems[0]])
        let runs = try store.runs(repository: ["root1", "root2"])
        #expect(runs.count == 1)
        #expect(runs.first?.totalCommits == 10)
        let report = try JSONReport.decode(Array(try #require(runs.first).reportJSON.utf8))
        #expect(report.repository.rootCommits == ["root1", "root2"])
    }

    @Test func aSecondRecordAddsOnlyNewCommits() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteAuditStore(path: folder.path + "/custody.sqlite")
        try store.record(Self.outcome(commits: (0..<5).map(Self.commit)))
        // Re-recording an already stored commit is ignored, not duplicated or failed.
        try store.record(Self.outcome(commits: (3..<8).map(Self.commit)))
        #expect(try store.seenCommitIDs(repository: ["root1", "root2"]).count == 8)
        #expect(try store.runs(repository: ["root1", "root2"]).map(\.id) == [2, 1])
    }

    /// The audit command starts the write when the history is read and completes it with the
    /// report: the stored run is the one the outcome describes, not the row it started as.
    @Test func aRecordBegunEarlyStoresTheFinishedRun() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/custody.sqlite"
        let commits = (0..<20).map(Self.commit)
        var outcome = Self.outcome(commits: commits)
        outcome.report.durationSeconds = 4.5
        outcome.report.counts.findings = 0
        do {
            let store = try SQLiteAuditStore(path: path)
            let pending = store.beginRecord(
                rootCommits: outcome.rootCommits,
                path: "/repo",
                startedAt: outcome.report.startedAt,
                newCommits: commits
            )
            pending.complete(outcome, reportJSON: nil)
            #expect(try pending.wait() == 1)
        }
        let store = try SQLiteAuditStore(path: path)
        let runs = try store.runs(repository: ["root1", "root2"])
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.durationSeconds == 4.5)
        #expect(run.totalCommits == 20)
        #expect(run.newCommits == 20)
        #expect(run.toolVersion == outcome.report.tool.version)
        #expect(try JSONReport.decode(Array(run.reportJSON.utf8)).counts.commits == 20)
        #expect(try store.seenCommitIDs(repository: ["root1", "root2"]) == Set(commits.map(\.id)))
    }

    /// An audit that stops after its commits went in (an error while the report is put
    /// together) stores nothing: the next audit reads those commits again rather than taking
    /// them as audited without their findings.
    @Test func aCancelledRecordStoresNothing() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/custody.sqlite"
        let store = try SQLiteAuditStore(path: path)
        try store.record(Self.outcome(commits: (0..<3).map(Self.commit)))
        let pending = store.beginRecord(
            rootCommits: ["root1", "root2"],
            path: "/repo",
            startedAt: "2026-11-30T10:00:00Z",
            newCommits: (3..<50).map(Self.commit)
        )
        pending.cancel()
        #expect(throws: CustodyError.self) { try pending.wait() }
        // Completing after a cancel changes nothing.
        pending.complete(Self.outcome(commits: (3..<50).map(Self.commit)), reportJSON: nil)
        #expect(throws: CustodyError.self) { try pending.wait() }
        #expect(try store.seenCommitIDs(repository: ["root1", "root2"]).count == 3)
        #expect(try store.runs(repository: ["root1", "root2"]).count == 1)
        // The store is usable again once the cancelled write has rolled back.
        try store.record(Self.outcome(commits: (3..<5).map(Self.commit)))
        #expect(try store.seenCommitIDs(repository: ["root1", "root2"]).count == 5)
    }

    @Test func inMemoryStoreWorks() throws {
        let store = try SQLiteAuditStore(path: ":memory:")
        try store.record(Self.outcome(commits: [Self.commit(1)]))
        #expect(try store.seenCommitIDs(repository: ["root1", "root2"]).count == 1)
    }

    @Test func unopenableStoreIsAnIOError() {
        #expect(throws: CustodyError.self) {
            try SQLiteAuditStore(path: "/proc/no-such-dir/custody.sqlite")
        }
    }

    @Test func workspaceIsNeverInsideTheRepository() throws {
        let folder = try TemporaryFolder()
        let repo = folder.path + "/repo"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        #expect(throws: CustodyError.self) {
            try Workspace(path: repo + "/.custody").prepare(outside: [repo])
        }
        #expect(throws: CustodyError.self) {
            try Workspace(path: repo).prepare(outside: [repo])
        }
        try Workspace(path: folder.path + "/repo-state").prepare(outside: [repo])
        #expect(FileManager.default.fileExists(atPath: folder.path + "/repo-state"))
        #expect(Workspace.resolve(explicit: nil, environment: ["CUSTODY_HOME": "/x"]).path == "/x")
        #expect(Workspace.resolve(explicit: "/y", environment: ["CUSTODY_HOME": "/x"]).path == "/y")
        #expect(Workspace.resolve(explicit: nil, environment: ["HOME": "/home/u"]).path == "/home/u/.custody")
    }

    @Test func incrementalAuditReadsOnlyNewCommits() throws {
        let folder = try TemporaryFolder()
        let repo = try TemporaryGitRepository()
        let alice = TemporaryGitRepository.Signature(name: "Alice", email: "alice@x.example")
        for n in 0..<5 {
            try repo.write("f\(n).txt", "line \(n)\n")
            try repo.commit("commit \(n)", author: alice)
        }
        let roster = Roster(people: [Person(id: "alice", name: "Alice", emails: ["alice@x.example"])])
        let auditor = Auditor(AuditConfiguration(jobs: 2, resolver: IdentityResolver(roster: roster)))
        let path = folder.path + "/custody.sqlite"

        let first = try auditor.run(
            try GitRepository(path: repo.path),
            baseline: { try SQLiteAuditStore(path: path).baseline(repository: $0) }
        )
        #expect(first.report.counts.commits == 5)
        #expect(first.report.counts.newCommits == 5)
        #expect(first.report.options.incremental == false)
        try SQLiteAuditStore(path: path).record(first)

        let mallory = TemporaryGitRepository.Signature(name: "Mallory", email: "m@evil.example")
        for n in 5..<7 {
            try repo.write("g\(n).txt", "more \(n)\n")
            try repo.commit("commit \(n)", author: mallory)
        }
        let store = try SQLiteAuditStore(path: path)
        let second = try auditor.run(try GitRepository(path: repo.path), baseline: { try store.baseline(repository: $0) })
        #expect(second.report.counts.commits == 7)
        #expect(second.report.counts.newCommits == 2)
        #expect(second.newCommits.map(\.subject) == ["commit 5", "commit 6"] || second.newCommits.map(\.subject) == ["commit 6", "commit 5"])
        #expect(second.report.options.incremental == true)
        // The report still covers the whole history.
        #expect(second.report.contributors.first?.authoredCommits == 5)
        #expect(second.report.unknownIdentities.map(\.email) == ["m@evil.example"])
        try store.record(second)

        let third = try auditor.run(try GitRepository(path: repo.path), baseline: { try store.baseline(repository: $0) })
        #expect(third.report.counts.newCommits == 0)
        #expect(third.report.counts.commits == 7)
        #expect(third.report.contributors == second.report.contributors)
        #expect(third.report.unknownIdentities == second.report.unknownIdentities)
    }
}
