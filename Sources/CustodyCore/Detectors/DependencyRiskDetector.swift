/// Finds risky changes to dependencies in the manifests of npm, PyPI, Go, Cargo, SwiftPM and
/// Maven: new packages, packages fetched from git, URLs or forks, names one typo away from a
/// popular package, install hooks that run on every `npm install`, and lockfile hashes that
/// change while the version stays the same (the same release now has different contents).
///
/// Compares the manifest before and after the commit (both blobs, bounded); ordinary version
/// updates are not reported.
struct DependencyRiskDetector: Detector {
    static let newDependency = DetectorRule(
        id: "CUST-DEP-001",
        name: "NewDependency",
        category: .dependencyRisk,
        severity: .low,
        confidence: .high,
        summary: "The change adds an outside package that the software will download and run.",
        help: "Every new dependency is code from outside the organization. The event-stream compromise of 2018 began with a new maintainer adding one small dependency (flatmap-stream). Check who publishes it and why it is needed."
    )
    static let unusualSource = DetectorRule(
        id: "CUST-DEP-002",
        name: "DependencyFromUnusualSource",
        category: .dependencyRisk,
        severity: .medium,
        confidence: .high,
        summary: "A dependency is fetched from a git repository, a web address, a local path or a fork instead of the package registry.",
        help: "Such sources bypass the registry's versioning and can change under the same name at any time."
    )
    static let typosquat = DetectorRule(
        id: "CUST-DEP-003",
        name: "DependencyNameImitatesPopularPackage",
        category: .dependencyRisk,
        severity: .high,
        confidence: .medium,
        summary: "A new dependency's name is one typo away from a popular package, a common trick to get malware installed.",
        help: "crossenv for cross-env, colourama for colorama, python3-dateutil for python-dateutil: typosquatted packages run their own code on install. Check the exact spelling."
    )
    static let installScript = DetectorRule(
        id: "CUST-DEP-004",
        name: "InstallScriptChanged",
        category: .dependencyRisk,
        severity: .medium,
        confidence: .high,
        summary: "The change adds or alters a script that runs automatically on every machine that installs the package.",
        help: "npm preinstall/install/postinstall hooks and setup.py custom install commands run with the installing user's rights. The hijacked ua-parser-js and coa releases of 2021 used preinstall to fetch and start malware. High when the script downloads, decodes or starts programs."
    )
    static let lockfileHashChanged = DetectorRule(
        id: "CUST-DEP-005",
        name: "LockfileHashChangedWithoutVersion",
        category: .dependencyRisk,
        severity: .high,
        confidence: .high,
        summary: "The lockfile now expects different contents for a package version it already pinned, as if the released package had been swapped.",
        help: "A published version never changes contents; a new integrity hash or revision for the same version means the lockfile was edited to accept something else."
    )

    var rules: [DetectorRule] {
        [Self.newDependency, Self.unusualSource, Self.typosquat, Self.installScript, Self.lockfileHashChanged]
    }

    static let blobLimit = 8 << 20

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind != .delete else { return }
        let name = BuildFiles.fileName(change.path)
        if BuildFiles.lockfileNames.contains(name.lowercased()) {
            scanLockfile(change, fileName: name, context: context, into: &findings)
            return
        }
        guard let ecosystem = BuildFiles.ecosystem(ofManifest: change.path) else { return }
        guard let newID = change.newBlob, let new = context.blobs.read(newID, limit: Self.blobLimit) else { return }
        let old = change.oldBlob.flatMap { context.blobs.read($0, limit: Self.blobLimit) }
        let oldName = BuildFiles.fileName(change.oldPath ?? change.path)
        let newDeps = Manifests.dependencies(new, ecosystem: ecosystem, fileName: name)
        let oldDeps = old.map { Manifests.dependencies($0, ecosystem: ecosystem, fileName: oldName) } ?? []
        let oldByName = Dictionary(oldDeps.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let added = Dictionary(change.addedLines.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let manifestIsNew = old == nil
        var newNames: [String] = []
        for dep in newDeps {
            let lines = added[dep.line].map { [$0] } ?? []
            let previous = oldByName[dep.name]
            guard previous == nil || previous?.spec != dep.spec else { continue }
            let source = Manifests.source(of: dep.spec, ecosystem: ecosystem)
            let printableName = BuildText.printable(dep.name.utf8, limit: 100)
            if previous == nil {
                newNames.append(dep.name)
                if let imitated = PopularPackages.imitated(dep.name, in: ecosystem) {
                    findings.append(Finding(
                        rule: Self.typosquat, commit: context.commit, change: change, lines: lines,
                        evidence: "\(ecosystem.rawValue) dependency \"\(printableName)\" is one edit away from the popular \"\(imitated)\".",
                        fingerprintExtra: dep.name
                    ))
                }
                if !manifestIsNew {
                    findings.append(Finding(
                        rule: Self.newDependency, commit: context.commit, change: change, lines: lines,
                        evidence: "New \(ecosystem.rawValue) dependency \"\(printableName)\" \(BuildText.printable(dep.spec.utf8, limit: 120)).",
                        fingerprintExtra: dep.name
                    ))
                }
            }
            let oldSource = previous.map { Manifests.source(of: $0.spec, ecosystem: ecosystem) }
            if source != .registry, oldSource != source {
                let isPath = source == .path
                findings.append(Finding(
                    rule: Self.unusualSource, commit: context.commit, change: change, lines: lines,
                    evidence: "\(ecosystem.rawValue) dependency \"\(printableName)\" comes from a \(source.rawValue) source: \(BuildText.printable(dep.spec.utf8, limit: 160)).",
                    severity: isPath ? .low : nil,
                    fingerprintExtra: dep.name
                ))
            }
        }
        if manifestIsNew, !newNames.isEmpty {
            findings.append(Finding(
                rule: Self.newDependency, commit: context.commit, change: change, lines: [],
                evidence: "New manifest with \(newNames.count) dependencies: \(newNames.prefix(10).map { BuildText.printable($0.utf8, limit: 60) }.joined(separator: ", "))\(newNames.count > 10 ? ", …" : "").",
                severity: .info
            ))
        }
        if ecosystem == .npm, name.lowercased() == "package.json" {
            scanScripts(change, new: new, old: old, added: added, context: context, into: &findings)
        }
        if name.lowercased() == "setup.py" {
            for line in change.addedLines where BuildText.containsFolded(line.text, BuildText.fold("cmdclass")) {
                findings.append(Finding(
                    rule: Self.installScript, commit: context.commit, change: change, lines: [line],
                    evidence: "setup.py registers a custom command class (cmdclass), which runs code at install time."
                ))
                break
            }
        }
    }

    private static let startsPrograms = ["start /b", "powershell", ".bat", ".exe", ".cmd", "cmd /c", "sh ", "bash ",
        "chmod ", "/tmp/", "nohup", " & "].map(BuildText.fold)

    private func scanScripts(
        _ change: FileChange,
        new: [UInt8],
        old: [UInt8]?,
        added: [Int: AddedLine],
        context: DetectionContext,
        into findings: inout [Finding]
    ) {
        let newScripts = Manifests.npm(BuildText.lines(new, limit: 100_000).map { String(decoding: $0.prefix(4000), as: UTF8.self) }).scripts
        let oldScripts = old.map { Manifests.npm(BuildText.lines($0, limit: 100_000).map { String(decoding: $0.prefix(4000), as: UTF8.self) }).scripts } ?? []
        let oldByName = Dictionary(oldScripts.map { ($0.name, $0.command) }, uniquingKeysWith: { a, _ in a })
        for script in newScripts where Manifests.lifecycleScripts.contains(script.name) {
            guard oldByName[script.name] != script.command else { continue }
            let bytes = Array(script.command.utf8)
            let signals = ShellSignals.of(bytes)
            let startsProgram = Self.startsPrograms.contains { BuildText.firstFolded(bytes, $0) != nil }
            let explanation = context.explainer.explain(script.command)
            let risky = !signals.isDisjoint(with: [.download, .decode, .execute, .pipeToShell, .carve]) || startsProgram
                || explanation.riskClass == .networkEgress || explanation.riskClass == .destructive
            var severity: Severity = risky ? .high : (script.name == "prepare" ? .low : .medium)
            if risky, script.name.hasPrefix("pre") || script.name == "install" || script.name == "postinstall" {
                severity = .high
            }
            var evidence = "\"\(script.name)\": \"\(BuildText.printable(script.command.utf8, limit: 160))\" \(oldByName[script.name] == nil ? "is new" : "was changed")"
            let words = signals.words
            if !words.isEmpty { evidence += "; it " + words.joined(separator: ", ") }
            if startsProgram { evidence += "; it starts another program in the background or from a script file" }
            if explanation.riskClass != .unknown { evidence += ". " + explanation.summary }
            findings.append(Finding(
                rule: Self.installScript, commit: context.commit, change: change,
                lines: added[script.line].map { [$0] } ?? [],
                evidence: evidence + ".", severity: severity, fingerprintExtra: script.name
            ))
        }
    }

    private func scanLockfile(_ change: FileChange, fileName: String, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind == .modify || change.kind == .rename, let oldID = change.oldBlob, let newID = change.newBlob,
            let old = context.blobs.read(oldID, limit: Self.blobLimit), let new = context.blobs.read(newID, limit: Self.blobLimit)
        else { return }
        let before = Manifests.lockEntries(old, fileName: fileName)
        guard !before.isEmpty else { return }
        let after = Manifests.lockEntries(new, fileName: fileName)
        let added = Dictionary(change.addedLines.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var changed: [(String, String, String, Int)] = []
        for (key, entry) in after.sorted(by: { $0.key < $1.key }) {
            guard let previous = before[key], previous.hash != entry.hash, !previous.hash.isEmpty, !entry.hash.isEmpty else { continue }
            // An integrity upgrade (sha1 → sha512) is not a content change.
            let oldAlgorithm = previous.hash.split(separator: "-").first ?? ""
            let newAlgorithm = entry.hash.split(separator: "-").first ?? ""
            guard oldAlgorithm == newAlgorithm || !(previous.hash.contains("-") || entry.hash.contains("-")) else { continue }
            changed.append((key, previous.hash, entry.hash, entry.line))
        }
        guard !changed.isEmpty else { return }
        for (key, previous, now, line) in changed.prefix(20) {
            findings.append(Finding(
                rule: Self.lockfileHashChanged, commit: context.commit, change: change,
                lines: added[line].map { [$0] } ?? [],
                evidence: "\(BuildText.printable(key.utf8, limit: 120)): hash \(BuildText.printable(previous.utf8, limit: 40)) became \(BuildText.printable(now.utf8, limit: 40)) with the same version.",
                fingerprintExtra: key + "|" + now
            ))
        }
    }
}
