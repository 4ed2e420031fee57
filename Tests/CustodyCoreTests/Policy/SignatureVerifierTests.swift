import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct SignatureVerifierTests {
    /// Generates an ed25519 key pair with ssh-keygen; returns (private key path, public line).
    static func makeKey(_ directory: URL, _ name: String) throws -> (String, String) {
        let path = directory.appendingPathComponent(name).path
        try TemporaryGitRepository.run("/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (path, line)
    }

    static func signedCommit(_ repo: TemporaryGitRepository, _ file: String, key: String?, author: TemporaryGitRepository.Signature) throws -> String {
        try repo.write(file, "text of \(file)\n")
        try repo.git(["add", "-A"])
        var args = ["-c", "gpg.format=ssh"]
        if let key { args += ["-c", "user.signingkey=" + key] }
        args += ["commit", "-q", "--no-verify", "-m", "change \(file)"]
        if key != nil { args.append("-S") }
        try repo.git(args, env: TemporaryGitRepository.identityEnvironment(author: author, committer: author))
        return try repo.gitString(["rev-parse", "HEAD"])
    }

    struct Setup {
        var repo: TemporaryGitRepository
        var roster: Roster
        var ids: [String: String]
        var keys: URL
    }

    static func setup() throws -> Setup {
        let repo = try TemporaryGitRepository()
        let keys = repo.url.deletingLastPathComponent().appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let (alicePrivate, alicePublic) = try makeKey(keys, "alice")
        let (bobPrivate, bobPublic) = try makeKey(keys, "bob")
        let (strangerPrivate, _) = try makeKey(keys, "stranger")
        var alice = TestRoster.alice
        alice.keys = [alicePublic]
        var bob = TestRoster.bob
        bob.keys = [bobPublic]
        let roster = Roster(people: [alice, bob, TestRoster.carol])
        let author = TestRoster.signature(alice, "2025-09-01")
        var ids: [String: String] = [:]
        ids["rightKey"] = try signedCommit(repo, "a", key: alicePrivate, author: author)
        ids["someoneElsesKey"] = try signedCommit(repo, "b", key: bobPrivate, author: author)
        ids["unsigned"] = try signedCommit(repo, "c", key: nil, author: author)
        ids["strangerKey"] = try signedCommit(repo, "d", key: strangerPrivate, author: author)
        return Setup(repo: repo, roster: roster, ids: ids, keys: keys)
    }

    @Test func checksRealSSHSignedCommits() throws {
        let s = try Self.setup()
        let verifier = SignatureVerifier(roster: s.roster)
        func check(_ key: String) throws -> SignatureCheck {
            verifier.check(rawCommit: try s.repo.git(["cat-file", "commit", s.ids[key]!]))
        }
        let right = try check("rightKey")
        #expect(right.kind == .ssh)
        #expect(right.status == .verified)
        #expect(right.signerPersonID == "alice")
        let aliceFingerprint = try Self.fingerprint(s.keys.appendingPathComponent("alice.pub").path)
        #expect(right.keyFingerprint == aliceFingerprint)

        let other = try check("someoneElsesKey")
        #expect(other.status == .verified)
        #expect(other.signerPersonID == "bob")

        #expect(try check("unsigned") == .unsigned)
        let stranger = try check("strangerKey")
        #expect(stranger.status == .unknownKey)
        #expect(stranger.keyFingerprint == (try Self.fingerprint(s.keys.appendingPathComponent("stranger.pub").path)))
    }

    @Test func tamperedCommitFailsVerification() throws {
        let s = try Self.setup()
        let raw = try s.repo.git(["cat-file", "commit", s.ids["rightKey"]!])
        var text = String(decoding: raw, as: UTF8.self)
        text = text.replacingOccurrences(of: "change a", with: "change A")
        // Write the tampered object into the repository and read it back, as an attacker would.
        let tamperedID = String(decoding: try s.repo.git(["hash-object", "-t", "commit", "-w", "--stdin"], stdin: Array(text.utf8)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let tampered = try s.repo.git(["cat-file", "commit", tamperedID])
        let check = SignatureVerifier(roster: s.roster).check(rawCommit: tampered)
        #expect(check.kind == .ssh)
        #expect(check.status == .bad)
        #expect(check.signerPersonID == nil)
    }

    @Test func policyRequiresTheAuthorsOwnKey() throws {
        let s = try Self.setup()
        let policy = try PolicyLoader.parse("rules:\n  - id: signed-commits\n    require: signature\n")
        let resolver = IdentityResolver(roster: s.roster)
        let verifier = SignatureVerifier(roster: s.roster)
        var found: [String: [String]] = [:]
        for (key, id) in s.ids {
            let commit = try TestHistory.commit(s.repo, id)
            let check = verifier.check(rawCommit: try s.repo.git(["cat-file", "commit", id]))
            found[key] = PolicyEvaluator(policy: policy).evaluate(
                commit: commit,
                authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
                committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
                reviewers: [],
                signature: check
            ).map(\.found)
        }
        #expect(found["rightKey"] == [])
        #expect(found["someoneElsesKey"] == ["signed with a key registered to bob, not to the author"])
        #expect(found["unsigned"] == ["the commit is not signed"])
        #expect(found["strangerKey"]?.first?.hasPrefix("signed with a key that is on no one's roster entry (SHA256:") == true)
    }

    @Test func rawCommitSplitsPayloadLikeGit() throws {
        let s = try Self.setup()
        let raw = try s.repo.git(["cat-file", "commit", s.ids["rightKey"]!])
        let object = RawCommitObject(raw)
        #expect(object.kind == .ssh)
        let payload = String(decoding: object.payload, as: UTF8.self)
        #expect(!payload.contains("gpgsig"))
        #expect(payload.hasPrefix("tree "))
        #expect(payload.hasSuffix("change a\n"))
    }

    static func fingerprint(_ publicKeyPath: String) throws -> String {
        let out = String(decoding: try TemporaryGitRepository.run("/usr/bin/env", ["ssh-keygen", "-l", "-E", "sha256", "-f", publicKeyPath]), as: UTF8.self)
        return out.split(separator: " ").dropFirst().first.map(String.init) ?? ""
    }
}
