import Crypto
import CustodyLedger
import Testing

/// RFC 8032 Ed25519 vectors and c2sp signed-note examples (testvectors/README.md §6.1, §6.3).
@Suite struct SignedNoteTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name, seed, publicKey, message, signature: String
        var testDescription: String { name }
    }

    static let rfc8032: [Vector] = [
        Vector(
            name: "TEST 1", seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", message: "",
            signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Vector(
            name: "TEST 2", seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", message: "72",
            signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        Vector(
            name: "TEST 3", seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", message: "af82",
            signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        Vector(
            name: "TEST SHA(abc)", seed: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            publicKey: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
    ]

    @Test(arguments: rfc8032) func ed25519MatchesRFC8032(vector: Vector) throws {
        let signer = try NoteSigner(name: "rfc8032", seed: hex(vector.seed))
        #expect(HexCoding.encode(signer.verifier.publicKey) == vector.publicKey)
        let signature = try signer.sign(hex(vector.message))
        #expect(signer.verifier.isValidSignature(hex(vector.signature), for: hex(vector.message)))
        #if os(Linux)
        // BoringSSL's Ed25519 is deterministic, as RFC 8032 is; CryptoKit randomizes.
        #expect(HexCoding.encode(signature) == vector.signature)
        #endif
        var bad = hex(vector.signature)
        bad[5] ^= 0x40
        #expect(!signer.verifier.isValidSignature(bad, for: hex(vector.message)))
    }

    @Test func specExampleVerifies() throws {
        let key = try NoteVerifier(vkey: "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
        #expect(NoteVerifier(name: key.name, publicKey: key.publicKey).vkey == key.vkey)
        let note = Array(
            "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
                .utf8)
        try SignedNote(parsing: note).verify(with: key)
        var tampered = note
        tampered[3] ^= 1
        #expect(throws: LedgerError.self) { try SignedNote(parsing: tampered).verify(with: key) }
    }

    static let peterText = Array(
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n".utf8)
    static let peterSkey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let peterVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

    @Test func goSumdbNoteVectors() throws {
        let signer = try NoteSigner(skey: Self.peterSkey)
        #expect(signer.verifier.vkey == Self.peterVkey)
        #expect(signer.skey == Self.peterSkey)
        let line = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        #if os(Linux)
        #expect(String(decoding: try signer.signatureLine(for: Self.peterText), as: UTF8.self) == line)
        #endif
        try SignedNote(parsing: Self.peterText + [0x0a] + Array(line.utf8)).verify(with: try NoteVerifier(vkey: Self.peterVkey))

        let enoch = try NoteSigner(skey: "PRIVATE+KEY+EnochRoot+af0cfe78+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(enoch.verifier.vkey == "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop")
        let enochLine = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
        // Both signatures on one note: each key finds and checks its own line.
        let both = try SignedNote(parsing: Self.peterText + [0x0a] + Array(line.utf8) + Array(enochLine.utf8))
        try both.verify(with: enoch.verifier)
        try both.verify(with: signer.verifier)
        // A note without the key's signature is rejected.
        #expect(throws: LedgerError.self) {
            try SignedNote(parsing: Self.peterText + [0x0a] + Array(enochLine.utf8)).verify(with: signer.verifier)
        }
    }

    @Test func everyTruncationAndIncrementOfKeysFails() {
        for key in [Self.peterVkey] {
            let bytes = Array(key.utf8)
            for n in 0..<bytes.count {
                #expect((try? NoteVerifier(vkey: String(decoding: bytes[..<n], as: UTF8.self))) == nil, "truncated to \(n)")
                var bumped = bytes
                bumped[n] &+= 1
                #expect((try? NoteVerifier(vkey: String(decoding: bumped, as: UTF8.self))) == nil, "byte \(n) incremented")
            }
        }
        let bytes = Array(Self.peterSkey.utf8)
        for n in 0..<bytes.count {
            #expect((try? NoteSigner(skey: String(decoding: bytes[..<n], as: UTF8.self))) == nil, "truncated to \(n)")
            var bumped = bytes
            bumped[n] &+= 1
            #expect((try? NoteSigner(skey: String(decoding: bumped, as: UTF8.self))) == nil, "byte \(n) incremented")
        }
        #expect((try? NoteVerifier(vkey: "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")) == nil)
        #expect((try? NoteVerifier(vkey: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")) == nil)
    }

    @Test func malformedNotesAreRejected() {
        let good = Self.peterText + [0x0a] + Array("\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n".utf8)
        #expect((try? SignedNote(parsing: good)) != nil)
        #expect((try? SignedNote(parsing: Array(good.dropLast()))) == nil)  // no final newline
        #expect((try? SignedNote(parsing: Self.peterText)) == nil)  // no signatures
        var hyphen = good
        hyphen.replaceSubrange(Self.peterText.count + 1..<Self.peterText.count + 4, with: Array("-".utf8))
        #expect((try? SignedNote(parsing: hyphen)) == nil)  // not an em dash
        #expect((try? SignedNote(parsing: [0xff] + good)) == nil)  // invalid UTF-8
        #expect((try? SignedNote(parsing: [0x1b] + good)) == nil)  // control character
    }

    @Test func witnessCosignatureVector() throws {
        let witness = try NoteVerifier(vkey: "witness.example/w1+eb762cc2+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea")
        #expect(witness.type == 0x04)
        let body = "example.com/log/testdata\n15\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=\n"
        let note = body + "\n\u{2014} example.com/log/testdata M9e0luh4jTG+UMBqOUo9/q+yAEvx1ilBEniMvjf1zfcBOhg+CKubMt53MvIt/uEWP6zdkdIQzd/fmwlM/dlPWF74ewI=\n"
            + "\u{2014} witness.example/w1 63YswgAAAABlU/EA4v0cV4DQ6bp095Uz5hMt/nfebMX5+KeD1CrNI87b04aHkKdYlIPYnhU+N0K6Tz705UQmG5iE+ZnLsKeZy2ZvBw==\n"
        let parsed = try SignedNote(parsing: Array(note.utf8))
        #expect(try parsed.verify(with: witness) == 1_700_000_000)
        try parsed.verify(with: try NoteVerifier(vkey: "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"))
    }

    @Test func dssePAEAndEd25519Envelope() throws {
        #expect(String(decoding: DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8)), as: UTF8.self)
            == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        let signer = try NoteSigner(name: "reviewer.example/alice", seed: [UInt8](repeating: 7, count: 32))
        let envelope = try DSSEEnvelope.sign(payloadType: "text/plain", payload: Array("hi".utf8), signer: signer)
        let again = try DSSEEnvelope(parsing: try envelope.encoded())
        try again.verify(with: signer.verifier)
        let other = try NoteSigner(name: "reviewer.example/mallory", seed: [UInt8](repeating: 8, count: 32))
        #expect(throws: LedgerError.self) { try again.verify(with: other.verifier) }
        let forged = DSSEEnvelope(payloadType: "text/plain", payload: Array("ho".utf8), signatures: again.signatures)
        #expect(throws: LedgerError.self) { try forged.verify(with: signer.verifier) }
    }

    @Test func dsseSpecECDSAExampleVerifiesWithSwiftCrypto() throws {
        // secure-systems-lab/dsse protocol.md: the P-256 example signature over the PAE.
        func bigEndian32(_ decimal: String) -> [UInt8] {
            var digits = Array(decimal.utf8).map { Int($0) - 48 }
            var out: [UInt8] = []
            while !(digits.allSatisfy { $0 == 0 }) {
                var remainder = 0
                var next: [Int] = []
                for d in digits {
                    let value = remainder * 10 + d
                    next.append(value / 256)
                    remainder = value % 256
                }
                out.insert(UInt8(remainder), at: 0)
                digits = next
            }
            return [UInt8](repeating: 0, count: 32 - out.count) + out
        }
        let x = bigEndian32("46950820868899156662930047687818585632848591499744589407958293238635476079160")
        let y = bigEndian32("5640078356564379163099075877009565129882514886557779369047442380624545832820")
        let key = try P256.Signing.PublicKey(rawRepresentation: x + y)
        let sig = try P256.Signing.ECDSASignature(
            rawRepresentation: Array(StrictBase64.decode("A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==")!))
        let pae = DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8))
        #expect(key.isValidSignature(sig, for: pae))
    }
}
