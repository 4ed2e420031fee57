/// RFC 6962 / RFC 9162 Merkle tree algorithms: roots, inclusion and consistency proofs.
///
/// Proof generation asks a `subtree` closure for the hash of a *perfect, aligned* subtree
/// (`count` a power of two, `start` a multiple of `count`); composite ranges at the right edge are
/// built here. The same code therefore serves an in-memory tree and a log stored as tiles.
///
/// ```swift
/// let leaves = entries.map { MerkleHash.leaf($0) }
/// let root = Merkle.root(of: leaves)
/// let proof = try Merkle.inclusionProof(index: 3, size: 8) { Merkle.root(of: leaves[Int($0) ..< Int($0 + $1)]) }
/// try Merkle.verifyInclusion(leaf: leaves[3], index: 3, size: 8, proof: proof, root: root)
/// ```
package enum Merkle {
    /// The largest power of two strictly smaller than `n` (n ≥ 2).
    package static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    /// The RFC 6962 root over leaf hashes (SHA-256 of "" for none).
    package static func root(of leaves: some RandomAccessCollection<MerkleHash>) -> MerkleHash {
        var range = CompactRange()
        for leaf in leaves { range.append(leaf) }
        return range.root()
    }

    /// A subtree oracle: hash of the perfect aligned subtree of `count` leaves starting at `start`.
    package typealias SubtreeHash = (_ start: UInt64, _ count: UInt64) throws -> MerkleHash

    /// MTH(D[start ..< start+count]) for any range whose start is aligned to its split.
    package static func rangeHash(start: UInt64, count: UInt64, subtree: SubtreeHash) throws -> MerkleHash {
        if count == 0 { return .emptyTreeRoot }
        if count & (count - 1) == 0 { return try subtree(start, count) }
        let k = splitPoint(count)
        let left = try subtree(start, k)
        let right = try rangeHash(start: start + k, count: count - k, subtree: subtree)
        return .node(left, right)
    }

    /// The RFC 6962 audit path for leaf `index` in the tree of `size` leaves.
    package static func inclusionProof(index: UInt64, size: UInt64, subtree: SubtreeHash) throws -> [MerkleHash] {
        guard index < size else { throw LedgerError(.badProof, "index \(index) is not below tree size \(size)") }
        var proof: [MerkleHash] = []
        try path(index: index, start: 0, count: size, subtree: subtree, into: &proof)
        return proof
    }

    private static func path(
        index: UInt64, start: UInt64, count: UInt64, subtree: SubtreeHash, into proof: inout [MerkleHash]
    ) throws {
        guard count > 1 else { return }
        let k = splitPoint(count)
        if index < k {
            try path(index: index, start: start, count: k, subtree: subtree, into: &proof)
            proof.append(try rangeHash(start: start + k, count: count - k, subtree: subtree))
        } else {
            try path(index: index - k, start: start + k, count: count - k, subtree: subtree, into: &proof)
            proof.append(try subtree(start, k))
        }
    }

    /// The RFC 6962 consistency proof from `oldSize` to `newSize` (0 < oldSize ≤ newSize).
    package static func consistencyProof(oldSize: UInt64, newSize: UInt64, subtree: SubtreeHash) throws -> [MerkleHash] {
        guard oldSize > 0, oldSize <= newSize else {
            throw LedgerError(.badProof, "no consistency proof from size \(oldSize) to \(newSize)")
        }
        var proof: [MerkleHash] = []
        try subproof(m: oldSize, start: 0, count: newSize, complete: true, subtree: subtree, into: &proof)
        return proof
    }

    private static func subproof(
        m: UInt64, start: UInt64, count: UInt64, complete: Bool, subtree: SubtreeHash, into proof: inout [MerkleHash]
    ) throws {
        if m == count {
            if !complete { proof.append(try rangeHash(start: start, count: count, subtree: subtree)) }
            return
        }
        let k = splitPoint(count)
        if m <= k {
            try subproof(m: m, start: start, count: k, complete: complete, subtree: subtree, into: &proof)
            proof.append(try rangeHash(start: start + k, count: count - k, subtree: subtree))
        } else {
            try subproof(m: m - k, start: start + k, count: count - k, complete: false, subtree: subtree, into: &proof)
            proof.append(try subtree(start, k))
        }
    }

    /// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: ``LedgerError`` when the proof does not lead from the leaf to the root.
    package static func verifyInclusion(
        leaf: MerkleHash, index: UInt64, size: UInt64, proof: [MerkleHash], root: MerkleHash
    ) throws {
        guard index < size else { throw LedgerError(.badProof, "index \(index) is not below tree size \(size)") }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn != 0 else { throw LedgerError(.badProof, "inclusion proof is too long") }
            if fn & 1 == 1 || fn == sn {
                r = .node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = .node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw LedgerError(.badProof, "inclusion proof is too short") }
        guard r == root else { throw LedgerError(.badProof, "inclusion proof does not lead to the root") }
    }

    /// Verifies a consistency proof (RFC 9162 §2.1.4.2). A proof from size 0 is rejected.
    ///
    /// - Throws: ``LedgerError`` when the two roots are not of one append-only history.
    package static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash, proof: [MerkleHash]
    ) throws {
        guard oldSize > 0 else { throw LedgerError(.badProof, "consistency from the empty tree is not provable") }
        guard oldSize <= newSize else {
            throw LedgerError(.badProof, "old size \(oldSize) is larger than new size \(newSize)")
        }
        if oldSize == newSize {
            guard proof.isEmpty else { throw LedgerError(.badProof, "consistency proof for equal sizes must be empty") }
            guard oldRoot == newRoot else { throw LedgerError(.badProof, "equal sizes with different roots (fork)") }
            return
        }
        guard !proof.isEmpty else { throw LedgerError(.badProof, "consistency proof is empty") }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw LedgerError(.badProof, "consistency proof is too long") }
            if fn & 1 == 1 || fn == sn {
                fr = .node(c, fr)
                sr = .node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = .node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw LedgerError(.badProof, "consistency proof is too short") }
        guard fr == oldRoot else { throw LedgerError(.badProof, "consistency proof does not lead to the old root") }
        guard sr == newRoot else { throw LedgerError(.badProof, "consistency proof does not lead to the new root") }
    }
}

/// The right edge of a Merkle tree: at most 64 perfect subtree roots, enough to append and to
/// compute the root in `O(log n)`.
package struct CompactRange: Sendable {
    /// Number of leaves covered.
    package private(set) var size: UInt64 = 0
    /// Perfect subtree roots, largest (leftmost) first; one per set bit of `size`.
    package private(set) var hashes: [MerkleHash] = []

    package init() {}

    /// Builds a range from its subtree roots (one per set bit of `size`, leftmost first).
    package init?(size: UInt64, hashes: [MerkleHash]) {
        guard size.nonzeroBitCount == hashes.count else { return nil }
        self.size = size
        self.hashes = hashes
    }

    /// Appends one leaf hash, merging equal-sized subtrees.
    package mutating func append(_ leaf: MerkleHash) {
        var hash = leaf
        var s = size
        while s & 1 == 1 {
            hash = .node(hashes.removeLast(), hash)
            s >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// Appends the root of a perfect subtree of `2^height` leaves; `size` must be a multiple of that.
    package mutating func append(subtree hash: MerkleHash, height: Int) {
        precondition(height >= 0 && height < 64 && size & ((UInt64(1) << height) - 1) == 0)
        var hash = hash
        var s = size >> UInt64(height)
        while s & 1 == 1 {
            hash = .node(hashes.removeLast(), hash)
            s >>= 1
        }
        hashes.append(hash)
        size += UInt64(1) << UInt64(height)
    }

    /// The RFC 6962 root of the leaves appended so far.
    package func root() -> MerkleHash {
        CompactRange.root(of: hashes)
    }

    /// The root of a range given by its perfect subtree roots, largest (leftmost) first.
    package static func root(of hashes: [MerkleHash]) -> MerkleHash {
        guard var hash = hashes.last else { return .emptyTreeRoot }
        for left in hashes.dropLast().reversed() { hash = .node(left, hash) }
        return hash
    }
}
