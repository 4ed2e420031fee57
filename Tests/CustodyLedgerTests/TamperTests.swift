import CustodyLedger
import CustodyTestSupport
import Testing

/// Every kind of tampering with a stored ledger is detected, and the message names the place.
@Suite struct TamperTests {
    static let signer = try! NoteSigner(name: "ledger.example.invalid/custody/tamper", seed: [UInt8](repeating: 5, count: 32))

    /// 600 entries after genesis, a checkpoint every 100, two blobs: full and partial tiles at levels 0 and 1.
    static func makeLedger() throws -> String {
        let dir = TestPaths.scratch("tamper")
        let ledger = try Ledger.open(directory: dir, signer: signer, options: .init(durable: false))
        for i in 1...600 {
            var entry = LedgerWriterTests.event(i)
            if i == 150 || i == 420 {
                entry = .auditRun(repository: "r", gitCommit: "c\(i)", toolVersion: "0", counts: [:], report: Array("report \(i)".utf8))
            }
            try ledger.append(entry)
            if i % 100 == 0 { try ledger.checkpoint() }
        }
        ledger.close()
        return dir
    }

    /// Verification fails naming `place`, with the same message whether one thread or several
    /// check the bundles and checkpoints.
    func verifyFails(_ dir: String, naming place: String, compareThreads: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        var messages: [String] = []
        for jobs in compareThreads ? [1, 4] : [4] {
            do {
                let result = try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier, jobs: jobs)
                Issue.record("tampering with \(place) was not detected (size \(result.size), jobs \(jobs))", sourceLocation: sourceLocation)
            } catch let error as LedgerError {
                #expect(error.code == .tampered, "\(error.message)", sourceLocation: sourceLocation)
                #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
                #expect(error.message.contains(place), "message '\(error.message)' does not name \(place)", sourceLocation: sourceLocation)
                messages.append(error.message)
            } catch {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            }
        }
        #expect(Set(messages).count <= 1, "messages differ by thread count: \(messages)", sourceLocation: sourceLocation)
    }

    @Test func theFirstFailureInLogOrderIsNamedWhateverTheThreads() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        // Damage a late bundle, then an early one: the early one is named (bundles are checked
        // concurrently, results taken in log order).
        try edit(dir, "tile/entries/002.p/89") { $0[$0.count - 3] ^= 0x20 }
        verifyFails(dir, naming: "tile/entries/002.p/89")
        try edit(dir, "tile/entries/000") { $0[600] ^= 0x20 }
        verifyFails(dir, naming: "tile/entries/000")
        // Restore the early bundle and replace the kept checkpoint at 301 by one of a forked log
        // (same key, other entries): its root is checked after bundle 1, before bundle 2.
        try edit(dir, "tile/entries/000") { $0[600] ^= 0x20 }
        let fork = TestPaths.scratch("fork")
        defer { TestPaths.remove(fork) }
        let ledger = try Ledger.open(directory: fork, signer: Self.signer, options: .init(durable: false))
        for i in 1...300 { try ledger.append(LedgerWriterTests.event(i + 7)) }
        try ledger.checkpoint()
        ledger.close()
        try FileIO.writeAtomically(try #require(try FileIO.read(fork + "/checkpoint")), to: dir + "/checkpoints/301", sync: false)
        verifyFails(dir, naming: "checkpoints/301: root does not match the root recomputed from entries 0..<301")
    }

    func edit(_ dir: String, _ relative: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = try #require(try FileIO.read(dir + "/" + relative))
        change(&bytes)
        try FileIO.writeAtomically(bytes, to: dir + "/" + relative, sync: false)
    }

    @Test func theUntouchedLedgerVerifies() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let result = try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier)
        #expect(result.size == 601 && result.checkpoints == 8 && result.blobs == 2 && result.custodyRecords)
        #expect(TestPaths.files(dir).contains("tile/1/000.p/2"))
    }

    @Test func flippingAnySingleByteOfAnyFileIsDetected() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let targets = TestPaths.files(dir).filter {
            $0.hasPrefix("tile/") || $0.hasPrefix("checkpoint") || $0.hasPrefix("blobs/")
        }
        #expect(targets.count >= 17)
        var generator = SplitMix(seed: 6962)
        var flips = 0
        for target in targets {
            let size = try #require(try FileIO.read(dir + "/" + target)).count
            // First, last and random positions in every file; every byte of the checkpoints (they
            // fail fast). Each flip costs a full verification, so big files get a sample.
            var positions = Set([0, size - 1])
            if target.hasPrefix("checkpoint") { positions.formUnion(0..<size) } else {
                for _ in 0..<6 { positions.insert(Int(generator.next() % UInt64(size))) }
            }
            let original = try #require(try FileIO.read(dir + "/" + target))
            for position in positions.sorted() {
                var flipped = original
                flipped[position] ^= UInt8(1 << (generator.next() % 8))
                try FileIO.writeAtomically(flipped, to: dir + "/" + target, sync: false)
                verifyFails(dir, naming: target, compareThreads: flips % 4 == 0)
                flips += 1
            }
            try FileIO.writeAtomically(original, to: dir + "/" + target, sync: false)
        }
        #expect(flips > 1000)
        _ = try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier)  // restored intact
    }

    @Test func everyByteOfEveryFileOfASmallLedgerIsCovered() throws {
        // Exhaustive where the 601-entry test samples: 12 entries, one blob, 3 checkpoints.
        let dir = TestPaths.scratch("tamper-small")
        defer { TestPaths.remove(dir) }
        let ledger = try Ledger.open(directory: dir, signer: Self.signer, options: .init(durable: false))
        for i in 1...12 {
            try ledger.append(i == 5 ? .auditRun(repository: "r", gitCommit: "c", toolVersion: "0", counts: [:], report: Array("report".utf8)) : LedgerWriterTests.event(i))
            if i % 5 == 0 { try ledger.checkpoint() }
        }
        try ledger.checkpoint()
        ledger.close()
        let targets = TestPaths.files(dir).filter { $0.hasPrefix("tile/") || $0.hasPrefix("checkpoint") || $0.hasPrefix("blobs/") }
        #expect(targets.contains { $0.hasPrefix("blobs/") } && targets.contains { $0.hasPrefix("tile/entries/") })
        var flips = 0
        for target in targets {
            let original = try #require(try FileIO.read(dir + "/" + target))
            for position in original.indices {
                var flipped = original
                flipped[position] ^= 0x04
                try FileIO.writeAtomically(flipped, to: dir + "/" + target, sync: false)
                do {
                    _ = try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier)
                    Issue.record("flipping byte \(position) of \(target) was not detected")
                } catch let error as LedgerError {
                    #expect(error.code == .tampered && error.message.contains(target), "\(target)@\(position): \(error.message)")
                }
                flips += 1
            }
            try FileIO.writeAtomically(original, to: dir + "/" + target, sync: false)
        }
        #expect(flips > 2000)
        _ = try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier)
    }

    @Test func truncationIsDetected() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let last = "tile/entries/002.p/89"
        let keep = try #require(try FileIO.read(dir + "/" + last))
        try edit(dir, last) { $0.removeLast(5) }
        verifyFails(dir, naming: last)
        FileIO.remove(dir + "/" + last)
        verifyFails(dir, naming: last)
        try FileIO.writeAtomically(keep, to: dir + "/" + last, sync: false)
        FileIO.remove(dir + "/tile/0/001")
        verifyFails(dir, naming: "tile/0/001")
    }

    @Test func rollingTheCheckpointBackIsDetected() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let old = try #require(try FileIO.read(dir + "/checkpoints/101"))
        try FileIO.writeAtomically(old, to: dir + "/checkpoint", sync: false)
        verifyFails(dir, naming: "checkpoint: size 101 is behind checkpoints/601")
    }

    @Test func aCleanTruncationIsCaughtByACheckpointKeptOutside() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let saved = try #require(try FileIO.read(dir + "/checkpoint"))  // an auditor kept this one (size 601)
        // The attacker rewinds the whole directory to size 101: every file above it goes.
        let old = try #require(try FileIO.read(dir + "/checkpoints/101"))
        try FileIO.writeAtomically(old, to: dir + "/checkpoint", sync: false)
        for name in FileIO.list(dir + "/checkpoints") where name != "1" && name != "101" { FileIO.remove(dir + "/checkpoints/" + name) }
        // The shortened log is self-consistent…
        #expect(try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier).size == 101)
        // …but not with the checkpoint that left the host.
        do {
            _ = try LedgerVerifier.verify(directory: dir, key: Self.signer.verifier, trusted: [("saved.checkpoint", saved)])
            Issue.record("rollback below a trusted checkpoint was not detected")
        } catch let error as LedgerError {
            #expect(error.message == "checkpoint: size 101 is behind the trusted saved.checkpoint at size 601 (rollback)")
        }
    }

    @Test func reorderingEntriesIsDetected() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let bundle = "tile/entries/001"
        let original = try #require(try FileIO.read(dir + "/" + bundle))
        var entries = EntryBundle.decode(original, limit: 256).entries
        entries.swapAt(10, 11)
        try FileIO.writeAtomically(EntryBundle.encode(entries), to: dir + "/" + bundle, sync: false)
        verifyFails(dir, naming: "entry 266 (tile/entries/001)")
        // A careful attacker also rewrites the level-0 tile: the record's own seq still gives it away.
        try edit(dir, "tile/0/001") { tile in
            tile = entries.flatMap { MerkleHash.leaf($0).bytes }
        }
        verifyFails(dir, naming: "entry 266: says seq 267")
    }

    @Test func rewrittenHistoryWithConsistentTilesFailsAtTheFirstCheckpoint() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        // Change entry 40 and recompute its tile: only the signed checkpoints can tell.
        var entries = EntryBundle.decode(try #require(try FileIO.read(dir + "/tile/entries/000")), limit: 256).entries
        entries[40] = try LedgerWriterTests.event(999).record(seq: 40)
        try FileIO.writeAtomically(EntryBundle.encode(entries), to: dir + "/tile/entries/000", sync: false)
        try FileIO.writeAtomically(entries.flatMap { MerkleHash.leaf($0).bytes }, to: dir + "/tile/0/000", sync: false)
        verifyFails(dir, naming: "checkpoints/101: root does not match")
    }

    @Test func aForkedCheckpointIsDetected() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        // The key holder signs a second, different tree head for size 601.
        let fake = Checkpoint(origin: Self.signer.name, size: 601, root: .leaf([1, 2, 3]))
        try FileIO.writeAtomically(try Self.signer.signNote(fake.text), to: dir + "/checkpoints/601", sync: false)
        verifyFails(dir, naming: "checkpoints/601: root differs from checkpoint at the same size 601 (fork)")
        // And an older one that does not match the entries.
        let dir2 = try Self.makeLedger()
        defer { TestPaths.remove(dir2) }
        let fake2 = Checkpoint(origin: Self.signer.name, size: 201, root: .leaf([4]))
        try FileIO.writeAtomically(try Self.signer.signNote(fake2.text), to: dir2 + "/checkpoints/201", sync: false)
        verifyFails(dir2, naming: "checkpoints/201: root does not match")
    }

    @Test func aDeletedBlobIsNamed() throws {
        let dir = try Self.makeLedger()
        defer { TestPaths.remove(dir) }
        let blob = try #require(TestPaths.files(dir).first { $0.hasPrefix("blobs/") })
        FileIO.remove(dir + "/" + blob)
        verifyFails(dir, naming: "blob \(blob) is missing")
        verifyFails(dir, naming: "entry 420: ")
    }
}
