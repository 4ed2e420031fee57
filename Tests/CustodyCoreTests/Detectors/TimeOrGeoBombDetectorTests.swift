import Testing

@testable import CustodyCore

struct TimeOrGeoBombDetectorTests {
    let detector = TimeOrGeoBombDetector()

    @Test(arguments: [
        ("src/license.c", "if (time(NULL) > 1767225600) {\n    unlink(\"/etc/app.conf\");\n}"),
        ("lib/sched.py", "if datetime.now() > datetime(2026, 3, 1):\n    shutil.rmtree(DATA_DIR)"),
        ("index.js", "if (Date.now() > 1767225600000) {\n  require('child_process').exec(cmd);\n}"),
        ("cmd/x/main.go", "if time.Now().After(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {\n\tos.RemoveAll(dir)\n}"),
        ("src/Job.java", "if (System.currentTimeMillis() > 1767225600000L) {\n    Runtime.getRuntime().exec(c);\n}"),
        ("Sources/K/K.swift", "if Date().timeIntervalSince1970 > 1767225600 {\n    try FileManager.default.removeItem(at: url)\n}"),
        ("scripts/x.sh", "if [ \"$(date +%s)\" -gt 1767225600 ]; then\n  rm -rf \"$HOME/.config/app\"\nfi"),
    ])
    func dateGateFollowedByActionIsHigh(_ path: String, _ code: String) throws {
        let findings = DetectorFixtures.scan(detector, path, code)
        let finding = try #require(findings.with(TimeOrGeoBombDetector.dateGate).first, "\(path)")
        #expect(finding.severity == .high)
        #expect(finding.category == .timeOrGeoBomb)
    }

    @Test func dateGateAloneIsMedium() throws {
        let findings = DetectorFixtures.scan(detector, "lib/a.rb", "if Time.now > Time.new(2026, 1, 1)\n  @mode = :late\nend")
        #expect(findings.with(TimeOrGeoBombDetector.dateGate).first?.severity == .medium)
    }

    @Test(arguments: [
        ("lib/net.js", "https.get(lookup, (res) => {\n  const geo = JSON.parse(body);\n  if (geo.country_name === 'Russia' || geo.country_name === 'Belarus') {\n    for (const f of found) fs.writeFileSync(f, 'x');\n  }\n});"),
        ("lib/geo.py", "info = requests.get('https://ipinfo.io/json').json()\nif info['country_name'] in ('Iran', 'Syria') or info.get('country_name') == 'North Korea':\n    subprocess.run(payload)"),
        ("src/x.rb", "loc = GeoIP.new(db).country(ip)\nif loc.country_name == \"Ukraine\"\n  system(cmd)\nend"),
    ])
    func locationGatesOnCountryNames(_ path: String, _ code: String) throws {
        let findings = DetectorFixtures.scan(detector, path, code)
        let finding = try #require(findings.with(TimeOrGeoBombDetector.geoGate).first, "\(path): \(findings.map(\.evidence))")
        #expect(finding.severity == .high, "\(path)")
    }

    @Test(arguments: [
        // A customer's or record's country, not the machine's.
        ("src/tax.js", "if (address.country_code === 'DE') {\n  vat = 0.19;\n}"),
        ("src/shipping.py", "if order.country_name == 'Canada':\n    fee = 12"),
        ("app/models/user.rb", "validates :zip, presence: true, if: -> { country_code == 'US' }"),
        ("src/i18n.js", "const lang = navigator.language;\nif (lang.startsWith('de')) { setLocale('de'); }"),
        ("src/fmt.swift", "if Locale.current.identifier == \"en_US\" { unit = .fahrenheit }"),
        ("src/countries.ts", "export const names = { DE: 'Germany', FR: 'France' };\nif (code == 'FR') label = names.FR;"),
    ])
    func ordinaryCountryAndLocaleHandlingIsQuiet(_ path: String, _ code: String) {
        let findings = DetectorFixtures.scan(detector, path, code)
        #expect(findings.isEmpty, "\(path): \(findings.map(\.evidence))")
    }

    @Test(arguments: [
        ("index.js", "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (tz === 'Europe/Moscow' || tz === 'Europe/Minsk') {\n  fs.writeFileSync(f, '❤');\n}"),
        ("lib/geo.py", "country = requests.get('https://ipapi.co/json').json()['country_code']\nif country == 'RU':\n    shutil.rmtree(home)"),
        ("src/x.go", "if loc := os.Getenv(\"LANG\"); strings.HasPrefix(loc, \"ru_RU\") {\n\texec.Command(\"sh\", \"-c\", p).Run()\n}"),
    ])
    func locationGates(_ path: String, _ code: String) throws {
        let findings = DetectorFixtures.scan(detector, path, code)
        let finding = try #require(findings.with(TimeOrGeoBombDetector.geoGate).first, "\(path): \(findings.map(\.evidence))")
        #expect(finding.severity >= .medium)
    }

    @Test(arguments: [
        ("src/log.c", "strftime(buf, sizeof buf, \"%Y-%m-%d\", localtime(&now));"),
        ("src/cert.py", "if cert.not_after < datetime.now():\n    raise Expired()"),
        ("src/timer.js", "if (Date.now() - start > 30000) { cancel(); }"),
        ("src/x.go", "deadline := time.Now().Add(5 * time.Second)"),
        ("tests/test_dates.py", "assert parse('2024-03-01') < datetime.now()"),
        ("src/fmt.py", "if locale == 'en_US': sep = ','"),
        ("src/x.c", "if (year > 2038) warn(\"time_t overflow\");"),
        ("src/up.js", "if (update() > 3) { retry(); }"),
        ("CHANGELOG.md", "2024-03-01: if time.now() > release, ship"),
    ])
    func ordinaryDateHandlingIsQuiet(_ path: String, _ code: String) {
        let findings = DetectorFixtures.scan(detector, path, code)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
