import Testing

@testable import CustodyCore

struct ConfusableIdentifierDetectorTests {
    let detector = ConfusableIdentifierDetector()

    @Test(arguments: [
        ("src/auth.c", "int is_\u{0430}dmin = 1;  /* Cyrillic a */"),
        ("lib/check.py", "def v\u{0435}rify_token(t):  # Cyrillic e"),
        ("app/index.js", "const p\u{0430}ypal = require('./paypal');"),
        ("app/index.ts", "export function check\u{039F}wner(): boolean { return true }"),
        ("pkg/x/x.go", "func Valid\u{0430}te(s string) bool { return true }"),
        ("src/Main.java", "boolean \u{0441}ompare = true;"),
        ("Sources/A/A.swift", "let t\u{043E}ken = \"\"  // Cyrillic o"),
        ("www/a.php", "$p\u{0430}ssword = $_POST['p'];"),
        ("lib/a.rb", "def \u{0430}uthorized?; true; end"),
        ("bin/run.sh", "ch\u{0435}ck_sig() { return 0; }"),
    ])
    func mixedScriptNamesAreHigh(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(ConfusableIdentifierDetector.mixed).first)
        #expect(finding.severity == .high)
        #expect(finding.category == .confusableIdentifier)
        #expect(finding.evidence.contains("U+0"))
    }

    @Test func wholeLookalikeScriptName() throws {
        let findings = DetectorFixtures.scan(detector, "src/app.py", "\u{0441}\u{043E}\u{0441}\u{043E} = load()")
        #expect(findings.with(ConfusableIdentifierDetector.wholeScript).first?.severity == .medium)
    }

    @Test(arguments: [
        ("src/ui.py", "greeting = \"Привет, мир\"  # Russian text in a string"),
        ("src/ui.js", "// Комментарий на русском с опечаткой cлово"),
        ("src/phys.swift", "let Δt = 0.01; let α = 0.5"),
        ("src/phys.py", "Δx = x1 - x0"),
        ("docs/ru.md", "Пример: pаypal"),
        ("src/cjk.go", "var 名前 = \"value\""),
        ("src/ru.java", "int счётчик = 0;"),
    ])
    func proseAndMathAreQuiet(_ path: String, _ line: String) {
        #expect(DetectorFixtures.scan(detector, path, line).isEmpty)
    }

    @Test func fullWidthLettersMixedIn() throws {
        let findings = DetectorFixtures.scan(detector, "src/a.swift", "let isＡdmin = true")
        #expect(findings.with(ConfusableIdentifierDetector.mixed).first?.evidence.contains("full-width") == true)
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "dist/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
