import Testing

@testable import CustodyCore

/// Binary test data built in code (never copied from real incidents).
enum BinaryFixtures {
    /// Deterministic pseudo-random bytes (xorshift64).
    static func noise(_ count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> [UInt8] {
        var state = seed
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d] + Array("IHDR".utf8)
    static let jpeg: [UInt8] = [0xff, 0xd8, 0xff, 0xe0, 0, 0x10] + Array("JFIF".utf8)
    static let xzMagic: [UInt8] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46]
    static let elfHeader: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8) + [2, 0, 0x3e, 0]

    /// A "corrupt" xz test file in the style of xz-utils' bad-3-corrupt_lzma2.xz: a valid
    /// header, noise, and a marker-delimited script whose tabs/spaces and -/_ were swapped.
    static func corruptXZWithScript() -> [UInt8] {
        let script = "####Hello####\n#!/bin/sh\nsrcdir=$1\nexport i=\"((head -c +1024 >/dev/null) && head -c +2048)\"\neval $i | xz -d\n####World####\n"
        let swapped = script.utf8.map { b -> UInt8 in
            switch b {
            case 0x20: return 0x09
            case 0x09: return 0x20
            case UInt8(ascii: "-"): return UInt8(ascii: "_")
            case UInt8(ascii: "_"): return UInt8(ascii: "-")
            default: return b
            }
        }
        return xzMagic + noise(300, seed: 7) + [0] + swapped + [0] + noise(200, seed: 8)
    }
}

struct OpaqueBinaryDetectorTests {
    let detector = OpaqueBinaryDetector()

    func scan(_ path: String, _ bytes: [UInt8], old: [UInt8]? = nil) -> [Finding] {
        var blobs = InMemoryBlobSource()
        let change = BuildDetectorFixtures.change(path, old: old, new: bytes, binary: true, blobs: &blobs)
        return BuildDetectorFixtures.scan(detector, changes: [change], blobs: blobs)
    }

    @Test func xzStyleCorruptTestFileCarryingAScriptIsCritical() throws {
        let findings = scan("tests/files/bad-3-corrupt_lzma2.xz", BinaryFixtures.corruptXZWithScript())
        let finding = try #require(findings.first { $0.ruleID == "CUST-BINARY-003" })
        #expect(finding.severity == .critical)
        #expect(finding.category == .opaqueBinary)
        #expect(finding.evidence.contains("####Hello####"))
    }

    /// A static library committed by mistake (an `ar` archive whose members are ELF objects) is
    /// compiled code: the executable rule at medium, not a payload hidden in data.
    @Test func staticLibraryArchiveIsCompiledCodeNotAHiddenPayload() throws {
        func member(_ name: String, _ body: [UInt8]) -> [UInt8] {
            var header = Array(name.utf8) + [UInt8](repeating: 0x20, count: 16 - name.utf8.count)
            header += Array("1700000000  0     0     100644  ".utf8)
            let size = String(body.count)
            header += Array(size.utf8) + [UInt8](repeating: 0x20, count: 10 - size.count) + [0x60, 0x0a]
            return header + body + (body.count % 2 == 1 ? [0x0a] : [])
        }
        let archive = Array("!<arch>\n".utf8) + member("/", BinaryFixtures.noise(700, seed: 3))
            + member("file.o/", BinaryFixtures.elfHeader + BinaryFixtures.noise(2000, seed: 4))
        for path in ["lib/sta12345", "lib/libfoo.a"] {
            let findings = scan(path, archive)
            #expect(!findings.contains { $0.ruleID == "CUST-BINARY-003" }, "\(path): \(findings.map(\.evidence))")
            let exe = try #require(findings.first { $0.ruleID == OpaqueBinaryDetector.executable.id }, "\(path)")
            #expect(exe.severity == .medium)
            #expect(exe.evidence.contains("static library"))
        }
        // Named as a text file, it is disguised.
        #expect(scan("lib/helper.c", archive).first { $0.ruleID == OpaqueBinaryDetector.executable.id }?.severity == .critical)
    }

    @Test func executableHiddenInsideCompressedTestFile() throws {
        let data: [UInt8] = [0x5d, 0, 0, 0x80, 0] + BinaryFixtures.noise(2000, seed: 3) + BinaryFixtures.elfHeader
            + BinaryFixtures.noise(500, seed: 4)
        let findings = scan("tests/files/good-large_compressed.lzma", data)
        let finding = try #require(findings.first { $0.ruleID == "CUST-BINARY-003" })
        #expect(finding.evidence.contains("executable header at byte 2005"))
    }

    @Test func executableDisguisedAsImageIsCritical() throws {
        let findings = scan("docs/img/logo.png", BinaryFixtures.elfHeader + BinaryFixtures.noise(400))
        let finding = try #require(findings.first { $0.ruleID == "CUST-BINARY-001" })
        #expect(finding.severity == .critical)
    }

    @Test func prebuiltExecutableIsMediumAndHighInTests() throws {
        let pe = Array("MZ".utf8) + [UInt8](repeating: 0, count: 0x3a) + [0x80, 0, 0, 0] + [UInt8](repeating: 0, count: 0x40)
            + Array("PE".utf8) + [0, 0] + BinaryFixtures.noise(100)
        let findings = scan("tools/win/helper.exe", pe)
        #expect(findings.contains { $0.ruleID == "CUST-BINARY-001" && $0.severity == .medium })
        let elf = scan("tests/bin/helper", BinaryFixtures.elfHeader + BinaryFixtures.noise(100))
        #expect(elf.contains { $0.ruleID == "CUST-BINARY-001" && $0.severity == .high })
    }

    @Test func contentThatDoesNotMatchTheName() throws {
        let zip: [UInt8] = [0x50, 0x4b, 0x03, 0x04] + BinaryFixtures.noise(200)
        let findings = scan("assets/banner.png", zip)
        let finding = try #require(findings.first { $0.ruleID == "CUST-BINARY-002" })
        #expect(finding.evidence.contains("zip"))
        let text = scan("notes/readme.txt", Array("hello".utf8) + [0, 1, 2, 3] + BinaryFixtures.noise(100))
        #expect(text.contains { $0.ruleID == "CUST-BINARY-002" })
    }

    @Test func compressedTestFilesAreLowWhenAddedAndMediumWhenReplaced() throws {
        let data = BinaryFixtures.xzMagic + BinaryFixtures.noise(4000, seed: 11)
        let added = scan("tests/files/good-1-lzma2-5.xz", data)
        #expect(added.map(\.ruleID) == ["CUST-BINARY-004"])
        #expect(added.first?.severity == .low)
        let replaced = scan("tests/files/good-1-lzma2-5.xz", BinaryFixtures.xzMagic + BinaryFixtures.noise(4000, seed: 12), old: data)
        #expect(replaced.first?.severity == .medium)
    }

    @Test func opaqueHighEntropyData() throws {
        let source = scan("src/resources/blob.bin", BinaryFixtures.noise(4096))
        #expect(source.first?.ruleID == "CUST-BINARY-005")
        #expect(source.first?.severity == .medium)
        let vectors = scan("test/vectors/aes-random.bin", BinaryFixtures.noise(4096, seed: 5))
        #expect(vectors.first?.severity == .low)
    }

    @Test func imagesFontsAndLowEntropyDataStayQuiet() {
        #expect(scan("assets/logo.png", BinaryFixtures.png + BinaryFixtures.noise(3000)).isEmpty)
        #expect(scan("tests/images/photo.jpg", BinaryFixtures.jpeg + BinaryFixtures.noise(3000)).isEmpty)
        #expect(scan("docs/diagram.gif", Array("GIF89a".utf8) + BinaryFixtures.noise(500)).isEmpty)
        #expect(scan("fonts/ui.woff2", Array("wOF2".utf8) + BinaryFixtures.noise(500)).isEmpty)
        // A binary record file with a lot of structure (low entropy).
        let records = (0..<2000).flatMap { i -> [UInt8] in [0, 0, UInt8(i & 0x0f), 1] }
        #expect(scan("data/records.dat", records).isEmpty)
    }

    @Test func textFilesAreNeverRead() {
        // The blob is missing from the source: reading it would be a bug we could not see, so
        // give a text change whose blob would trip every check if read.
        var blobs = InMemoryBlobSource()
        var change = BuildDetectorFixtures.change("src/main.c", old: nil, new: BinaryFixtures.elfHeader + BinaryFixtures.noise(100), binary: false, blobs: &blobs)
        change.isBinary = false
        #expect(BuildDetectorFixtures.scan(detector, changes: [change], blobs: blobs).isEmpty)
    }

    @Test func entropyOfKnownDistributions() {
        #expect(OpaqueBinaryDetector.entropy([UInt8](repeating: 7, count: 100)) == 0)
        let uniform = (0..<256 * 4).map { UInt8($0 & 0xff) }
        #expect(abs(OpaqueBinaryDetector.entropy(uniform) - 8) < 1e-9)
        #expect(abs(OpaqueBinaryDetector.entropy([0, 1, 0, 1]) - 1) < 1e-9)
    }
}

extension OpaqueBinaryDetectorTests {
    @Test func textTestDataWithAFewBinaryBytesIsNotAHiddenPayload() {
        // Like curl's tests/data files: a text test case that carries some raw protocol bytes.
        var bytes = Array("<testcase>\n<info><keywords>HTTP</keywords></info>\n<client><command>curl http://%HOSTIP/ -o out</command></client>\n#include <stdio.h>\n".utf8)
        bytes += [0x00, 0xff, 0xfe, 0x01] + Array(String(repeating: "data line of the reply body\n", count: 40).utf8)
        #expect(scan("tests/data/test1465", bytes).filter { $0.ruleID == "CUST-BINARY-003" }.isEmpty)
        // The corrupt xz file with a script inside stays critical.
        #expect(scan("tests/files/bad-3-corrupt_lzma2.xz", BinaryFixtures.corruptXZWithScript()).contains { $0.ruleID == "CUST-BINARY-003" })
    }

    @Test func extensionlessTextFilesAreNotBinaries() {
        // A configure script rewritten without added lines (mode change, or a diff git shows as binary).
        let script = Array("#!/bin/sh\n# Generated by configure\nif test -n \"$(uname)\"; then\n  echo ok > /dev/null\nfi\n".utf8)
        #expect(scan("configure", script).isEmpty)
        #expect(scan("nintendods/Makefile", Array("export CC=$(DEVKITARM)/bin/gcc\n".utf8)).isEmpty)
    }
}
