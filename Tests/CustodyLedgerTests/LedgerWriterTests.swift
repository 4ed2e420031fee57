import CustodyLedger
import Testing

/// Writing a ledger, reopening it, proofs against it.
@Suite struct LedgerWriterTests {
    static func signer() throws -> NoteSigner {
        try NoteSigner(name: "ledger.example.invalid/custody/test", seed: [UInt8](repeating: 42, count: 32))
    }

    static func event(_ i: Int) -> LedgerEntry {
        .session(.event, sessionId: "s-\(i / 10)", event: "command.approved", fields: ["line": .string("ls -la \(i)")],
                 time: LedgerTime.format(microseconds: 1_795_937_960_000_000 + Int64(i)))
    }

    @Test func appendCheckpointReopenAndVerify() throws {
        let dir = TestPaths.scratch()
        defer { TestPaths.remove(dir) }
        let signer = try Self.signer()
        var ledger: Ledger? = try Ledger.open(directory: dir, signer: signer, options: .init(durable: false))
        #expect(ledger?.size == 1)  // genesis
        for i in 1...300 {
            let index = try ledger!.append(Self.event(i))
            #expect(index == UInt64(i))
            if i % 70 == 0 { try ledger!.checkpoint() }
        }
        try ledger!.checkpoint()
        ledger = nil  // releases the lock
        let result = try LedgerVerifier.verify(directory: dir, key: signer.verifier)
        #expect(result.size == 301)
        #expect(result.custodyRecords)
        #expect(result.checkpoints == 7)  // checkpoint + sizes 1, 71, 141, 211, 281, 301
        #expect(FileIO.exists(dir + "/tile/0/000"))
        #expect(FileIO.exists(dir + "/tile/entries/000"))
        #expect(FileIO.exists(dir + "/tile/0/001.p/45"))
        #expect(FileIO.exists(dir + "/tile/1/000.p/1"))
        #expect(!FileIO.exists(dir + "/tile/0/000.p"))  // superseded partials are gone
        #expect(!FileIO.exists(dir + "/tile/0/001.p/25"))

        // Reopen, append more: the tree continues and everything still verifies.
        let again = try Ledger.open(directory: dir, signer: signer, options: .init(durable: true))
        #expect(again.size == 301)
        try again.append(Self.event(301))
        try again.checkpoint()
        again.close()
        #expect(try LedgerVerifier.verify(directory: dir, key: signer.verifier).size == 302)

        let reader = try LedgerReader(directory: dir, key: signer.verifier)
        let entries = try reader.entries(0..<302)
        #expect(reader.checkpoint.root == Merkle.root(of: entries.map { MerkleHash.leaf($0) }))
        for index in [0, 1, 255, 256, 257, 301] as [UInt64] {
            let receipt = try TlogProof(parsing: try reader.receipt(for: index).encoded)
            try receipt.verify(entry: entries[Int(index)], key: signer.verifier)
        }
        let oldRoot = try #require(try FileIO.read(dir + "/checkpoints/71")).withUnsafeBufferPointer {
            try SignedCheckpoint(parsing: Array($0), key: signer.verifier).checkpoint.root
        }
        try Merkle.verifyConsistency(
            oldSize: 71, newSize: 302, oldRoot: oldRoot, newRoot: reader.checkpoint.root, proof: try reader.consistencyProof(from: 71))
    }

    @Test func blobsAreContentAddressedAndBuildersProduceValidRecords() throws {
        let dir = TestPaths.scratch()
        defer { TestPaths.remove(dir) }
        let signer = try Self.signer()
        let ledger = try Ledger.open(directory: dir, signer: signer, options: .init(durable: false))
        let report = Array(#"{"findings":[],"summary":{"high":0}}"#.utf8)
        let index = try ledger.append(.auditRun(repository: "file:///src/app", gitCommit: String(repeating: "ab", count: 20),
                                                toolVersion: "0.1.0", counts: ["high": 0, "low": 3], report: report))
        let reviewer = try NoteSigner(name: "alice", seed: [UInt8](repeating: 3, count: 32))
        let verdict = try ReviewVerdict(commit: String(repeating: "ab", count: 20), verdict: "cleared", note: "looked at it", reviewer: "alice")
        try ledger.append(try .reviewVerdict(verdict, signer: reviewer))
        try ledger.append(.recordingChunk(sessionId: "s1", offset: 0, length: 10, sha256: String(repeating: "0", count: 64)))
        try ledger.append(LedgerEntry(kind: "session.end", body: ["sessionId": "s1"]), blobs: [Array("cast".utf8)])
        try ledger.checkpoint()
        ledger.close()
        let blob = LedgerBlob(name: "report.json", mediaType: "application/json", data: report)
        #expect(try FileIO.read(dir + "/blobs/sha256/" + blob.sha256) == report)
        let result = try LedgerVerifier.verify(directory: dir, key: signer.verifier)
        #expect(result.blobs == 2)
        let record = try LedgerReader(directory: dir, key: signer.verifier).entry(index)
        let (entry, _) = try LedgerEntry.parse(record: record)
        #expect(entry.kind == "audit.run")
        #expect(entry.attachments.first?.sha256 == blob.sha256)
        #expect(entry.body["counts"]?["low"]?.intValue == 3)
    }

    @Test func aSecondWriterIsLockedOut() throws {
        let dir = TestPaths.scratch()
        defer { TestPaths.remove(dir) }
        let first = try Ledger.open(directory: dir, signer: try Self.signer(), options: .init(durable: false))
        #expect {
            try Ledger.open(directory: dir, signer: try Self.signer(), options: .init(durable: false, waitForLock: false))
        } throws: { ($0 as? LedgerError)?.code == .locked }
        first.close()
        let second = try Ledger.open(directory: dir, signer: try Self.signer(), options: .init(durable: false, waitForLock: false))
        second.close()
    }

    @Test func aLedgerRefusesAnotherKeyAndOversizedRecords() throws {
        let dir = TestPaths.scratch()
        defer { TestPaths.remove(dir) }
        let ledger = try Ledger.open(directory: dir, signer: try Self.signer(), options: .init(durable: false))
        #expect(throws: LedgerError.self) {
            try ledger.append(LedgerEntry(kind: "session.event", body: ["x": .string(String(repeating: "a", count: 70_000))]))
        }
        #expect(throws: LedgerError.self) { try ledger.append(record: Array(#"{"body":{},"kind":"x","seq":7,"time":"t","v":1}"#.utf8)) }
        try ledger.append(record: Array(#"{"body":{},"kind":"session.event","seq":1,"time":"t","v":1}"#.utf8))
        ledger.close()
        let other = try NoteSigner(name: "ledger.example.invalid/custody/test", seed: [UInt8](repeating: 9, count: 32))
        #expect { try Ledger.open(directory: dir, signer: other) } throws: { ($0 as? LedgerError)?.code == .badKey }
    }

    @Test func unsealedJournalEntriesAreReintegratedOnOpen() throws {
        let dir = TestPaths.scratch()
        defer { TestPaths.remove(dir) }
        let signer = try Self.signer()
        let ledger = try Ledger.open(directory: dir, signer: signer, options: .init(durable: false))
        for i in 1...5 { try ledger.append(Self.event(i)) }
        ledger.close()  // no checkpoint: 5 entries are only in the journal
        let before = try LedgerVerifier.verify(directory: dir, key: signer.verifier)
        #expect(before.size == 1 && before.unsealed == 5)
        // A torn last frame (a killed writer) is dropped, the rest is sealed.
        var journal = try #require(try FileIO.read(dir + "/.state/journal"))
        journal.removeLast(3)
        try FileIO.writeAtomically(journal, to: dir + "/.state/journal", sync: false)
        let reopened = try Ledger.open(directory: dir, signer: signer, options: .init(durable: false))
        #expect(reopened.size == 5 && reopened.checkpointSize == 5)
        try reopened.append(Self.event(6))
        try reopened.checkpoint()
        reopened.close()
        let after = try LedgerVerifier.verify(directory: dir, key: signer.verifier)
        #expect(after.size == 6 && after.unsealed == 0)
    }
}
