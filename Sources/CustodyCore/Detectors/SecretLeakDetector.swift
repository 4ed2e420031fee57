/// Finds private keys and tokens of well-known services in added lines.
///
/// A private key is reported only when a key body follows its `BEGIN` line (placeholders such as
/// `...` are not keys). Keys in test folders and test files are reported at low severity (crypto
/// libraries keep test keys on purpose); keys and tokens marked as examples (`EXAMPLE`, `dummy`,
/// `fake`, `your-token-here`) or made of repeated characters are not reported. The evidence
/// masks the secret.
struct SecretLeakDetector: Detector {
    static let privateKey = DetectorRule(
        id: "CUST-SECRET-LEAK-001",
        name: "PrivateKeyInRepository",
        category: .secretLeak,
        severity: .high,
        confidence: .high,
        summary: "This change puts a secret key into the code, where anyone who can read the repository can copy it.",
        help:
            "A private key in a repository is compromised: every clone and every past commit keeps it. Revoke it and issue a new one; deleting the line does not remove it from history."
    )
    static let token = DetectorRule(
        id: "CUST-SECRET-LEAK-002",
        name: "ServiceTokenInRepository",
        category: .secretLeak,
        severity: .high,
        confidence: .high,
        summary: "This change puts a password-like access token for an online service into the code.",
        help:
            "Tokens for AWS, GitHub, GitLab, Slack, Stripe, Google, npm, PyPI, OpenAI, Anthropic and others give whoever copies them the access of their owner. Revoke the token; removing it from the file does not remove it from history."
    )

    var rules: [DetectorRule] { [Self.privateKey, Self.token] }

    /// A token format: literal prefix, allowed body bytes, minimum and maximum body length.
    struct TokenFormat: Sendable {
        var service: String
        var body: Body
        var minimum: Int
        var maximum: Int

        enum Body: Sendable { case upperDigits, alphanumeric, alphanumericDash, alphanumericUnderscore, hex, base64 }

        func allows(_ b: UInt8) -> Bool {
            let alnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
            switch body {
            case .upperDigits: return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a)
            case .alphanumeric: return alnum
            case .alphanumericDash: return alnum || b == 0x2d || b == 0x5f
            case .alphanumericUnderscore: return alnum || b == 0x5f
            case .hex: return ByteScan.isHexDigit(b)
            case .base64: return alnum || b == 0x2b || b == 0x2f || b == 0x3d
            }
        }
    }

    static let formats: [(String, TokenFormat)] = [
        ("AKIA", TokenFormat(service: "AWS access key", body: .upperDigits, minimum: 16, maximum: 16)),
        ("ASIA", TokenFormat(service: "AWS temporary access key", body: .upperDigits, minimum: 16, maximum: 16)),
        ("ghp_", TokenFormat(service: "GitHub personal access token", body: .alphanumeric, minimum: 36, maximum: 36)),
        ("gho_", TokenFormat(service: "GitHub OAuth token", body: .alphanumeric, minimum: 36, maximum: 36)),
        ("ghu_", TokenFormat(service: "GitHub user token", body: .alphanumeric, minimum: 36, maximum: 36)),
        ("ghs_", TokenFormat(service: "GitHub app token", body: .alphanumeric, minimum: 36, maximum: 36)),
        ("ghr_", TokenFormat(service: "GitHub refresh token", body: .alphanumeric, minimum: 36, maximum: 36)),
        ("github_pat_", TokenFormat(service: "GitHub fine-grained token", body: .alphanumericUnderscore, minimum: 70, maximum: 100)),
        ("glpat-", TokenFormat(service: "GitLab personal access token", body: .alphanumericDash, minimum: 20, maximum: 20)),
        ("xoxb-", TokenFormat(service: "Slack bot token", body: .alphanumericDash, minimum: 20, maximum: 120)),
        ("xoxp-", TokenFormat(service: "Slack user token", body: .alphanumericDash, minimum: 20, maximum: 120)),
        ("xoxa-", TokenFormat(service: "Slack app token", body: .alphanumericDash, minimum: 20, maximum: 120)),
        ("xoxr-", TokenFormat(service: "Slack refresh token", body: .alphanumericDash, minimum: 20, maximum: 120)),
        ("hooks.slack.com/services/T", TokenFormat(service: "Slack webhook", body: .base64, minimum: 40, maximum: 80)),
        ("sk_live_", TokenFormat(service: "Stripe secret key", body: .alphanumeric, minimum: 24, maximum: 110)),
        ("rk_live_", TokenFormat(service: "Stripe restricted key", body: .alphanumeric, minimum: 24, maximum: 110)),
        ("AIza", TokenFormat(service: "Google API key", body: .alphanumericDash, minimum: 35, maximum: 35)),
        ("npm_", TokenFormat(service: "npm token", body: .alphanumeric, minimum: 36, maximum: 36)),
        ("pypi-AgEIcHlwaS5vcmc", TokenFormat(service: "PyPI token", body: .alphanumericDash, minimum: 50, maximum: 250)),
        ("sk-ant-api03-", TokenFormat(service: "Anthropic API key", body: .alphanumericDash, minimum: 80, maximum: 120)),
        ("sk-proj-", TokenFormat(service: "OpenAI API key", body: .alphanumericDash, minimum: 40, maximum: 200)),
        ("dop_v1_", TokenFormat(service: "DigitalOcean token", body: .hex, minimum: 64, maximum: 64)),
        ("shpat_", TokenFormat(service: "Shopify access token", body: .hex, minimum: 32, maximum: 32)),
        ("AccountKey=", TokenFormat(service: "Azure storage account key", body: .base64, minimum: 80, maximum: 100)),
        ("glrt-", TokenFormat(service: "GitLab runner token", body: .alphanumericDash, minimum: 20, maximum: 40)),
    ]
    static let tokenMatcher = MultiMatcher(formats.map(\.0), caseInsensitive: false)

    static let keyBegin = ByteScan.bytes("-----BEGIN ")
    static let keyKinds: [[UInt8]] = [
        "RSA PRIVATE KEY", "DSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK", "PRIVATE KEY-----", "SSH2 ENCRYPTED PRIVATE KEY",
    ].map { Array($0.utf8) }
    static let putty = ByteScan.bytes("PuTTY-User-Key-File-")
    static let exampleMarkers = MultiMatcher([
        "example", "dummy", "fake", "sample", "placeholder", "not a real", "your_", "your-", "<your", "redacted",
        "xxxx", "changeme", "insert", "replace",
    ])

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        if traits.isLockfile { return }
        // No token prefix and no key header anywhere in the added text: nothing to find.
        guard context.gates(for: change).contains(.secretLeak) else { return }
        let lines = change.addedLines
        var cap = FindingCap()
        let pathIsExample = change.path.lowercased().contains("example")
        var position = lines.startIndex
        while position < lines.endIndex {
            let line = lines[position]
            defer { position += 1 }
            guard line.text.count <= 256 * 1024 else { continue }
            if let begin = ByteScan.find(Self.keyBegin, in: line.text) ?? ByteScan.find(Self.putty, in: line.text) {
                let rest = line.text[begin...]
                if ByteScan.contains(line.text, Self.putty) || Self.keyKinds.contains(where: { ByteScan.contains(rest, $0) }) {
                    reportKey(at: position, begin: begin, change: change, traits: traits, pathIsExample: pathIsExample, context: context, cap: &cap, into: &findings)
                }
            }
            guard !traits.isMinified else { continue }
            Self.tokenMatcher.scan(line.text) { match in
                let (prefix, format) = Self.formats[match.needle]
                let text = line.text
                if match.start > text.startIndex, ByteScan.isIdentifierByte(text[match.start - 1]), !prefix.hasPrefix("hooks"),
                    !prefix.hasPrefix("AccountKey")
                {
                    return true
                }
                var end = match.start + prefix.utf8.count
                let bodyStart = end
                while end < text.endIndex, format.allows(text[end]), end - bodyStart <= format.maximum { end += 1 }
                let length = end - bodyStart
                guard length >= format.minimum, length <= format.maximum else { return true }
                if end < text.endIndex, ByteScan.isIdentifierByte(text[end]), format.body != .base64 { return true }
                let body = text[bodyStart..<end]
                guard ByteScan.distinctCount(body) >= min(10, format.minimum / 2) else { return true }
                let token = text[match.start..<end]
                let marked = Self.exampleMarkers.matchesAny(token) || Self.exampleMarkers.matchesAny(text) || pathIsExample
                    || ByteScan.contains(token, ByteScan.bytes("EXAMPLE"))
                if marked && (traits.isDocumentation || traits.isTest || !traits.isProductionCode) { return true }
                var severity: Severity = traits.isProductionCode ? .high : (traits.isTest ? .low : .medium)
                if traits.isDocumentation || marked { severity = .low }
                guard cap.allow(Self.token) else { return false }
                let masked = prefix + String(decoding: body.prefix(4), as: UTF8.self) + "…"
                findings.append(
                    Finding(
                        rule: Self.token, commit: context.commit, change: change, lines: [line],
                        evidence: "Line \(line.number) has what looks like a \(format.service) (\(masked), \(length + prefix.utf8.count) characters).",
                        severity: severity))
                return true
            }
        }
    }

    private func reportKey(
        at position: Int, begin: Int, change: FileChange, traits: FileTraits, pathIsExample: Bool, context: DetectionContext,
        cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let lines = change.addedLines
        let line = lines[position]
        // The body: on following lines, or on the same line after escaped newlines (JSON, strings).
        var bodyLines: [AddedLine] = [line]
        var bodyBytes = 0
        let sameLine = line.text[begin...]
        bodyBytes += Self.longestBase64Run(sameLine.dropFirst(Self.keyBegin.count + 10))
        var next = position + 1
        while next < lines.endIndex, next <= position + 4, lines[next].number == lines[next - 1].number + 1 {
            let run = Self.longestBase64Run(lines[next].text)
            if run < 16 && !ByteScan.contains(lines[next].text, ByteScan.bytes(": ")) { break }
            bodyBytes += run
            bodyLines.append(lines[next])
            next += 1
        }
        guard bodyBytes >= 60 else { return }
        let context3 = lines.window(around: position, before: 2, after: 0).map { lines[$0].text }
        let marked = pathIsExample || context3.contains { Self.exampleMarkers.matchesAny($0) }
        var severity: Severity
        if marked {
            severity = .info
        } else if traits.isTest || traits.isDocumentation {
            severity = .low
        } else if traits.isProductionCode {
            severity = .high
        } else {
            severity = .medium
        }
        if traits.isVendored { severity = severity.lowered }
        guard cap.allow(Self.privateKey) else { return }
        let kind = Self.keyKinds.first { ByteScan.contains(line.text[begin...], $0) }.map {
            String(decoding: $0, as: UTF8.self).replacingDashes()
        } ?? "PuTTY private key"
        findings.append(
            Finding(
                rule: Self.privateKey, commit: context.commit, change: change, lines: [line],
                evidence:
                    "Line \(line.number) begins a \(kind) with a body of about \(bodyBytes) encoded characters\(marked ? " (marked as an example)" : "").",
                severity: severity))
    }

    static func longestBase64Run(_ text: ArraySlice<UInt8>) -> Int {
        var best = 0
        var run = 0
        for b in text.prefix(8192) {
            let ok = ByteScan.isIdentifierByte(b) && b != 0x24 && b != 0x5f || b == 0x2b || b == 0x2f || b == 0x3d
            run = ok ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        split(separator: "-").joined().strippingCharacters(" ")
    }
}
