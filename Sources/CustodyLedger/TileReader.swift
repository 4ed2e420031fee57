/// Reads hashes and entries of a tree of a given size from a tlog-tiles directory, with a small cache.
///
/// A partial tile `N.p/W` that is missing is read from the full tile `N` instead (its first W
/// hashes), as tlog-tiles clients do.
package final class TileReader {
    package let directory: String
    package let treeSize: UInt64
    private var cache: [String: [MerkleHash]] = [:]

    package init(directory: String, treeSize: UInt64) {
        self.directory = directory
        self.treeSize = treeSize
    }

    /// The `width` hashes of tile `index` at `level`.
    ///
    /// - Throws: ``LedgerError`` (`tampered`) when the tile is missing or has the wrong length.
    package func tile(level: Int, index: UInt64, width: UInt64) throws -> [MerkleHash] {
        let key = "\(level)/\(index)/\(width)"
        if let hit = cache[key] { return hit }
        let partial = TilePath.hashTile(level: level, index: index, width: width)
        var bytes = try FileIO.read(directory + "/" + partial, limit: 8192)
        var name = partial
        if bytes == nil, width < TilePath.width {
            name = TilePath.hashTile(level: level, index: index, width: TilePath.width)
            bytes = try FileIO.read(directory + "/" + name, limit: 8192).map { Array($0.prefix(Int(width) * 32)) }
        }
        guard let bytes else { throw LedgerError(.tampered, "\(partial): tile is missing") }
        guard bytes.count == Int(width) * 32 else {
            throw LedgerError(.tampered, "\(name): tile has \(bytes.count) bytes, expected \(width * 32)")
        }
        var hashes: [MerkleHash] = []
        hashes.reserveCapacity(Int(width))
        for i in 0..<Int(width) {
            // swift-format-ignore: NeverForceUnwrap
            hashes.append(MerkleHash(bytes: bytes[i * 32..<(i + 1) * 32])!)
        }
        if cache.count > 64 { cache.removeAll() }
        cache[key] = hashes
        return hashes
    }

    /// The `width` entries of bundle `index`.
    package func bundle(index: UInt64, width: UInt64) throws -> [[UInt8]] {
        let partial = TilePath.entryBundle(index: index, width: width)
        var bytes = try FileIO.read(directory + "/" + partial, limit: 256 * 65_537)
        var name = partial
        if bytes == nil, width < TilePath.width {
            name = TilePath.entryBundle(index: index, width: TilePath.width)
            bytes = try FileIO.read(directory + "/" + name, limit: 256 * 65_537)
        }
        guard let bytes else { throw LedgerError(.tampered, "\(partial): entry bundle is missing") }
        let (entries, consumed, truncated) = EntryBundle.decode(bytes, limit: Int(width))
        guard !truncated, entries.count == Int(width) else {
            throw LedgerError(.tampered, "\(name): entry bundle is truncated (\(entries.count) of \(width) entries)")
        }
        if name == partial && consumed != bytes.count {
            throw LedgerError(.tampered, "\(name): entry bundle has \(bytes.count - consumed) extra bytes")
        }
        return entries
    }

    /// The width of tile `index` at `level` in this tree.
    package func width(level: Int, index: UInt64) -> UInt64 {
        let nodes = treeSize >> (8 * UInt64(level))
        return min(TilePath.width, nodes - index * TilePath.width)
    }

    /// Hash of the perfect aligned subtree of `count` leaves at `start` (count a power of two).
    package func subtree(start: UInt64, count: UInt64) throws -> MerkleHash {
        guard count > 0, count & (count - 1) == 0, start % count == 0, start + count <= treeSize else {
            throw LedgerError(.badProof, "no subtree of \(count) at \(start) in a tree of \(treeSize)")
        }
        let height = UInt64(count.trailingZeroBitCount)
        let level = Int(height / 8)
        let span = UInt64(1) << (height % 8)  // nodes of that tile level under this subtree
        let first = start >> (8 * UInt64(level))
        let index = first / TilePath.width
        let hashes = try tile(level: level, index: index, width: width(level: level, index: index))
        let offset = Int(first % TilePath.width)
        return Merkle.root(of: hashes[offset..<offset + Int(span)])
    }

    /// The leaf hash at `index` (from the level-0 tile).
    package func leafHash(_ index: UInt64) throws -> MerkleHash {
        try subtree(start: index, count: 1)
    }

    /// The entry bytes at `index`.
    package func entry(_ index: UInt64) throws -> [UInt8] {
        let tileIndex = index / TilePath.width
        let entries = try bundle(index: tileIndex, width: width(level: 0, index: tileIndex))
        return entries[Int(index % TilePath.width)]
    }
}
