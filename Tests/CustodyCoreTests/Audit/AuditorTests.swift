import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct AuditorTests {
    static let alice = TemporaryGitRepository.Signature(name: "Alice Davis", email: "alice@prime.example", date: "1700000000 +0000")
    static let aliceHome = TemporaryGitRepository.Signature(name: "alice", email: "ALICE@Prime.Example", date: "1700003600 +0200")
    static let bruno = TemporaryGitRepository.Signature(name: "Bruno", email: "bruno@sub.example", date: "1700007200 -0500")
    static let hostile = TemporaryGitRepository.Signature(
        name: "Eve \u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}evE",
        email: "eve\u{200B}@evil.example",
        date: "1700010800 +0000"
    )

    static let roster = Roster(people: [
        Person(
            id: "adavis",
            name: "Alice Davis",
            emails: ["alice@prime.example"],
            citizenship: ["US"],
            usPerson: true,
            clearance: .secret,
            employer: "Prime Contractor LLC"
        ),
        Person(
            id: "bruno",
            name: "Bruno Nakamura",
            emails: ["bruno@sub.example"],
            citizenship: ["BR", "JP"],
            usPerson: false,
            clearance: Clearance.none,
            employer: "Subcontractor GmbH"
        ),
    ])

    /// A history with several authors, a different committer, an unknown identity with escape
    /// sequences and bidi controls in its name, a merge, and an author name with invalid UTF-8.
    static func makeRepository() throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        try repo.write("README", "hello\n")
        try repo.commit("Initial commit", author: alice)
        try repo.write("src/a.c", "int a;\n")
        try repo.commit("Add a.c", author: aliceHome, committer: alice)
        try repo.git(["checkout", "-q", "-b", "feature"])
        try repo.write("src/b.c", "int b;\n")
        try repo.commit("Add b.c", author: bruno, committer: alice)
        try repo.git(["checkout", "-q", "main"])
        try repo.write("src/c.c", "int c;\n")
        try repo.commit("Subject with \u{1b}[31mcolour\u{1b}[0m and \u{202E}bidi", author: hostile)
        try repo.git(
            ["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"],
            env: TemporaryGitRepository.identityEnvironment(author: alice, committer: alice)
        )
        // A commit whose author name is invalid UTF-8, written as a raw object.
        let tree = try repo.gitString(["rev-parse", "HEAD^{tree}"])
        let parent = try repo.gitString(["rev-parse", "HEAD"])
        var object = Array("tree \(tree)\nparent \(parent)\nauthor Bad".utf8)
        object += [0xFF, 0xFE, 0xC3]
        object += Array(" Name <bad@x.example> 1700020000 +0000\ncommitter Alice Davis <alice@prime.example> 1700020000 +0000\n\nEmpty change with a bad name\n".utf8)
        let id = String(decoding: try repo.git(["hash-object", "-t", "commit", "-w", "--stdin"], stdin: object), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "refs/heads/main", id])
        return repo
    }

    func audit(_ repo: TemporaryGitRepository, jobs: Int = 2) throws -> AuditOutcome {
        try Auditor(AuditConfiguration(jobs: jobs, resolver: IdentityResolver(roster: Self.roster), displayPath: "repo"))
            .run(try GitRepository(path: repo.path))
    }

    @Test func groupsContributorsByPersonAndListsUnknowns() throws {
        let repo = try Self.makeRepository()
        let report = try audit(repo).report
        #expect(report.schemaVersion == AuditReport.currentSchemaVersion)
        #expect(report.counts.commits == 6)
        #expect(report.counts.newCommits == 6)
        #expect(report.counts.merges == 1)
        #expect(report.refs.map(\.name).sorted() == ["refs/heads/feature", "refs/heads/main"])
        #expect(report.repository.rootCommits.count == 1)
        #expect(report.problems.isEmpty)

        let alice = try #require(report.contributors.first { $0.id == "adavis" })
        #expect(alice.authoredCommits == 3)  // initial, a.c (as ALICE@Prime.Example), merge
        #expect(alice.committedCommits == 5)
        #expect(alice.citizenship == ["US"])
        #expect(alice.usPerson == true)
        #expect(alice.clearance == .secret)
        #expect(alice.employer == "Prime Contractor LLC")
        #expect(alice.firstDate == "2023-11-14T22:13:20Z")
        #expect(alice.lastDate == "2023-11-15T03:46:40Z")
        #expect(Set(alice.identities.map(\.email)) == ["alice@prime.example", "ALICE@Prime.Example"])
        #expect(alice.identities.allSatisfy { $0.method == .email })

        let bruno = try #require(report.contributors.first { $0.id == "bruno" })
        #expect(bruno.authoredCommits == 1)
        #expect(bruno.committedCommits == 0)
        #expect(bruno.usPerson == false)

        #expect(report.unknownIdentities.count == 2)
        let eve = try #require(report.unknownIdentities.first { $0.email.hasPrefix("eve") })
        #expect(eve.name == Self.hostile.name)
        #expect(eve.authoredCommits == 1 && eve.committedCommits == 1)
        let bad = try #require(report.unknownIdentities.first { $0.email == "bad@x.example" })
        #expect(bad.name.contains("\u{FFFD}"))
        #expect(report.counts.commitsByKnownAuthors == 4)
        #expect(report.counts.commitsByUnknownAuthors == 2)
    }

    @Test func textReportNeutralizesHostileNames() throws {
        let repo = try Self.makeRepository()
        let text = TextReport.render(try audit(repo).report)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x202E })
        #expect(!text.unicodeScalars.contains { $0.value == 0x200B })
        #expect(text.contains("Eve ^[]0;owned^G^[[2J<U+202E>evE <eve<U+200B>@evil.example>"))
        #expect(text.contains("Bad\u{FFFD}"))
        #expect(text.contains("adavis  Alice Davis"))
        #expect(text.contains("employer Prime Contractor LLC · citizenship US · US person yes · clearance secret"))
        #expect(text.contains("employer Subcontractor GmbH · citizenship BR, JP · US person no · clearance none"))
        #expect(text.contains("Unknown identities, not on the roster (2)"))
        #expect(text.contains("Everything selected was read."))
    }

    @Test func jsonReportRoundTripsAndIsStable() throws {
        let repo = try Self.makeRepository()
        let report = try audit(repo).report
        let json = try JSONReport.render(report)
        #expect(try JSONReport.decode(json) == report)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"schemaVersion\" : 1"))
        // Keys are sorted: "contributors" comes before "counts", which comes before "findings".
        let contributors = try #require(text.range(of: "\"contributors\""))
        let counts = try #require(text.range(of: "\"counts\""))
        #expect(contributors.lowerBound < counts.lowerBound)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1b })
    }

    @Test func resultDoesNotDependOnJobs() throws {
        let repo = try Self.makeRepository()
        var one = try audit(repo, jobs: 1).report
        var four = try audit(repo, jobs: 4).report
        one.durationSeconds = 0
        four.durationSeconds = 0
        one.startedAt = ""
        four.startedAt = ""
        one.options.jobs = 0
        four.options.jobs = 0
        #expect(one == four)
    }

    @Test func mailmapFromTheAuditorResolvesButTheRepositoryOwnIsIgnored() throws {
        let repo = try TemporaryGitRepository()
        let old = TemporaryGitRepository.Signature(name: "bruno", email: "bruno@home.example")
        try repo.write(".mailmap", "Mallory <bruno@sub.example> <bruno@home.example>\n")
        try repo.commit("With a hostile .mailmap", author: old)
        let plain = try Auditor(AuditConfiguration(resolver: IdentityResolver(roster: Self.roster)))
            .run(try GitRepository(path: repo.path)).report
        #expect(plain.contributors.isEmpty)
        #expect(plain.unknownIdentities.map(\.email) == ["bruno@home.example"])

        let mailmap = try Mailmap(parsing: Array("<bruno@sub.example> <bruno@home.example>\n".utf8), file: "m")
        let mapped = try Auditor(AuditConfiguration(resolver: IdentityResolver(roster: Self.roster, mailmap: mailmap)))
            .run(try GitRepository(path: repo.path)).report
        #expect(mapped.contributors.map(\.id) == ["bruno"])
        #expect(mapped.contributors.first?.identities.first?.method == .mailmap)
    }

    @Test func reportPassesAndAnalyzersExtendThePipeline() throws {
        struct CountingAnalyzer: CommitAnalyzer {
            func analyze(_ commit: Commit, author: ResolvedIdentity, committer: ResolvedIdentity, blobs: any BlobSource)
                -> [Finding]
            {
                guard author.person == nil else { return [] }
                return [
                    Finding(
                        ruleID: "TEST-UNKNOWN",
                        category: .identityAnomaly,
                        severity: .high,
                        confidence: .high,
                        commit: commit.id.description,
                        path: nil,
                        startLine: nil,
                        endLine: nil,
                        excerpt: "",
                        explanation: "Someone not on the roster wrote this.",
                        evidence: author.email,
                        fingerprint: commit.id.description
                    )
                ]
            }
        }
        struct SubjectPass: AuditReportPass {
            func apply(to report: inout AuditReport, context: AuditPassContext) throws {
                #expect(context.commits.count == report.counts.commits)
                #expect(context.newCommitIDs.count == report.counts.newCommits)
            }
        }
        let repo = try Self.makeRepository()
        let outcome = try Auditor(
            AuditConfiguration(
                jobs: 3,
                resolver: IdentityResolver(roster: Self.roster),
                detectors: DetectorSuite(detectors: []),
                analyzers: [CountingAnalyzer()],
                passes: [SubjectPass()]
            )
        ).run(try GitRepository(path: repo.path))
        #expect(outcome.report.findings.map(\.ruleID) == ["TEST-UNKNOWN", "TEST-UNKNOWN"])
        #expect(outcome.newFindings.count == 2)
        #expect(outcome.report.counts.findingsBySeverity == ["high": 2])
    }

    @Test func isoDates() {
        #expect(ISODate.utc(0) == "1970-01-01T00:00:00Z")
        #expect(ISODate.utc(1_700_000_000) == "2023-11-14T22:13:20Z")
        #expect(ISODate.utc(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(ISODate.utc(-1) == "1969-12-31T23:59:59Z")
        #expect(ISODate.utc(4_102_444_800) == "2100-01-01T00:00:00Z")
    }
}
