import CustodyCore
import CustodyTestSupport
import Testing

@Suite struct IdentityAnomalyTests {
    static let now: Int64 = 1_764_000_000  // 2025-11-24

    static func commit(
        _ n: Int,
        name: String = "Alice Adams",
        email: String = "alice@vendor.example",
        time: Int64 = 1_750_000_000,
        offset: Int = -300,
        committer: (String, String)? = nil,
        committerTime: Int64? = nil,
        signed: Bool = false
    ) -> Commit {
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[18] = UInt8(n >> 8)
        bytes[19] = UInt8(n & 0xff)
        let author = GitPersonStamp(name: name, email: email, time: time, utcOffsetMinutes: offset)
        let c = committer.map { GitPersonStamp(name: $0.0, email: $0.1, time: committerTime ?? time, utcOffsetMinutes: offset) }
            ?? GitPersonStamp(name: name, email: email, time: committerTime ?? time, utcOffsetMinutes: offset)
        return Commit(id: ObjectID(bytes: bytes), parents: [], author: author, committer: c, subject: "c\(n)", signature: signed ? .ssh : .none)
    }

    static func scan(_ commit: Commit) -> [Finding] {
        var findings: [Finding] = []
        IdentityAnomalyDetector(now: now).scanCommit(context: DetectionContext(commit: commit, blobs: InMemoryBlobSource()), into: &findings)
        return findings
    }

    @Test func commitLevelAnomalies() {
        #expect(Self.scan(Self.commit(1)).isEmpty)
        let applied = Self.scan(Self.commit(2, committer: ("Bob Brown", "bob@vendor.example")))
        #expect(applied.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-001"])
        #expect(applied.first?.severity == .low)
        #expect(applied.first?.explanation == "Someone other than the person named as the author put this change into the history.")
        let web = Self.scan(Self.commit(3, committer: ("GitHub", "noreply@github.com")))
        #expect(web.first?.severity == .info)

        let fakeBot = Self.scan(Self.commit(4, name: "dependabot[bot]", email: "attacker@evil.example"))
        #expect(fakeBot.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-003", "CUST-IDENTITY-ANOMALY-003"])
        #expect(fakeBot.first?.evidence.hasPrefix("author dependabot[bot] <attacker@evil.example>:") == true)
        #expect(Self.scan(Self.commit(5, name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com")).isEmpty)
        #expect(Self.scan(Self.commit(6, name: "renovate[bot]", email: "29139614+renovate[bot]@users.noreply.github.com")).isEmpty)
        #expect(Self.scan(Self.commit(7, name: "github-actions", email: "action@github.com")).isEmpty)
        #expect(Self.scan(Self.commit(8, name: "Renovate Bot", email: "someone@example.com")).map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-003", "CUST-IDENTITY-ANOMALY-003"])

        let afterCommit = Self.scan(Self.commit(9, time: 1_750_000_000 + 40 * 86_400, committerTime: 1_750_000_000))
        #expect(afterCommit.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-004"])
        #expect(afterCommit.first?.severity == .medium)
        #expect(afterCommit.first?.evidence == "the author date is 40 days after the commit date")
        let future = Self.scan(Self.commit(10, time: Self.now + 10 * 86_400))
        #expect(future.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-005"])
        #expect(future.first?.evidence == "the author date is 2025-12-04T16:00:00Z, 10 days after the audit ran")
    }

    @Test func detectorIsRegistered() {
        #expect(DetectorRegistry.rules.contains { $0.id == "CUST-IDENTITY-ANOMALY-007" })
        let findings = DetectorSuite().scan(Self.commit(11, name: "dependabot[bot]", email: "x@y.example"), blobs: InMemoryBlobSource())
        #expect(findings.contains { $0.ruleID == "CUST-IDENTITY-ANOMALY-003" })
    }

    @Test func timeZonePatternChange() {
        var history: [Commit] = []
        var n = 0
        var t: Int64 = 1_700_000_000
        func add(_ offset: Int, email: String = "alice@vendor.example") {
            n += 1
            t += 86_400
            history.append(Self.commit(n, email: email, time: t, offset: offset))
        }
        for _ in 0..<6 { add(-300) }
        add(-240)  // daylight saving: within tolerance, not a change
        add(480)
        add(-300)  // a single trip is not a pattern
        add(480); add(480); add(480)  // three in a row: reported at the first
        let findings = IdentityAnomalyAnalyzer().analyze(commits: history)
        #expect(findings.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-006"])
        #expect(findings.first?.commit == history[9].id.description)
        #expect(findings.first?.evidence == "Alice Adams <alice@vendor.example> used UTC offsets -0500 and then 3 commits in a row at +0800")
    }

    @Test func stoppedSigningAndSigner() {
        var history: [Commit] = []
        for i in 0..<4 { history.append(Self.commit(20 + i, time: 1_700_000_000 + Int64(i) * 100, signed: true)) }
        history.append(Self.commit(30, time: 1_700_001_000, signed: false))
        let checks = [history[0].id: SignatureCheck(kind: .ssh, status: .verified, signerPersonID: "bob", keyFingerprint: "SHA256:x", detail: "signed with SHA256:x, registered to bob")]
        let analyzer = IdentityAnomalyAnalyzer(resolver: IdentityResolver(roster: TestRoster.roster))
        let findings = analyzer.analyze(commits: history, signatures: checks)
        #expect(findings.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-002", "CUST-IDENTITY-ANOMALY-007"])
        #expect(findings[0].evidence == "author Alice Adams (alice); signed with SHA256:x, registered to bob")
        #expect(findings[1].commit == history[4].id.description)
    }

    @Test func sharedEmailsAndNames() throws {
        // Real commits: one email under two names, one name under two emails.
        let repo = try TemporaryGitRepository()
        var ids: [String] = []
        for (i, (name, email)) in [("Alice Adams", "alice@vendor.example"), ("Mallory", "alice@vendor.example"), ("Alice Adams", "alice@home.example")].enumerated() {
            try repo.write("f\(i)", "x\n")
            ids.append(try repo.commit("c\(i)", author: .init(name: name, email: email, date: "\(1_700_000_000 + i * 60) +0000")))
        }
        let commits = try ids.map { try TestHistory.commit(repo, $0) }
        let findings = IdentityAnomalyAnalyzer().analyze(commits: commits)
        #expect(findings.map(\.ruleID) == ["CUST-IDENTITY-ANOMALY-008", "CUST-IDENTITY-ANOMALY-009"])
        #expect(findings[0].commit == ids[1])
        #expect(findings[0].evidence == "<alice@vendor.example> is used with 2 names: \"alice adams\", \"mallory\"")
        #expect(findings[1].commit == ids[2])
    }
}
