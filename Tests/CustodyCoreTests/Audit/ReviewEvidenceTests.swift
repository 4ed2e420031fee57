import Foundation
import Testing

@testable import CustodyCore

/// Which ledger verdicts the policy may count as review evidence.
struct ReviewEvidenceTests {
    static func keyLine(_ raw: [UInt8]) -> String {
        let blob = SSHWire.string(Array("ssh-ed25519".utf8)) + SSHWire.string(raw)
        return "ssh-ed25519 " + Data(blob).base64EncodedString() + " test"
    }

    static let aliceKey = [UInt8](repeating: 1, count: 32)
    static let bobKey = [UInt8](repeating: 2, count: 32)
    static let carolKey = [UInt8](repeating: 3, count: 32)
    static let roster = Roster(people: [
        Person(id: "alice", name: "Alice", emails: ["alice@example.com"], keys: [keyLine(aliceKey)]),
        Person(id: "bob", name: "Bob", emails: ["bob@example.com"], keys: [keyLine(bobKey)]),
        Person(id: "carol", name: "Carol", emails: ["carol@example.com"], keys: [keyLine(carolKey)]),
    ])

    static func commit(_ letter: Character, by email: String) -> Commit {
        let stamp = GitPersonStamp(name: "Someone", email: email, time: 1_700_000_000, utcOffsetMinutes: 0)
        return Commit(id: ObjectID(hex: Array(String(repeating: letter, count: 40).utf8))!, parents: [], author: stamp, committer: stamp, subject: "Change")
    }

    static func verdict(_ commit: String, _ verdict: String, _ reviewer: String, _ key: [UInt8], at entry: UInt64) -> LedgerVerdict {
        LedgerVerdict(commit: commit, verdict: verdict, reviewer: reviewer, reviewerKey: key, time: "2026-11-29T00:00:00Z", note: "", ledgerEntry: entry)
    }

    @Test func theRosterKeyIsRead() {
        #expect(SSHPublicKey(line: Self.keyLine(Self.aliceKey))?.ed25519PublicKey == Self.aliceKey)
        #expect(SSHPublicKey(line: "ssh-ed25519 AAAA test")?.ed25519PublicKey == nil)
    }

    @Test func aLaterVerdictAgainstTheCommitWithdrawsItsClearance() throws {
        let a = String(repeating: "a", count: 40)
        let b = String(repeating: "b", count: 40)
        let c = String(repeating: "c", count: 40)
        let d = String(repeating: "d", count: 40)
        let verdicts = [
            Self.verdict(a.uppercased(), "cleared", "alice", Self.aliceKey, at: 1),
            Self.verdict(a, "malicious", "bob", Self.bobKey, at: 2),
            Self.verdict(b, "needs-fix", "bob", Self.bobKey, at: 3),
            Self.verdict(b, "cleared", "alice", Self.aliceKey, at: 4),
            // Signed with Bob's key but naming Alice: never counts, and withdraws nothing.
            Self.verdict(c, "cleared", "bob", Self.bobKey, at: 5),
            Self.verdict(c, "malicious", "alice", Self.bobKey, at: 6),
            // Carol wrote commit d: after Bob's malicious verdict, her own clearance must not
            // bring Alice's back.
            Self.verdict(d, "cleared", "alice", Self.aliceKey, at: 7),
            Self.verdict(d, "malicious", "bob", Self.bobKey, at: 8),
            Self.verdict(d, "cleared", "carol", Self.carolKey, at: 9),
        ]
        let evidence = ReviewCoverage.reviewEvidence(verdicts, roster: Self.roster)
        #expect(evidence.count == 8)
        let collector = ReviewCollector(resolver: IdentityResolver(roster: Self.roster), recorded: evidence)
        func cleared(_ letter: Character) -> [String] {
            collector.clearingReviewers(of: Self.commit(letter, by: "carol@example.com"))
        }
        #expect(cleared("a") == [])
        #expect(cleared("b") == ["alice"])
        #expect(cleared("c") == ["bob"])
        #expect(cleared("d") == [])
        // The same verdicts reach the policy as review evidence.
        let reviewers = collector.reviewers(of: Self.commit("b", by: "carol@example.com"))
        #expect(reviewers.compactMap(\.identity.person?.id) == ["alice"])
        // A commit by someone else keeps Carol's clearance of d (the latest verdict is hers).
        #expect(collector.clearingReviewers(of: Self.commit("d", by: "dave@example.com")) == ["alice", "carol"])
    }
}
