/// Resolving the program name and dispatching to what Custody knows about it.
extension CommandAnalyzer {
    struct ResolvedName {
        var name: String?
        var isPath = false
        var obfuscation: String?
    }

    /// The program name as the shell would run it, and how it was disguised, if it was.
    static func resolveName(_ word: ShellWord) -> ResolvedName {
        guard let literal = word.literal else {
            var reason = "the program name is only known when the line runs"
            for part in word.parts {
                switch part {
                case .parameter(let name, _):
                    if name == "__custody_output__" {
                        reason = "the program name comes from the output of another command"
                    } else if name.hasPrefix("IFS") {
                        reason = "uses ${IFS} instead of spaces to hide the command"
                    } else {
                        reason = "the program name comes from the variable $\(name.prefix { $0 != ":" && $0 != "}" }), so what runs is not shown"
                    }
                case .commandSubstitution, .processSubstitution:
                    reason = "the program name is computed by another command when the line runs"
                case .doubleQuoted(let inner):
                    if inner.contains(where: { if case .parameter = $0 { true } else { false } }) {
                        reason = "the program name comes from a variable, so what runs is not shown"
                    } else if inner.contains(where: { if case .commandSubstitution = $0 { true } else { false } }) {
                        reason = "the program name is computed by another command when the line runs"
                    }
                default: continue
                }
                break
            }
            return ResolvedName(name: nil, obfuscation: reason)
        }
        var resolved = ResolvedName(name: literal)
        if literal.contains("/") {
            resolved.isPath = true
        }
        if word.hasGlob {
            resolved.obfuscation = "wildcards (\(ShellPaths.clip(word.raw, 30))) stand in for the program name, hiding which program runs"
            resolved.name = nil
            return resolved
        }
        // Quotes or backslashes splitting the name: c''url, c"u"rl, \c\u\r\l.
        var quoted = 0
        var emptyQuotes = false
        var escapedCount = 0
        for part in word.parts {
            switch part {
            case .singleQuoted(let s):
                quoted += 1
                if s.isEmpty { emptyQuotes = true }
            case .doubleQuoted(let inner):
                quoted += 1
                if inner.isEmpty { emptyQuotes = true }
            case .escaped: escapedCount += 1
            case .ansiC(let s, let encoded):
                if encoded {
                    resolved.obfuscation = "the program name is spelled with hex or octal escape codes ($'…' means \(ShellPaths.clip(literal, 30)))"
                } else {
                    quoted += 1
                    if s.isEmpty { emptyQuotes = true }
                }
            default: break
            }
        }
        let leadingBackslashOnly = escapedCount == 1 && quoted == 0 && word.raw.hasPrefix("\\")
        if resolved.obfuscation == nil, word.parts.count > 1, !leadingBackslashOnly, quoted + escapedCount > 0 || emptyQuotes {
            resolved.obfuscation = "quotes or backslashes split the program name (\(ShellPaths.clip(word.raw, 30)) means \(ShellPaths.clip(literal, 30))), a trick to hide it"
        }
        if resolved.obfuscation == nil, literal.contains("{"), literal.contains(","), literal.contains("}") {
            resolved.obfuscation = "brace expansion ({…,…}) hides spaces inside the command"
            resolved.name = nil
            return resolved
        }
        if resolved.obfuscation == nil, literal.unicodeScalars.contains(where: { $0.value > 0x7F }) {
            resolved.obfuscation = "the program name contains look-alike non-ASCII letters"
        }
        if literal.isEmpty { resolved.name = nil }
        return resolved
    }

    /// Phrase suffix for who runs the command.
    static func asWho(_ ctx: Context) -> String {
        guard let user = ctx.user else { return "" }
        return user == "root" ? " as root" : " as the user \(user)"
    }

    mutating func invoke(_ words: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        guard let first = words.first else { return }
        guard ctx.wrappers <= Self.maxWrappers, ctx.depth <= Self.maxNesting + 1 else {
            out.phrase = "runs a command nested too deeply to explain"
            out.raise(.unknown, "commands wrap or nest each other too deeply")
            return
        }
        let resolved = Self.resolveName(first)
        if let reason = resolved.obfuscation {
            out.add(.obfuscation, reason)
            out.raise(.runsOpaqueCode, reason)
        }
        guard let name = resolved.name else {
            out.phrase = "runs a program whose name is hidden"
            out.add(.runsUnknownProgram, first.display)
            return
        }
        let args = words.dropFirst()
        if resolved.isPath {
            let base = ShellPaths.basename(name)
            let dir = ShellPaths.directory(name)
            if ShellPaths.standardBinDirectories.contains(dir), Self.isKnown(base) {
                dispatch(base, args, ctx, flow, &out)
            } else {
                runsFile(name, ctx, &out)
            }
            return
        }
        dispatch(name, args, ctx, flow, &out)
    }

    static func isKnown(_ name: String) -> Bool {
        KnowledgeBase.commands[name] != nil || handledNames.contains(name) || name.hasPrefix("python")
            || name.hasPrefix("mkfs.")
    }

    static let handledNames: Set<String> = [
        "sudo", "doas", "su", "runuser", "pkexec", "env", "nohup", "nice", "ionice", "stdbuf", "setsid", "taskset",
        "chronic", "unbuffer", "caffeinate", "torify", "torsocks", "proxychains", "proxychains4", "firejail",
        "time", "command", "builtin", "exec", "strace", "ltrace", "timeout", "gosu", "chroot", "flock", "busybox",
        "watch", "xargs", "parallel", "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish", "csh", "tcsh", "rbash",
        "perl", "ruby", "node", "nodejs", "php", "lua", "Rscript", "deno", "bun", "pwsh", "powershell", "osascript",
        "java", "irb", "eval", "source", ".", "sudoedit", "systemd-run", "script", "nsenter", "ip", "hostnamectl",
        "timedatectl", "export", "unset", "at", "batch",
    ]

    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish", "csh", "tcsh", "rbash"]

    mutating func dispatch(
        _ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome
    ) {
        if let fn = functions[name] {
            out.phrase = "runs the function \(name), which \(fn.phrase)"
            out.raise(fn.risk)
            return
        }
        if definingFunctions.contains(name) {
            out.phrase = "calls \(name) again"
            return
        }
        if Self.shells.contains(name) { return shell(name, args, ctx, flow, &out) }
        if name.hasPrefix("python") || ["perl", "ruby", "node", "nodejs", "php", "lua", "Rscript", "deno", "bun", "pwsh",
            "powershell", "osascript", "java", "irb"].contains(name)
        {
            return interpreter(name, args, ctx, flow, &out)
        }
        switch name {
        case "sudo", "doas", "sudoedit": return sudo(name, args, ctx, flow, &out)
        case "su": return su(args, ctx, flow, &out)
        case "runuser": return runuser(args, ctx, flow, &out)
        case "pkexec":
            var inner = ctx
            inner.user = "root"
            wrapped(args, inner, flow, &out, note: nil)
            out.add(.elevatesPrivilege, "root")
            if !out.phrase.contains(" as root") { out.phrase += " as root" }
            return
        case "env": return env(args, ctx, flow, &out)
        case "nohup", "nice", "ionice", "stdbuf", "setsid", "taskset", "chronic", "unbuffer", "caffeinate", "torify",
            "torsocks", "proxychains", "proxychains4", "firejail", "time", "command", "builtin", "exec", "strace",
            "ltrace", "nsenter", "systemd-run":
            return simpleWrapper(name, args, ctx, flow, &out)
        case "timeout", "gosu", "chroot", "flock", "busybox", "script": return positionalWrapper(name, args, ctx, flow, &out)
        case "watch": return watch(args, ctx, &out)
        case "xargs", "parallel": return xargs(args, ctx, flow, &out)
        case "find": return find(args, ctx, &out)
        case "eval": return eval(args, ctx, flow, &out)
        case "source", ".": return source(args, ctx, flow, &out)
        case "ssh": return ssh(args, ctx, flow, &out)
        case "scp", "rsync", "sftp": return remoteCopy(name, args, ctx, flow, &out)
        case "curl": return curl(args, ctx, flow, &out)
        case "wget": return wget(args, ctx, &out)
        case "nc", "ncat", "netcat": return netcat(args, ctx, flow, &out)
        case "socat": return socat(args, ctx, &out)
        case "dd": return dd(args, ctx, &out)
        case "psql", "mysql", "mariadb", "sqlite3", "mongo", "mongosh": return database(name, args, ctx, flow, &out)
        case "awk", "gawk", "mawk", "nawk": return awk(args, ctx, &out)
        case "sed", "gsed": return sed(args, ctx, &out)
        case "echo", "printf": return echo(name, args, ctx, &out)
        case "cat":
            let operands = applySpec(KnowledgeBase.commands["cat"]!, args, ctx, &out)
            if operands.isEmpty, let text = flow.visibleText { out.visibleOutput = text }
            if operands.isEmpty, flow.piped { out.phrase = "passes its input through" }
            return
        case "export", "declare", "typeset", "local", "readonly": return export(name, args, ctx, &out)
        case "unset":
            let names = args.compactMap(\.literal)
            if names.contains("HISTFILE") {
                out.add(.hidesTracks, "HISTFILE")
                out.raise(.changesConfig, "unsetting HISTFILE stops this session's commands from being saved in the history")
            }
            out.phrase = "removes the variables \(names.prefix(3).joined(separator: ", "))"
            return
        case "git": return git(args, ctx, flow, &out)
        case "docker", "podman", "nerdctl": return docker(name, args, ctx, flow, &out)
        case "docker-compose": return compose(args, ctx, &out)
        case "kubectl", "oc", "k": return kubectl(args, ctx, flow, &out)
        case "aws": return aws(args, ctx, &out)
        case "az": return azure(args, ctx, &out)
        case "gcloud": return gcloud(args, ctx, &out)
        case "gsutil": return gsutil(args, ctx, &out)
        case "systemctl": return systemctl(args, ctx, &out)
        case "apt", "apt-get", "aptitude", "yum", "dnf", "microdnf", "zypper", "apk", "snap", "flatpak", "brew", "pip",
            "pip3", "pipx", "npm", "yarn", "pnpm", "gem", "cargo", "go", "composer", "conda", "helm", "terraform",
            "swift", "docker-machine", "bundle":
            return packageTool(name, args, ctx, &out)
        case "ip": return ipTool(args, ctx, &out)
        case "hostname", "hostnamectl", "timedatectl":
            let operands = applySpec(KnowledgeBase.commands[name]!, args, ctx, &out)
            if let first = operands.first, name == "hostname" || first.hasPrefix("set-") {
                out.phrase = name == "hostname" ? "renames the machine to \(first)" : "changes system settings (\(first))"
                out.add(.changesConfig, first)
                out.raise(.changesConfig)
            }
            return
        case "crontab":
            let operands = applySpec(KnowledgeBase.commands["crontab"]!, args, ctx, &out)
            if out.risk == .changesConfig, operands.first == "-" || (operands.isEmpty && flow.piped) {
                out.phrase = "replaces the scheduled jobs (cron table) with its input"
                if let text = flow.visibleText {
                    describeScheduled(text, ctx, &out)
                } else {
                    out.add(.persistence, "cron")
                    out.raise(.runsOpaqueCode, "the scheduled jobs come from another command's output, so what will run later is not shown")
                }
            }
            return
        case "alias":
            out.phrase = "defines a command alias \(args.first.map { ShellPaths.clip($0.literal ?? $0.display, 50) } ?? "")"
            if args.isEmpty {
                out.phrase = "lists command aliases"
                return
            }
            out.add(.changesConfig, "alias")
            out.raise(.changesConfig, "an alias changes what a command name does from now on")
            for w in args {
                guard let a = ShellParser.assignment(w) else { continue }
                var o = Outcome()
                runCode(a.value, "alias", ctx, Flow(), &o)
                if o.risk > .readOnly {
                    merge(o, into: &out)
                    out.reasons.append("from now on, typing \(a.name) \(ShellPaths.clip(o.phrase, 100))")
                }
            }
            return
        case "at", "batch":
            _ = applySpec(KnowledgeBase.commands[name]!, args, ctx, &out)
            if let text = flow.visibleText {
                var o = Outcome()
                runCodeText(text, literal: true, name, ctx, Flow(), &o)
                merge(o, into: &out)
                out.phrase = "schedules this to run later: \(o.phrase)"
            } else if flow.piped {
                out.raise(.runsOpaqueCode, "the commands scheduled come from another command's output, so what will run later is not shown")
            } else if let file = Self.value(args, "-f") {
                runsFile(file, ctx, &out, kind: "commands in")
                out.phrase = "schedules the commands in \(file) to run later"
            }
            return
        default:
            break
        }
        if name == "chmod" || name == "chown" || name == "chgrp" {
            let operands = applySpec(KnowledgeBase.commands[name]!, args, ctx, &out)
            if operands.count >= 2 {
                let noun = name == "chmod" ? "permissions" : name == "chown" ? "owner" : "group"
                let files = Array(operands.dropFirst())
                out.phrase = "changes the \(noun) of \(Self.joinList(files.prefix(3).map { ShellPaths.clip($0) }))\(files.count > 3 ? " and \(files.count - 3) more" : "") to \(ShellPaths.clip(operands[0], 30))"
                    + (Self.hasFlag(args, "-R", "--recursive") ? " and everything inside" : "")
                if name == "chmod", operands[0].contains("777") || operands[0].contains("o+w") || operands[0] == "a+w" {
                    out.reasons.append("\(operands[0]) lets every user on the machine change these files")
                }
                if name == "chmod", operands[0].contains("s") || operands[0].hasPrefix("4") && operands[0].count == 4 {
                    out.reasons.append("\(operands[0]) makes the program run with its owner's rights (setuid)")
                }
            }
            return
        }
        if name.hasPrefix("mkfs.") {
            _ = applySpec(KnowledgeBase.commands["mkfs"]!, args, ctx, &out)
            return
        }
        if let spec = KnowledgeBase.commands[name] {
            _ = applySpec(spec, args, ctx, &out)
            return
        }
        out.phrase = "runs \(ShellPaths.clip(name, 40)), a program Custody does not know"
        out.add(.runsUnknownProgram, name)
        out.raise(.runsOpaqueCode, "\(ShellPaths.clip(name, 40)) is not in Custody's knowledge base, so what it does is not known")
    }

    /// A program or script file whose contents are not on screen.
    mutating func runsFile(_ path: String, _ ctx: Context, _ out: inout Outcome, kind: String = "program") {
        let isScript = path.hasSuffix(".sh") || path.hasSuffix(".bash") || path.hasSuffix(".py") || path.hasSuffix(".pl")
            || path.hasSuffix(".rb") || path.hasSuffix(".js")
        let noun = kind == "program" && isScript ? "script" : kind
        out.phrase = "runs the \(noun) \(ShellPaths.clip(path))\(Self.asWho(ctx)), whose contents are not shown here"
        out.add(.runsScript, path)
        out.raise(.runsOpaqueCode, "Custody cannot see what \(ShellPaths.clip(path)) does")
        if path.hasPrefix("/tmp/") || path.hasPrefix("/dev/shm/") || path.hasPrefix("/var/tmp/") {
            out.reasons.append("it sits in a temporary folder, where downloaded files usually land")
        }
    }

    /// Runs `words` as a command (wrappers), merging what it does into `out`.
    mutating func wrapped(_ words: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome, note: String?) {
        guard ctx.wrappers < Self.maxWrappers else {
            out.phrase = "runs a command wrapped too many times to explain"
            out.raise(.unknown, "more than \(Self.maxWrappers) commands wrap each other")
            return
        }
        var ctx = ctx
        ctx.wrappers += 1
        var inner = Outcome()
        inner.effects = out.effects.filter { $0.kind == .networkConnection }
        invoke(words, ctx, flow, &inner)
        merge(inner, into: &out)
        out.phrase = inner.phrase + (note.map { " " + $0 } ?? "")
        out.visibleOutput = inner.visibleOutput
    }

    func merge(_ inner: Outcome, into out: inout Outcome) {
        out.raise(inner.risk)
        for r in inner.reasons where !out.reasons.contains(r) { out.reasons.append(r) }
        for e in inner.effects { out.add(e.kind, e.detail) }
    }

    /// Options parsed from words: index of the first operand after options, values of value options.
    static func skipOptions(
        _ args: ArraySlice<ShellWord>, values: Set<String>, stopAtFirstOperand: Bool = true
    ) -> (rest: ArraySlice<ShellWord>, options: [(String, String?)]) {
        var options: [(String, String?)] = []
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "--" { i += 1; break }
            guard a.hasPrefix("-"), a.count > 1 else { break }
            if values.contains(a), i + 1 < args.endIndex {
                options.append((a, args[i + 1].literal ?? args[i + 1].display))
                i += 2
                continue
            }
            if let eq = a.firstIndex(of: "="), a.hasPrefix("--") {
                options.append((String(a[..<eq]), String(a[a.index(after: eq)...])))
            } else {
                options.append((a, nil))
            }
            i += 1
        }
        return (args.suffix(from: min(i, args.endIndex)), options)
    }

    /// Applies a knowledge-base entry; returns the operands.
    @discardableResult
    mutating func applySpec(_ spec: CommandSpec, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) -> [String] {
        var operands: [String] = []
        var modeRisk: RiskClass?
        var modePhrase: String?
        var lower: RiskClass?
        var notes: [String] = []
        var afterDashDash = false
        var skipNext = false
        func apply(_ rule: FlagRule, _ out: inout Outcome) {
            if let p = rule.phrase {
                let r = rule.risk ?? spec.risk
                if modeRisk == nil || r > modeRisk! {
                    modeRisk = r
                    modePhrase = p
                }
            } else if let r = rule.risk, r < spec.risk {
                lower = min(lower ?? r, r)
            } else if let r = rule.risk {
                out.raise(r, r > spec.risk ? rule.note.map { "\(rule.names[0]) \($0)" } : nil)
            }
            if let note = rule.note, !notes.contains(note) { notes.append(note) }
            if let e = rule.effect { out.add(e) }
        }
        for w in args {
            if skipNext {
                skipNext = false
                continue
            }
            let a = w.literal ?? w.display
            if afterDashDash || !(a.hasPrefix("-") && a.count > 1) {
                if operands.count < 2, !afterDashDash {
                    if let rule = spec.flags.first(where: { $0.names.contains(a) && !a.hasPrefix("-") }) {
                        apply(rule, &out)
                        continue
                    }
                    if spec.flags.contains(where: { $0.names.contains("x") }), a.count <= 6, a.allSatisfy({ $0.isLetter }) {
                        var any = false
                        for ch in a {
                            if let rule = spec.flags.first(where: { $0.names.contains(String(ch)) }) {
                                apply(rule, &out)
                                any = true
                            }
                        }
                        if any { continue }
                    }
                }
                operands.append(a)
                continue
            }
            if a == "--" {
                afterDashDash = true
                continue
            }
            var matched = false
            for rule in spec.flags where rule.names.contains(where: { n in n.hasPrefix("-") && (a == n || n.hasSuffix("=") && a.hasPrefix(n)) }) {
                apply(rule, &out)
                matched = true
            }
            if !matched, spec.clusters, !a.hasPrefix("--"), a.count > 2 {
                for ch in a.dropFirst() {
                    let f = "-" + String(ch)
                    if let rule = spec.flags.first(where: { $0.names.contains(f) }) { apply(rule, &out) }
                }
                if let last = a.last, spec.valueOptions.contains("-" + String(last)) { skipNext = true }
            }
            if spec.valueOptions.contains(a) { skipNext = true }
        }
        var risk = modeRisk ?? spec.risk
        if let lower { risk = min(risk, lower) }
        out.raise(risk)
        if out.risk > risk, out.risk < spec.risk { /* raised by flags */ }
        let template = modePhrase ?? spec.phrase
        out.phrase = Self.fill(template, operands, ctx.operandsFromInput) + (notes.isEmpty ? "" : " " + notes.joined(separator: " "))
        if modePhrase == nil, lower == nil {
            for kind in spec.effects {
                switch kind {
                case .deletes, .overwrites, .wipesDisk, .writesFile:
                    if operands.isEmpty { out.add(kind) }
                    for o in operands.prefix(8) { out.add(kind, o) }
                default:
                    out.add(kind)
                }
            }
        }
        if risk >= .writesFiles, spec.targets != .none {
            let targets: [String] = spec.targets == .all ? operands : (operands.count >= 2 ? [operands[operands.count - 1]] : [])
            for t in targets.prefix(16) {
                if spec.risk == .destructive {
                    if Self.isEverything(t) {
                        out.raise(.destructive, "\(t) means everything there, which can destroy the whole system")
                    }
                    continue
                }
                let meaning = ShellPaths.write(t, append: false)
                out.raise(meaning.risk, meaning.reason)
                for e in meaning.effects { out.add(e.kind, e.detail) }
            }
        }
        for o in operands.prefix(16) where ShellPaths.isSecret(o) {
            out.add(.readsSecret, o)
            let reason = "\(ShellPaths.clip(o)) usually holds secrets such as passwords or keys"
            if !out.reasons.contains(reason) { out.reasons.append(reason) }
        }
        return operands
    }

    static func isEverything(_ path: String) -> Bool {
        ["/", "/*", "~", "~/", "$HOME", "${HOME}", "*", ".", "./", "/home", "/etc", "/usr", "/var", "/boot", "/root",
            "--no-preserve-root"].contains(path)
    }

    /// Replaces `{args}` or `{args|default}` in a phrase template.
    static func fill(_ template: String, _ operands: [String], _ fromInput: Bool) -> String {
        guard let open = template.firstRange(of: "{args"),
            let close = template[open.upperBound...].firstIndex(of: "}")
        else { return template }
        let inside = template[open.upperBound..<close]
        var value: String
        if operands.isEmpty {
            value = fromInput ? "the items it is given" : (inside.hasPrefix("|") ? String(inside.dropFirst()) : "")
        } else {
            value = joinList(operands.prefix(3).map { ShellPaths.clip($0) })
            if operands.count > 3 { value += " and \(operands.count - 3) more" }
        }
        var result = String(template[..<open.lowerBound]) + value + String(template[template.index(after: close)...])
        while result.hasSuffix(" ") { result.removeLast() }
        if value.isEmpty {
            result = result.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        return result
    }
}
