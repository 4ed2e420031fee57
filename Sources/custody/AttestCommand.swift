import ArgumentParser
import CustodyLedger

/// `custody attest`: an in-toto Statement v1 (DSSE) about one commit's audit, logged in the ledger.
struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Issue a signed in-toto attestation of a commit's audit, or verify one.",
        discussion: """
            Subject: the git commit (gitCommit, gitTree). Predicate: the audit summary of the latest \
            audit run of that commit in the ledger, its report digest, the reviewers' verdicts and the \
            ledger position. The envelope is signed with the ledger key, logged as an `attestation` \
            record, and written with a tlog-proof receipt (FILE.tlog-proof) whose `extra` line \
            carries the logged record. Exit codes: 0 ok; 1 verification failed; 2 bad key; 3 missing data.
            """,
        subcommands: [AttestIssueCommand.self, AttestVerifyCommand.self],
        defaultSubcommand: AttestIssueCommand.self
    )
}

struct AttestIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "issue", abstract: "Attest a commit's audit (the default).")

    @Option(help: "The revision to attest.")
    var rev: String

    @Option(help: "The audited repository (default: the one the latest audit run names, else .).")
    var repo: String?

    @Option(help: "Where to write the envelope (default: <commit>.intoto.json).")
    var output: String?

    @Option(help: "The ledger's signing key, which also signs the attestation (default: <workspace>/keys/ledger.key).")
    var ledgerKey: String?

    @Option(help: "Predicate type URI (an organisation-owned, versioned URI).")
    var predicateType: String = AuditAttestation.predicateType

    @OptionGroup var options: ReviewLedgerOptions

    func run() async throws {
        try LedgerCLI.run {
            let signer = try LedgerCLI.signer(ledgerKey ?? options.workspace.ledgerKeyPath)
            let reader = try LedgerReader(directory: options.directory, key: signer.verifier)
            let index = try LedgerIndex(reader: reader)
            let repository = repo ?? index.latestAuditRun()?.repository.map(ReviewShowCommand.localPath) ?? "."
            let commit = try LedgerGit.resolve(repository: repository, rev)
            let tree = try? LedgerGit.resolve(repository: repository, commit, kind: "tree")
            guard let run = index.latestAuditRun(commit: commit) else {
                throw CLIFailure(code: CustodyExit.incomplete, message: "no audit run of \(commit) in the ledger: run custody audit first")
            }
            let predicate = Self.predicate(run: run, index: index, commit: commit, origin: reader.checkpoint.origin,
                                           checkpointSize: reader.checkpoint.size)
            let statement = AuditAttestation.statement(
                gitCommit: commit, gitTree: tree, predicateType: predicateType, predicate: predicate)
            let envelope = try AuditAttestation.sign(statement, signer: signer)
            let ledger = try Ledger.open(directory: options.directory, signer: signer)
            let logged = try ledger.append(try .attestation(envelope: envelope, subject: commit, predicateType: predicateType))
            try ledger.checkpoint()
            ledger.close()
            let updated = try LedgerReader(directory: options.directory, key: signer.verifier)
            let record = try updated.entry(logged)
            let receipt = try updated.receipt(for: logged)
            let path = output ?? "\(commit).intoto.json"
            try FileIO.writeAtomically(try envelope.encoded() + [0x0a], to: path, sync: true)
            let proof = TlogProof(extra: record, index: receipt.index, proof: receipt.proof, checkpoint: receipt.checkpoint)
            try FileIO.writeAtomically(proof.encoded, to: path + ".tlog-proof", sync: true)
            let result = predicate["result"]?.stringValue ?? "?"
            LedgerCLI.output(LedgerCLI.sanitize("\(result): attested \(commit) (audit run \(run.index)); wrote \(path) and \(path).tlog-proof (ledger entry \(logged))") + "\n")
        }
    }

    /// The commit-audit predicate (FORMATS.md §3.3).
    static func predicate(run: LedgerIndex.AuditRun, index: LedgerIndex, commit: String, origin: String, checkpointSize: UInt64) -> JSONValue {
        let counts = run.entry.body["counts"]?.objectValue ?? [:]
        let severe = ["critical", "high", "error"].reduce(Int64(0)) { $0 + (counts[$1]?.intValue ?? 0) }
        let verdicts = index.verdicts[commit] ?? []
        let latest = verdicts.last?.verdict.verdict
        let passed = severe == 0 && latest != "malicious" && latest != "needs-fix"
        var predicate: [String: JSONValue] = [
            "auditor": ["id": "https://custody.invalid/tools/custody", "version": ["tool": .string(CustodyVersion.string)]],
            "auditedAt": .string(run.entry.time),
            "result": .string(passed ? "PASSED" : "FAILED"),
            "findings": .object(counts),
            "reports": .array(run.entry.attachments.map {
                ["name": .string($0.name), "mediaType": .string($0.mediaType), "digest": ["sha256": .string($0.sha256)]]
            }),
            "reviews": .array(verdicts.map {
                ["reviewer": .string($0.verdict.reviewer), "verdict": .string($0.verdict.verdict), "ledgerIndex": .int(Int64($0.index))]
            }),
            "ledger": ["origin": .string(origin), "index": .int(Int64(run.index)), "checkpointSize": .int(Int64(checkpointSize))],
        ]
        if let repository = run.repository { predicate["repository"] = .string(repository) }
        return .object(predicate)
    }
}

struct AttestVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify an attestation envelope, and its ledger receipt when present.")

    @Argument(help: "The envelope file (<commit>.intoto.json).")
    var file: String

    @Option(help: "The signer's verifier key: a .vkey file or the vkey (default: <workspace>/keys/ledger.vkey).")
    var key: String?

    @Option(help: "The tlog-proof receipt (default: FILE.tlog-proof when it exists).")
    var proof: String?

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        try LedgerCLI.run {
            let verifier = try LedgerCLI.verifier(key ?? workspace.directory + "/keys/ledger.vkey")
            guard let bytes = try FileIO.read(file, limit: 16 << 20) else {
                throw CLIFailure(code: CustodyExit.incomplete, message: "cannot read \(file)")
            }
            let envelopeBytes = bytes.last == 0x0a ? Array(bytes.dropLast()) : bytes
            let verified: AuditAttestation.Verified
            do { verified = try AuditAttestation.verify(envelope: envelopeBytes, key: verifier) } catch let error as LedgerError {
                throw CLIFailure(code: CustodyExit.failed, message: "attestation does not verify: \(error.message)")
            }
            var line = "ok: \(verified.predicate["result"]?.stringValue ?? "?") attestation of \(verified.gitCommit) (\(verified.predicateType)), signed by \(verifier.name)"
            let proofPath = proof ?? file + ".tlog-proof"
            if let proofBytes = try FileIO.read(proofPath, limit: 1 << 20) {
                do {
                    let receipt = try TlogProof(parsing: proofBytes)
                    guard let record = receipt.extra else { throw LedgerError(.badProof, "receipt has no record in its extra line") }
                    let checkpoint = try receipt.verify(entry: record, key: verifier)
                    let (entry, _) = try LedgerEntry.parse(record: record)
                    let digest = LedgerBlob(name: "", mediaType: "", data: envelopeBytes).sha256
                    guard entry.kind == "attestation", entry.attachments.contains(where: { $0.sha256 == digest }) else {
                        throw LedgerError(.badProof, "the logged record is not this envelope")
                    }
                    line += "; logged as entry \(receipt.index) of \(checkpoint.origin) (checkpoint size \(checkpoint.size))"
                } catch let error as LedgerError {
                    throw CLIFailure(code: CustodyExit.failed, message: "receipt \(proofPath) does not verify: \(error.message)")
                }
            } else if proof != nil {
                throw CLIFailure(code: CustodyExit.incomplete, message: "cannot read \(proofPath)")
            }
            LedgerCLI.output(LedgerCLI.sanitize(line) + "\n")
        }
    }
}
