import CustodyLedger

extension LedgerCLI {
    /// For `custody audit`: appends an `audit.run` record (summary + full JSON report as a blob) and
    /// seals it with a checkpoint, when the workspace has a ledger key (`<workspace>/keys/ledger.key`).
    ///
    /// - Returns: the entry index, or nil when there is no ledger key (the ledger is optional).
    /// - Throws: ``CLIFailure`` (bad key: exit 2) or ``LedgerError`` (ledger unusable).
    static func recordAuditRun(
        workspace: WorkspaceOptions, repository: String, gitCommit: String, counts: [String: Int64],
        summary: [String: JSONValue] = [:], report: [UInt8]
    ) throws -> UInt64? {
        guard FileIO.exists(workspace.ledgerKeyPath) else { return nil }
        let signer = try signer(workspace.ledgerKeyPath)
        let ledger = try Ledger.open(directory: workspace.ledgerDirectory, signer: signer)
        defer { ledger.close() }
        let index = try ledger.append(
            .auditRun(repository: repository, gitCommit: gitCommit, toolVersion: CustodyVersion.string, counts: counts,
                      summary: summary, report: report))
        try ledger.checkpoint()
        return index
    }
}
