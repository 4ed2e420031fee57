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
    static let roster = Roster(people: [
        Person(id: "alice", name: "Alice", keys: [keyLine(aliceKey)]),
        Person(id: "bob", name: "Bob", keys: [keyLine(bobKey)]),
    ])

    static func verdict(_ commit: String, _ verdict: String, _ reviewer: String, _ key: [UInt8], at entry: UInt64) -> LedgerVerdict {
        LedgerVerdict(commit: commit, verdict: verdict, reviewer: reviewer, reviewerKey: key, time: "2026-11-29T00:00:00Z", note: "", ledgerEntry: entry)
    }

    @Test func theRosterKeyIsRead() {
        #expect(SSHPublicKey(line: Self.keyLine(Self.aliceKey))?.ed25519PublicKey == Self.aliceKey)
        #expect(SSHPublicKey(line: "ssh-ed25519 AAAA test")?.ed25519PublicKey == nil)
    }

    @Test func aLaterVerdictAgainstTheCommitWithdrawsItsClearance() {
        let verdicts = [
            Self.verdict("AAAA", "cleared", "alice", Self.aliceKey, at: 1),
            Self.verdict("aaaa", "malicious", "bob", Self.bobKey, at: 2),
            Self.verdict("bbbb", "needs-fix", "bob", Self.bobKey, at: 3),
            Self.verdict("bbbb", "cleared", "alice", Self.aliceKey, at: 4),
            // Signed with Bob's key but naming Alice: never counts, and withdraws nothing.
            Self.verdict("cccc", "cleared", "bob", Self.bobKey, at: 5),
            Self.verdict("cccc", "malicious", "alice", Self.bobKey, at: 6),
        ]
        let evidence = ReviewCoverage.reviewEvidence(verdicts, roster: Self.roster)
        #expect(evidence.map { "\($0.commit) \($0.reviewerID)" } == ["bbbb alice", "cccc bob"])
    }
}
