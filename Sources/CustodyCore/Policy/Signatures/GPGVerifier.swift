import Foundation

/// Checks OpenPGP commit signatures with the `gpg` program, in a temporary GNUPGHOME that
/// holds only the keys the auditor supplied; the user's own keyring is never read.
///
/// The roster registers an OpenPGP key to a person in `keys`, either as an armored public key
/// block (`-----BEGIN PGP PUBLIC KEY BLOCK-----`, key and owner in one place) or as
/// `openpgp4fpr:<FINGERPRINT>` (the owner only; the key itself comes from a keyring file the
/// auditor passes, `--gpg-keyring`). Keys in that keyring that no roster entry registers verify
/// nothing: a signature made with one is reported as made with an unknown key.
///
/// Create it with ``make(roster:keyring:gpg:)``: nil when gpg is missing or no OpenPGP key is
/// registered, and the caller then reports OpenPGP signatures as not verifiable. A signature by
/// a registered fingerprint whose key is not available is also reported as not verifiable.
package final class GPGVerifier: Sendable {
    let gpgPath: String
    let home: String
    /// Primary and subkey fingerprints (uppercase hex) → roster person ids.
    let owners: [String: [String]]

    init(gpgPath: String, home: String, owners: [String: [String]]) {
        self.gpgPath = gpgPath
        self.home = home
        self.owners = owners
    }

    deinit {
        // gpg may have started an agent for this home; end it with the home.
        if FileManager.default.fileExists(atPath: home + "/S.gpg-agent"), let gpgconf = Self.findExecutable("gpgconf") {
            _ = Self.run(gpgconf, ["--homedir", home, "--kill", "all"], stdin: [])
        }
        try? FileManager.default.removeItem(atPath: home)
    }

    /// The prefix of a fingerprint entry in the roster's `keys`.
    package static let fingerprintPrefix = "openpgp4fpr:"
    /// The first line of an armored public key block.
    package static let armorHeader = "-----BEGIN PGP PUBLIC KEY BLOCK-----"

    /// True when a roster `keys` entry is an OpenPGP key (armored block or fingerprint entry).
    package static func isOpenPGPEntry(_ entry: String) -> Bool {
        entry.contains(armorHeader) || fingerprint(entry) != nil
    }

    /// The uppercase hex fingerprint of an `openpgp4fpr:` entry (40 or 64 hex digits, spaces
    /// allowed), or nil.
    package static func fingerprint(_ entry: String) -> String? {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.lowercased().hasPrefix(fingerprintPrefix) else { return nil }
        let hex = trimmed.dropFirst(fingerprintPrefix.count).filter { $0 != " " }.uppercased()
        guard hex.count == 40 || hex.count == 64, hex.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
        return hex
    }

    /// A verifier for the roster's OpenPGP keys, or nil when gpg is missing or no person has an
    /// OpenPGP key.
    ///
    /// - Parameters:
    ///   - roster: armored blocks and `openpgp4fpr:` entries in `keys`.
    ///   - keyring: a file of exported public keys (armored or binary) that supplies the key
    ///     material for fingerprint entries; nil for none.
    ///   - gpg: the gpg executable; nil looks for `gpg` on PATH.
    package static func make(roster: Roster, keyring: String? = nil, gpg: String? = nil) -> GPGVerifier? {
        let blocks = roster.people.flatMap { person in
            person.keys.filter { $0.contains(armorHeader) }.map { (person.id, $0) }
        }
        var owners: [String: [String]] = [:]
        for person in roster.people {
            for entry in person.keys {
                if let fingerprint = fingerprint(entry) { owners[fingerprint, default: []].append(person.id) }
            }
        }
        guard !blocks.isEmpty || !owners.isEmpty else { return nil }
        guard let gpg = gpg ?? findExecutable("gpg"), FileManager.default.isExecutableFile(atPath: gpg) else { return nil }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("custody-gpg-\(UUID().uuidString.prefix(8))").path
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { return nil }
        for (person, block) in blocks {
            let input = Array(block.utf8)
            guard let listing = run(gpg, ["--homedir", home, "--batch", "--with-colons", "--import-options", "show-only", "--import"], stdin: input)?.stdout else { continue }
            for line in String(decoding: listing, as: UTF8.self).split(separator: "\n") where line.hasPrefix("fpr:") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.count > 9 { owners[String(fields[9]).uppercased(), default: []].append(person) }
            }
            _ = run(gpg, ["--homedir", home, "--batch", "--import"], stdin: input)
        }
        if let keyring,
            let size = (try? FileManager.default.attributesOfItem(atPath: keyring))?[.size] as? NSNumber,
            size.intValue < 64 << 20,
            let data = FileManager.default.contents(atPath: keyring), data.count < 64 << 20
        {
            _ = run(gpg, ["--homedir", home, "--batch", "--import"], stdin: Array(data))
        }
        return GPGVerifier(gpgPath: gpg, home: home, owners: owners)
    }

    /// The people a signer's fingerprint or long key id (16 hex, the fingerprint's tail) belongs to.
    func people(forKey key: String) -> (fingerprint: String, people: [String])? {
        let key = key.uppercased()
        if let people = owners[key] { return (key, people) }
        // A long key id names a key only when exactly one registered fingerprint ends with it
        // (long ids can be made to collide).
        guard key.count == 16 else { return nil }
        let matches = owners.filter { $0.key.hasSuffix(key) }
        guard matches.count == 1, let only = matches.first else { return nil }
        return (only.key, only.value)
    }

    /// Verifies a detached armored signature over `payload`.
    package func check(signature: [UInt8], payload: [UInt8]) -> SignatureCheck {
        let dir = home + "/v-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(signature).write(to: URL(fileURLWithPath: dir + "/sig.asc"))
            try Data(payload).write(to: URL(fileURLWithPath: dir + "/payload"))
        } catch {
            return SignatureCheck(kind: .gpg, status: .notVerifiable, detail: "a temporary file for gpg could not be written")
        }
        guard let result = Self.run(gpgPath, ["--homedir", home, "--batch", "--no-auto-key-retrieve", "--status-fd", "1", "--verify", dir + "/sig.asc", dir + "/payload"], stdin: []) else {
            return SignatureCheck(kind: .gpg, status: .notVerifiable, detail: "gpg could not be run")
        }
        var fingerprint: String?
        var primary: String?
        var good = false
        var badSig = false
        var missingKey: String?
        for line in String(decoding: result.stdout.prefix(1 << 20), as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0] == "[GNUPG:]" else { continue }
            switch fields[1] {
            case "GOODSIG": good = true
            case "BADSIG": badSig = true
            case "ERRSIG", "NO_PUBKEY":
                // ERRSIG <long key id> … <fingerprint, when the signature names it>
                let fpr = fields.count > 8 && fields[8].count >= 40 ? String(fields[8]) : nil
                if fields.count > 2 { missingKey = (fpr ?? missingKey ?? String(fields[2])).uppercased() }
            case "VALIDSIG":
                if fields.count > 2 { fingerprint = String(fields[2]).uppercased() }
                if fields.count > 11 { primary = String(fields[11]).uppercased() }
            default: break
            }
        }
        if badSig { return SignatureCheck(kind: .gpg, status: .bad, detail: "the OpenPGP signature does not match the commit's content") }
        if good, let fingerprint {
            // The signing (sub)key or its primary key may be the one the roster registers.
            if let (registered, people) = self.people(forKey: fingerprint) ?? primary.flatMap({ self.people(forKey: $0) }), let first = people.first {
                return SignatureCheck(kind: .gpg, status: .verified, signerPersonID: first, keyFingerprint: registered, detail: "signed with OpenPGP key \(registered), registered to \(people.joined(separator: ", "))")
            }
            return SignatureCheck(kind: .gpg, status: .unknownKey, keyFingerprint: primary ?? fingerprint, detail: "signed with OpenPGP key \(primary ?? fingerprint), which is on no one's roster entry")
        }
        if let missingKey {
            if let (registered, people) = self.people(forKey: missingKey) {
                return SignatureCheck(
                    kind: .gpg, status: .notVerifiable, keyFingerprint: registered,
                    detail: "signed with OpenPGP key \(registered), registered to \(people.joined(separator: ", ")), but that key is not available to check the signature (pass it with --gpg-keyring)"
                )
            }
            return SignatureCheck(kind: .gpg, status: .unknownKey, keyFingerprint: missingKey, detail: "signed with OpenPGP key \(missingKey), which is on no one's roster entry")
        }
        return SignatureCheck(kind: .gpg, status: .notVerifiable, detail: "gpg could not check the signature")
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String], stdin: [UInt8]) -> (status: Int32, stdout: [UInt8])? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        let out = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        do { try process.run() } catch { return nil }
        input.fileHandleForWriting.write(Data(stdin))
        try? input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(data))
    }
}
