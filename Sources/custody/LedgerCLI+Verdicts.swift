import CustodyCore
import CustodyLedger

extension LedgerCLI {
    /// Review verdicts read from a workspace's ledger, for `custody audit`.
    struct WorkspaceVerdicts {
        /// Verdicts whose DSSE signature verifies with the key in their record, in ledger order.
        var verdicts: [LedgerVerdict]
        var directory: String
        /// Size of the latest checkpoint (entries read).
        var size: UInt64
    }

    /// Reads every `review.verdict` under the latest checkpoint of `<workspace>/ledger`.
    ///
    /// The ledger's key is `<workspace>/keys/ledger.vkey`, else the verifier of
    /// `<workspace>/keys/ledger.key`.
    ///
    /// - Returns: nil when the workspace has no ledger key and no ledger; no verdicts when it has
    ///   a key but no ledger yet.
    /// - Throws: ``CLIFailure`` (bad key file) or ``LedgerError`` (the ledger cannot be read or its
    ///   checkpoint does not verify).
    static func workspaceVerdicts(workspace: WorkspaceOptions) throws -> WorkspaceVerdicts? {
        let directory = workspace.ledgerDirectory
        guard FileIO.exists(directory + "/checkpoint") else {
            // A ledger key but no ledger yet: this audit starts it, and no verdict exists.
            return FileIO.exists(workspace.ledgerKeyPath) ? WorkspaceVerdicts(verdicts: [], directory: directory, size: 0) : nil
        }
        let vkeyPath = workspace.directory + "/keys/ledger.vkey"
        let key: NoteVerifier
        if FileIO.exists(vkeyPath) {
            key = try verifier(vkeyPath)
        } else if FileIO.exists(workspace.ledgerKeyPath) {
            key = try signer(workspace.ledgerKeyPath).verifier
        } else {
            return nil
        }
        let reader = try LedgerReader(directory: directory, key: key)
        let index = try LedgerIndex(reader: reader)
        var verdicts: [LedgerVerdict] = []
        for recorded in index.verdicts.values.joined().sorted(by: { $0.index < $1.index }) {
            guard let reviewerKey = try? NoteVerifier(vkey: recorded.reviewerKey) else { continue }
            verdicts.append(
                LedgerVerdict(
                    commit: recorded.verdict.commit, verdict: recorded.verdict.verdict, reviewer: recorded.verdict.reviewer,
                    reviewerKey: reviewerKey.publicKey, time: recorded.verdict.time, note: recorded.verdict.note,
                    ledgerEntry: recorded.index))
        }
        return WorkspaceVerdicts(verdicts: verdicts, directory: directory, size: reader.checkpoint.size)
    }

    /// A filter that accepts a verdict only when `roster` registers its signing key to the
    /// reviewer it names (the rule ``ReviewCoverage`` applies), for `custody review queue --roster`.
    ///
    /// - Throws: ``CLIFailure`` (exit 2) when the roster cannot be read or is invalid.
    static func registeredReviewerKeys(roster path: String) throws -> (LedgerIndex.Verdict) -> Bool {
        let people: Roster
        do {
            people = try RosterLoader.parse(try RosterLoader.readFile(path), file: path)
        } catch {
            throw CLIFailure(code: CustodyExit.configuration, message: "cannot use the roster \(path): \(error)")
        }
        let keysByPerson = ReviewCoverage.registeredKeys(people).byPerson
        return { verdict in
            guard let key = try? NoteVerifier(vkey: verdict.reviewerKey) else { return false }
            return keysByPerson[verdict.verdict.reviewer]?.contains(Array(key.publicKey)) == true
        }
    }
}
