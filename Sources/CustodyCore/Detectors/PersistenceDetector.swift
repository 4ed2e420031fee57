/// Finds code that makes itself start again later or gives someone lasting access: scheduled
/// jobs (cron, systemd, launchd, init scripts, Windows Run keys and scheduled tasks), SSH
/// `authorized_keys`, shell startup files, `LD_PRELOAD` and `/etc/ld.so.preload`, and git hooks.
///
/// A location alone (a path in documentation) is not a finding: the line must also write,
/// append, copy or enable. Packaging scripts (Debian, RPM) that enable a service are low.
struct PersistenceDetector: Detector {
    static let scheduled = DetectorRule(
        id: "CUST-PERSISTENCE-001",
        name: "InstallsScheduledOrStartupJob",
        category: .persistence,
        severity: .medium,
        confidence: .medium,
        summary: "This line sets up a program to start again automatically, for example at every boot or on a timer.",
        help:
            "Crontab entries, systemd and launchd units, init scripts, Windows Run keys and scheduled tasks keep code running after the installer is gone. Build and install code rarely needs them."
    )
    static let sshKeys = DetectorRule(
        id: "CUST-PERSISTENCE-002",
        name: "WritesAuthorizedKeys",
        category: .persistence,
        severity: .high,
        confidence: .high,
        summary: "This line lets someone log in to the machine over SSH by adding their key to its list of allowed keys.",
        help:
            "Writing to ~/.ssh/authorized_keys grants lasting remote access to whoever holds the matching private key."
    )
    static let shellStartup = DetectorRule(
        id: "CUST-PERSISTENCE-003",
        name: "ModifiesShellStartupFile",
        category: .persistence,
        severity: .medium,
        confidence: .medium,
        summary: "This line changes a file that runs every time someone opens a terminal, so its commands keep running later.",
        help:
            "Appending to .bashrc, .zshrc or .profile runs commands in every future shell of the user; aliases of sudo or ssh there can steal passwords."
    )
    static let preload = DetectorRule(
        id: "CUST-PERSISTENCE-004",
        name: "InjectsPreloadLibrary",
        category: .persistence,
        severity: .high,
        confidence: .medium,
        summary: "This line forces a library into other programs when they start, so it can change what they do.",
        help:
            "LD_PRELOAD, /etc/ld.so.preload and DYLD_INSERT_LIBRARIES load a library into every program started with them; /etc/ld.so.preload does it for every program on the machine."
    )
    static let gitHook = DetectorRule(
        id: "CUST-PERSISTENCE-005",
        name: "InstallsGitHook",
        category: .persistence,
        severity: .medium,
        confidence: .medium,
        summary: "This line installs a script that git will run automatically on a developer's machine.",
        help:
            "Git hooks run on commit, checkout or push; a build step that writes them runs code on every developer's machine later."
    )

    var rules: [DetectorRule] { [Self.scheduled, Self.sshKeys, Self.shellStartup, Self.preload, Self.gitHook] }

    enum Group { case scheduled, enable, ssh, sshKey, shellRC, systemPreload, preloadVar, gitHook, write, open, writeMode, payload }

    static let groups: [(Group, [String])] = [
        (
            .scheduled,
            [
                "crontab", "/etc/cron", "/var/spool/cron", "@reboot", "cron.d/", "/etc/systemd/system",
                ".config/systemd/user", "library/launchagents", "library/launchdaemons", "/etc/init.d/",
                "/etc/rc.local", "/etc/profile.d/", "/etc/xdg/autostart", ".config/autostart",
                "currentversion\\run", "currentversion\\\\run", "start menu\\programs\\startup",
                "start menu\\\\programs\\\\startup",
            ]
        ),
        (
            .enable,
            [
                "systemctl enable", "systemctl --user enable", "launchctl load", "launchctl bootstrap", "update-rc.d",
                "chkconfig", "schtasks /create", "schtasks.exe /create", "register-scheduledtask", "crontab -",
                "| crontab", "|crontab", "reg add", "new-itemproperty", "set-itemproperty",
            ]
        ),
        (.ssh, ["authorized_keys"]),
        (.sshKey, ["ssh-rsa aaaa", "ssh-ed25519 aaaa", "ecdsa-sha2-nistp256 aaaa", "sk-ssh-ed25519"]),
        (
            .shellRC,
            [
                ".bashrc", ".bash_profile", ".zshrc", ".bash_login", ".zprofile", "/etc/bash.bashrc", "/etc/profile",
                "config.fish", "~/.profile", "$home/.profile", "/.profile\"", "/.profile'",
            ]
        ),
        (.systemPreload, ["/etc/ld.so.preload", "/etc/ld.so.conf"]),
        (.preloadVar, ["ld_preload=", "export ld_preload", "dyld_insert_libraries=", "[\"ld_preload\"]", "['ld_preload']", "env.ld_preload", "setenv(\"ld_preload\"", "putenv(\"ld_preload"]),
        (.gitHook, [".git/hooks/", "core.hookspath"]),
        (
            .write,
            [
                ">>", "> ", ">/", ">~", ">$", "tee ", "appendfile", "writefile", "file_put_contents",
                "cp ", "mv ", "install ", "ln -s", "copyfile", "writetext", "set-content", "add-content",
                "new-item", "write(", "writeto", "fs.append", "ssh-copy-id", "copy(", "git config",
            ]
        ),
        (.open, ["open(", "fopen(", "os.openfile", "file.open", "file.new("]),
        (
            .writeMode,
            [
                "'w'", "\"w\"", "'a'", "\"a\"", "'wb'", "\"wb\"", "'ab'", "\"ab\"", "'w+'", "\"w+\"", "'a+'",
                "\"a+\"", "'wt'", "\"wt\"", "'r+'", "\"r+\"", "o_wronly", "o_append", "o_rdwr", "o_creat",
            ]
        ),
        (.payload, ["curl ", "wget ", "base64", "nc ", "/dev/tcp", "alias sudo", "alias ssh", "eval ", "python -c", "| sh", "| bash"]),
    ]
    static let groupOf: [Group] = groups.flatMap { group in group.1.map { _ in group.0 } }
    static let matcher = MultiMatcher(groups.flatMap(\.1))

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        guard traits.language.isCode || traits.language == .other, !traits.isDocumentation, !traits.isMinified,
            !traits.isVendored, !traits.isLockfile
        else { return }
        // A line reports only with a marker of `matcher`; none in the file means none in a line.
        guard context.gates(for: change).contains(.persistence) else { return }
        let lowerPath = change.path.lowercased()
        let isPackaging =
            lowerPath.contains("debian/") || lowerPath.contains("packaging") || lowerPath.contains("rpm/")
            || lowerPath.hasSuffix(".spec") || lowerPath.contains("contrib/") || lowerPath.contains("systemd/")
        var cap = FindingCap()
        for position in change.addedLines.indices {
            let line = change.addedLines[position]
            guard line.text.count <= 16 * 1024 else { continue }
            var groups: Set<Group> = []
            var words: [Group: String] = [:]
            let text = line.text
            Self.matcher.scan(text) { match in
                let group = Self.groupOf[match.needle]
                // Redirecting to /dev/null writes nothing that lasts.
                if group == .write, text[match.start...].starts(with: Self.devNull)
                    || text[match.start...].starts(with: Self.devNullSpaced)
                {
                    return true
                }
                // `authorized_keys_command`, `AuthorizedKeysFile`-style option names are not the file
                // (`authorized_keys2` is).
                if group == .ssh {
                    let end = match.start + Self.matcher.needles[match.needle].count
                    if end < text.endIndex, ByteScan.isIdentifierByte(text[end]), !ByteScan.isDigit(text[end]) { return true }
                }
                groups.insert(group)
                if words[group] == nil { words[group] = String(decoding: Self.matcher.needles[match.needle], as: UTF8.self) }
                return true
            }
            // Opening a file counts as writing only with a write or append mode.
            if groups.contains(.open) && groups.contains(.writeMode) { groups.insert(.write) }
            groups.remove(.open)
            groups.remove(.writeMode)
            guard !groups.isEmpty, groups != [.write], groups != [.payload], groups != [.write, .payload] else { continue }
            if CommentHeuristics.isCommentLine(line.text, language: traits.language) { continue }
            let writes = groups.contains(.write) || groups.contains(.enable)
            let base: Severity = traits.isProductionCode ? .medium : .low
            func add(_ rule: DetectorRule, _ evidence: String, _ severity: Severity) {
                guard cap.allow(rule) else { return }
                findings.append(
                    Finding(
                        rule: rule, commit: context.commit, change: change, lines: [line],
                        evidence: "Line \(line.number) \(evidence).", severity: severity))
            }
            if groups.contains(.ssh), writes {
                var severity: Severity = traits.isProductionCode ? (groups.contains(.sshKey) ? .critical : .high) : .medium
                if traits.isTest { severity = .low }
                add(Self.sshKeys, "writes to authorized_keys" + (groups.contains(.sshKey) ? " with a public key written in the code" : ""), severity)
            } else if groups.contains(.systemPreload), Self.writesInto(words[.systemPreload]!, line: text, groups: groups) {
                add(Self.preload, "writes \(words[.systemPreload]!), which loads a library into every program on the machine", traits.isProductionCode ? .high : .low)
            } else if groups.contains(.preloadVar) {
                add(Self.preload, "sets \(words[.preloadVar]!.uppercased().strippingCharacters("=[]\"'( ")) to load a library into the programs it starts", traits.isProductionCode ? .medium : .info)
            } else if groups.contains(.shellRC), writes {
                let severity: Severity = groups.contains(.payload) && traits.isProductionCode ? .high : base
                add(Self.shellStartup, "writes to \(words[.shellRC]!.strippingCharacters("\"'~/$"))" + (groups.contains(.payload) ? " a command that fetches or runs code ('\(words[.payload]!.strippingCharacters(" "))')" : ""), severity)
            } else if groups.contains(.scheduled) && groups.contains(.write) || groups.contains(.enable) && !groups.contains(.write) && Self.enablesService(words[.enable]!, line: line.text) {
                var severity: Severity = isPackaging ? .low : base
                if groups.contains(.payload) && traits.isProductionCode { severity = .high }
                let what = words[.scheduled] ?? words[.enable] ?? "a startup location"
                add(Self.scheduled, "installs a job or service through '\(what.strippingCharacters(" |"))'", severity)
            } else if groups.contains(.gitHook), writes {
                add(Self.gitHook, "writes into git's hooks ('\(words[.gitHook]!)')", isPackaging ? .low : base)
            }
        }
    }

    static let devNull = ByteScan.bytes(">/dev/null")
    static let devNullSpaced = ByteScan.bytes("> /dev/null")

    /// True when the line writes into `path` itself (a redirect, `tee`, a copy onto it, or an
    /// open with a write mode), not when it only reads it (`< /etc/ld.so.conf`).
    static func writesInto(_ path: String, line: ArraySlice<UInt8>, groups: Set<Group>) -> Bool {
        let lower = ByteScan.lowercased(line)
        let p = Array(path.utf8)
        for prefix in [">", "> ", ">>", ">> ", "tee ", "tee -a ", "cp ", "mv "] {
            if ByteScan.contains(lower, Array(prefix.utf8) + p) { return true }
        }
        // open(..., 'w') with the path on the line, or a copy whose last word is the path.
        if groups.contains(.write), !ByteScan.contains(lower, ByteScan.bytes("< ")) && !ByteScan.contains(lower, [0x3c] + p) {
            return ByteScan.contains(lower, ByteScan.bytes("open(")) || ByteScan.contains(lower, ByteScan.bytes("writefile"))
                || ByteScan.contains(lower, ByteScan.bytes("file_put_contents"))
        }
        return false
    }

    /// Verbs that install a job by themselves (not registry tools used for other keys).
    static func enablesService(_ word: String, line: ArraySlice<UInt8>) -> Bool {
        if ["reg add", "new-itemproperty", "set-itemproperty"].contains(word) { return false }
        if word == "crontab -" {
            // `crontab -l` only lists; `… | crontab -` installs.
            let lower = ByteScan.lowercased(line)
            return ByteScan.contains(lower, ByteScan.bytes("| crontab")) || ByteScan.contains(lower, ByteScan.bytes("|crontab"))
                || !ByteScan.contains(lower, ByteScan.bytes("crontab -l"))
        }
        return true
    }
}
