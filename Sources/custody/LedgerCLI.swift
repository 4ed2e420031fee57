import ArgumentParser
import CustodyCore
import CustodyLedger
import CustodyStore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared options and helpers of the ledger, keygen, review and attest commands.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "Custody's state directory (default: $CUSTODY_HOME, else ~/.custody).")
    var workspace: String?

    /// The workspace directory.
    var directory: String {
        Workspace.resolve(explicit: workspace, environment: ProcessInfo.processInfo.environment).path
    }

    /// `<workspace>/ledger`.
    var ledgerDirectory: String { directory + "/ledger" }

    /// `<workspace>/keys/ledger.key`: the ledger's signing key (made with `custody keygen`).
    var ledgerKeyPath: String { directory + "/keys/ledger.key" }
}

enum LedgerCLI {
    /// Reads a verifier key from a file, or takes the argument itself as a vkey.
    static func verifier(_ argument: String) throws -> NoteVerifier {
        let text: String
        if FileIO.exists(argument) {
            guard let bytes = try? FileIO.read(argument, limit: 4096) else {
                throw CLIFailure(code: CustodyExit.configuration, message: "cannot read verifier key file \(argument)")
            }
            text = String(decoding: bytes, as: UTF8.self).trimmedWhitespace()
        } else if argument.split(separator: "+", omittingEmptySubsequences: false).count >= 3 {
            text = argument  // the vkey itself
        } else {
            throw CLIFailure(code: CustodyExit.configuration, message: "no verifier key file at \(argument)")
        }
        do { return try NoteVerifier(vkey: text) } catch let error as LedgerError {
            throw CLIFailure(code: CustodyExit.configuration, message: "bad verifier key \(argument): \(error.message)")
        }
    }

    /// Reads a `PRIVATE+KEY+…` signer key file.
    static func signer(_ path: String) throws -> NoteSigner {
        let bytes: [UInt8]?
        do { bytes = try FileIO.read(path, limit: 4096) } catch {
            throw CLIFailure(code: CustodyExit.configuration, message: "cannot read key file \(path)")
        }
        guard let bytes else { throw CLIFailure(code: CustodyExit.configuration, message: "no key file at \(path)") }
        do {
            return try NoteSigner(skey: String(decoding: bytes, as: UTF8.self).trimmedWhitespace())
        } catch let error as LedgerError {
            throw CLIFailure(code: CustodyExit.configuration, message: "bad key file \(path): \(error.message)")
        }
    }

    /// Exit code for a ledger error: 1 verification failed, 2 bad key, 3 unreadable.
    static func exitCode(_ error: LedgerError) -> ExitCode {
        switch error.code {
        case .tampered, .badProof, .badNote, .badCheckpoint, .badEntry, .badEnvelope: CustodyExit.failed
        case .badKey: CustodyExit.configuration
        default: CustodyExit.incomplete
        }
    }

    /// Runs `body`, printing one error line and turning failures into the documented exit codes.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CLIFailure {
            printError("custody: \(sanitize(failure.message))")
            throw failure.code
        } catch let error as LedgerError {
            printError("custody: \(sanitize(error.message))")
            throw exitCode(error)
        }
    }

    /// Makes text from a ledger or repository safe for a terminal: control and bidi characters escaped.
    static func sanitize(_ text: String) -> String {
        // One neutralizer for every terminal line (it also covers U+061C, U+180E, U+2028/2029
        // and tag characters, which the copy that stood here missed).
        TerminalText.neutralize(text)
    }

    static func output(_ text: String) {
        writeToStandardOutput(Array(text.utf8))
    }
}

/// A failure with its exit code, raised by the commands.
struct CLIFailure: Error {
    let code: ExitCode
    let message: String
}

extension String {
    fileprivate func trimmedWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
