/// Finds changes that quietly switch a security protection off: feature probes broken so they
/// can never compile, sandboxes disabled, TLS or signature verification turned off, hardening
/// compiler flags removed, and weak cryptography brought in.
struct SecurityCheckSabotageDetector: Detector {
    static let brokenProbe = DetectorRule(
        id: "CUST-SABOTAGE-001",
        name: "FeatureProbeCannotCompile",
        category: .securityCheckSabotage,
        severity: .high,
        confidence: .high,
        summary: "A build check that decides whether to turn on a feature now tests a program that can never compile, so the feature is silently switched off.",
        help: "Build systems enable features such as sandboxes only when a small test program compiles. Custody extracts that program from CMake check_c_source_compiles, autoconf AC_COMPILE_IFELSE/AC_LINK_IFELSE/AC_TRY_COMPILE or meson cc.compiles and checks it for errors no compiler accepts (stray characters, unbalanced braces, missing semicolons). In xz-utils 5.6 one stray '.' line disabled the Landlock sandbox this way. Check whether the program was meant to change."
    )
    static let sandboxDisabled = DetectorRule(
        id: "CUST-SABOTAGE-002",
        name: "SandboxDisabled",
        category: .securityCheckSabotage,
        severity: .high,
        confidence: .medium,
        summary: "The change turns off or removes a sandbox that limits what the program may do if it is attacked.",
        help: "Looks for sandbox options set to off (--disable-sandbox, ENABLE_SANDBOX=OFF, --no-sandbox, seccomp=unconfined) and for sandbox calls (pledge, unveil, seccomp_load, landlock_restrict_self, cap_enter, sandbox_init) removed from source files."
    )
    static let tlsVerificationOff = DetectorRule(
        id: "CUST-SABOTAGE-003",
        name: "TLSVerificationDisabled",
        category: .securityCheckSabotage,
        severity: .medium,
        confidence: .high,
        summary: "The change tells the program to trust any server certificate, so its encrypted connections can be intercepted.",
        help: "verify=False, InsecureSkipVerify, CURLOPT_SSL_VERIFYPEER 0, rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, trust-all managers, curl -k and similar. Lower severity in test code."
    )
    static let signatureCheckOff = DetectorRule(
        id: "CUST-SABOTAGE-004",
        name: "SignatureCheckDisabled",
        category: .securityCheckSabotage,
        severity: .high,
        confidence: .medium,
        summary: "The change turns off the signature or checksum check that proves downloaded software is genuine.",
        help: "gpgcheck=0, --allow-unauthenticated, [trusted=yes], --nogpgcheck, GOSUMDB=off, GONOSUMCHECK, GOINSECURE, apk --allow-untrusted, rpm --nosignature and similar."
    )
    static let hardeningRemoved = DetectorRule(
        id: "CUST-SABOTAGE-005",
        name: "HardeningFlagRemoved",
        category: .securityCheckSabotage,
        severity: .medium,
        confidence: .medium,
        summary: "The change removes or weakens compiler protections that make memory-corruption bugs harder to exploit.",
        help: "Compares the build file before and after: -fstack-protector, _FORTIFY_SOURCE, -z relro, -z now, -fPIE/-pie, -fstack-clash-protection, -fcf-protection removed, or -fno-stack-protector, -U_FORTIFY_SOURCE, -z execstack, -no-pie added."
    )
    static let weakCrypto = DetectorRule(
        id: "CUST-SABOTAGE-006",
        name: "WeakCryptography",
        category: .securityCheckSabotage,
        severity: .medium,
        confidence: .medium,
        summary: "The change uses broken or weak cryptography, which an attacker can defeat.",
        help: "MD5 or SHA-1 used for signatures, DES/RC4, ECB mode, RSA keys under 2048 bits. Quiet in test trees and lowered inside crypto libraries, which implement these algorithms on purpose."
    )

    var rules: [DetectorRule] {
        [Self.brokenProbe, Self.sandboxDisabled, Self.tlsVerificationOff, Self.signatureCheckOff, Self.hardeningRemoved,
         Self.weakCrypto]
    }

    static let blobLimit = 2 << 20

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind != .delete else { return }
        let path = change.path
        let role = context.buildRole(of: path)
        let probes = role == .cmake || role == .autoconf || role == .meson
        let hardening = BuildFiles.isBuildScript(role) || role == .shellScript
        if probes || hardening {
            // Both look at the whole new file: read it once, and only if one of them needs it.
            let needed = probes && !change.addedLines.isEmpty || hardening && change.kind != .add && change.oldBlob != nil
            let new = needed ? change.newBlob.flatMap { context.blobs.read($0, limit: Self.blobLimit) } : nil
            if probes, let new { scanProbes(change, new: new, role: role, context: context, into: &findings) }
            if hardening { scanHardening(change, new: new, context: context, into: &findings) }
        }
        scanLines(change, role: role, context: context, into: &findings)
        scanRemovedSandboxCalls(change, context: context, into: &findings)
    }

    // MARK: Probes

    private func scanProbes(_ change: FileChange, new bytes: [UInt8], role: BuildFiles.Role, context: DetectionContext, into findings: inout [Finding]) {
        guard !change.addedLines.isEmpty else { return }
        let added = BuildText.addedNumbers(change)
        let touched = FeatureProbes.probes(in: bytes, role: role, near: added).filter { $0.touches(added) }
        guard !touched.isEmpty else { return }
        // The old version is read only when a touched probe cannot compile (rare).
        var oldProbes: [FeatureProbes.Probe]?
        func previous() -> [FeatureProbes.Probe] {
            if let oldProbes { return oldProbes }
            var probes: [FeatureProbes.Probe] = []
            if let oldID = change.oldBlob, let old = context.blobs.read(oldID, limit: Self.blobLimit) {
                probes = FeatureProbes.probes(in: old, role: BuildFiles.role(of: change.oldPath ?? change.path))
            }
            oldProbes = probes
            return probes
        }
        for probe in touched {
            guard let source = probe.source else { continue }
            let problems = CProbeChecker.check(source)
            guard let problem = problems.first else { continue }
            let old = probe.result.isEmpty ? nil : previous().first { $0.macro == probe.macro && $0.result == probe.result }
            var severity = Severity.high
            var confidence = Confidence.medium
            var history = "This probe is new in this commit."
            if let old {
                if let oldSource = old.source {
                    if !CProbeChecker.check(oldSource).isEmpty { continue }  // it was already broken
                    severity = .critical
                    confidence = .high
                    history = "The previous version of this probe compiled; this commit broke it."
                } else {
                    history = "The previous version of this probe could not be read."
                }
            }
            let fileLine = probe.sourceLine + problem.line - 1
            let lines = change.addedLines.filter { $0.number == fileLine }
            let flagged = lines.isEmpty
                ? Array(change.addedLines.filter { probe.lines.contains($0.number) || probe.sourceLines.contains($0.number) }.prefix(3))
                : lines
            let resultName = probe.result.isEmpty ? "" : " (\(BuildText.printable(probe.result.utf8, limit: 60)))"
            findings.append(Finding(
                rule: Self.brokenProbe,
                commit: context.commit,
                change: change,
                lines: flagged,
                evidence: "\(probe.macro)\(resultName) at lines \(probe.lines.lowerBound)-\(probe.lines.upperBound): \(problem.message) (test-program line \(problem.line), file line \(fileLine)). \(history)",
                severity: severity,
                confidence: confidence,
                fingerprintExtra: probe.macro + "|" + probe.result
            ))
        }
    }

    // MARK: Hardening flags

    private static let hardeningFlags: [(flag: String, name: String)] = [
        ("-fstack-protector", "stack protector (-fstack-protector)"),
        ("_FORTIFY_SOURCE", "_FORTIFY_SOURCE"),
        ("relro", "RELRO (-z relro)"),
        ("-z now", "immediate binding (-z now)"),
        ("-z,now", "immediate binding (-z now)"),
        ("-fPIE", "position-independent executables (-fPIE)"),
        ("-fpie", "position-independent executables (-fpie)"),
        ("-pie", "position-independent executables (-pie)"),
        ("-fstack-clash-protection", "stack clash protection"),
        ("-fcf-protection", "control-flow protection (-fcf-protection)"),
        ("noexecstack", "non-executable stack (noexecstack)"),
    ]

    private static let weakeningFlags: [String] = [
        "-fno-stack-protector", "-U_FORTIFY_SOURCE", "_FORTIFY_SOURCE=0", "-z execstack", "-z,execstack", "-no-pie",
        "norelro", "-fno-pie", "-fno-PIE", "-Wl,-z,lazy",
    ]

    private static let weakeningSet = LiteralSet(weakeningFlags.map(BuildText.fold))

    /// The protective flags, then the negations that contain two of them (-no-pie holds -pie,
    /// norelro holds relro), counted in one pass over a whole build file.
    private static let countedFlags = MultiMatcher(hardeningFlags.map(\.flag) + ["-no-pie", "norelro"])
    private static let negations: [String: Int] = [
        "-pie": hardeningFlags.count, "relro": hardeningFlags.count + 1,
    ]

    /// How often each of ``countedFlags`` occurs in the text (case-insensitive; none of them can
    /// overlap itself, so this equals counting non-overlapping occurrences).
    static func flagCounts(_ bytes: [UInt8]) -> [Int32] {
        var counts = [Int32](repeating: 0, count: countedFlags.needles.count)
        bytes.withUnsafeBufferPointer { buffer in
            countedFlags.scan(buffer) { match in
                counts[match.needle] += 1
                return true
            }
        }
        return counts
    }

    private func scanHardening(_ change: FileChange, new: [UInt8]?, context: DetectionContext, into findings: inout [Finding]) {
        // Weakening flags in added lines.
        for line in change.addedLines {
            let hits = Self.weakeningSet.found(in: line.text)
            guard hits.contains(true) else { continue }
            for (index, flag) in Self.weakeningFlags.enumerated() where hits[index] {
                if flag == "-no-pie" || flag == "-fno-pie" || flag == "-fno-PIE",
                    BuildText.containsFolded(line.text, BuildText.fold("check")) { continue }
                findings.append(Finding(
                    rule: Self.hardeningRemoved, commit: context.commit, change: change, lines: [line],
                    evidence: "Adds the flag \(flag), which turns a protection off.",
                    fingerprintExtra: flag
                ))
                break
            }
        }
        // Protective flags present before and gone after. The counts of a version are kept by
        // blob id: the old version of this file was usually the new version of an earlier commit.
        guard change.kind != .add, let oldID = change.oldBlob, let newID = change.newBlob, let new else { return }
        let memo = context.memos.hardeningCounts
        guard let before = memo.value(for: oldID, make: {
                context.blobs.read(oldID, limit: Self.blobLimit).map(Self.flagCounts)
            }),
            before.prefix(Self.hardeningFlags.count).contains(where: { $0 > 0 })
        else {
            // Still remember the new version for the next commit on this path.
            if memo.value(for: newID) == nil { memo.store(Self.flagCounts(new), for: newID) }
            return
        }
        let after = memo.value(for: newID) { Self.flagCounts(new) } ?? []
        var removed: [String] = []
        for (index, (flag, name)) in Self.hardeningFlags.enumerated() where before[index] > 0 {
            var had = Int(before[index])
            var has = Int(after[index])
            if let negation = Self.negations[flag] {
                had -= Int(before[negation])
                has -= Int(after[negation])
            }
            if had > 0, has <= 0, !removed.contains(name) { removed.append(name) }
        }
        guard !removed.isEmpty else { return }
        findings.append(Finding(
            rule: Self.hardeningRemoved, commit: context.commit, change: change, lines: [],
            evidence: "The build file had and no longer has: \(removed.joined(separator: ", ")).",
            severity: removed.count >= 2 ? .high : .medium,
            fingerprintExtra: "removed:" + removed.joined(separator: ",")
        ))
    }

    // MARK: Line patterns

    private static let sandboxPatterns: [LinePattern] = [
        LinePattern(["--disable-sandbox"], "the sandbox is disabled at configure time"),
        LinePattern(["--enable-sandbox=no"], "the sandbox is disabled at configure time"),
        LinePattern(["--no-sandbox"], "the browser or runtime sandbox is turned off"),
        LinePattern(["no-sandbox"], any: ["'no-sandbox'", "\"no-sandbox\""], "the browser or runtime sandbox is turned off"),
        LinePattern(["sandbox"], any: ["sandbox=off", "-sandbox=no", "sandbox=0", "sandbox=false", "sandbox:false",
            "sandbox\":false", "sandbox=none", "sandboxoff)", "sandbox\"off)", "sandbox=\"no\"", "sandbox='no'"],
            "a sandbox option is set to off"),
        LinePattern(["option(", "sandbox", "off)"], "a sandbox build option now defaults to off"),
        LinePattern(["seccomp"], any: ["seccomp=unconfined", "seccomp:unconfined", "seccomp=off", "seccomp=0",
            "seccomp=false", "disable-seccomp", "seccompoff)", "-seccomp=no"], "seccomp filtering is turned off"),
        LinePattern(["landlock"], any: ["landlock=off", "-landlock=no", "landlock=0", "landlock=false", "landlockoff)",
            "disable-landlock"], "the Landlock sandbox is turned off"),
        LinePattern(["apparmor=unconfined"], "AppArmor confinement is turned off"),
        LinePattern(["setenforce0"], "SELinux enforcement is turned off"),
        LinePattern(["selinux=disabled"], "SELinux is turned off"),
    ]

    private static let tlsPatterns: [LinePattern] = [
        LinePattern(["verify=false"], "certificate verification is disabled (verify=False)"),
        LinePattern(["_create_unverified_context"], "an unverified SSL context is used"),
        LinePattern(["cert_none"], "certificates are not checked (CERT_NONE)"),
        LinePattern(["check_hostname=false"], "the host name is not checked"),
        LinePattern(["insecureskipverify"], any: [":true", "=true"], "certificate verification is skipped (InsecureSkipVerify)"),
        LinePattern(["curlopt_ssl_verifypeer"], any: [",0", ",false", "=>0", "=>false", "0l)"], "libcurl is told not to verify the peer"),
        LinePattern(["curlopt_ssl_verifyhost"], any: [",0", ",false", "=>0", "=>false", "0l)"], "libcurl is told not to verify the host name"),
        LinePattern(["rejectunauthorized"], any: [":false", "=false"], "Node.js accepts unauthorized certificates"),
        LinePattern(["node_tls_reject_unauthorized"], any: ["=0", "='0'", "=\"0\"", ":'0'", ":\"0\"", ":0"], "Node.js certificate checks are turned off for the whole process"),
        LinePattern(["verify_peer"], any: ["=>false", ":false", "=false"], "the peer certificate is not verified"),
        LinePattern(["trustallcerts"], "a trust-all certificate manager is installed"),
        LinePattern(["noophostnameverifier"], "host names are not verified"),
        LinePattern(["allow_all_hostname_verifier"], "host names are not verified"),
        LinePattern(["hostnameverifier"], any: ["->true", "returntrue"], "host names are not verified"),
        LinePattern(["verify_none"], any: ["openssl::ssl", "verify_mode"], "Ruby OpenSSL is told not to verify"),
        LinePattern(["strict-ssl"], any: ["false"], "npm certificate checks are turned off"),
        LinePattern(["sslverify"], any: ["false", "=0"], "git certificate checks are turned off"),
        LinePattern(["git_ssl_no_verify"], "git certificate checks are turned off"),
        LinePattern(["--no-check-certificate"], "wget certificate checks are turned off"),
        LinePattern(["pythonhttpsverify=0"], "Python certificate checks are turned off"),
        LinePattern(["curl", "--insecure"], "curl certificate checks are turned off"),
        LinePattern(["urlcredential(trust:"], any: ["servertrust"], "any server certificate is accepted"),
    ]

    private static let signaturePatterns: [LinePattern] = [
        LinePattern(["gpgcheck=0"], "package signature checks are turned off (gpgcheck=0)"),
        LinePattern(["gpgcheck=false"], "package signature checks are turned off"),
        LinePattern(["--nogpgcheck"], "package signature checks are turned off (--nogpgcheck)"),
        LinePattern(["--allow-unauthenticated"], "apt installs unauthenticated packages"),
        LinePattern(["[trusted=yes]"], "an apt source is trusted without signatures"),
        LinePattern(["allowunauthenticated"], any: ["true", "1"], "apt installs unauthenticated packages"),
        LinePattern(["--no-gpg-checks"], "package signature checks are turned off"),
        LinePattern(["--nosignature"], "rpm skips signature checks"),
        LinePattern(["--allow-untrusted"], "apk installs untrusted packages"),
        LinePattern(["gosumdb=off"], "Go checksum database verification is turned off"),
        LinePattern(["gonosumcheck"], "Go checksum verification is turned off"),
        LinePattern(["gonosumdb"], "Go checksum database verification is bypassed"),
        LinePattern(["goinsecure"], "Go fetches modules without TLS or checksums"),
        LinePattern(["goflags=-insecure"], "Go fetches modules insecurely"),
        LinePattern(["--insecure-ignore-tlog"], "signature transparency log checks are skipped"),
        LinePattern(["verify_signature"], any: ["=false", ":false", "=0"], "signature verification is turned off"),
        LinePattern(["verifysignature"], any: ["=false", ":false", "(false)"], "signature verification is turned off"),
        LinePattern(["skip_signature"], any: ["=true", "=1", ":true"], "signature verification is skipped"),
        LinePattern(["--skip-signature"], "signature verification is skipped"),
        LinePattern(["--no-verify-signatures"], "signature verification is skipped"),
    ]

    private static let weakCryptoPatterns: [(LinePattern, Severity)] = [
        (LinePattern(["md5"], any: ["sign", "verif"], "MD5 is used with a signature"), .medium),
        (LinePattern(["sha1"], any: ["withrsa", "withdsa", "withecdsa", "sign(", "verify(", "_sign", "_verify", "signature"], "SHA-1 is used with a signature"), .medium),
        (LinePattern(["evp_des_"], "DES encryption is used"), .low),
        (LinePattern(["des_ecb_encrypt"], "DES encryption is used"), .low),
        (LinePattern(["des.new("], "DES encryption is used"), .low),
        (LinePattern(["des.newcipher("], "DES encryption is used"), .low),
        (LinePattern(["getinstance(\"des"], "DES encryption is used"), .low),
        (LinePattern(["evp_rc4"], "RC4 encryption is used"), .low),
        (LinePattern(["arc4.new("], "RC4 encryption is used"), .low),
        (LinePattern(["rc4.newcipher("], "RC4 encryption is used"), .low),
        (LinePattern(["getinstance(\"rc4"], "RC4 encryption is used"), .low),
        (LinePattern(["createcipheriv("], any: ["'rc4'", "\"rc4\"", "-ecb'", "-ecb\"", "'des", "\"des"], "a weak cipher is used"), .low),
        (LinePattern(["mode_ecb"], "ECB mode leaks patterns of the data"), .low),
        (LinePattern(["modes.ecb("], "ECB mode leaks patterns of the data"), .low),
        (LinePattern(["/ecb/"], "ECB mode leaks patterns of the data"), .low),
        (LinePattern(["_ecb()"], any: ["evp_aes"], "ECB mode leaks patterns of the data"), .low),
        (LinePattern(["getinstance(\"aes\")"], "AES defaults to ECB mode here"), .low),
        (LinePattern(["key_size="], any: ["=512", "=768", "=1024"], "an RSA key under 2048 bits"), .medium),
        (LinePattern(["rsa.generatekey("], any: [",512)", ",768)", ",1024)"], "an RSA key under 2048 bits"), .medium),
        (LinePattern(["initialize("], any: ["(512)", "(768)", "(1024)"], "a key pair generator set to under 2048 bits"), .low),
        (LinePattern(["rsa_generate_key"], any: [",512,", ",768,", ",1024,", "(512,", "(1024,"], "an RSA key under 2048 bits"), .medium),
        (LinePattern(["genrsa"], any: ["512", "768", "1024"], "an RSA key under 2048 bits"), .medium),
        (LinePattern(["moduluslength"], any: [":512", ":768", ":1024"], "an RSA key under 2048 bits"), .medium),
    ]

    private static let cryptoLibraryComponents: Set<String> = [
        "crypto", "boringssl", "openssl", "libressl", "mbedtls", "wolfssl", "gnutls", "nss", "libsodium", "vtls",
        "cryptography",
    ]

    private func scanLines(_ change: FileChange, role: BuildFiles.Role, context: DetectionContext, into findings: inout [Finding]) {
        // File-level literal prefilter: a line matches a pattern only if the concatenation of all
        // added lines, compacted the same way, matches it too; one pass rules out most files.
        guard Self.lineTable.matchesSomewhere(compacting: change.addedLines.storage) else { return }
        let path = change.path
        let language = BuildFiles.language(of: path)
        let isTest = BuildFiles.isTestPath(path)
        let isVendored = BuildFiles.isVendoredPath(path)
        let lowerPath = path.lowercased()
        let isDocs = [".md", ".rst", ".txt", ".html", ".adoc", ".1", ".3", ".po"].contains { lowerPath.hasSuffix($0) }
            && role == .other
        guard !isDocs else { return }
        let components = Set(path.lowercased().split(separator: "/").map(String.init))
        let inCryptoLibrary = !components.isDisjoint(with: Self.cryptoLibraryComponents)
        let lowerName = BuildFiles.fileName(path).lowercased()
        let checkCrypto = language != .other && language != .yaml && !isTest && !isVendored
        var reportedCount = 0
        let isCI = role == .ciWorkflow
        for line in change.addedLines {
            // The table's search steps over spaces, tabs and carriage returns and ignores case,
            // as `CompactLine` compacts: most lines hold none of its literals at all.
            guard Self.lineTable.mayMatch(line.text) else { continue }
            var compactCount = 0
            for byte in line.text where byte != 0x20 && byte != 0x09 && byte != 0x0d { compactCount += 1 }
            if compactCount < 6 { continue }
            // Comments and YAML descriptions mention options without setting them.
            if Self.isComment(line.text, language: language) || Self.isDescription(line.text) { continue }
            func report(_ rule: DetectorRule, _ label: String, severity: Severity? = nil) {
                guard reportedCount < 20 else { return }
                reportedCount += 1
                findings.append(Finding(
                    rule: rule, commit: context.commit, change: change, lines: [line],
                    evidence: "In \(BuildText.printable(path.utf8, limit: 100)) line \(line.number): \(label).",
                    severity: severity
                ))
            }
            let matched = Self.lineTable.matches(line.text)
            guard !matched.isEmpty else { continue }
            if let p = matched.first(where: { Self.sandboxRange.contains($0) }) {
                // In CI the option concerns the CI job's own build tools, not the product.
                report(Self.sandboxDisabled, Self.lineTable.patterns[p].label + (isCI ? " (in a CI job)" : ""),
                       severity: isTest ? .low : isCI ? .medium : nil)
            }
            if let p = matched.first(where: { Self.tlsRange.contains($0) }) {
                report(Self.tlsVerificationOff, Self.lineTable.patterns[p].label, severity: isTest || isVendored ? .low : nil)
            }
            if let p = matched.first(where: { Self.signatureRange.contains($0) }) {
                report(Self.signatureCheckOff, Self.lineTable.patterns[p].label, severity: isTest ? .low : nil)
            }
            if checkCrypto, let p = matched.first(where: { Self.cryptoRange.contains($0) }) {
                let implementsIt = ["md5", "sha1", "des", "rc4", "ecb"].contains { lowerName.contains($0) }
                if !implementsIt {
                    let severity = Self.weakCryptoPatterns[p - Self.cryptoRange.lowerBound].1
                    report(Self.weakCrypto, Self.lineTable.patterns[p].label, severity: inCryptoLibrary ? .low : severity)
                }
            }
        }
    }

    private static let lineTable = PatternTable(sandboxPatterns + tlsPatterns + signaturePatterns + weakCryptoPatterns.map(\.0))
    private static let sandboxRange = 0..<sandboxPatterns.count
    private static let tlsRange = sandboxRange.upperBound..<(sandboxRange.upperBound + tlsPatterns.count)
    private static let signatureRange = tlsRange.upperBound..<(tlsRange.upperBound + signaturePatterns.count)
    private static let cryptoRange = signatureRange.upperBound..<(signatureRange.upperBound + weakCryptoPatterns.count)

    /// Languages in which a line `/* … */` is a command, not a comment.
    private static let runsSlashStarLines: Set<BuildFiles.Language> = [.shell, .make, .dockerfile, .powershell]

    /// A whole-line comment: `//`, `/*` (with no code after its `*/`), ` * ` in C-like languages, `#` where it starts a comment
    /// (not C's `#define`, not PHP), `dnl` in autoconf.
    static func isComment(_ text: ArraySlice<UInt8>, language: BuildFiles.Language) -> Bool {
        let t = BuildText.trimmed(text)
        guard let first = t.first else { return false }
        // `/* … */` is a comment in C and in C headers that CMake or configure fill in (`.cmake`,
        // `.in`), but in a shell script or make recipe `/*/bin/sh -c '…' */` is a command.
        if !runsSlashStarLines.contains(language), BuildText.isClosedCComment(t) { return true }
        switch language {
        case .c, .java, .javascript, .swift, .go, .rust, .csharp, .php:
            if BuildText.isCStyleCommentOnly(t) { return true }
            return first == UInt8(ascii: "*") && (t.count == 1 || t.dropFirst().first == 0x20 || t.dropFirst().first == 0x2f)
        case .shell, .python, .ruby, .cmake, .make, .yaml, .dockerfile, .powershell: return first == UInt8(ascii: "#") && !t.starts(with: "#!".utf8)
        case .autoconf: return first == UInt8(ascii: "#") || t.starts(with: "dnl ".utf8)
        default: return false
        }
    }

    /// `description: "…"`, `help: …` lines of YAML (workflow inputs) are documentation.
    static func isDescription(_ text: ArraySlice<UInt8>) -> Bool {
        let t = BuildText.trimmed(text)
        return ["description:", "help:", "summary:", "- description:"].contains { t.starts(with: $0.utf8) }
    }

    // MARK: Removed sandbox calls

    private static let sandboxCalls = ["pledge(", "unveil(", "cap_enter(", "seccomp_load(", "landlock_restrict_self",
        "sandbox_init(", "pr_set_seccomp", "pr_set_no_new_privs", "seccomp_rule_add", "sandbox_apply"].map(BuildText.fold)
    private static let sandboxCallSet = LiteralSet(sandboxCalls)

    private func scanRemovedSandboxCalls(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind == .modify || change.kind == .rename, let oldID = change.oldBlob, let newID = change.newBlob else { return }
        let language = BuildFiles.language(of: change.path)
        guard [.c, .go, .rust].contains(language), BuildFiles.touchesSandbox(change.path),
            !BuildFiles.isTestPath(change.path)
        else { return }
        guard let old = context.blobs.read(oldID, limit: Self.blobLimit), let new = context.blobs.read(newID, limit: Self.blobLimit)
        else { return }
        let before = Self.sandboxCallSet.found(in: old)
        guard before.contains(true) else { return }
        let after = Self.sandboxCallSet.found(in: new)
        var gone: [String] = []
        for (index, call) in Self.sandboxCalls.enumerated() where before[index] && !after[index] {
            // Moved, not removed: the same commit adds the call as code in another source file
            // of these languages outside the test tree (a mention in a comment, a document or a
            // test does not count, or a note in a README would hide the removal).
            let moved = context.commit.changes.contains { other in
                let language = BuildFiles.language(of: other.path)
                guard other.path != change.path, other.kind != .delete, [.c, .go, .rust].contains(language),
                    !BuildFiles.isTestPath(other.path)
                else { return false }
                return other.addedLines.contains {
                    BuildText.containsFolded($0.text, call) && !Self.isComment($0.text, language: language)
                }
            }
            if !moved { gone.append(String(decoding: call, as: UTF8.self)) }
        }
        guard !gone.isEmpty else { return }
        findings.append(Finding(
            rule: Self.sandboxDisabled, commit: context.commit, change: change, lines: [],
            evidence: "Sandbox calls present before and removed by this commit: \(gone.joined(separator: ", ")).",
            fingerprintExtra: "removed:" + gone.joined(separator: ",")
        ))
    }
}
