import CustodyCore
import CustodyTestSupport
import Testing

@Suite struct PolicyEvaluatorTests {
    static let policyText = """
        settings: { maxDateSkew: 30d }
        rules:
          - id: restricted-authors
            who: { citizenship: { anyOf: [CN, RU] } }
            forbid: author
            paths: ["src/**"]
            since: 2025-08-27
            until: 2025-12-31
            severity: critical
          - id: escorted-review
            who: { usPerson: false }
            require: review
            reviewer: { usPerson: true, clearance: { atLeast: secret }, roles: { has: reviewer } }
          - id: unknown-identity
            who: unknown
            severity: medium
        """

    struct Built {
        var repo: TemporaryGitRepository
        var ids: [String: String]
    }

    /// A history with restricted authors inside and outside the covered paths and dates,
    /// qualified, unqualified and self reviews, an unknown author and skewed dates.
    static func build() throws -> Built {
        let repo = try TemporaryGitRepository()
        var ids: [String: String] = [:]
        let bob = TestRoster.bob, alice = TestRoster.alice
        func add(_ key: String, _ path: String, _ message: String, _ author: TemporaryGitRepository.Signature, committer: TemporaryGitRepository.Signature? = nil) throws {
            try repo.write(path, "content of \(key)\n")
            ids[key] = try repo.commit(message, author: author, committer: committer)
        }
        try add("inPathInDates", "src/a.c", "Add a", TestRoster.signature(bob, "2025-09-01"))
        try add("outsidePaths", "docs/readme.md", "Docs\n\nReviewed-by: Alice Adams <alice@vendor.example>", TestRoster.signature(bob, "2025-09-01"))
        try add("beforeSince", "src/b.c", "Add b\n\nReviewed-by: Alice Adams <ALICE@vendor.example>", TestRoster.signature(bob, "2025-06-01"))
        try add("unqualifiedReview", "src/c.c", "Add c\n\nReviewed-by: Carol Clark <carol@vendor.example>", TestRoster.signature(bob, "2025-09-02"))
        try add("selfReview", "src/d.c", "Add d\n\nReviewed-by: Bob Brown <bob@vendor.example>", TestRoster.signature(bob, "2025-09-03"))
        try add("unknownAuthor", "docs/x.md", "Docs by someone", TestRoster.dave)
        try add(
            "backdated", "src/e.c", "Add e\n\nApproved-by: Alice Adams <alice@vendor.example>",
            TestRoster.signature(bob, "2025-06-01"), committer: TestRoster.signature(alice, "2025-09-05")
        )
        try add("afterUntil", "src/f.c", "Add f\n\nAcked-by: Dave Unknown <dave@elsewhere.example>", TestRoster.signature(bob, "2026-01-05"))
        try add("verdictLater", "docs/y.md", "Docs y", TestRoster.signature(bob, "2025-09-01"))
        return Built(repo: repo, ids: ids)
    }

    @Test func exactViolations() throws {
        let built = try Self.build()
        let policy = try PolicyLoader.parse(Self.policyText, file: "policy.yaml")
        let resolver = IdentityResolver(roster: TestRoster.roster)
        let collector = ReviewCollector(resolver: resolver, recorded: [RecordedReview(commit: built.ids["verdictLater"]!, reviewerID: "alice")])
        let evaluator = PolicyEvaluator(policy: policy)
        var got: [String: [Violation]] = [:]
        for (key, id) in built.ids {
            let commit = try TestHistory.commit(built.repo, id)
            got[key] = evaluator.evaluate(
                commit: commit,
                authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
                committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
                reviewers: collector.reviewers(of: commit),
                signature: nil
            )
        }
        let rules = got.mapValues { $0.map(\.ruleID) }
        #expect(rules["inPathInDates"] == ["restricted-authors", "escorted-review"])
        #expect(rules["outsidePaths"] == [])
        #expect(rules["beforeSince"] == [])
        #expect(rules["unqualifiedReview"] == ["restricted-authors", "escorted-review"])
        #expect(rules["selfReview"] == ["restricted-authors", "escorted-review"])
        #expect(rules["unknownAuthor"] == ["unknown-identity"])
        #expect(rules["backdated"] == ["restricted-authors"])
        #expect(rules["afterUntil"] == ["escorted-review"])
        #expect(rules["verdictLater"] == [])

        let restricted = try #require(got["inPathInDates"]?.first)
        #expect(restricted.personID == "bob")
        #expect(restricted.severity == .critical)
        #expect(restricted.paths == ["src/a.c"])
        #expect(restricted.identity == "Bob Brown <bob@vendor.example>")
        #expect(
            restricted.explanation
                == "Bob Brown (bob) wrote this change, but the policy does not allow a citizen of CN or RU to author code in src/** from 2025-08-27 before 2026-01-01."
        )
        #expect(restricted.found == "authored by Bob Brown (bob)")
        #expect(restricted.dateDisagreement == nil)
        #expect(got["inPathInDates"]?[1].found == "no review recorded")
        #expect(
            got["unqualifiedReview"]?[1].found
                == "reviewed only by Carol Clark (carol) in a Reviewed-by trailer, who is not a US person, and someone cleared secret or higher, and someone with the role reviewer"
        )
        #expect(
            got["selfReview"]?[1].found
                == "reviewed only by Bob Brown (bob) in a Reviewed-by trailer, who is the author (a self-review does not count)"
        )
        #expect(
            got["afterUntil"]?[0].found
                == "reviewed only by Dave Unknown <dave@elsewhere.example> (not on the roster) in a Acked-by trailer"
        )
        #expect(got["unknownAuthor"]?[0].personID == nil)
        #expect(got["unknownAuthor"]?[0].explanation.hasPrefix("Dave Unknown <dave@elsewhere.example> (not on the roster) wrote this change") == true)
        #expect(
            got["backdated"]?[0].dateDisagreement
                == "the author date and the commit date are 96 days apart (the policy allows 30 days); only the commit date falls in the rule's dates"
        )
    }

    @Test func forbidCommitLooksAtTheCommitter() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("a", "x\n")
        let id = try repo.commit("x", author: TestRoster.signature(TestRoster.alice, "2025-09-01"), committer: TestRoster.signature(TestRoster.bob, "2025-09-01"))
        let policy = try PolicyLoader.parse("rules:\n  - id: no-cn-committers\n    who: { citizenship: CN }\n    forbid: commit\n")
        let resolver = IdentityResolver(roster: TestRoster.roster)
        let commit = try TestHistory.commit(repo, id)
        let violations = PolicyEvaluator(policy: policy).evaluate(
            commit: commit,
            authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
            committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
            reviewers: [],
            signature: nil
        )
        #expect(violations.map(\.personID) == ["bob"])
        #expect(violations.first?.found == "committed by Bob Brown (bob)")
    }
    /// The author-date / commit-date bound: within it nothing is said; past it the violation
    /// says how far apart they are; a rule's own bound overrides the policy's; a date window that
    /// only one of the two dates falls in still covers the commit.
    @Test func dateDisagreementBound() throws {
        let repo = try TemporaryGitRepository()
        var ids: [String: String] = [:]
        func add(_ key: String, author: String, committer: String) throws {
            try repo.write("src/\(key).c", "content of \(key)\n")
            ids[key] = try repo.commit(key, author: TestRoster.signature(TestRoster.bob, author), committer: TestRoster.signature(TestRoster.bob, committer))
        }
        try add("sameDay", author: "2025-09-01", committer: "2025-09-01")
        try add("tenDays", author: "2025-09-01", committer: "2025-09-11")
        try add("fortyDays", author: "2025-08-01", committer: "2025-09-10")
        try add("futureAuthor", author: "2025-10-20", committer: "2025-09-10")
        let policy = try PolicyLoader.parse(
            """
            settings: { maxDateSkew: 30d }
            rules:
              - id: restricted
                who: { citizenship: CN }
                forbid: author
                since: 2025-09-05
              - id: strict-dates
                who: { citizenship: CN }
                forbid: author
                maxDateSkew: 5d
            """,
            file: "policy.yaml"
        )
        let resolver = IdentityResolver(roster: TestRoster.roster)
        var got: [String: [String: String]] = [:]  // rule → date note ("-" when none)
        for (key, id) in ids {
            let commit = try TestHistory.commit(repo, id)
            let violations = PolicyEvaluator(policy: policy).evaluate(
                commit: commit,
                authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
                committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
                reviewers: [],
                signature: nil
            )
            got[key] = Dictionary(uniqueKeysWithValues: violations.map { ($0.ruleID, $0.dateDisagreement ?? "-") })
        }
        // Both dates before `since`: only the rule without dates applies; same day: no skew.
        #expect(got["sameDay"] == ["strict-dates": "-"])
        // 10 days: inside the policy's 30, outside the rule's 5; the commit date falls after `since`.
        #expect(
            got["tenDays"]
                == [
                    "restricted": "-",
                    "strict-dates": "the author date and the commit date are 10 days apart (the policy allows 5 days)",
                ]
        )
        #expect(
            got["fortyDays"]
                == [
                    "restricted": "the author date and the commit date are 40 days apart (the policy allows 30 days); only the commit date falls in the rule's dates",
                    "strict-dates": "the author date and the commit date are 40 days apart (the policy allows 5 days)",
                ]
        )
        #expect(
            got["futureAuthor"]
                == [
                    "restricted": "the author date and the commit date are 40 days apart (the policy allows 30 days)",
                    "strict-dates": "the author date and the commit date are 40 days apart (the policy allows 5 days)",
                ]
        )
    }
}
