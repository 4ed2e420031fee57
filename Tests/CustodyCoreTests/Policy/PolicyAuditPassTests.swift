import CustodyCore
import CustodyTestSupport
import Testing

@Suite struct PolicyAuditPassTests {
    @Test func auditReportCarriesTheViolations() throws {
        let built = try PolicyEvaluatorTests.build()
        let policy = try PolicyLoader.parse(PolicyEvaluatorTests.policyText, file: "policy.yaml")
        let auditor = Auditor(
            AuditConfiguration(
                refs: .branchesAndTags,
                jobs: 2,
                resolver: IdentityResolver(roster: TestRoster.roster),
                passes: [PolicyAuditPass(policy: policy)]
            )
        )
        let outcome = try auditor.run(try GitRepository(path: built.repo.path))
        let violations = try #require(outcome.report.violations)
        var byCommit: [String: [String]] = [:]
        for v in violations { byCommit[v.commit, default: []].append(v.ruleID) }
        let ids = built.ids
        #expect(byCommit[ids["inPathInDates"]!] == ["restricted-authors", "escorted-review"])
        #expect(byCommit[ids["outsidePaths"]!] == nil)
        #expect(byCommit[ids["beforeSince"]!] == nil)
        #expect(byCommit[ids["unqualifiedReview"]!] == ["restricted-authors", "escorted-review"])
        #expect(byCommit[ids["selfReview"]!] == ["restricted-authors", "escorted-review"])
        #expect(byCommit[ids["unknownAuthor"]!] == ["unknown-identity"])
        #expect(byCommit[ids["backdated"]!] == ["restricted-authors"])
        #expect(byCommit[ids["afterUntil"]!] == ["escorted-review"])
        // No recorded verdict here, so the later review does not exist yet.
        #expect(byCommit[ids["verdictLater"]!] == ["escorted-review"])
        #expect(violations.count == 10)
        let text = PolicyText.violations(outcome.report.violations)
        #expect(text.hasPrefix("\nPolicy violations: 10\n  [critical] "))
    }
}
