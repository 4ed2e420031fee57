#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a successful verification covered.
package struct LedgerVerification: Sendable, Equatable {
    package var origin: String = ""
    /// Size of the latest checkpoint: entries `0 ..< size` were checked.
    package var size: UInt64 = 0
    /// Signed checkpoints checked (the latest and every kept one).
    package var checkpoints: Int = 0
    /// Hash tiles compared with the recomputed hashes (full, partial and kept older partials).
    package var tiles: Int = 0
    /// True when entry 0 is a Custody `ledger.genesis` record, so every record was checked as JSON.
    package var custodyRecords: Bool = false
    /// Blobs whose SHA-256 and size were checked.
    package var blobs: Int = 0
    /// Complete journal frames beyond the latest checkpoint (not covered by any signature).
    package var unsealed: Int = 0
}

/// Offline verification of a ledger directory against the log's verifier key.
///
/// Checks, in order, and stops at the first failure, naming it in one line: every checkpoint file
/// (`checkpoint`, `checkpoints/<size>`, Tessera's `checkpoint.<size>`) parses and is signed by the
/// key; no two share a size with different roots (fork); none is newer than `checkpoint`
/// (rollback); then every entry bundle, level-0 tile and higher tile is recomputed from the entries,
/// the root at each checkpoint size must equal that checkpoint's root (so successive checkpoints
/// are consistent), and — for a Custody log — every record is canonical, has `seq` equal to its
/// index, and its blobs and reviewer signatures match.
package enum LedgerVerifier {
    /// Verifies `directory`.
    ///
    /// - Throws: ``LedgerError``: `notALedger` (no directory or no checkpoint), `io` (unreadable),
    ///   `tampered` with a message that starts with the place (entry, tile, checkpoint or blob).
    ///
    /// - Parameter trusted: checkpoints kept outside the ledger (name → signed note bytes), e.g. the
    ///   last one a witness or an auditor saw: each must be signed, not newer than `checkpoint`
    ///   (rollback), and its root must equal the root recomputed at its size (fork).
    ///
    /// - Parameter jobs: threads that check checkpoints and entry bundles at once (default: the
    ///   number of active cores). The outcome, and the place a failure names, do not depend on it:
    ///   bundles are checked concurrently but their results are taken in log order, so the first
    ///   failure in log order is the one reported.
    package static func verify(
        directory: String, key: NoteVerifier, trusted: [(name: String, note: [UInt8])] = [], jobs: Int? = nil
    ) throws -> LedgerVerification {
        var run = VerifierRun(directory: directory, key: key, jobs: max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount))
        try run.checkCheckpoints(trusted: trusted)
        try run.checkTree()
        run.countUnsealed()
        return run.result
    }
}

struct VerifierRun {
    let directory: String
    let key: NoteVerifier
    let jobs: Int
    var result = LedgerVerification()
    /// Size → (file name, root) of every checkpoint kept.
    var bySize: [UInt64: [(name: String, root: MerkleHash)]] = [:]
    var latest: Checkpoint?

    init(directory: String, key: NoteVerifier, jobs: Int) {
        self.directory = directory
        self.key = key
        self.jobs = jobs
    }

    private func failure(_ message: String) -> LedgerError { LedgerError(.tampered, message) }

    private func load(_ name: String, bytes given: [UInt8]? = nil) throws -> Checkpoint {
        try VerifierRun.load(name, bytes: given, directory: directory, key: key)
    }

    private static func load(_ name: String, bytes given: [UInt8]? = nil, directory: String, key: NoteVerifier) throws -> Checkpoint {
        func failure(_ message: String) -> LedgerError { LedgerError(.tampered, message) }
        guard let bytes = try given ?? FileIO.read(directory + "/" + name, limit: SignedNote.maximumSize) else {
            throw failure("\(name): checkpoint is missing")
        }
        do {
            return try SignedCheckpoint(parsing: bytes, key: key).checkpoint
        } catch let error as LedgerError {
            throw failure("\(name): \(error.message)")
        }
    }

    mutating func checkCheckpoints(trusted: [(name: String, note: [UInt8])]) throws {
        guard FileIO.isDirectory(directory) else { throw LedgerError(.notALedger, "\(directory): no such directory") }
        guard FileIO.exists(directory + "/checkpoint") else {
            throw LedgerError(.notALedger, "\(directory): no checkpoint (not a ledger)")
        }
        let latest = try load("checkpoint")
        self.latest = latest
        result.origin = latest.origin
        result.size = latest.size
        bySize[latest.size] = [("checkpoint", latest.root)]
        var kept: [(String, UInt64)] = []
        for name in FileIO.list(directory + "/checkpoints") {
            if let size = UInt64(name), String(size) == name { kept.append(("checkpoints/" + name, size)) }
        }
        for name in FileIO.list(directory) where name.hasPrefix("checkpoint.") {
            let suffix = name.dropFirst("checkpoint.".count)
            if let size = UInt64(suffix), String(size) == suffix { kept.append((name, size)) }
        }
        kept.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        result.checkpoints = 1
        // Signatures are checked concurrently; the results are taken in order below.
        let (directory, key, names) = (self.directory, self.key, kept.map(\.0))
        let loaded = ParallelMap.run(count: names.count, jobs: jobs) { i in
            Result { try VerifierRun.load(names[i], directory: directory, key: key) }
        }
        for ((name, size), outcome) in zip(kept, loaded) {
            let checkpoint = try outcome.get()
            guard checkpoint.size == size else { throw failure("\(name): checkpoint says size \(checkpoint.size)") }
            guard checkpoint.origin == latest.origin else { throw failure("\(name): origin differs from checkpoint") }
            if let other = bySize[size]?.first, other.root != checkpoint.root {
                throw failure("\(name): root differs from \(other.name) at the same size \(size) (fork)")
            }
            bySize[size, default: []].append((name, checkpoint.root))
            result.checkpoints += 1
        }
        if let newest = kept.last, newest.1 > latest.size {
            throw failure(
                "checkpoint: size \(latest.size) is behind \(newest.0) (rollback or truncation of the log)")
        }
        for (name, note) in trusted {
            let checkpoint = try load(name, bytes: note)
            guard checkpoint.origin == latest.origin else { throw failure("\(name): origin differs from checkpoint") }
            guard checkpoint.size <= latest.size else {
                throw failure("checkpoint: size \(latest.size) is behind the trusted \(name) at size \(checkpoint.size) (rollback)")
            }
            if let other = bySize[checkpoint.size]?.first, other.root != checkpoint.root {
                throw failure("\(name): root differs from \(other.name) at the same size \(checkpoint.size) (fork)")
            }
            bySize[checkpoint.size, default: []].append((name, checkpoint.root))
            result.checkpoints += 1
        }
    }

    private func checkRoot(_ range: CompactRange) throws {
        guard bySize[range.size] != nil else { return }
        try checkRoot(size: range.size, root: range.root())
    }

    private func checkRoot(size: UInt64, root: MerkleHash) throws {
        guard let names = bySize[size] else { return }
        for (name, expected) in names where expected != root {
            throw failure("\(name): root does not match the root recomputed from entries 0..<\(size)")
        }
    }

    /// Recomputes the tree. Entry bundles and their level-0 tiles are checked concurrently in
    /// batches (leaf hashes, records, kept partials, the tile's root and the in-tile part of the
    /// root at each checkpoint size); the results are then taken in log order, so the first
    /// failure in log order is the one named, whatever `jobs` is.
    mutating func checkTree() throws {
        // swift-format-ignore: NeverForceUnwrap
        let size = latest!.size
        let reader = TileReader(directory: directory, treeSize: size)
        var range = CompactRange()
        try checkRoot(range)
        var upper: [[MerkleHash]] = [[], []]
        let tileCount = (size + TilePath.width - 1) / TilePath.width
        var records = RecordChecker(directory: directory, origin: latest?.origin ?? "")
        if tileCount > 0, let first = try? reader.bundle(index: 0, width: reader.width(level: 0, index: 0)).first {
            records.detect(first)
        }
        let sizes = bySize.keys.filter { $0 > 0 }.sorted()
        let directory = self.directory
        let checker = records
        let batch = UInt64(max(16, 16 * jobs))
        var n: UInt64 = 0
        while n < tileCount {
            let first = n
            let count = Int(min(batch, tileCount - first))
            let works = ParallelMap.run(count: count, jobs: jobs) { i in
                BundleWork(directory: directory, treeSize: size, index: first + UInt64(i), records: checker, sizes: sizes)
            }
            for work in works {
                if let error = work.readFailure { throw error }
                result.tiles += 1
                let base = work.index * TilePath.width
                for (at, local) in work.roots where at < base + TilePath.width {
                    try checkRoot(size: at, root: CompactRange.root(of: range.hashes + local))
                }
                if let error = work.entryFailure { throw error }
                if let tileRoot = work.tileRoot {
                    range.append(subtree: tileRoot, height: 8)
                    try checkRoot(range)
                }
                result.blobs += work.blobs
                result.tiles += work.partialTiles
                if let error = work.partialFailure { throw error }
                if let tileRoot = work.tileRoot { try push(tileRoot, level: 1, into: &upper, reader: reader) }
            }
            n += UInt64(count)
        }
        for level in 1..<upper.count where !upper[level].isEmpty {
            let index = (size >> (8 * UInt64(level))) / TilePath.width
            try compare(upper[level], level: level, index: index, reader: reader)
        }
        result.custodyRecords = records.enabled
    }

    private mutating func push(_ hash: MerkleHash, level: Int, into upper: inout [[MerkleHash]], reader: TileReader) throws {
        if upper.count <= level { upper.append([]) }
        upper[level].append(hash)
        guard upper[level].count == Int(TilePath.width) else { return }
        let index = fullTilesSeen[level, default: 0]
        fullTilesSeen[level] = index + 1
        try compare(upper[level], level: level, index: index, reader: reader)
        let root = Merkle.root(of: upper[level])
        upper[level] = []
        try push(root, level: level + 1, into: &upper, reader: reader)
    }

    /// Compares recomputed hashes with the stored tile that holds them.
    private mutating func compare(_ hashes: [MerkleHash], level: Int, index: UInt64, reader: TileReader) throws {
        let width = UInt64(hashes.count)
        let stored = try reader.tile(level: level, index: index, width: width)
        result.tiles += 1
        if let j = (0..<hashes.count).first(where: { stored[$0] != hashes[$0] }) {
            let name = TilePath.hashTile(level: level, index: index, width: width)
            throw failure("\(name): hash \(j) does not match the tiles below it")
        }
        try checkOldPartials(level: level, index: index, entries: nil, hashes: hashes)
    }

    /// Full tiles complete in order; this counter gives the index of the next one per level.
    private var fullTilesSeen: [Int: UInt64] = [:]

    /// Kept partial tiles or bundles (`N.p/W`, e.g. Tessera keeps every width) must be prefixes.
    private mutating func checkOldPartials(level: Int?, index: UInt64, entries: [[UInt8]]?, hashes: [MerkleHash]) throws {
        result.tiles += try VerifierRun.checkOldPartials(
            directory: directory, level: level, index: index, entries: entries, hashes: hashes)
    }

    /// Checks kept partials below `index`; returns how many partial hash tiles were compared.
    static func checkOldPartials(
        directory: String, level: Int?, index: UInt64, entries: [[UInt8]]?, hashes: [MerkleHash]
    ) throws -> Int {
        let dir = TilePath.partialDirectory(level: level, index: index)
        guard FileIO.isDirectory(directory + "/" + dir) else { return 0 }
        var tiles = 0
        for name in FileIO.list(directory + "/" + dir).sorted() {
            guard let width = Int(name), String(width) == name, width > 0, width < Int(TilePath.width) else { continue }
            let path = dir + "/" + name
            if let entries {
                guard width <= entries.count, let bytes = try FileIO.read(directory + "/" + path) else { continue }
                guard bytes == EntryBundle.encode(Array(entries.prefix(width))) else {
                    throw LedgerError(.tampered, "\(path): kept partial entry bundle does not match entries \(index * TilePath.width)..")
                }
            } else {
                guard width <= hashes.count, let bytes = try FileIO.read(directory + "/" + path, limit: 8192) else { continue }
                guard bytes == hashes.prefix(width).flatMap(\.bytes) else {
                    throw LedgerError(.tampered, "\(path): kept partial tile does not match the recomputed hashes")
                }
                tiles += 1
            }
        }
        return tiles
    }

    mutating func countUnsealed() {
        guard let journal = try? FileIO.read(directory + "/.state/journal") else { return }
        var offset = 0
        while let frame = JournalFrame.decode(journal, at: offset) {
            if frame.index >= result.size { result.unsealed += 1 }
            offset = frame.end
        }
    }
}
