/// Finds destructive operations: recursive deletes, permission changes or `find -delete` aimed at
/// the root, home or system folders (in shell, and in `subprocess`/`system` strings), recursive
/// delete calls on those folders in code, disk wipes, fork bombs, and empty infinite loops.
///
/// `rm -rf build/` and other deletes of project folders are not findings. An unguarded
/// variable at the start of a deleted path (`rm -rf "$DIR/"*`, which deletes everything when the
/// variable is empty) is a medium finding in shell scripts.
struct DestructiveOperationDetector: Detector {
    static let wipe = DetectorRule(
        id: "CUST-DESTRUCTIVE-OPERATION-001",
        name: "DeletesSystemOrHomeFolders",
        category: .destructiveOperation,
        severity: .critical,
        confidence: .high,
        summary: "This line deletes or wrecks everything in a whole disk, home folder or system folder.",
        help:
            "Recursive deletes of /, ~ or system folders, writes of zeros to a disk device, and formatting commands destroy data on the machine that runs them; they have no place in product code or build scripts."
    )
    static let unguarded = DetectorRule(
        id: "CUST-DESTRUCTIVE-OPERATION-002",
        name: "UnguardedRecursiveDelete",
        category: .destructiveOperation,
        severity: .medium,
        confidence: .medium,
        summary: "This line deletes a folder whose name comes from a variable; if the variable is empty it deletes far more.",
        help:
            "`rm -rf \"$DIR/\"*` removes everything under / when DIR is empty (a real installer did this to its users). Use `${DIR:?}` so the shell stops when the variable is empty."
    )
    static let bomb = DetectorRule(
        id: "CUST-DESTRUCTIVE-OPERATION-003",
        name: "ForkBombOrHang",
        category: .destructiveOperation,
        severity: .critical,
        confidence: .high,
        summary: "This code makes the computer run out of resources or freeze.",
        help:
            "A fork bomb starts copies of itself until the machine stops responding; an empty infinite loop hangs the program that loads it."
    )

    static let walkWipe = DetectorRule(
        id: "CUST-DESTRUCTIVE-OPERATION-004",
        name: "OverwritesFilesFoundByWalk",
        category: .destructiveOperation,
        severity: .critical,
        confidence: .medium,
        summary: "This code goes through folders and overwrites or deletes every file it finds.",
        help:
            "Walking a folder tree and writing fixed text over each file (or deleting it) destroys data; the node-ipc protestware did this from the root folder on machines in some countries. Formatters and generators write computed content inside the project and are not reported."
    )

    var rules: [DetectorRule] { [Self.wipe, Self.unguarded, Self.bomb, Self.walkWipe] }

    static let commandWords: [[UInt8]] = ["rm ", "chmod ", "chown ", "find ", "rd ", "rmdir ", "del ", "\"rm\"", "'rm'"]
        .map { Array($0.utf8) }
    static let prefilter = MultiMatcher(
        [
            "rm ", "chmod ", "chown ", "find ", "rmdir ", "del ", "rmtree", "rmsync", "rmdirsync", "fs.rm(", "rimraf",
            "removeall(", "rm_rf", "remove_dir", "deletedirectory", "removeitem", "directory.delete", "of=/dev/",
            "mkfs", "wipefs", "shred ", "/dev/sd", "/dev/nvme", "format c:", "diskpart", "(){", "%0|%0", "fork",
            "while", "for(;;", "for (;;", "for {}", "cipher /w", "&}", "& }", "\"rm\"", "'rm'", "rd ",
        ])
    static let dangerousTargets: Set<String> = [
        "/", "/*", "~", "~/", "~/*", "$home", "${home}", "$home/", "$home/*", "${home}/", "${home}/*", "/home",
        "/home/", "/home/*", "/etc", "/usr", "/var", "/boot", "/bin", "/lib", "/root", "/system", "c:\\", "c:/",
        "c:\\*", "/.", "--no-preserve-root", "/users", "%userprofile%", "%systemroot%", "$env:userprofile",
        "/etc/", "/usr/", "/var/", "/bin/", "/lib/", "/boot/", "/*/", "/.*", "~/.*", "$home/.*", "c:",
    ]
    static let homeArguments: [[UInt8]] = [
        "'/'", "\"/\"", "'~'", "\"~\"", "expanduser('~')", "expanduser(\"~\")", "os.homedir()", "homedir()",
        "nshomedirectory()", "getenv(\"home\")", "getenv('home')", "process.env.home", "user.home",
        "environ['home']", "environ[\"home\"]", "homedirectoryforcurrentuser", "'c:\\\\'", "\"c:\\\\\"",
        "path.home()", "dir.home", "env::home_dir", "home_dir()", "userhomedir()", "(\"/\")", "('/')",
    ].map { Array($0.utf8) }
    static let codeDeletes: [[UInt8]] = [
        "rmtree(", "rmsync(", "rmdirsync(", "fs.rm(", "rimraf(", "rimraf.sync(", "removeall(", "rm_rf(", "rm_rf ",
        "remove_dir_all(", "deletedirectory(", "removeitem(at", "directory.delete(", "fileutils.rm_r",
    ].map { Array($0.utf8) }
    static let diskWipes: [[UInt8]] = [
        "of=/dev/sd", "of=/dev/nvme", "of=/dev/hd", "of=/dev/disk", "of=/dev/mmcblk", "of=/dev/vd", "of=/dev/xvd",
        "> /dev/sda", ">/dev/sda", "format c:", "cipher /w:c", "mkfs.", "mkfs ", "wipefs -a", "shred -",
    ].map { Array($0.utf8) }
    static let hangs: [[UInt8]] = [
        "while(true){}", "while(1){}", "while(1);", "while(true);", "for(;;){}", "for(;;);", "whiletrue:pass",
        "whiletrue;do:;done", "whiletrue;do;done", "for{}",
    ].map { Array($0.utf8) }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        if traits.isLockfile || traits.isMinified || traits.isVendored || traits.isLocalization { return }
        var cap = FindingCap()
        let gates = context.gates(for: change)
        if traits.language.isCode, !traits.isDocumentation, traits.language != .shell, traits.language != .make,
            gates.contains(.destructiveWalk)
        {
            scanWalks(change, traits: traits, context: context, cap: &cap, into: &findings)
        }
        // Every line below needs a prefilter literal; none in the file means no line has one.
        guard gates.contains(.destructiveOperation) else { return }
        for position in change.addedLines.indices {
            let line = change.addedLines[position]
            guard line.text.count <= 16 * 1024, Self.prefilter.matchesAny(line.text) else { continue }
            let isComment = CommentHeuristics.isCommentLine(line.text, language: traits.language)
            let lower = ByteScan.lowercased(line.text)
            var severity: Severity = traits.isProductionCode ? .critical : .high
            if traits.isTest { severity = .medium }
            if traits.isDocumentation || isComment || !traits.language.isCode { severity = .low }
            // The explainer's class is evidence only: worked out once a line is reported.
            var explained: String {
                guard traits.language == .shell || traits.language == .make else { return "" }
                return DetectorShellEvidence.riskClass(line.text, explainer: context.explainer).map {
                    " The command explainer classes it as \($0.rawValue)."
                } ?? ""
            }
            if let hit = Self.dangerousCommand(lower) ?? Self.codeDelete(lower) ?? Self.diskWipe(lower),
                cap.allow(Self.wipe)
            {
                findings.append(
                    Finding(
                        rule: Self.wipe, commit: context.commit, change: change, lines: [line],
                        evidence: "Line \(line.number): \(hit).\(explained)", severity: severity))
                continue
            }
            if traits.language == .shell, !isComment, let variable = Self.unguardedVariable(lower),
                cap.allow(Self.unguarded)
            {
                findings.append(
                    Finding(
                        rule: Self.unguarded, commit: context.commit, change: change, lines: [line],
                        evidence:
                            "Line \(line.number) deletes recursively under '\(variable)' without a guard for an empty value.\(explained)",
                        severity: traits.isProductionCode ? .medium : .low))
                continue
            }
            if let hit = Self.bombOrHang(lower), traits.language.isCode || traits.isDocumentation, cap.allow(Self.bomb) {
                var bombSeverity = hit.isForkBomb ? severity : (traits.isProductionCode && !isComment ? .medium : .low)
                if traits.isDocumentation { bombSeverity = .low }
                findings.append(
                    Finding(
                        rule: Self.bomb, commit: context.commit, change: change, lines: [line],
                        evidence: "Line \(line.number): \(hit.text).", severity: bombSeverity))
            }
        }
    }

    private func scanWalks(
        _ change: FileChange, traits: FileTraits, context: DetectionContext, cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let lines = change.addedLines
        for hit in DestructiveWalk.scan(lines) {
            guard !CommentHeuristics.isCommentLine(lines[hit.writePosition].text, language: traits.language),
                cap.allow(Self.walkWipe)
            else { continue }
            var severity: Severity
            if hit.dangerous {
                severity = traits.isProductionCode ? .critical : traits.isTest ? .medium : .high
            } else {
                severity = traits.isProductionCode ? .medium : .low
            }
            let root = hit.root.isEmpty ? "a folder" : "'\(ByteScan.text(Array(hit.root.utf8), limit: 60))'"
            let what = hit.dangerous ? "starting at \(root)" : "under \(root), writing the same fixed text into each file"
            findings.append(
                Finding(
                    rule: Self.walkWipe, commit: context.commit, change: change,
                    lines: Array(lines[min(hit.walkPosition, hit.writePosition)...hit.writePosition]),
                    evidence:
                        "Line \(lines[hit.walkPosition].number) walks the folders \(what), and line \(lines[hit.writePosition].number) calls '\(hit.call)' on the files found.",
                    severity: severity))
        }
    }

    /// Shell words of a line with quotes removed and commas and brackets turned into blanks, so that
    /// `["rm", "-rf", "/"]` and `system("rm -rf /")` read as `rm -rf /`.
    static func words(_ lower: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        // Quotes are dropped (`"$dir"/*` stays one word); commas, brackets and backquotes split.
        var flat: [UInt8] = []
        flat.reserveCapacity(lower.count)
        for byte in lower {
            switch byte {
            case 0x22, 0x27: continue
            case 0x2c, 0x5b, 0x5d, 0x28, 0x60: flat.append(0x20)
            default: flat.append(byte)
            }
        }
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while i < flat.count, out.count < 4096 {
            if ByteScan.isSpace(flat[i]) {
                i += 1
                continue
            }
            // Separators are words of their own.
            if flat[i] == 0x3b || flat[i] == 0x7c || flat[i] == 0x26 || flat[i] == 0x29 || flat[i] == 0x7b
                || flat[i] == 0x7d
            {
                out.append(flat[i...i])
                i += 1
                continue
            }
            var j = i
            while j < flat.count, !ByteScan.isSpace(flat[j]), flat[j] != 0x3b, flat[j] != 0x7c, flat[j] != 0x26,
                flat[j] != 0x29
            {
                j += 1
            }
            out.append(flat[i..<j])
            i = j
        }
        return out
    }

    static func isSeparator(_ word: ArraySlice<UInt8>) -> Bool {
        word.count == 1 && [0x3b, 0x7c, 0x26, 0x29, 0x7b, 0x7d].contains(word.first!)
    }

    /// `rm -r` / `chmod -R` / `chown -R` / `find … -delete` of a system or home folder.
    static func dangerousCommand(_ lower: ArraySlice<UInt8>) -> String? {
        guard commandWords.contains(where: { ByteScan.contains(lower, $0) }) else { return nil }
        let words = words(lower)
        var i = 0
        while i < words.count {
            let word = words[i]
            let name = String(decoding: word, as: UTF8.self)
            let base = name.split(separator: "/").last.map(String.init) ?? name
            guard ["rm", "chmod", "chown", "find", "rd", "rmdir", "del", "remove-item"].contains(base) else {
                i += 1
                continue
            }
            // `RMDIR = rd /q /s …` or `RM := rm -f` names a command in a Makefile; it runs nothing.
            if i + 1 < words.count, ["=", ":=", "?=", "+=", "::="].contains(String(decoding: words[i + 1], as: UTF8.self)) {
                i += 2
                continue
            }
            var recursive = false
            var deletes = base != "find"
            var targets: [String] = []
            var j = i + 1
            while j < words.count, !isSeparator(words[j]) {
                let w = String(decoding: words[j], as: UTF8.self)
                if w.hasPrefix("--") {
                    if w == "--recursive" { recursive = true }
                    if w == "--no-preserve-root" { targets.append(w) }
                } else if w.hasPrefix("-") || w.hasPrefix("/") && base != "find" && w.count <= 3 && (base == "rd" || base == "del" || base == "rmdir") {
                    if w.contains("r") || w == "/s" { recursive = true }
                    if w == "-delete" { deletes = true }
                    if base == "find" && (w == "-exec" || w == "-execdir") { deletes = words.dropFirst(j + 1).prefix(2).contains { $0.elementsEqual("rm".utf8) } }
                } else {
                    targets.append(w.strippingCharacters("\\"))
                }
                j += 1
            }
            if base == "find" { recursive = true }
            if base == "chmod" || base == "chown", let first = targets.first, !first.hasPrefix("/") && !first.hasPrefix("~") && !first.hasPrefix("$") {
                targets.removeFirst()  // the mode or owner
            }
            if recursive && deletes, let target = targets.first(where: { dangerousTargets.contains($0) }) {
                let verb = base == "chmod" || base == "chown" ? "changes permissions of everything under" : "deletes everything under"
                return "'\(base)' \(verb) '\(target)'"
            }
            i = j + 1
        }
        return nil
    }

    static func codeDelete(_ lower: ArraySlice<UInt8>) -> String? {
        for call in codeDeletes {
            guard let at = ByteScan.find(call, in: lower) else { continue }
            let tail = lower[at..<min(lower.endIndex, at + call.count + 64)]
            if let arg = homeArguments.first(where: { ByteScan.contains(tail, $0) }) {
                return "'\(String(decoding: call, as: UTF8.self).strippingCharacters("( "))' deletes \(String(decoding: arg, as: UTF8.self))"
            }
        }
        return nil
    }

    static func diskWipe(_ lower: ArraySlice<UInt8>) -> String? {
        guard let hit = diskWipes.first(where: { ByteScan.contains(lower, $0) }) else { return nil }
        let word = String(decoding: hit, as: UTF8.self)
        if word.hasPrefix("mkfs") || word.hasPrefix("wipefs") || word.hasPrefix("shred") {
            guard ByteScan.contains(lower, ByteScan.bytes("/dev/")) else { return nil }
        }
        return "'\(word.strippingCharacters(" "))' overwrites or formats a disk"
    }

    struct Hang {
        var text: String
        var isForkBomb: Bool
    }

    static func bombOrHang(_ lower: ArraySlice<UInt8>) -> Hang? {
        let squeezed = lower.filter { !ByteScan.isSpace($0) }[...]
        // name(){ name|name& };name
        if let brace = ByteScan.find(ByteScan.bytes("(){"), in: squeezed) {
            var s = brace
            while s > squeezed.startIndex, ByteScan.isIdentifierByte(squeezed[s - 1]) || squeezed[s - 1] == 0x3a { s -= 1 }
            let name = Array(squeezed[s..<brace])
            if !name.isEmpty, ByteScan.contains(squeezed, name + [0x7c] + name + [0x26]) {
                return Hang(text: "'\(String(decoding: name, as: UTF8.self))' is a fork bomb that starts copies of itself without end", isForkBomb: true)
            }
        }
        if ByteScan.contains(squeezed, ByteScan.bytes("%0|%0")) {
            return Hang(text: "a batch-file fork bomb ('%0|%0')", isForkBomb: true)
        }
        if ByteScan.contains(squeezed, ByteScan.bytes("fork(")),
            ByteScan.containsAny(squeezed, ["whiletrue:", "while(1)", "while(true)", "for(;;)", "loop{"].map { Array($0.utf8) })
        {
            return Hang(text: "a loop that forks new processes without end", isForkBomb: true)
        }
        if let hang = hangs.first(where: { needle in
            // `} while (1);` ends a do-while loop whose body is above: not an empty loop.
            guard let at = ByteScan.find(needle, in: squeezed) else { return false }
            return at == squeezed.startIndex || squeezed[at - 1] != 0x7d
        }) {
            return Hang(text: "'\(String(decoding: hang, as: UTF8.self))' is an empty loop that never ends", isForkBomb: false)
        }
        return nil
    }

    /// `rm -r… "$VAR/"…` or `${VAR}/` without `:?`.
    static func unguardedVariable(_ lower: ArraySlice<UInt8>) -> String? {
        guard ByteScan.contains(lower, ByteScan.bytes("rm ")), !ByteScan.contains(lower, ByteScan.bytes(":?")) else {
            return nil
        }
        let words = words(lower)
        guard let rm = words.firstIndex(where: { $0.elementsEqual("rm".utf8) }) else { return nil }
        var recursive = false
        for word in words[(rm + 1)...] {
            if isSeparator(word) { break }
            let w = String(decoding: word, as: UTF8.self)
            if w.hasPrefix("-") {
                if w.contains("r") { recursive = true }
                continue
            }
            guard recursive, w.hasPrefix("$"), !w.hasPrefix("$("), !w.hasPrefix("$home"), !w.hasPrefix("${home}") else { continue }
            // "$DIR/" or "${DIR}/…": the variable is the whole prefix of the path.
            if let slash = w.firstIndex(of: "/") {
                let variable = String(w[..<slash])
                let rest = w[w.index(after: slash)...]
                if rest.isEmpty || rest == "*" || rest.hasPrefix("*") { return variable }
            }
        }
        return nil
    }
}
