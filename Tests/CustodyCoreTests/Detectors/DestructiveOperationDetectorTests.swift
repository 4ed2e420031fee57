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
