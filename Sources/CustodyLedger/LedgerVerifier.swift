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
    package static func verify(
        directory: String, key: NoteVerifier, trusted: [(name: String, note: [UInt8])] = []
    ) throws -> LedgerVerification {
        var run = VerifierRun(directory: directory, key: key)
        try run.checkCheckpoints(trusted: trusted)
        try run.checkTree()
        run.countUnsealed()
        return run.result
    }
}

private struct VerifierRun {
    let directory: String
    let key: NoteVerifier
    var result = LedgerVerification()
    /// Size → (file name, root) of every checkpoint kept.
    var bySize: [UInt64: [(name: String, root: MerkleHash)]] = [:]
    var latest: Checkpoint?

    init(directory: String, key: NoteVerifier) {
        self.directory = directory
        self.key = key
    }

    private func failure(_ message: String) -> LedgerError { LedgerError(.tampered, message) }

    private func load(_ name: String, bytes given: [UInt8]? = nil) throws -> Checkpoint {
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
        for (name, size) in kept {
            let checkpoint = try load(name)
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
        guard let names = bySize[range.size] else { return }
        let root = range.root()
        for (name, expected) in names where expected != root {
            throw failure("\(name): root does not match the root recomputed from entries 0..<\(range.size)")
        }
    }

    mutating func checkTree() throws {
        // swift-format-ignore: NeverForceUnwrap
        let size = latest!.size
        let reader = TileReader(directory: directory, treeSize: size)
        var range = CompactRange()
        try checkRoot(range)
        var upper: [[MerkleHash]] = [[], []]
        let tileCount = (size + TilePath.width - 1) / TilePath.width
        var records = RecordChecker(directory: directory, origin: latest?.origin ?? "")
        for n in 0..<tileCount {
            let width = reader.width(level: 0, index: n)
            let entries = try reader.bundle(index: n, width: width)
            let hashes = try reader.tile(level: 0, index: n, width: width)
            result.tiles += 1
            let bundleName = TilePath.entryBundle(index: n, width: width)
            let tileName = TilePath.hashTile(level: 0, index: n, width: width)
            for (i, entry) in entries.enumerated() {
                let index = n * TilePath.width + UInt64(i)
                let leaf = MerkleHash.leaf(entry)
                guard leaf == hashes[i] else {
                    throw failure("entry \(index) (\(bundleName)): does not match its hash in \(tileName)")
                }
                if index == 0 { records.detect(entry) }
                if records.enabled {
                    do { try records.check(entry, index: index) } catch let error as LedgerError {
                        throw failure(error.message)
                    }
                }
                range.append(leaf)
                try checkRoot(range)
            }
            try checkOldPartials(level: nil, index: n, entries: entries, hashes: hashes)
            try checkOldPartials(level: 0, index: n, entries: nil, hashes: hashes)
            if width == TilePath.width { try push(Merkle.root(of: hashes), level: 1, into: &upper, reader: reader) }
        }
        for level in 1..<upper.count where !upper[level].isEmpty {
            let index = (size >> (8 * UInt64(level))) / TilePath.width
            try compare(upper[level], level: level, index: index, reader: reader)
        }
        result.custodyRecords = records.enabled
        result.blobs = records.blobs
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
        let dir = TilePath.partialDirectory(level: level, index: index)
        guard FileIO.isDirectory(directory + "/" + dir) else { return }
        for name in FileIO.list(directory + "/" + dir) {
            guard let width = Int(name), String(width) == name, width > 0, width < Int(TilePath.width) else { continue }
            let path = dir + "/" + name
            if let entries {
                guard width <= entries.count, let bytes = try FileIO.read(directory + "/" + path) else { continue }
                guard bytes == EntryBundle.encode(Array(entries.prefix(width))) else {
                    throw failure("\(path): kept partial entry bundle does not match entries \(index * TilePath.width)..")
                }
            } else {
                guard width <= hashes.count, let bytes = try FileIO.read(directory + "/" + path, limit: 8192) else { continue }
                guard bytes == hashes.prefix(width).flatMap(\.bytes) else {
                    throw failure("\(path): kept partial tile does not match the recomputed hashes")
                }
                result.tiles += 1
            }
        }
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
