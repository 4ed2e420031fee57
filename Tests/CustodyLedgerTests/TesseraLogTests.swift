import CustodyLedger
import Testing

/// Interoperability with transparency-dev/tessera: its POSIX test log, read as it is.
@Suite struct TesseraLogTests {
    static let vkey = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
    static let roots = [
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "0Nc2CrefWKseHj/mStd+LqC8B+NrX0btIiPt2SmN+ek=",
        "T1X2GdkhUjV3iyufF9b0kVsWFxIU0VI4EpNml2Teci4=", "Wqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=",
        "zY1lN35vrXYAPixXSd59LsU29xUJtuW4o2dNNg5Y2Co=", "gy5gl3aksFyiCO95a/1vLXz88A3dRq+0l9Sxte8ZqZQ=",
        "a6sWvsc2eEzmj72vah7mZ5dwFltivehh2b11qwlp5Jg=", "IrSXADBqJ7EQoUODSDKROySgNveeL6CFhik2w/+fS7U=",
        "bC+VwvrJbalNVjfkdI8kUgs7mJoXrqiXCE7bgnD28pY=", "CvhHViE3S9E3htHLR+25mapWoGCJ3WckMq1UtC3VmEY=",
        "y8/gZsZCtitsMan09tY+k8I7Qpr7Y5fbO2tLi9GQnfU=", "Yok1cS5VdokGLBy73BC2I16b3atss6KBN9jnIi6Fz/A=",
        "uZo6M+IhVna+CLgWCrJs0xBPUHbozHkYTQASduHSLME=", "av0kLH0VkkVDrTuZzBGIx7d9z5G1l/GlKz/nAV/8woQ=",
        "SvCd38yNade7xEPY1a/aAc1M3A2AHYVF8lIiUnsH1ao=", "rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=",
    ]
    static let words = "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten"
        .split(separator: " ").map { Array($0.utf8) }

    var key: NoteVerifier { get throws { try NoteVerifier(vkey: Self.vkey) } }

    @Test func theWholeLogVerifies() throws {
        let result = try LedgerVerifier.verify(directory: TestPaths.tesseraLog, key: try key)
        #expect(result.size == 15)
        #expect(result.origin == "example.com/log/testdata")
        #expect(result.checkpoints == 17)  // `checkpoint` and checkpoint.0 … checkpoint.15
        #expect(!result.custodyRecords)
        #expect(result.tiles >= 16)  // the level-0 tile and every kept partial 000.p/1 … 000.p/15
    }

    @Test(arguments: 0...15) func everyCheckpointIsSignedAndItsRootRecomputes(size: Int) throws {
        let bytes = try #require(try FileIO.read(TestPaths.tesseraLog + "/checkpoint.\(size)"))
        let signed = try SignedCheckpoint(parsing: bytes, key: try key)
        #expect(signed.checkpoint.size == UInt64(size))
        #expect(signed.checkpoint.root.base64 == Self.roots[size])
        #expect(Merkle.root(of: Self.words.prefix(size).map { MerkleHash.leaf($0) }) == signed.checkpoint.root)
    }

    @Test func entriesAndLevelZeroTileMatch() throws {
        let reader = try LedgerReader(directory: TestPaths.tesseraLog, key: try key)
        #expect(try reader.entries(0..<15) == Self.words)
        let tile = try #require(try FileIO.read(TestPaths.tesseraLog + "/tile/0/000.p/15"))
        #expect(tile == Self.words.flatMap { MerkleHash.leaf($0).bytes })
        let bundle = try #require(try FileIO.read(TestPaths.tesseraLog + "/tile/entries/000.p/3"))
        #expect(bundle == hex("00036f6e65000374776f00057468726565"))
    }

    @Test func receiptForIndexTwoMatchesTheVector() throws {
        let reader = try LedgerReader(directory: TestPaths.tesseraLog, key: try key)
        let receipt = try reader.receipt(for: 2)
        let checkpoint = try #require(try FileIO.read(TestPaths.tesseraLog + "/checkpoint"))
        let expected = "c2sp.org/tlog-proof@v1\nindex 2\n9xWrP6pdBx5uKsS7mU1b9zWUPcw3mdoNCF55gM+5M2o=\n"
            + "T1X2GdkhUjV3iyufF9b0kVsWFxIU0VI4EpNml2Teci4=\ng0ZoeYWtIV8Q8i+4CmgqPnBvH2il107lyCgTQsyB7H4=\n"
            + "5jLpqTgjsBDSEX6SgZiRnbTMdTuRd8bQ5tSsAOxe0Ks=\n\n"
        #expect(receipt.encoded == Array(expected.utf8) + checkpoint)
        let parsed = try TlogProof(parsing: receipt.encoded)
        try parsed.verify(entry: Self.words[2], key: try key)
        #expect(throws: LedgerError.self) { try parsed.verify(entry: Self.words[3], key: try key) }
        // Every index has a receipt that verifies.
        for index in 0..<15 {
            try TlogProof(parsing: try reader.receipt(for: UInt64(index)).encoded).verify(entry: Self.words[index], key: try key)
        }
    }

    @Test func consistencySevenToFifteenMatchesTheVector() throws {
        let reader = try LedgerReader(directory: TestPaths.tesseraLog, key: try key)
        let proof = try reader.consistencyProof(from: 7)
        #expect(proof.map(\.base64) == [
            "2Q0P5jSR+TdkwdXWyx+GbBWX0KZbNZkWzCjyTPSozsw=", "ThcgoV2DYcK+VCxBUDWAlNxmLy2r7dq7dK7+OlgQKWs=",
            "ycRkkNklus5eMVRUvkD1pK321vMrA+jjOiZKU8aOcY4=", "zY1lN35vrXYAPixXSd59LsU29xUJtuW4o2dNNg5Y2Co=",
            "5jLpqTgjsBDSEX6SgZiRnbTMdTuRd8bQ5tSsAOxe0Ks=",
        ])
        for old in 1...15 {
            try Merkle.verifyConsistency(
                oldSize: UInt64(old), newSize: 15, oldRoot: b64(Self.roots[old]), newRoot: b64(Self.roots[15]),
                proof: try reader.consistencyProof(from: UInt64(old)))
        }
    }

    @Test func aFlippedByteInAKeptPartialTileIsNamed() throws {
        let copy = TestPaths.scratch("tessera")
        defer { TestPaths.remove(copy) }
        try TestPaths.copyTree(TestPaths.tesseraLog, to: copy)
        var tile = try #require(try FileIO.read(copy + "/tile/0/000.p/7"))
        tile[100] ^= 0x01
        try FileIO.writeAtomically(tile, to: copy + "/tile/0/000.p/7", sync: false)
        #expect {
            try LedgerVerifier.verify(directory: copy, key: try key)
        } throws: { error in
            (error as? LedgerError)?.message.hasPrefix("tile/0/000.p/7:") == true
        }
    }

    @Test func aWrongKeyIsRejected() throws {
        let other = try NoteSigner(name: "example.com/log/testdata", seed: [UInt8](repeating: 1, count: 32))
        #expect(throws: LedgerError.self) { try LedgerVerifier.verify(directory: TestPaths.tesseraLog, key: other.verifier) }
    }
}
