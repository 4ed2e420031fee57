/// What writing to, or reading from, a path means: system configuration, identity files, disks,
/// network pseudo-files, secrets. Pure string checks on the path as written.
enum ShellPaths {
    struct WriteMeaning {
        var risk: RiskClass
        var effects: [CommandEffect]
        var reason: String?
    }

    /// True for paths whose writes are discarded or go to the terminal.
    static func isSink(_ path: String) -> Bool {
        path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" || path == "/dev/tty"
            || path.hasPrefix("/dev/fd/") || path == "-" || path.allSatisfy(\.isNumber) && !path.isEmpty
    }

    /// `/dev/tcp/HOST/PORT` → "HOST port PORT".
    static func networkPseudoFile(_ path: String) -> String? {
        guard path.hasPrefix("/dev/tcp/") || path.hasPrefix("/dev/udp/") else { return nil }
        let rest = path.dropFirst(9).split(separator: "/", omittingEmptySubsequences: false)
        guard let host = rest.first else { return nil }
        return rest.count > 1 ? "\(host) port \(rest[1])" : String(host)
    }

    static func isDiskDevice(_ path: String) -> Bool {
        for prefix in ["/dev/sd", "/dev/nvme", "/dev/xvd", "/dev/vd", "/dev/hd", "/dev/mmcblk", "/dev/mapper/",
            "/dev/disk/", "/dev/md", "/dev/dm-", "/dev/loop", "/dev/mem", "/dev/kmem", "/dev/port", "/dev/root"]
        where path.hasPrefix(prefix) {
            return true
        }
        return false
    }

    private static let identityFiles = [
        "/etc/sudoers", "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/security/",
        "/etc/pam.d/", "authorized_keys", "/.ssh/", "~/.ssh", "/etc/ssh/sshd_config", "/etc/doas.conf",
    ]
    private static let persistenceFiles = [
        "/etc/cron", "/var/spool/cron", "/etc/systemd/", "/lib/systemd/", "/usr/lib/systemd/", ".config/systemd/",
        "/etc/init.d/", "/etc/rc.local", "/etc/profile", ".bashrc", ".bash_profile", ".profile", ".zshrc",
        ".zprofile", "/etc/bash.bashrc", "/etc/environment", "/etc/ld.so.preload", ".git/hooks/", "/etc/xdg/autostart",
        ".config/autostart", "/etc/update-motd.d/", "/etc/anacrontab", ".bash_login", ".bash_logout",
    ]
    private static let systemPrefixes = ["/etc/", "/usr/", "/boot/", "/lib/", "/lib64/", "/bin/", "/sbin/",
        "/proc/sys/", "/sys/"]

    /// What writing (or truncating, unless `append`) a path means.
    static func write(_ path: String, append: Bool) -> WriteMeaning {
        if let net = networkPseudoFile(path) {
            return WriteMeaning(
                risk: .networkEgress, effects: [CommandEffect(.networkConnection, net), CommandEffect(.upload, net)],
                reason: "sends data to \(net) over the network")
        }
        if isDiskDevice(path) {
            return WriteMeaning(
                risk: .destructive, effects: [CommandEffect(.wipesDisk, path), CommandEffect(.overwrites, path)],
                reason: "writes straight onto the disk device \(path), destroying what is on it")
        }
        for marker in identityFiles where path.contains(marker) {
            var effects = [CommandEffect(.changesIdentity, path), CommandEffect(.writesFile, path)]
            if path.contains("authorized_keys") { effects.append(CommandEffect(.persistence, path)) }
            return WriteMeaning(
                risk: .changesIdentityOrPrivilege, effects: effects,
                reason: "\(path) controls who can log in or act as administrator")
        }
        if path.hasSuffix("_history") || path.hasPrefix("/var/log/") && !append {
            return WriteMeaning(
                risk: .destructive, effects: [CommandEffect(.hidesTracks, path), CommandEffect(.overwrites, path)],
                reason: "overwriting \(path) erases a record of what was done")
        }
        for marker in persistenceFiles where path.contains(marker) {
            return WriteMeaning(
                risk: .changesConfig,
                effects: [CommandEffect(.persistence, path), CommandEffect(.changesConfig, path), CommandEffect(.writesFile, path)],
                reason: "\(path) makes commands run again later or at login")
        }
        for prefix in systemPrefixes where path.hasPrefix(prefix) {
            return WriteMeaning(
                risk: .changesConfig, effects: [CommandEffect(.changesConfig, path), CommandEffect(.writesFile, path)],
                reason: "\(path) is a system file")
        }
        return WriteMeaning(risk: .writesFiles, effects: [CommandEffect(.writesFile, path)], reason: nil)
    }

    private static let secretMarkers = [
        "/etc/shadow", "/etc/gshadow", "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", ".aws/credentials", ".kube/config",
        ".netrc", ".pgpass", ".git-credentials", ".docker/config.json", "/environ", "/run/secrets", ".gnupg",
        "secrets.yaml", ".vault-token", "/etc/ssl/private", ".ssh/config", "credentials.json", ".env",
    ]

    /// True for paths that usually hold secrets.
    static func isSecret(_ path: String) -> Bool {
        if path.hasSuffix(".pem") || path.hasSuffix(".key") || path.hasSuffix(".p12") || path.hasSuffix(".pfx") {
            return true
        }
        for marker in secretMarkers where path.contains(marker) {
            if marker == ".env", !(path.hasSuffix("/.env") || path == ".env") { continue }
            return true
        }
        return false
    }

    /// The host of a URL (`https://user@host:443/x` → `host`), or of `host/path` when `bare` is true.
    static func host(ofURL text: String, bare: Bool = false) -> String? {
        var rest = Substring(text)
        var hasScheme = false
        if let range = text.byteRange(of: "://") {
            let scheme = text[..<range.lowerBound]
            guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "." || $0 == "-" })
            else { return nil }
            rest = text[range.upperBound...]
            hasScheme = true
        } else if !bare {
            return nil
        }
        var hostPart = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = hostPart.lastIndex(of: "@") { hostPart = hostPart[hostPart.index(after: at)...] }
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            return String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
        }
        if let colon = hostPart.firstIndex(of: ":") { hostPart = hostPart[..<colon] }
        if hostPart.isEmpty { return nil }
        if !hasScheme, !(hostPart.contains(".") || hostPart == "localhost") { return nil }
        return String(hostPart)
    }

    /// True when the text looks like a URL with a scheme.
    static func isURL(_ text: String) -> Bool {
        text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("ftp://") || text.hasPrefix("ftps://")
            || text.hasPrefix("sftp://") || text.hasPrefix("file://") || text.hasPrefix("s3://")
            || text.hasPrefix("gs://") || text.hasPrefix("tftp://") || text.hasPrefix("scp://")
            || text.hasPrefix("git://") || text.hasPrefix("ssh://") || text.hasPrefix("git+")
    }

    /// `user@host:path` or `host:path` (scp/rsync remote form) → host.
    static func remoteHost(_ text: String) -> String? {
        if isURL(text) { return host(ofURL: text) }
        guard let colon = text.firstIndex(of: ":"), !text.hasPrefix("/"), !text.hasPrefix(".") else { return nil }
        var host = text[..<colon]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        guard !host.isEmpty, !host.contains("/"), !host.contains("=") else { return nil }
        return String(host)
    }

    /// `user@host` → `host`.
    static func sshHost(_ destination: String) -> String {
        if destination.hasPrefix("ssh://") { return host(ofURL: destination) ?? destination }
        if let at = destination.lastIndex(of: "@") { return String(destination[destination.index(after: at)...]) }
        return destination
    }

    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static let standardBinDirectories: Set<String> = [
        "/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/libexec",
        "/opt/homebrew/bin",
    ]

    static func directory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Shortens text for a sentence: at most `limit` characters, one line.
    static func clip(_ text: String, _ limit: Int = 60) -> String {
        var t = text
        if let nl = t.firstIndex(where: { $0 == "\n" || $0 == "\r" }) { t = String(t[..<nl]) + "…" }
        if t.count > limit { t = String(t.prefix(limit - 1)) + "…" }
        return t
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
