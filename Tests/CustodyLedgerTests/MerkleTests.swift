import CustodyLedger
import Testing

/// RFC 6962 roots and proofs (vectors from transparency-dev/merkle via testvectors/README.md §6.2).
@Suite struct MerkleTests {
    static let leafInputs: [[UInt8]] = [
        [], hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243"), hex("5051525354555657"),
        hex("606162636465666768696a6b6c6d6e6f"),
    ]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    var leaves: [MerkleHash] { Self.leafInputs.map { MerkleHash.leaf($0) } }

    @Test(arguments: 0...8) func rootsMatchRFC6962Vectors(size: Int) {
        #expect(Merkle.root(of: leaves.prefix(size)).hex == Self.roots[size])
    }

    @Test func firstLeafHashes() {
        #expect(leaves[0].hex.hasPrefix("6e340b9c"))
        #expect(leaves[1].hex.hasPrefix("96a296d2"))
        #expect(leaves[7].hex.hasPrefix("46f6ffad"))
    }

    /// Naive MTH over an array, the oracle for generated proofs.
    static func mth(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
        if leaves.isEmpty { return .emptyTreeRoot }
        if leaves.count == 1 { return leaves.first! }
        let k = Int(Merkle.splitPoint(UInt64(leaves.count)))
        return .node(mth(leaves.prefix(k)), mth(leaves.dropFirst(k)))
    }

    static func tree(_ n: Int) -> [MerkleHash] { (0..<n).map { MerkleHash.leaf(Array("leaf \($0)".utf8)) } }

    @Test func inclusionHappyPathVector() throws {
        // testdata/inclusion/1/happy-path.json
        let proof = [
            b64("lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c="), b64("Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4="),
            b64("a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="),
        ]
        let root = b64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
        let leaf = b64("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=")
        try Merkle.verifyInclusion(leaf: leaf, index: 0, size: 8, proof: proof, root: root)
        let generated = try Merkle.inclusionProof(index: 0, size: 8) { Self.mth(leaves[Int($0)..<Int($0 + $1)]) }
        #expect(generated == proof)
        // Negative cases in the style of the vector files.
        #expect(throws: LedgerError.self) { try Merkle.verifyInclusion(leaf: leaf, index: 1, size: 8, proof: proof, root: root) }
        #expect(throws: LedgerError.self) { try Merkle.verifyInclusion(leaf: leaf, index: 0, size: 9, proof: proof, root: root) }
        #expect(throws: LedgerError.self) { try Merkle.verifyInclusion(leaf: leaf, index: 0, size: 8, proof: Array(proof.dropLast()), root: root) }
        #expect(throws: LedgerError.self) { try Merkle.verifyInclusion(leaf: leaf, index: 0, size: 8, proof: proof + [leaf], root: root) }
        #expect(throws: LedgerError.self) { try Merkle.verifyInclusion(leaf: leaf, index: 8, size: 8, proof: proof, root: root) }
        #expect(throws: LedgerError.self) { try Merkle.verifyInclusion(leaf: root, index: 0, size: 8, proof: proof, root: leaf) }
    }

    @Test func everyInclusionProofUpTo40VerifiesAndMatchesTheReference() throws {
        let all = Self.tree(40)
        for size in 1...40 {
            let root = Self.mth(all.prefix(size))
            for index in 0..<size {
                let proof = try Merkle.inclusionProof(index: UInt64(index), size: UInt64(size)) {
                    Self.mth(all[Int($0)..<Int($0 + $1)])
                }
                try Merkle.verifyInclusion(leaf: all[index], index: UInt64(index), size: UInt64(size), proof: proof, root: root)
                // Flipping one bit of any proof hash breaks it.
                for j in proof.indices {
                    var bad = proof
                    var bytes = bad[j].bytes
                    bytes[j % 32] ^= 1
                    bad[j] = MerkleHash(bytes: bytes)!
                    #expect(throws: LedgerError.self) {
                        try Merkle.verifyInclusion(leaf: all[index], index: UInt64(index), size: UInt64(size), proof: bad, root: root)
                    }
                }
            }
        }
    }

    @Test func everyConsistencyProofUpTo40VerifiesAndTamperingFails() throws {
        let all = Self.tree(40)
        for new in 1...40 {
            let newRoot = Self.mth(all.prefix(new))
            for old in 1...new {
                let oldRoot = Self.mth(all.prefix(old))
                let proof = try Merkle.consistencyProof(oldSize: UInt64(old), newSize: UInt64(new)) {
                    Self.mth(all[Int($0)..<Int($0 + $1)])
                }
                try Merkle.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(new), oldRoot: oldRoot, newRoot: newRoot, proof: proof)
                if old < new {
                    // Swapped roots, truncated proof, extended proof.
                    #expect(throws: LedgerError.self) {
                        try Merkle.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(new), oldRoot: newRoot, newRoot: oldRoot, proof: proof)
                    }
                    #expect(throws: LedgerError.self) {
                        try Merkle.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(new), oldRoot: oldRoot, newRoot: newRoot, proof: Array(proof.dropLast()))
                    }
                    #expect(throws: LedgerError.self) {
                        try Merkle.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(new), oldRoot: oldRoot, newRoot: newRoot, proof: proof + [oldRoot])
                    }
                    // A bit flip in any proof hash.
                    for j in proof.indices {
                        var bad = proof
                        var bytes = bad[j].bytes
                        bytes[(j * 7) % 32] ^= 0x80
                        bad[j] = MerkleHash(bytes: bytes)!
                        #expect(throws: LedgerError.self) {
                            try Merkle.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(new), oldRoot: oldRoot, newRoot: newRoot, proof: bad)
                        }
                    }
                }
            }
        }
    }

    @Test func consistencyFromEmptyTreeIsRejected() {
        #expect(throws: LedgerError.self) {
            try Merkle.verifyConsistency(oldSize: 0, newSize: 3, oldRoot: .emptyTreeRoot, newRoot: .emptyTreeRoot, proof: [])
        }
    }

    @Test func tilePathsFollowTlogTiles() {
        #expect(TilePath.index(0) == "000")
        #expect(TilePath.index(999) == "999")
        #expect(TilePath.index(1000) == "x001/000")
        #expect(TilePath.index(1_234_067) == "x001/x234/067")
        #expect(TilePath.hashTile(level: 0, index: 0, width: 3) == "tile/0/000.p/3")
        #expect(TilePath.hashTile(level: 2, index: 1234, width: 256) == "tile/2/x001/234")
        #expect(TilePath.entryBundle(index: 5, width: 7) == "tile/entries/005.p/7")
    }
}
