import Crypto
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What verifying one entry bundle and its level-0 tile gives, independent of every other bundle.
///
/// Built concurrently by ``LedgerVerifier``; the failures keep the order the sequential checks
/// would meet them in (reading, then each entry's leaf and record, then kept partials), and the
/// verifier takes the bundles in log order.
struct BundleWork: Sendable {
    let index: UInt64
    /// The bundle or its tile could not be read (met before anything else of this bundle).
    var readFailure: (any Error)?
    /// The first entry whose leaf hash or record check fails (met entry by entry).
    var entryFailure: (any Error)?
    /// For each checkpoint size `s` in `(base, base + width]` reached before `entryFailure`: the
    /// perfect subtree roots of the in-tile leaves `base ..< s` (largest first).
    var roots: [(size: UInt64, local: [MerkleHash])] = []
    /// The tile's root when the tile is full (256 leaves) and every entry matched.
    var tileRoot: MerkleHash?
    /// A kept partial bundle or tile that is not a prefix (met after the entries).
    var partialFailure: (any Error)?
    var partialTiles = 0
    var blobs = 0

    init(directory: String, treeSize: UInt64, index: UInt64, records: RecordChecker, sizes: [UInt64]) {
        self.index = index
        let reader = TileReader(directory: directory, treeSize: treeSize)
        let width = reader.width(level: 0, index: index)
        let entries: [[UInt8]]
        let hashes: [MerkleHash]
        do {
            entries = try reader.bundle(index: index, width: width)
            hashes = try reader.tile(level: 0, index: index, width: width)
        } catch {
            readFailure = error
            return
        }
        let base = index * TilePath.width
        let bundleName = TilePath.entryBundle(index: index, width: width)
        let tileName = TilePath.hashTile(level: 0, index: index, width: width)
        // The first checkpoint size above `base`.
        var next = BundleWork.firstIndex(above: base, in: sizes)
        var records = records
        var local = CompactRange()
        for (i, entry) in entries.enumerated() {
            let at = base + UInt64(i)
            guard BundleWork.isLeaf(entry, hashes[i]) else {
                entryFailure = LedgerError(.tampered, "entry \(at) (\(bundleName)): does not match its hash in \(tileName)")
                return
            }
            if records.enabled {
                do { try records.check(entry, index: at) } catch let error as LedgerError {
                    entryFailure = LedgerError(.tampered, error.message)
                    return
                } catch {
                    entryFailure = error
                    return
                }
            }
            local.append(hashes[i])
            while next < sizes.count, sizes[next] <= at + 1 {
                if sizes[next] == at + 1 { roots.append((at + 1, local.hashes)) }
                next += 1
            }
        }
        blobs = records.blobs
        if width == TilePath.width { tileRoot = local.root() }
        do {
            partialTiles += try VerifierRun.checkOldPartials(
                directory: directory, level: nil, index: index, entries: entries, hashes: hashes)
            partialTiles += try VerifierRun.checkOldPartials(
                directory: directory, level: 0, index: index, entries: nil, hashes: hashes)
        } catch {
            partialFailure = error
        }
    }

    /// Index of the first element of sorted `sizes` greater than `base`.
    static func firstIndex(above base: UInt64, in sizes: [UInt64]) -> Int {
        var low = 0
        var high = sizes.count
        while low < high {
            let mid = (low + high) / 2
            if sizes[mid] <= base { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// True when `SHA-256(0x00 || entry)` equals `hash` (no allocation).
    static func isLeaf(_ entry: [UInt8], _ hash: MerkleHash) -> Bool {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        entry.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        let digest = hasher.finalize()
        return digest.withUnsafeBytes { d in
            hash.bytes.withUnsafeBytes { h in d.count == h.count && memcmp(d.baseAddress!, h.baseAddress!, d.count) == 0 }
        }
    }
}

/// A parallel map over `0 ..< count` with results in index order.
enum ParallelMap {
    /// Runs `body` for every index on up to `jobs` threads; returns the results in index order.
    static func run<T: Sendable>(count: Int, jobs: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let threads = min(max(1, jobs), count)
        if threads == 1 { return (0..<count).map(body) }
        let slots = Mutex<[T?]>(Array(repeating: nil, count: count))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < count else { return }
                let value = body(i)
                slots.withLock { $0[i] = value }
            }
        }
        // swift-format-ignore: NeverForceUnwrap
        return slots.withLock { $0.map { $0! } }
    }
}
