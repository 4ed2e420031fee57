/// Finds build scripts (configure, m4, CMake, make, meson, build.rs, setup.py, package.json
/// scripts, Package.swift, gradle) changed to download, decode, carve bytes out of files or run
/// text as code — what the xz-utils backdoor's build-to-host.m4 did to pull its payload out of
/// "test files".
///
/// Lines are judged by what their shell does (``ShellSignals``), with the command explainer as
/// extra evidence; a single keyword is never enough for a high finding.
struct BuildTamperingDetector: Detector {
    static let downloadAndRun = DetectorRule(
        id: "CUST-BUILD-001",
        name: "BuildDownloadsAndRuns",
        category: .buildTampering,
        severity: .high,
        confidence: .medium,
        summary: "A build script was changed to download something and run it on every machine that builds the software.",
        help: "Downloads executed during a build run code that nobody reviewed, on developers' and build servers' machines. Check where the download comes from and why the build needs it."
    )
    static let decodeAndRun = DetectorRule(
        id: "CUST-BUILD-002",
        name: "BuildDecodesAndRuns",
        category: .buildTampering,
        severity: .critical,
        confidence: .high,
        summary: "A build script was changed to unpack or decode hidden data and run it as code while the software is built.",
        help: "Decoding, decompressing, cutting bytes out of files (head -c, tail -c, dd, grep -a) or swapping characters with tr, followed by eval or a shell, is how the xz-utils backdoor extracted its payload from test files during ./configure."
    )
    static let testDataExtraction = DetectorRule(
        id: "CUST-BUILD-003",
        name: "BuildReadsTestData",
        category: .buildTampering,
        severity: .high,
        confidence: .medium,
        summary: "A build script was changed to pull bytes out of test or binary data files, which normal builds never need.",
        help: "Building the software should not depend on the contents of test data files. Check what the extracted bytes are used for."
    )
    static let characterSwap = DetectorRule(
        id: "CUST-BUILD-004",
        name: "BuildScramblesBytes",
        category: .buildTampering,
        severity: .high,
        confidence: .high,
        summary: "A build script swaps characters around (a simple cipher), which is used to hide data from reviewers.",
        help: "tr with two sets of the same characters in a different order (tr \"\\t \\-_\" \" \\t_\\-\") undoes a substitution cipher. It has no place in a build."
    )
    static let downloads = DetectorRule(
        id: "CUST-BUILD-005",
        name: "BuildDownloads",
        category: .buildTampering,
        severity: .low,
        confidence: .medium,
        summary: "A build script was changed to download something during the build.",
        help: "Downloads during a build make the result depend on a server outside the repository. Check that the download is pinned by hash."
    )
    static let decodes = DetectorRule(
        id: "CUST-BUILD-006",
        name: "BuildDecodesData",
        category: .buildTampering,
        severity: .low,
        confidence: .low,
        summary: "A build script was changed to decode, decompress or cut bytes out of data.",
        help: "Not harmful by itself, but unusual in build logic. Check what is decoded and where it goes."
    )

    var rules: [DetectorRule] {
        [Self.downloadAndRun, Self.decodeAndRun, Self.testDataExtraction, Self.characterSwap, Self.downloads, Self.decodes]
    }

    /// Whether the file's changes are build logic this detector judges.
    static func isBuildLogic(_ path: String) -> Bool {
        isBuildLogic(path, role: BuildFiles.role(of: path))
    }

    /// ``isBuildLogic(_:)`` with the path's role already known.
    static func isBuildLogic(_ path: String, role: BuildFiles.Role) -> Bool {
        if BuildFiles.isBuildScript(role) { return true }
        if role == .shellScript {
            let lower = path.lowercased()
            return lower.contains("build") || lower.contains("autogen") || lower.contains("bootstrap")
                || lower.contains("configure") || lower.contains("install")
        }
        return false
    }

    /// `config.h.in`, `config.h.cmake`, `curl_config.h.cmake`: C headers that a build fills in.
    static func isHeaderTemplate(_ path: String) -> Bool {
        let name = BuildFiles.fileName(path).lowercased()
        return name.hasSuffix(".h.in") || name.hasSuffix(".h.cmake") || name.hasSuffix(".h.meson") || name.hasSuffix(".h.cmakein")
    }

    /// A whole-line comment of a build language: `#`, `dnl`, and in header templates (C) a
    /// C-style comment or the ` * ` continuation line of one.
    static func isComment(_ text: ArraySlice<UInt8>, headerTemplate: Bool) -> Bool {
        let t = BuildText.trimmed(text)
        guard let first = t.first else { return false }
        if first == UInt8(ascii: "#") { return true }
        if t.starts(with: "dnl".utf8), t.count == 3 || t[t.startIndex + 3] == 0x20 || t[t.startIndex + 3] == 0x09 { return true }
        // `/* … */` only in C header templates: in a make recipe or a shell script
        // `/*/bin/sh -c '…' */` is a command.
        if headerTemplate, first == UInt8(ascii: "*") || BuildText.isCStyleCommentOnly(t) { return true }
        return false
    }

    static let automakeMarkers = ["am__", "$(distdir)", "gzip_env", "dist_archives", "$(am_", "distcleancheck"]
        .map(BuildText.fold)

    /// Rewrites make's `$(NAME)` references as shell `${NAME}` so the explainer does not take
    /// them for command substitutions.
    static func makeVariablesAsShell(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var depth: [Bool] = []  // true for a rewritten "$(" group
        var previous: UInt8 = 0
        for byte in line {
            if byte == UInt8(ascii: "("), previous == UInt8(ascii: "$") {
                out.append(UInt8(ascii: "{"))
                depth.append(true)
            } else if byte == UInt8(ascii: "(") {
                out.append(byte)
                depth.append(false)
            } else if byte == UInt8(ascii: ")"), let last = depth.popLast() {
                out.append(last ? UInt8(ascii: "}") : byte)
            } else {
                out.append(byte)
            }
            previous = byte
        }
        return out
    }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind != .delete, !change.addedLines.isEmpty else { return }
        let role = context.buildRole(of: change.path)
        guard Self.isBuildLogic(change.path, role: role) else { return }
        let isMake = role == .make || role == .autoconf
        var total: ShellSignals = []
        var signalLines: [(AddedLine, ShellSignals)] = []
        var explained: [String] = []
        let isHeaderTemplate = Self.isHeaderTemplate(change.path)
        for line in change.addedLines {
            var signals = ShellSignals.of(line.text)
            guard !signals.isEmpty else { continue }
            // Comments run nothing (`# fetch with curl …`, `dnl …`, `/* … */` in config.h.cmake).
            if Self.isComment(line.text, headerTemplate: isHeaderTemplate) { continue }
            // automake's own generated rules (dist, distcheck) are boilerplate, not changes.
            if isMake, Self.automakeMarkers.contains(where: { BuildText.firstFolded(line.text, $0) != nil }) { continue }
            // CMake downloads pinned by hash are normal.
            if signals == .download, BuildText.containsFolded(line.text, BuildText.fold("_hash")) { continue }
            if signals.contains(.execute) || signals.contains(.download) || signals.contains(.decode) {
                // The explainer adds evidence in plain words; "runs opaque code" alone is not
                // taken as a signal (every unknown program is opaque to it), a network egress is.
                let shell = isMake ? Self.makeVariablesAsShell(BuildText.trimmed(line.text)) : Array(BuildText.trimmed(line.text))
                let explanation = context.explain(String(decoding: shell.prefix(4096), as: UTF8.self))
                if explanation.riskClass == .networkEgress { signals.insert(.download) }
                if explanation.riskClass != .unknown, explained.count < 2 { explained.append(explanation.summary) }
            }
            if signals.contains(.unpacksArchive), signals.isDisjoint(with: [.execute, .download, .carve, .scramble]) { continue }
            total.formUnion(signals)
            signalLines.append((line, signals))
        }
        guard !total.isEmpty else { return }
        let hiding: ShellSignals = [.decode, .carve, .scramble]
        func lines(_ wanted: ShellSignals) -> [AddedLine] {
            signalLines.filter { !$0.1.isDisjoint(with: wanted) }.map(\.0)
        }
        func evidence(_ wanted: ShellSignals) -> String {
            var text = "The added build lines " + total.intersection(wanted).words.joined(separator: ", ") + "."
            if !explained.isEmpty { text += " Explained: " + explained.joined(separator: " ") }
            return text
        }
        var reportedCritical = false
        if !total.isDisjoint(with: hiding), total.contains(.execute) {
            findings.append(Finding(
                rule: Self.decodeAndRun, commit: context.commit, change: change,
                lines: lines(hiding.union([.execute, .testData])),
                evidence: evidence(hiding.union([.execute, .testData, .download]))
            ))
            reportedCritical = true
        }
        if total.contains(.scramble) {
            findings.append(Finding(
                rule: Self.characterSwap, commit: context.commit, change: change, lines: lines(.scramble),
                evidence: evidence(.scramble)
            ))
        }
        if total.contains(.download), total.contains(.execute) || total.contains(.pipeToShell) {
            findings.append(Finding(
                rule: Self.downloadAndRun, commit: context.commit, change: change,
                lines: lines([.download, .execute, .pipeToShell]), evidence: evidence([.download, .execute, .pipeToShell])
            ))
        } else if total.contains(.download) {
            findings.append(Finding(
                rule: Self.downloads, commit: context.commit, change: change, lines: lines(.download),
                evidence: evidence(.download)
            ))
        }
        if !reportedCritical, total.contains(.testData), !total.isDisjoint(with: [.decode, .carve]) {
            findings.append(Finding(
                rule: Self.testDataExtraction, commit: context.commit, change: change,
                lines: lines([.testData, .decode, .carve]), evidence: evidence([.testData, .decode, .carve])
            ))
        } else if !reportedCritical, !total.isDisjoint(with: [.decode, .carve]) {
            findings.append(Finding(
                rule: Self.decodes, commit: context.commit, change: change, lines: lines([.decode, .carve]),
                evidence: evidence([.decode, .carve])
            ))
        }
    }
}
