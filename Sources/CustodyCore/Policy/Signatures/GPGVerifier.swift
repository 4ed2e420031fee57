import Foundation

/// Checks OpenPGP commit signatures with the `gpg` program, in a temporary GNUPGHOME that
/// holds only the roster's OpenPGP keys (entries of `keys` that are armored public key blocks).
///
/// Create it with ``make(roster:)``: nil when gpg is missing or nobody has an OpenPGP key, and
/// the caller then reports OpenPGP signatures as not verifiable.
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
        try? FileManager.default.removeItem(atPath: home)
    }

    /// A verifier for the roster's OpenPGP keys, or nil when gpg is missing or no key is present.
    package static func make(roster: Roster) -> GPGVerifier? {
        let blocks = roster.people.flatMap { person in
            person.keys.filter { $0.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") }.map { (person.id, $0) }
        }
        guard !blocks.isEmpty, let gpg = findExecutable("gpg") else { return nil }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("custody-gpg-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { return nil }
        var owners: [String: [String]] = [:]
        for (person, block) in blocks {
            let input = Array(block.utf8)
            guard let listing = run(gpg, ["--homedir", home, "--batch", "--with-colons", "--import-options", "show-only", "--import"], stdin: input)?.stdout else { continue }
            for line in String(decoding: listing, as: UTF8.self).split(separator: "\n") where line.hasPrefix("fpr:") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.count > 9 { owners[String(fields[9]).uppercased(), default: []].append(person) }
            }
            _ = run(gpg, ["--homedir", home, "--batch", "--import"], stdin: input)
        }
        return GPGVerifier(gpgPath: gpg, home: home, owners: owners)
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
        var good = false
        var badSig = false
        var missingKey = false
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0] == "[GNUPG:]" else { continue }
            switch fields[1] {
            case "GOODSIG": good = true
            case "BADSIG": badSig = true
            case "ERRSIG", "NO_PUBKEY": missingKey = true
            case "VALIDSIG":
                if fields.count > 2 { fingerprint = String(fields[2]).uppercased() }
                if fields.count > 11 { fingerprint = fingerprint ?? String(fields[11]).uppercased() }
            default: break
            }
        }
        if badSig { return SignatureCheck(kind: .gpg, status: .bad, detail: "the OpenPGP signature does not match the commit's content") }
        if good, let fingerprint {
            let people = owners[fingerprint] ?? []
            if let first = people.first {
                return SignatureCheck(kind: .gpg, status: .verified, signerPersonID: first, keyFingerprint: fingerprint, detail: "signed with OpenPGP key \(fingerprint), registered to \(people.joined(separator: ", "))")
            }
            return SignatureCheck(kind: .gpg, status: .unknownKey, keyFingerprint: fingerprint, detail: "signed with OpenPGP key \(fingerprint), which is on no one's roster entry")
        }
        if missingKey {
            return SignatureCheck(kind: .gpg, status: .unknownKey, detail: "signed with an OpenPGP key that is on no one's roster entry")
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
