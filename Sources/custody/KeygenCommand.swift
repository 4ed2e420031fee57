import ArgumentParser
import CustodyLedger

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
            Writes PREFIX.key (PRIVATE+KEY+<name>+<id>+<key>, readable only by you) and PREFIX.vkey \
            (the verifier key to give to auditors). For the ledger key, NAME is the log origin, e.g. \
            ledger.example.org/custody/prod; store it as <workspace>/keys/ledger.
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
            if !force {
                for path in [keyPath, vkeyPath] where FileIO.exists(path) {
                    throw CLIFailure(code: CustodyExit.configuration, message: "\(path) exists (use --force to replace it)")
                }
            }
            let dir = FileIO.dirname(keyPath)
            if !dir.isEmpty { try FileIO.makeDirectories(dir, mode: 0o700) }
            try FileIO.writeAtomically(Array((signer.skey + "\n").utf8), to: keyPath, sync: true, mode: 0o600)
            _ = chmod(keyPath, 0o600)
            try FileIO.writeAtomically(Array((signer.verifier.vkey + "\n").utf8), to: vkeyPath, sync: true, mode: 0o644)
            LedgerCLI.output("\(signer.verifier.vkey)\nwrote \(keyPath) (private, mode 0600) and \(vkeyPath)\n")
        }
    }
}
