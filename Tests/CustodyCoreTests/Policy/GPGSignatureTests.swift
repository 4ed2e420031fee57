@testable import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

/// A throwaway GnuPG home with generated keys (never the user's); ends its agent on cleanup.
final class ThrowawayGnuPG {
    let home: String
    private(set) var fingerprints: [String: String] = [:]

    init() throws {
        // Short path: gpg-agent's socket path must fit in sun_path.
        home = "/tmp/cgpg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit {
        _ = try? TemporaryGitRepository.run("/usr/bin/env", ["gpgconf", "--kill", "all"], environment: environment)
        try? FileManager.default.removeItem(atPath: home)
    }

    var environment: [String: String] {
        ["GNUPGHOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LC_ALL": "C"]
    }

    @discardableResult
    func gpg(_ arguments: [String], stdin: [UInt8]? = nil) throws -> [UInt8] {
        try TemporaryGitRepository.run("/usr/bin/env", ["gpg", "--batch", "--no-tty"] + arguments, environment: environment, stdin: stdin)
    }

    /// Generates an unprotected Ed25519 signing key for `uid`; returns its fingerprint.
    @discardableResult
    func generate(_ name: String, _ uid: String) throws -> String {
        try gpg(["--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"])
        let listing = String(decoding: try gpg(["--with-colons", "--list-keys", uid]), as: UTF8.self)
        let line = try #require(listing.split(separator: "\n").first { $0.hasPrefix("fpr:") })
        let fingerprint = String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
        fingerprints[name] = fingerprint
        return fingerprint
    }

    func exportPublic(_ name: String) throws -> String {
        String(decoding: try gpg(["--armor", "--export", fingerprints[name]!]), as: UTF8.self)
    }

    static var available: Bool {
        (try? TemporaryGitRepository.run("/usr/bin/env", ["gpg", "--version"])) != nil
    }
}

@Suite struct GPGSignatureTests {
    static func commit(_ repo: TemporaryGitRepository, _ gnupg: ThrowawayGnuPG, _ file: String, key: String?) throws -> String {
        try repo.write(file, "text of \(file)\n")
        try repo.git(["add", "-A"])
        var args = ["-c", "gpg.format=openpgp", "-c", "gpg.program=gpg"]
        if let key { args += ["-c", "user.signingkey=" + key] }
        args += ["commit", "-q", "--no-verify", "-m", "change \(file)"]
        if key != nil { args.append("-S") }
        let author = TestRoster.signature(TestRoster.alice, "2025-09-01")
        try repo.git(args, env: TemporaryGitRepository.identityEnvironment(author: author, committer: author).merging(["GNUPGHOME": gnupg.home]) { $1 })
        return try repo.gitString(["rev-parse", "HEAD"])
    }

    static func found(_ policy: Policy, _ repo: TemporaryGitRepository, _ id: String, _ roster: Roster, _ check: SignatureCheck) throws -> [String] {
        let commit = try TestHistory.commit(repo, id)
        let resolver = IdentityResolver(roster: roster)
        return PolicyEvaluator(policy: policy).evaluate(
            commit: commit,
            authorIdentity: resolver.resolve(name: commit.author.name, email: commit.author.email),
            committerIdentity: resolver.resolve(name: commit.committer.name, email: commit.committer.email),
            reviewers: [],
            signature: check
        ).map(\.found)
    }

    @Test(.enabled(if: ThrowawayGnuPG.available, "gpg is not installed (scripts/setup installs gnupg)"))
    func openPGPSignedCommitsAgainstTheRoster() throws {
        let gnupg = try ThrowawayGnuPG()
        let aliceKey = try gnupg.generate("alice", "Alice Adams <alice@vendor.example>")
        let bobKey = try gnupg.generate("bob", "Bob Brown <bob@vendor.example>")
        let strangerKey = try gnupg.generate("stranger", "Stranger <stranger@elsewhere.example>")
        let repo = try TemporaryGitRepository()
        var ids: [String: String] = [:]
        ids["rightKey"] = try Self.commit(repo, gnupg, "a", key: aliceKey)
        ids["someoneElsesKey"] = try Self.commit(repo, gnupg, "b", key: bobKey)
        ids["strangerKey"] = try Self.commit(repo, gnupg, "c", key: strangerKey)
        ids["unsigned"] = try Self.commit(repo, gnupg, "d", key: nil)
        let raw = { (key: String) throws -> [UInt8] in try repo.git(["cat-file", "commit", ids[key]!]) }
        #expect(RawCommitObject(try raw("rightKey")).kind == .gpg)

        // Roster with armored public key blocks: the key and its owner in one place.
        var alice = TestRoster.alice
        alice.keys = [try gnupg.exportPublic("alice")]
        var bob = TestRoster.bob
        bob.keys = [try gnupg.exportPublic("bob")]
        let roster = Roster(people: [alice, bob, TestRoster.carol])
        let gpg = try #require(GPGVerifier.make(roster: roster))
        let verifier = SignatureVerifier(roster: roster, gpg: gpg)
        let right = verifier.check(rawCommit: try raw("rightKey"))
        #expect(right.kind == .gpg)
        #expect(right.status == .verified)
        #expect(right.signerPersonID == "alice")
        #expect(right.keyFingerprint == aliceKey)
        let other = verifier.check(rawCommit: try raw("someoneElsesKey"))
        #expect(other.status == .verified && other.signerPersonID == "bob")
        let stranger = verifier.check(rawCommit: try raw("strangerKey"))
        #expect(stranger.status == .unknownKey)
        #expect(stranger.keyFingerprint.map { strangerKey.hasSuffix($0) } == true)
        #expect(verifier.check(rawCommit: try raw("unsigned")) == .unsigned)

        // Altered after signing: the signature no longer matches.
        let tamperedText = String(decoding: try raw("rightKey"), as: UTF8.self).replacingOccurrences(of: "change a", with: "change A")
        let tamperedID = String(decoding: try repo.git(["hash-object", "-t", "commit", "-w", "--stdin"], stdin: Array(tamperedText.utf8)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(verifier.check(rawCommit: try repo.git(["cat-file", "commit", tamperedID])).status == .bad)

        // The policy: only the author's own registered key passes.
        let policy = try PolicyLoader.parse("rules:\n  - id: signed-commits\n    require: signature\n")
        #expect(try Self.found(policy, repo, ids["rightKey"]!, roster, right) == [])
        #expect(try Self.found(policy, repo, ids["someoneElsesKey"]!, roster, other) == ["signed with a key registered to bob, not to the author"])
        #expect(try Self.found(policy, repo, ids["strangerKey"]!, roster, stranger).first?.hasPrefix("signed with a key that is on no one's roster entry (") == true)
        #expect(try Self.found(policy, repo, ids["unsigned"]!, roster, .unsigned) == ["the commit is not signed"])

        // Registered by fingerprint, key material from the auditor's keyring file.
        var aliceByFingerprint = TestRoster.alice
        aliceByFingerprint.keys = [GPGVerifier.fingerprintPrefix + aliceKey.lowercased()]
        let fingerprintRoster = Roster(people: [aliceByFingerprint, TestRoster.bob])
        let keyring = repo.url.deletingLastPathComponent().appendingPathComponent("keyring.asc").path
        try Data(try gnupg.exportPublic("alice").utf8).write(to: URL(fileURLWithPath: keyring))
        let withKeyring = SignatureVerifier(roster: fingerprintRoster, gpg: GPGVerifier.make(roster: fingerprintRoster, keyring: keyring))
        let pinned = withKeyring.check(rawCommit: try raw("rightKey"))
        #expect(pinned.status == .verified && pinned.signerPersonID == "alice" && pinned.keyFingerprint == aliceKey)

        // The key is absent: registered fingerprint, but nothing to check with.
        let noKeyring = SignatureVerifier(roster: fingerprintRoster, gpg: GPGVerifier.make(roster: fingerprintRoster))
        let absent = noKeyring.check(rawCommit: try raw("rightKey"))
        #expect(absent.status == .notVerifiable)
        #expect(absent.keyFingerprint == aliceKey)
        #expect(absent.detail.contains("registered to alice, but that key is not available"))
        let absentFound = try Self.found(policy, repo, ids["rightKey"]!, fingerprintRoster, absent)
        #expect(absentFound.count == 1 && absentFound[0].hasPrefix("the signature could not be checked: "))

        // gpg absent: no verifier, and OpenPGP signatures are reported as not verifiable.
        #expect(GPGVerifier.make(roster: roster, gpg: "/nonexistent/bin/gpg") == nil)
        let withoutGPG = SignatureVerifier(roster: roster, gpg: nil).check(rawCommit: try raw("rightKey"))
        #expect(withoutGPG.kind == .gpg && withoutGPG.status == .notVerifiable)
        #expect(withoutGPG.detail == "OpenPGP signatures need gpg and the signers' OpenPGP keys on the roster")

        // The same through the audit: raw objects read by the audit's cat-file reader.
        let auditor = Auditor(
            AuditConfiguration(
                jobs: 2,
                resolver: IdentityResolver(roster: roster),
                detectors: DetectorSuite(detectors: []),
                passes: [PolicyAuditPass(policy: policy, gpg: gpg)]
            )
        )
        let report = try auditor.run(try GitRepository(path: repo.path)).report
        var byCommit: [String: [String]] = [:]
        for v in report.violations ?? [] { byCommit[v.commit, default: []].append(v.found) }
        #expect(byCommit[ids["rightKey"]!] == nil)
        #expect(byCommit[ids["someoneElsesKey"]!] == ["signed with a key registered to bob, not to the author"])
        #expect(byCommit[ids["strangerKey"]!]?.count == 1)
        #expect(byCommit[ids["unsigned"]!] == ["the commit is not signed"])
    }

    @Test func rosterAcceptsOpenPGPKeys() throws {
        let fingerprint = String(repeating: "AB12", count: 10)
        let yaml = """
            people:
              - id: alice
                name: Alice Adams
                emails: [alice@vendor.example]
                keys:
                  - "openpgp4fpr:\(fingerprint)"
                  - |
                    -----BEGIN PGP PUBLIC KEY BLOCK-----

                    mDMEZ0000xYJKwYBBAHaRw8BAQdA
                    -----END PGP PUBLIC KEY BLOCK-----
            """
        let roster = try RosterLoader.parse(Array(yaml.utf8), file: "roster.yaml")
        #expect(roster.people[0].keys.count == 2)
        #expect(GPGVerifier.fingerprint(roster.people[0].keys[0]) == fingerprint)
        #expect(GPGVerifier.isOpenPGPEntry(roster.people[0].keys[1]))
        #expect(GPGVerifier.fingerprint("openpgp4fpr:1234") == nil)
        let bad = yaml.replacingOccurrences(of: "openpgp4fpr:\(fingerprint)", with: "openpgp4fpr:XYZ")
        #expect(throws: RosterValidationError.self) { try RosterLoader.parse(Array(bad.utf8), file: "roster.yaml") }
    }

    @Test func aLongKeyIDNamesAKeyOnlyWhenItIsUnique() {
        let one = "AAAA1111BBBB2222CCCC3333DDDD4444EEEE5555"
        let two = "FFFF66660000777788889999DDDD4444EEEE5555"
        let three = "1234123412341234123412340000000012345678"
        let verifier = GPGVerifier(gpgPath: "/bin/false", home: "/nonexistent", owners: [one: ["alice"], two: ["mallory"], three: ["bob"]])
        #expect(verifier.people(forKey: one)?.people == ["alice"])
        #expect(verifier.people(forKey: one.lowercased())?.people == ["alice"])
        // Both alice's and mallory's keys end with this long id: neither is named.
        #expect(verifier.people(forKey: "DDDD4444EEEE5555") == nil)
        #expect(verifier.people(forKey: "0000000012345678")?.people == ["bob"])
        #expect(verifier.people(forKey: "12345678") == nil)
    }
}
