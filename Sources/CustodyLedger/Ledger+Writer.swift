import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The append-only ledger: an RFC 6962 log stored in the c2sp.org/tlog-tiles layout.
///
/// One process at a time writes (an exclusive `flock` on `.state/lock`). Each append writes its
/// blobs, then one frame to the journal `.state/journal` (a single `write`), then updates the
/// in-memory tiles; a full tile or bundle is written as soon as it completes. ``checkpoint()``
/// writes the partial bundle and tiles (temp file, fsync, rename), signs the checkpoint, replaces
/// `checkpoint`, keeps a copy as `checkpoints/<size>`, then empties the journal. A process killed
/// at any point leaves a log that verifies at its last checkpoint; ``open(directory:signer:options:)``
/// re-integrates the journal's complete frames and seals them.
///
/// ```swift
/// let signer = try NoteSigner(skey: keyFileText)
/// let ledger = try Ledger.open(directory: "/var/lib/custody/ledger", signer: signer)
/// let index = try ledger.append(.auditRun(repository: "…", revision: sha, toolVersion: "0.1.0",
///                                         counts: ["high": 2], report: reportJSON))
/// try ledger.checkpoint()
/// ```
package final class Ledger: Sendable {
    /// How the writer behaves.
    package struct Options: Sendable {
        /// fsync files and directories at checkpoints (survives power loss, not only a killed process).
        package var durable: Bool = true
        /// Checkpoint automatically after this many unsealed appends (nil: only when asked).
        package var checkpointEvery: Int? = nil
        /// Wait for another writer to finish instead of failing with `locked`.
        package var waitForLock: Bool = true
        /// Body fields added to the genesis record when a new ledger is created.
        package var genesisFields: [String: JSONValue] = [:]

        package init(durable: Bool = true, checkpointEvery: Int? = nil, waitForLock: Bool = true) {
            self.durable = durable
            self.checkpointEvery = checkpointEvery
            self.waitForLock = waitForLock
        }
    }

    private let state: Mutex<WriterState>

    /// The ledger directory.
    package let directory: String

    private init(state: WriterState) {
        self.directory = state.directory
        self.state = Mutex(state)
    }

    deinit {
        state.withLock { $0.closeFiles() }
    }

    /// Opens (or creates) the ledger in `directory`, taking the writer lock.
    ///
    /// A new ledger gets a `ledger.genesis` record at index 0 and a first checkpoint. An existing
    /// one is checked against its checkpoint (the root recomputed from the stored tiles must match
    /// and be signed by `signer`); complete journal frames left by a killed writer are appended
    /// again and sealed.
    /// - Throws: ``LedgerError``: `badKey` (checkpoint not signed by this key), `tampered`, `io`, `locked`.
    package static func open(directory: String, signer: NoteSigner, options: Options = Options()) throws -> Ledger {
        var state = try WriterState(directory: directory, signer: signer, options: options)
        do {
            try state.recover()
        } catch {
            state.closeFiles()
            throw error
        }
        return Ledger(state: state)
    }

    /// Number of entries (sealed and unsealed).
    package var size: UInt64 { state.withLock { $0.size } }

    /// Size of the last checkpoint.
    package var checkpointSize: UInt64 { state.withLock { $0.checkpointSize } }

    /// The latest signed checkpoint note.
    package var latestCheckpoint: [UInt8] { state.withLock { $0.checkpointBytes } }

    /// The log origin (= key name).
    package var origin: String { state.withLock { $0.signer.name } }

    /// Appends one entry (writing its blobs first) and returns its index.
    ///
    /// - Throws: ``LedgerError`` (`badEntry` for a record over 65,535 bytes; `io`).
    @discardableResult
    package func append(_ entry: LedgerEntry) throws -> UInt64 {
        try state.withLock { state in
            let seq = state.size
            let record = try entry.record(seq: seq)
            for blob in entry.blobs { try state.writeBlob(blob) }
            try state.appendRecord(record)
            if let every = state.options.checkpointEvery, state.size - state.checkpointSize >= UInt64(every) {
                try state.writeCheckpoint()
            }
            return seq
        }
    }

    /// Appends an entry with unnamed binary attachments.
    @discardableResult
    package func append(_ entry: LedgerEntry, blobs: [[UInt8]]) throws -> UInt64 {
        var entry = entry
        for (i, data) in blobs.enumerated() {
            let blob = LedgerBlob(name: "blob-\(i)", mediaType: "application/octet-stream", data: data)
            entry.blobs.append(blob)
            entry.attachments.append(blob.descriptor)
        }
        return try append(entry)
    }

    /// Appends a record given as canonical JSON bytes; its `seq` must be the next index.
    ///
    /// - Throws: ``LedgerError`` (`badEntry`) when the bytes are not a canonical record for this position.
    @discardableResult
    package func append(record: [UInt8], blobs: [LedgerBlob] = []) throws -> UInt64 {
        try state.withLock { state in
            let (entry, seq) = try LedgerEntry.parse(record: record)
            guard seq == state.size else { throw LedgerError(.badEntry, "record seq \(seq) is not the next index \(state.size)") }
            let have = Set(blobs.map(\.descriptor))
            guard Set(entry.attachments) == have else {
                throw LedgerError(.badEntry, "record attachments do not match the blobs given")
            }
            for blob in blobs { try state.writeBlob(blob) }
            try state.appendRecord(record)
            return seq
        }
    }

    /// Seals everything appended so far under a new signed checkpoint (no-op when nothing is new).
    ///
    /// - Returns: the checkpoint note bytes.
    @discardableResult
    package func checkpoint() throws -> [UInt8] {
        try state.withLock { state in
            if state.size != state.checkpointSize { try state.writeCheckpoint() }
            return state.checkpointBytes
        }
    }

    /// Releases the writer lock. Further calls fail.
    package func close() {
        state.withLock { $0.closeFiles() }
    }
}

/// Everything the writer keeps between appends. Not shared: lives inside the ``Ledger``'s mutex.
struct WriterState {
    let directory: String
    let signer: NoteSigner
    let options: Options
    typealias Options = Ledger.Options

    var lockFD: Int32 = -1
    var journalFD: Int32 = -1
    var size: UInt64 = 0
    var range = CompactRange()
    /// Hashes of the current (partial) tile at each level.
    var levels: [[MerkleHash]] = [[]]
    /// Entries of the current (partial) bundle.
    var bundle: [[UInt8]] = []
    var checkpointSize: UInt64 = 0
    var checkpointBytes: [UInt8] = []
    /// Partial tiles written for the last checkpoint (deleted once superseded).
    var partials: Set<String> = []

    init(directory: String, signer: NoteSigner, options: Options) throws {
        self.directory = directory
        self.signer = signer
        self.options = options
        try FileIO.makeDirectories(directory + "/.state")
        lockFD = open(directory + "/.state/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw LedgerError(.io, "cannot open \(directory)/.state/lock: \(FileIO.errorText())") }
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            guard options.waitForLock, flock(lockFD, LOCK_EX) == 0 else {
                close(lockFD)
                lockFD = -1
                throw LedgerError(.locked, "another process is writing to \(directory)")
            }
        }
        journalFD = open(directory + "/.state/journal", O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard journalFD >= 0 else {
            close(lockFD)
            lockFD = -1
            throw LedgerError(.io, "cannot open the journal: \(FileIO.errorText())")
        }
    }

    mutating func closeFiles() {
        if journalFD >= 0 { close(journalFD) }
        if lockFD >= 0 { close(lockFD) }  // closing releases the flock
        journalFD = -1
        lockFD = -1
    }

    private func path(_ relative: String) -> String { directory + "/" + relative }

    // MARK: Recovery

    mutating func recover() throws {
        guard let bytes = try FileIO.read(path("checkpoint"), limit: SignedNote.maximumSize) else {
            // A new ledger: leftovers of a killed first run are overwritten.
            _ = ftruncate(journalFD, 0)
            try appendRecord(try genesis().record(seq: 0))
            try writeCheckpoint()
            return
        }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(parsing: bytes, key: signer.verifier)
        } catch let error as LedgerError {
            throw LedgerError(.badKey, "checkpoint is not signed by \(signer.name): \(error.message)")
        }
        let sealed = signed.checkpoint.size
        try loadTiles(size: sealed)
        guard range.root() == signed.checkpoint.root else {
            throw LedgerError(.tampered, "tiles at size \(sealed) do not match the checkpoint root")
        }
        checkpointSize = sealed
        checkpointBytes = bytes
        if !FileIO.exists(path("checkpoints/\(sealed)")) {
            try FileIO.writeAtomically(bytes, to: path("checkpoints/\(sealed)"), sync: options.durable)
        }
        partials = Set(currentPartialPaths())
        try replayJournal()
        if size != checkpointSize { try writeCheckpoint() }
    }

    private func genesis() -> LedgerEntry {
        var body: [String: JSONValue] = ["origin": .string(signer.name), "logKey": .string(signer.verifier.vkey)]
        for (key, value) in options.genesisFields { body[key] = value }
        return LedgerEntry(kind: "ledger.genesis", body: .object(body))
    }

    /// Rebuilds the partial tiles, bundle and compact range for a tree of `size` from disk.
    private mutating func loadTiles(size: UInt64) throws {
        let reader = TileReader(directory: directory, treeSize: size)
        levels = []
        var level = 0
        while level == 0 || size >> (8 * UInt64(level)) > 0 {
            let nodes = level >= 8 ? 0 : size >> (8 * UInt64(level))
            let width = nodes % TilePath.width
            levels.append(width == 0 ? [] : try reader.tile(level: level, index: nodes / TilePath.width, width: width))
            level += 1
            if level >= 8 { break }
        }
        let width = size % TilePath.width
        bundle = width == 0 ? [] : try reader.bundle(index: size / TilePath.width, width: width)
        // The compact range: one perfect subtree per set bit of size, read from the tiles.
        var hashes: [MerkleHash] = []
        var start: UInt64 = 0
        for bit in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(bit)) != 0 {
            let count = UInt64(1) << UInt64(bit)
            hashes.append(try reader.subtree(start: start, count: count))
            start += count
        }
        guard let range = CompactRange(size: size, hashes: hashes) else {
            throw LedgerError(.tampered, "cannot rebuild the tree at size \(size)")
        }
        self.range = range
        self.size = size
    }

    private func currentPartialPaths() -> [String] {
        var out: [String] = []
        let width = size % TilePath.width
        if width > 0 { out.append(TilePath.entryBundle(index: size / TilePath.width, width: width)) }
        for (level, hashes) in levels.enumerated() where !hashes.isEmpty {
            let nodes = size >> (8 * UInt64(level))
            out.append(TilePath.hashTile(level: level, index: nodes / TilePath.width, width: UInt64(hashes.count)))
        }
        return out
    }

    /// Appends the complete journal frames beyond the checkpoint; truncates a torn tail.
    private mutating func replayJournal() throws {
        guard let journal = try FileIO.read(path(".state/journal")) else { return }
        var offset = 0
        var good = 0
        while let frame = JournalFrame.decode(journal, at: offset) {
            offset = frame.end
            if frame.index < size { good = offset; continue }
            guard frame.index == size, (try? LedgerEntry.parse(record: frame.record).seq) == size else { break }
            try integrate(frame.record)
            good = offset
        }
        if good != journal.count { _ = ftruncate(journalFD, off_t(good)) }
    }

    // MARK: Appending

    mutating func writeBlob(_ blob: LedgerBlob) throws {
        let target = path(blob.descriptor.path)
        if FileIO.exists(target) { return }
        try FileIO.writeAtomically(blob.data, to: target, sync: options.durable)
    }

    mutating func appendRecord(_ record: [UInt8]) throws {
        guard record.count <= LedgerFormat.maximumEntrySize else {
            throw LedgerError(.badEntry, "record is \(record.count) bytes; the limit is 65535 (use a blob)")
        }
        guard journalFD >= 0 else { throw LedgerError(.io, "the ledger is closed") }
        try FileIO.writeAll(fd: journalFD, JournalFrame.encode(index: size, record: record), path: ".state/journal")
        try integrate(record)
    }

    /// Adds a record to the in-memory tree; writes full tiles and bundles as they complete.
    private mutating func integrate(_ record: [UInt8]) throws {
        let leaf = MerkleHash.leaf(record)
        range.append(leaf)
        size += 1
        bundle.append(record)
        if bundle.count == Int(TilePath.width) {
            try FileIO.writeAtomically(
                EntryBundle.encode(bundle), to: path(TilePath.entryBundle(index: size / TilePath.width - 1, width: TilePath.width)),
                sync: options.durable)
            bundle = []
        }
        try push(leaf, level: 0)
    }

    private mutating func push(_ hash: MerkleHash, level: Int) throws {
        if levels.count <= level { levels.append([]) }
        levels[level].append(hash)
        guard levels[level].count == Int(TilePath.width) else { return }
        let index = (size >> (8 * UInt64(level))) / TilePath.width - 1
        try FileIO.writeAtomically(
            levels[level].flatMap(\.bytes), to: path(TilePath.hashTile(level: level, index: index, width: TilePath.width)),
            sync: options.durable)
        let root = Merkle.root(of: levels[level])
        levels[level] = []
        try push(root, level: level + 1)
    }

    // MARK: Checkpoints

    mutating func writeCheckpoint() throws {
        let sync = options.durable
        let written = currentPartialPaths()
        let width = size % TilePath.width
        if width > 0 {
            try FileIO.writeAtomically(EntryBundle.encode(bundle), to: path(written[0]), sync: sync)
        }
        for (level, hashes) in levels.enumerated() where !hashes.isEmpty {
            let nodes = size >> (8 * UInt64(level))
            try FileIO.writeAtomically(
                hashes.flatMap(\.bytes),
                to: path(TilePath.hashTile(level: level, index: nodes / TilePath.width, width: UInt64(hashes.count))),
                sync: sync)
        }
        let body = Checkpoint(origin: signer.name, size: size, root: range.root()).text
        let note = try signer.signNote(body)
        if sync {
            for dir in Set(written.map { FileIO.dirname(path($0)) }) { FileIO.syncDirectory(dir) }
        }
        // `checkpoint` first, then the kept copy: a kill in between leaves no kept checkpoint that
        // is newer than `checkpoint` (which verify would call a rollback); recovery adds the copy.
        try FileIO.writeAtomically(note, to: path("checkpoint"), sync: sync)
        if sync { FileIO.syncDirectory(directory) }
        try FileIO.writeAtomically(note, to: path("checkpoints/\(size)"), sync: sync)
        if sync { FileIO.syncDirectory(path("checkpoints")) }
        checkpointSize = size
        checkpointBytes = note
        _ = ftruncate(journalFD, 0)
        // Superseded partial tiles are removed only now that the new checkpoint is in place.
        let current = Set(written)
        for old in partials.subtracting(current) {
            FileIO.remove(path(old))
            FileIO.remove(FileIO.dirname(path(old)))  // the `.p` directory, once empty
        }
        partials = current
    }
}

/// A journal frame: `u64be index || u16be length || record || first 4 bytes of SHA-256(previous)`.
enum JournalFrame {
    struct Decoded {
        let index: UInt64
        let record: [UInt8]
        let end: Int
    }

    static func encode(index: UInt64, record: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(record.count + 14)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: index >> UInt64(shift))) }
        out.append(UInt8(record.count >> 8))
        out.append(UInt8(record.count & 0xff))
        out.append(contentsOf: record)
        out.append(contentsOf: MerkleHash.leaf(out).bytes.prefix(4))
        return out
    }

    static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded? {
        guard offset + 10 <= bytes.count else { return nil }
        let index = bytes[offset..<offset + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let length = Int(bytes[offset + 8]) << 8 | Int(bytes[offset + 9])
        let end = offset + 10 + length + 4
        guard end <= bytes.count else { return nil }
        let check = MerkleHash.leaf(Array(bytes[offset..<end - 4])).bytes.prefix(4)
        guard Array(check) == Array(bytes[end - 4..<end]) else { return nil }
        return Decoded(index: index, record: Array(bytes[offset + 10..<end - 4]), end: end)
    }
}

/// tlog-tiles entry bundles: `u16be length || bytes`, repeated.
package enum EntryBundle {
    package static func encode(_ entries: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + $1.count + 2 })
        for entry in entries {
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xff))
            out.append(contentsOf: entry)
        }
        return out
    }

    /// Splits a bundle into at most `limit` entries; returns the entries and the bytes consumed.
    package static func decode(_ bytes: [UInt8], limit: Int) -> (entries: [[UInt8]], consumed: Int, truncated: Bool) {
        var entries: [[UInt8]] = []
        var offset = 0
        while entries.count < limit, offset < bytes.count {
            guard offset + 2 <= bytes.count else { return (entries, offset, true) }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else { return (entries, offset, true) }
            entries.append(Array(bytes[offset + 2..<offset + 2 + length]))
            offset += 2 + length
        }
        return (entries, offset, false)
    }
}
