import ArgumentParser
import CustodyLedger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `custody ledger`: verify, show and prove entries of the tamper-evident log.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Verify and inspect the tamper-evident ledger.",
        discussion: """
            Exit codes: 0 ok; 1 verification failed (the message names the first entry, tile, \
            checkpoint or blob that does not match); 2 bad key file; 3 ledger unreadable.
            """,
        subcommands: [
            LedgerVerifyCommand.self, LedgerShowCommand.self, LedgerProofCommand.self, LedgerRecordAuditCommand.self,
            LedgerAppendTestCommand.self,
        ]
    )
}

struct LedgerVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every leaf, tile and root; check every checkpoint signature, blob and record."
    )

    @Argument(help: "Ledger directory (default: <workspace>/ledger).")
    var directory: String?

    @Option(help: "The log's verifier key: a .vkey file or the vkey itself.")
    var key: String

    @Option(help: "A checkpoint saved outside the ledger (e.g. by an auditor or witness); repeatable. Detects rollback and forks below it.")
    var trusted: [String] = []

    @Option(help: "Threads that check checkpoints and entry bundles (default: number of cores). The result never depends on it.")
    var jobs: Int?

    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
    }

    func run() async throws {
        try LedgerCLI.run {
            let key = try LedgerCLI.verifier(key)
            let dir = directory ?? workspace.ledgerDirectory
            var notes: [(name: String, note: [UInt8])] = []
            for path in trusted {
                guard let note = try FileIO.read(path, limit: SignedNote.maximumSize) else {
                    throw CLIFailure(code: CustodyExit.incomplete, message: "cannot read trusted checkpoint \(path)")
                }
                notes.append((path, note))
            }
            let result: LedgerVerification
            do {
                result = try LedgerVerifier.verify(directory: dir, key: key, trusted: notes, jobs: jobs)
            } catch let error as LedgerError where error.code == .tampered {
                throw CLIFailure(code: CustodyExit.failed, message: "ledger verification failed: \(error.message)")
            }
            var line = "ok: \(result.origin) size \(result.size): \(result.size) entries, \(result.tiles) tiles, "
                + "\(result.checkpoints) checkpoints, \(result.blobs) blobs verified"
            if !result.custodyRecords && result.size > 0 { line += " (not a Custody log: structure only)" }
            if result.unsealed > 0 { line += "; \(result.unsealed) unsealed entries after the last checkpoint (not signed yet)" }
            LedgerCLI.output(LedgerCLI.sanitize(line) + "\n")
        }
    }
}

struct LedgerShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the latest checkpoint and the last entries."
    )

    @Argument(help: "Ledger directory (default: <workspace>/ledger).")
    var directory: String?

    @Option(help: "Verifier key (.vkey file or vkey); without it the checkpoint signature is not checked.")
    var key: String?

    @Option(help: "How many of the latest entries to print.")
    var last: Int = 10

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        try LedgerCLI.run {
            let dir = directory ?? workspace.ledgerDirectory
            guard let bytes = try FileIO.read(dir + "/checkpoint", limit: SignedNote.maximumSize) else {
                throw LedgerError(.notALedger, "\(dir): no checkpoint (not a ledger)")
            }
            let checkpoint: Checkpoint
            var status = "signature not checked (no --key)"
            if let key {
                checkpoint = try SignedCheckpoint(parsing: bytes, key: try LedgerCLI.verifier(key)).checkpoint
                status = "signature verified"
            } else {
                checkpoint = try Checkpoint(parsing: try SignedNote(parsing: bytes).text)
            }
            var lines = ["origin: \(checkpoint.origin)", "size: \(checkpoint.size)", "root: \(checkpoint.root.base64)"]
            lines.append("checkpoint: \(status)")
            let reader = TileReader(directory: dir, treeSize: checkpoint.size)
            let first = checkpoint.size > UInt64(max(0, last)) ? checkpoint.size - UInt64(max(0, last)) : 0
            for index in first..<checkpoint.size {
                let entry = try reader.entry(index)
                lines.append("\(index): \(String(decoding: entry.prefix(400), as: UTF8.self))\(entry.count > 400 ? "…" : "")")
            }
            LedgerCLI.output(lines.map(LedgerCLI.sanitize).joined(separator: "\n") + "\n")
        }
    }
}

struct LedgerProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print a c2sp.org/tlog-proof receipt for entry N (index, inclusion proof, signed checkpoint)."
    )

    @Argument(help: "Entry index.")
    var index: UInt64

    @Argument(help: "Ledger directory (default: <workspace>/ledger).")
    var directory: String?

    @Option(help: "The log's verifier key: a .vkey file or the vkey itself.")
    var key: String

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        try LedgerCLI.run {
            let reader = try LedgerReader(directory: directory ?? workspace.ledgerDirectory, key: try LedgerCLI.verifier(key))
            guard index < reader.checkpoint.size else {
                throw CLIFailure(code: CustodyExit.usage, message: "entry \(index) is not below the checkpoint size \(reader.checkpoint.size)")
            }
            writeToStandardOutput(try reader.receipt(for: index).encoded)
        }
    }
}

/// Hidden: appends entries in a loop, printing each index once it is appended (crash tests, benchmarks).
struct LedgerAppendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "append-test", shouldDisplay: false)

    @Argument var directory: String
    @Option var key: String
    @Option var count: Int = 1_000_000
    @Option var checkpointEvery: Int = 100
    @Option var size: Int = 200
    @Flag var noSync = false
    @Flag var quiet = false
    @Option var delayMicroseconds: Int = 0

    func run() async throws {
        try LedgerCLI.run {
            let signer = try LedgerCLI.signer(key)
            let ledger = try Ledger.open(
                directory: directory, signer: signer,
                options: .init(durable: !noSync, checkpointEvery: checkpointEvery > 0 ? checkpointEvery : nil))
            let filler = String(repeating: "x", count: max(0, size - 120))
            let start = ledger.size
            for i in 0..<count {
                let entry = LedgerEntry.session(
                    .event, sessionId: "bench", event: "command.approved", fields: ["n": .int(Int64(i)), "pad": .string(filler)])
                let index = try ledger.append(entry)
                if !quiet { LedgerCLI.output("\(index)\n") }
                if delayMicroseconds > 0 { usleep(UInt32(delayMicroseconds)) }
            }
            try ledger.checkpoint()
            if quiet { LedgerCLI.output("appended \(ledger.size - start)\n") }
            ledger.close()
        }
    }
}

