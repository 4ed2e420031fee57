import Testing

@testable import CustodyCore

struct DestructiveOperationDetectorTests {
    let detector = DestructiveOperationDetector()

    @Test(arguments: [
        ("scripts/clean.sh", "rm -rf /"),
        ("scripts/clean.sh", "sudo rm -fr --no-preserve-root /"),
        ("scripts/clean.sh", "rm -r -f ~/*"),
        ("scripts/clean.sh", "rm --recursive --force \"$HOME\""),
        ("Makefile", "\trm -rf /usr /etc"),
        ("lib/x.py", "os.system('rm -rf /*')"),
        ("lib/x.py", "subprocess.run([\"rm\", \"-rf\", \"/\"])"),
        ("lib/x.py", "shutil.rmtree(os.path.expanduser('~'))"),
        ("index.js", "fs.rmSync(os.homedir(), { recursive: true, force: true });"),
        ("cmd/x/main.go", "os.RemoveAll(os.Getenv(\"HOME\"))"),
        ("lib/x.rb", "FileUtils.rm_rf(Dir.home)"),
        ("scripts/x.sh", "dd if=/dev/zero of=/dev/sda bs=1M"),
        ("scripts/x.sh", "mkfs.ext4 -F /dev/nvme0n1"),
        ("scripts/x.sh", "find / -type f -delete"),
        ("scripts/x.sh", "chmod -R 000 /"),
        ("tools/x.bat", "rd /s /q C:\\"),
    ])
    func wipesAreCritical(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(DestructiveOperationDetector.wipe).first, "\(path): \(line)")
        #expect(finding.severity == .critical)
        #expect(finding.explanation.hasPrefix("This line deletes or wrecks"))
    }

    @Test(arguments: [
        ("scripts/x.sh", ":(){ :|:& };:"),
        ("scripts/x.sh", "bomb() { bomb | bomb & }; bomb"),
        ("lib/x.py", "while True: os.fork()"),
        ("src/x.c", "for(;;) fork();"),
    ])
    func forkBombsAreCritical(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.with(DestructiveOperationDetector.bomb).first?.severity == .critical, "\(line)")
    }

    @Test func makefileCommandDefinitionsRunNothing() {
        for line in ["RMDIR = -rd 2>NUL /q /s $(subst /,\\,$1)", "RM := rm -f", "DEL ?= del /q /s"] {
            #expect(DetectorFixtures.scan(detector, "lib/Makefile.mk", line).isEmpty, "\(line)")
        }
        // The command itself still counts.
        #expect(!DetectorFixtures.scan(detector, "Makefile", "\trm -rf /").isEmpty)
    }

    @Test(arguments: [
        ("lib/ipc.js", "for (const file of walk('/')) { try { fs.writeFileSync(file, '\\u2764'); } catch (e) {} }"),
        ("lib/ipc.js", "const files = glob.sync('../../**/*');\nfiles.forEach((f) => {\n  fs.writeFileSync(f, \"\");\n});"),
        ("tools/clean.py", "for root, dirs, files in os.walk(os.path.expanduser('~')):\n    for name in files:\n        os.remove(os.path.join(root, name))"),
        ("cmd/x/main.go", "filepath.Walk(\"/\", func(p string, info os.FileInfo, err error) error {\n\treturn os.WriteFile(p, []byte(\"bye\"), 0o644)\n})"),
        ("Sources/X/Wipe.swift", "let it = FileManager.default.enumerator(atPath: NSHomeDirectory())!\nfor case let p as String in it {\n    try? FileManager.default.removeItem(atPath: p)\n}"),
    ])
    func overwritingEveryFileFromTheRootIsCritical(_ path: String, _ code: String) throws {
        let findings = DetectorFixtures.scan(detector, path, code)
        let finding = try #require(findings.with(DestructiveOperationDetector.walkWipe).first, "\(path): \(findings.map(\.evidence))")
        #expect(finding.severity == .critical, "\(path)")
        #expect(finding.category == .destructiveOperation)
        #expect(finding.explanation.hasPrefix("This code goes through folders"))
    }

    @Test func fixedTextOverEveryFileOfAFolderIsMedium() {
        let code = "for (const f of fs.readdirSync(dir)) {\n  fs.writeFileSync(path.join(dir, f), 'pwned');\n}"
        let findings = DetectorFixtures.scan(detector, "lib/x.js", code).with(DestructiveOperationDetector.walkWipe)
        #expect(findings.first?.severity == .medium)
    }

    @Test(arguments: [
        // Formatters, generators and clean-ups inside the project.
        ("scripts/format.js", "for (const file of glob.sync('src/**/*.js')) {\n  const out = prettier.format(fs.readFileSync(file, 'utf8'), opts);\n  fs.writeFileSync(file, out);\n}"),
        ("tools/fmt.py", "for root, _, files in os.walk('src'):\n    for f in files:\n        p = Path(root) / f\n        p.write_text(black.format_str(p.read_text(), mode=m))"),
        ("tools/clean.py", "for p in Path('build').rglob('*.pyc'):\n    os.remove(p)"),
        ("cmd/gen/main.go", "filepath.Walk(\"api\", func(p string, info os.FileInfo, err error) error {\n\treturn os.WriteFile(strings.TrimSuffix(p, \".tmpl\"), render(p), 0o644)\n})"),
        ("scripts/stamp.js", "for (const f of fs.readdirSync('dist')) {\n  fs.writeFileSync(`dist/${f}`, banner + fs.readFileSync(`dist/${f}`));\n}"),
        ("src/cache.js", "const entries = fs.readdirSync(cacheDir);\nlog(entries.length);\nfs.writeFileSync(indexFile, JSON.stringify(entries));"),
    ])
    func ordinaryWritesInAWalkAreQuiet(_ path: String, _ code: String) {
        let findings = DetectorFixtures.scan(detector, path, code)
        #expect(findings.isEmpty, "\(path): \(findings.map(\.evidence))")
    }

    @Test func emptyInfiniteLoopIsMedium() {
        let findings = DetectorFixtures.scan(detector, "index.js", "while (true) { }")
        #expect(findings.with(DestructiveOperationDetector.bomb).first?.severity == .medium)
    }

    @Test func unguardedVariableDelete() throws {
        let findings = DetectorFixtures.scan(detector, "steam.sh", "rm -rf \"$STEAMROOT/\"*")
        #expect(findings.with(DestructiveOperationDetector.unguarded).first?.severity == .medium)
        let guarded = DetectorFixtures.scan(detector, "steam.sh", "rm -rf \"${STEAMROOT:?}/\"*")
        #expect(guarded.isEmpty)
    }

    @Test(arguments: [
        ("Makefile", "\trm -rf build/ dist/ *.o"),
        ("Makefile", "\trm -rf $(OBJDIR)/*"),
        ("scripts/x.sh", "rm -rf \"$tmpdir\""),
        ("scripts/x.sh", "rm -f /tmp/lockfile"),
        ("scripts/x.sh", "rm -rf ./node_modules"),
        ("lib/x.py", "shutil.rmtree(self.build_dir)"),
        ("index.js", "fs.rmSync(path.join(os.tmpdir(), 'x'), { recursive: true });"),
        ("scripts/x.sh", "find . -name '*.pyc' -delete"),
        ("scripts/x.sh", "chmod -R u+w \"$DESTDIR\""),
        ("docs/faq.md", "Never run `rm -rf /` on a server."),
        ("scripts/x.sh", "# rm -rf / would be bad"),
        ("src/x.go", "for {\n\tselect {}\n}"),
        ("src/x.c", "while (1) {\n  poll(fds, n, -1);\n}"),
    ])
    func ordinaryDeletesAndLoopsAreQuiet(_ path: String, _ code: String) {
        let findings = DetectorFixtures.scan(detector, path, code)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
