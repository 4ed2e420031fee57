import ArgumentParser
import CustodyLedger
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `custody keygen`: an Ed25519 key pair in signed-note form.
struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 signing key (signed-note format) for the ledger or a reviewer.",
        discussion: """
            Writes PREFIX.key (PRIVATE+KEY+<name>+<id>+<key>, readable only by you), PREFIX.vkey \
            (the verifier key to give to auditors) and PREFIX.pub (the same public key as an OpenSSH \
            ssh-ed25519 line). For the ledger key, NAME is the log origin, e.g. \
            ledger.example.org/custody/prod; store it as <workspace>/keys/ledger. For a reviewer, NAME \
            is their roster id, and the PREFIX.pub line goes into their `keys` on the roster: only \
            verdicts signed with a key the roster registers to the reviewer count in audit reports.
            """
    )

    @Option(help: "Key name (the ledger origin, or the reviewer's roster id).")
    var name: String

    @Option(help: "Path prefix: writes PREFIX.key and PREFIX.vkey.")
    var output: String

    @Flag(help: "Replace existing key files.")
    var force = false

    func run() async throws {
        try LedgerCLI.run {
            let signer: NoteSigner
            do { signer = try NoteSigner.generate(name: name) } catch let error as LedgerError {
                throw CLIFailure(code: CustodyExit.usage, message: "key name: \(error.message)")
            }
            let keyPath = output + ".key"
            let vkeyPath = output + ".vkey"
            let pubPath = output + ".pub"
            if !force {
                for path in [keyPath, vkeyPath, pubPath] where FileIO.exists(path) {
                    throw CLIFailure(code: CustodyExit.configuration, message: "\(path) exists (use --force to replace it)")
                }
            }
            let dir = FileIO.dirname(keyPath)
            if !dir.isEmpty { try FileIO.makeDirectories(dir, mode: 0o700) }
            try FileIO.writeAtomically(Array((signer.skey + "\n").utf8), to: keyPath, sync: true, mode: 0o600)
            _ = chmod(keyPath, 0o600)
            try FileIO.writeAtomically(Array((signer.verifier.vkey + "\n").utf8), to: vkeyPath, sync: true, mode: 0o644)
            let sshLine = Self.openSSHLine(publicKey: signer.verifier.publicKey, comment: name)
            try FileIO.writeAtomically(Array((sshLine + "\n").utf8), to: pubPath, sync: true, mode: 0o644)
            LedgerCLI.output(
                LedgerCLI.sanitize("\(signer.verifier.vkey)\n\(sshLine)\nwrote \(keyPath) (private, mode 0600), \(vkeyPath) and \(pubPath)") + "\n")
        }
    }

    /// `ssh-ed25519 <base64 of the wire blob> <comment>`: the key as a roster `keys` line.
    static func openSSHLine(publicKey: [UInt8], comment: String) -> String {
        func string(_ bytes: [UInt8]) -> [UInt8] {
            let n = UInt32(bytes.count)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
        }
        let blob = string(Array("ssh-ed25519".utf8)) + string(publicKey)
        return "ssh-ed25519 " + Data(blob).base64EncodedString() + " " + comment
    }
}
