/// Finds network indicators in added code: hard-coded public IP addresses, hosts of services
/// used to receive stolen data or to control malware (paste sites, tunnels, webhooks, dynamic
/// DNS, out-of-band testing domains), reverse shells, raw sockets, and network calls in a file
/// that had none.
///
/// Private, loopback, link-local and documentation addresses (RFC 1918, RFC 5737) and the
/// `example.com` family are not findings. Version numbers (`1.2.3.4`-like, all octets below ten)
/// are not addresses.
struct NetworkIndicatorDetector: Detector {
    static let address = DetectorRule(
        id: "CUST-NETWORK-INDICATOR-001",
        name: "HardCodedPublicAddress",
        category: .networkIndicator,
        severity: .medium,
        confidence: .medium,
        summary: "This line makes the program talk to a fixed internet address written into the code.",
        help:
            "A hard-coded public IP address bypasses DNS and is a common way to reach a command server; check who owns the address and why the code needs it."
    )
    static let host = DetectorRule(
        id: "CUST-NETWORK-INDICATOR-002",
        name: "SuspiciousServiceHost",
        category: .networkIndicator,
        severity: .high,
        confidence: .medium,
        summary: "This line sends data to, or fetches it from, a kind of service that attackers use to collect stolen data or control malware.",
        help:
            "Paste sites, tunnels (ngrok), chat webhooks (Discord, Telegram), request catchers and dynamic-DNS names have legitimate uses but rarely belong in product code; they are how malicious packages exfiltrate secrets."
    )
    static let reverseShell = DetectorRule(
        id: "CUST-NETWORK-INDICATOR-003",
        name: "ReverseShell",
        category: .networkIndicator,
        severity: .critical,
        confidence: .high,
        summary: "This code gives someone on another computer a command prompt on the machine that runs it.",
        help:
            "A reverse shell connects out to an attacker and attaches a shell to the connection (`bash -i >& /dev/tcp/…`, `nc -e /bin/sh`, a socket duplicated onto standard input and output). It has no place in product code."
    )
    static let rawSocket = DetectorRule(
        id: "CUST-NETWORK-INDICATOR-004",
        name: "RawSocketOrNewNetworkUse",
        category: .networkIndicator,
        severity: .medium,
        confidence: .medium,
        summary: "This change makes code talk to the network that did not do so before.",
        help:
            "Raw sockets can sniff or forge traffic; a network call added to a file that had none is worth a look at where the data goes."
    )

    var rules: [DetectorRule] { [Self.address, Self.host, Self.reverseShell, Self.rawSocket] }

    enum Group { case host, devTCP, netcatExec, mkfifo, nc, connect, dup, shell, redirect, raw, netUse }

    static let groups: [(Group, [String])] = [
        (
            .host,
            [
                "pastebin.com", "paste.ee", "hastebin.com", "transfer.sh", "ngrok.io", "ngrok-free.app", "ngrok.app",
                ".onion", "discord.com/api/webhooks", "discordapp.com/api/webhooks", "api.telegram.org/bot",
                "webhook.site", "requestbin", "pipedream.net", "interact.sh", "oast.fun", "oast.pro", "oast.live",
                "oastify.com", "burpcollaborator.net", "duckdns.org", "no-ip.org", "ddns.net", "hopto.org",
                "serveo.net", "localtunnel.me", ".loca.lt", "trycloudflare.com", "0x0.st", "file.io/",
                "anonfiles.com", "bashupload.com", "termbin.com", "ix.io/", "canarytokens.com", "dnslog.cn",
                "ceye.io", "ipfs.io/ipfs", "hooks.slack.com/services", "169.254.169.254", "metadata.google.internal",
            ]
        ),
        (.devTCP, ["/dev/tcp/", "/dev/udp/"]),
        (.netcatExec, ["nc -e", "ncat -e", "nc.traditional -e", "netcat -e", "socat exec:", "socat tcp", "nc -c "]),
        (.mkfifo, ["mkfifo", "mknod "]),
        (.nc, ["| nc ", "|nc ", " nc ", "ncat ", "telnet "]),
        (
            .connect,
            [
                "socket.socket(", "connect((", "fsockopen(", "tcpsocket.", "net.socket(", "new socket(", "tcpclient(",
                "net.dial(", "net.connect(", "createconnection(", "io::socket::inet", "socket(s,",
            ]
        ),
        (.dup, ["dup2(", "pty.spawn(", "getinputstream()", "getoutputstream()", ".pipe(", "fileno()", "stdin=s", "stdout=s"]),
        (.shell, ["/bin/sh", "/bin/bash", "cmd.exe", "bash -i", "sh -i", "powershell"]),
        (.redirect, [">&", "0>&1", "<&3", "0<&"]),
        (.raw, ["sock_raw", "af_packet", "ipproto_raw", "pf_packet", "listenpacket(\"ip4:", "winpcap", "pcap_open_live"]),
        (
            .netUse,
            [
                "socket(", "net.dial(", "new socket(", "net.connect(", "createconnection(", "fsockopen(", "tcpsocket.",
                "urlsession", "urlopen(", "requests.post(", "requests.get(", "http.post(", "http.get(", "https.get(",
                "https.request(", "http.request(", "fetch(", "curl_easy_init", "xmlhttprequest", "httpclient",
                "net/http", "urllib", "socket.socket(", "okhttp", "axios", "nsurlconnection",
            ]
        ),
    ]
    static let groupOf: [Group] = groups.flatMap { group in group.1.map { _ in group.0 } }
    static let matcher = MultiMatcher(groups.flatMap(\.1))

    static let versionWords = MultiMatcher(["version", "ver =", "ver=", "release", "oid", "mib", "copyright", "ac_init"])

    struct LineHits {
        var groups: Set<Group> = []
        var host: String?
        var raw: String?
        var net: String?
    }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        if traits.isLockfile || traits.isMinified || traits.isVendored { return }
        // Every finding needs a `matcher` marker on a line, or (in code) a dotted number that
        // may be an IPv4 address; with neither anywhere in the added text there is nothing to do.
        guard context.gates(for: change).contains(.network)
            || traits.language.isCode && !traits.isDocumentation && ByteScan.hasDottedDigits(change.addedLines.storage[...])
        else { return }
        let lines = change.addedLines
        var cap = FindingCap()
        var hits: [Int: LineHits] = [:]
        var reported = Set<Int>()
        var firstNetUse: Int?
        for position in lines.indices {
            let line = lines[position]
            guard line.text.count <= 64 * 1024 else { continue }
            var lineHits = LineHits()
            Self.matcher.scan(line.text) { match in
                let group = Self.groupOf[match.needle]
                let word = String(decoding: Self.matcher.needles[match.needle], as: UTF8.self)
                // `.onion` counts only after an onion address (16 or 56 base32 characters), not as
                // the name of the top-level domain (`hostname ends with ".onion"`).
                if group == .host, word == ".onion", !Self.isOnionAddress(before: match.start, in: line.text) {
                    return true
                }
                lineHits.groups.insert(group)
                if group == .host, lineHits.host == nil { lineHits.host = word }
                if group == .raw, lineHits.raw == nil { lineHits.raw = word }
                if group == .netUse, lineHits.net == nil { lineHits.net = word }
                return true
            }
            // Worked out only for lines with a marker (the address check below asks on its own).
            let isComment = lineHits.groups.isEmpty ? false : CommentHeuristics.isCommentLine(line.text, language: traits.language)
            if !lineHits.groups.isEmpty, !isComment { hits[position] = lineHits }
            if let host = lineHits.host, cap.allow(Self.host) {
                var severity: Severity = traits.isProductionCode && !isComment ? .high : .medium
                if traits.isDocumentation || isComment || !traits.language.isCode { severity = .low }
                if traits.isTest { severity = .low }
                findings.append(
                    Finding(
                        rule: Self.host,
                        commit: context.commit,
                        change: change,
                        lines: [line],
                        evidence: "Line \(line.number) names '\(host.strippingCharacters("./"))'.",
                        severity: severity
                    )
                )
            }
            if traits.language.isCode, !traits.isDocumentation, lineHits.host == nil,
                let ip = Self.publicIPv4(in: line.text),
                !(lineHits.groups.isEmpty ? CommentHeuristics.isCommentLine(line.text, language: traits.language) : isComment),
                !Self.versionWords.matchesAny(line.text), cap.allow(Self.address)
            {
                let severity: Severity = traits.isProductionCode ? (ip.wellKnown ? .info : .medium) : .info
                findings.append(
                    Finding(
                        rule: Self.address,
                        commit: context.commit,
                        change: change,
                        lines: [line],
                        evidence: "Line \(line.number) has the public address \(ip.text)\(ip.wellKnown ? " (a well-known public DNS resolver)" : "").",
                        severity: severity
                    )
                )
            }
            if let raw = lineHits.raw, traits.language.isCode, !isComment, cap.allow(Self.rawSocket) {
                findings.append(
                    Finding(
                        rule: Self.rawSocket,
                        commit: context.commit,
                        change: change,
                        lines: [line],
                        evidence: "Line \(line.number) opens a raw network socket ('\(raw)').",
                        severity: traits.isProductionCode ? .medium : .low
                    )
                )
            }
            if lineHits.net != nil, firstNetUse == nil, !isComment { firstNetUse = position }
        }
        // Reverse shells: within a window of seven added lines.
        for position in lines.indices where hits[position] != nil && !reported.contains(position) {
            var groups = Set<Group>()
            let window = lines.window(around: position, before: 0, after: 4)
            var last = position
            for p in window where lines[p].number - lines[position].number <= 6 {
                if let h = hits[p] {
                    groups.formUnion(h.groups)
                    last = p
                }
                if Self.isReverseShell(groups) { break }
            }
            guard Self.isReverseShell(groups), traits.language.isCode || traits.isDocumentation,
                cap.allow(Self.reverseShell)
            else { continue }
            for p in position...last { reported.insert(p) }
            var severity: Severity = traits.isProductionCode ? .critical : .high
            if traits.isDocumentation { severity = .low }
            findings.append(
                Finding(
                    rule: Self.reverseShell,
                    commit: context.commit,
                    change: change,
                    lines: Array(lines[position...last]),
                    evidence:
                        "Lines \(lines[position].number)–\(lines[last].number) connect to another machine and attach a shell to the connection (\(Self.describe(groups))).",
                    severity: severity
                )
            )
        }
        newNetworkUse(firstNetUse, change: change, traits: traits, context: context, cap: &cap, into: &findings)
    }

    static func isOnionAddress(before end: Int, in text: ArraySlice<UInt8>) -> Bool {
        var i = end
        while i > text.startIndex, end - i < 57 {
            let b = text[i - 1] | 0x20
            guard (b >= 0x61 && b <= 0x7a) || (b >= 0x32 && b <= 0x37) else { break }
            i -= 1
        }
        return end - i == 16 || end - i == 56
    }

    static func isReverseShell(_ g: Set<Group>) -> Bool {
        if g.contains(.devTCP) && (g.contains(.redirect) || g.contains(.shell)) { return true }
        if g.contains(.netcatExec) { return true }
        if g.contains(.mkfifo) && g.contains(.nc) && g.contains(.shell) { return true }
        if g.contains(.connect) && g.contains(.shell) && (g.contains(.dup) || g.contains(.redirect)) { return true }
        return false
    }

    static func describe(_ g: Set<Group>) -> String {
        var parts: [String] = []
        if g.contains(.devTCP) { parts.append("a /dev/tcp connection") }
        if g.contains(.netcatExec) { parts.append("netcat running a program") }
        if g.contains(.mkfifo) { parts.append("a named pipe") }
        if g.contains(.connect) { parts.append("an outgoing socket") }
        if g.contains(.dup) { parts.append("the socket wired to input and output") }
        if g.contains(.shell) { parts.append("a shell") }
        if g.contains(.redirect) { parts.append("redirected input and output") }
        return parts.joined(separator: ", ")
    }

    private func newNetworkUse(
        _ position: Int?, change: FileChange, traits: FileTraits, context: DetectionContext,
        cap: inout FindingCap, into findings: inout [Finding]
    ) {
        guard let position, change.kind == .modify, traits.isProductionCode, let old = change.oldBlob,
            let bytes = context.blobs.read(old, limit: 4 << 20)
        else { return }
        guard !Self.matcher.matches(in: bytes[...], limit: 4096).contains(where: { Self.groupOf[$0.needle] == .netUse }),
            cap.allow(Self.rawSocket)
        else { return }
        let line = change.addedLines[position]
        var word = "a network call"
        Self.matcher.scan(line.text) { match in
            guard Self.groupOf[match.needle] == .netUse else { return true }
            word = String(decoding: Self.matcher.needles[match.needle], as: UTF8.self)
            return false
        }
        findings.append(
            Finding(
                rule: Self.rawSocket,
                commit: context.commit,
                change: change,
                lines: [line],
                evidence: "Line \(line.number) adds network use ('\(word)') to a file that had none before.",
                severity: .low,
                confidence: .low
            )
        )
    }

    struct Address {
        var text: String
        var wellKnown: Bool
    }

    /// The first public, non-documentation IPv4 address written in the line, if any.
    static func publicIPv4(in text: ArraySlice<UInt8>) -> Address? {
        guard text.count >= 7 else { return nil }
        var i = text.startIndex
        var checked = 0
        while i < text.endIndex, checked < 64 {
            guard ByteScan.isDigit(text[i]) else {
                i += 1
                continue
            }
            let start = i
            var octets: [Int] = []
            var j = i
            while octets.count < 4 {
                var value = 0
                var digits = 0
                while j < text.endIndex, ByteScan.isDigit(text[j]), digits < 4 {
                    value = value * 10 + Int(text[j] - 0x30)
                    digits += 1
                    j += 1
                }
                guard digits >= 1, digits <= 3, value <= 255 else { break }
                octets.append(value)
                if octets.count < 4 {
                    guard j < text.endIndex, text[j] == 0x2e, j + 1 < text.endIndex, ByteScan.isDigit(text[j + 1]) else {
                        break
                    }
                    j += 1
                }
            }
            // Skip the whole run of digits and dots so that 1.2.3.4.5 is not read twice.
            var k = max(j, i + 1)
            while k < text.endIndex, ByteScan.isDigit(text[k]) || text[k] == 0x2e { k += 1 }
            defer { i = k }
            checked += 1
            guard octets.count == 4 else { continue }
            let before: UInt8 = start > text.startIndex ? text[start - 1] : 0x20
            let after: UInt8 = j < text.endIndex ? text[j] : 0x20
            if ByteScan.isIdentifierByte(before) || before == 0x2e || before == 0x2d { continue }
            if ByteScan.isIdentifierByte(after) || (after == 0x2e && k > j + 1) || after == 0x2d { continue }
            if k > j { continue }  // more dotted parts follow: an OID or version
            // 1.2.13.1, 2.0.10.4: version numbers, not addresses.
            if octets[0] < 10 && octets[1] < 10 && !isWellKnownResolver(octets) { continue }
            guard isPublic(octets) else { continue }
            return Address(
                text: octets.map(String.init).joined(separator: "."), wellKnown: isWellKnownResolver(octets))
        }
        return nil
    }

    static func isWellKnownResolver(_ o: [Int]) -> Bool {
        o == [8, 8, 8, 8] || o == [8, 8, 4, 4] || o == [1, 1, 1, 1] || o == [1, 0, 0, 1] || o == [9, 9, 9, 9]
            || o == [208, 67, 222, 222] || o == [208, 67, 220, 220]
    }

    static func isPublic(_ o: [Int]) -> Bool {
        let (a, b, c) = (o[0], o[1], o[2])
        if a == 0 || a == 10 || a == 127 || a >= 224 { return false }
        if a == 100 && (64...127).contains(b) { return false }  // carrier-grade NAT
        if a == 169 && b == 254 { return false }  // link-local (metadata is a host marker)
        if a == 172 && (16...31).contains(b) { return false }
        if a == 192 && b == 168 { return false }
        if a == 192 && b == 0 && (c == 0 || c == 2) { return false }  // IETF, TEST-NET-1
        if a == 198 && (b == 18 || b == 19) { return false }  // benchmarking
        if a == 198 && b == 51 && c == 100 { return false }  // TEST-NET-2
        if a == 203 && b == 0 && c == 113 { return false }  // TEST-NET-3
        if o == [1, 2, 3, 4] || o == [4, 3, 2, 1] || o == [255, 255, 255, 255] { return false }
        return true
    }
}
