/// Commands that run other code: sudo, su, env, nohup, timeout, watch, xargs, find -exec, sh -c,
/// eval, source, interpreters with inline code.
extension CommandAnalyzer {
    mutating func sudo(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var user = "root"
        var shellMode = false
        var list = false
        var edit = name == "sudoedit"
        var i = args.startIndex
        let valued: Set<String> = ["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "--user", "--group",
            "--host", "--prompt", "--close-from", "--chdir", "--role", "--type", "--other-user"]
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "--" { i += 1; break }
            guard a.hasPrefix("-"), a.count > 1 else { break }
            if valued.contains(a) {
                if (a == "-u" || a == "--user"), i + 1 < args.endIndex { user = args[i + 1].literal ?? args[i + 1].display }
                i += 2
                continue
            }
            if a.hasPrefix("--user=") { user = String(a.dropFirst(7)) }
            else if a.hasPrefix("-u"), !a.hasPrefix("--") { user = String(a.dropFirst(2)) }
            else if !a.hasPrefix("--") {
                if a.contains("i") || a.contains("s") { shellMode = true }
                if a.contains("l") { list = true }
                if a.contains("e") { edit = true }
            } else if a == "--login" || a == "--shell" { shellMode = true }
            else if a == "--list" { list = true }
            else if a == "--edit" { edit = true }
            i += 1
        }
        if name == "doas", user == "root" { user = "root" }
        let rest = args.suffix(from: min(i, args.endIndex))
        var inner = ctx
        inner.user = user
        out.add(.elevatesPrivilege, user)
        let who = user == "root" ? "root (the administrator)" : "the user \(user)"
        out.reasons.append("\(name) runs it with the rights of \(who)")
        if edit {
            let files = rest.compactMap { $0.literal ?? $0.display }
            out.phrase = "edits \(Self.joinList(files.prefix(3).map { ShellPaths.clip($0) }))\(Self.asWho(inner))"
            out.raise(.writesFiles)
            for f in files.prefix(8) {
                let m = ShellPaths.write(f, append: false)
                out.raise(m.risk, m.reason)
                for e in m.effects { out.add(e.kind, e.detail) }
            }
            return
        }
        if rest.isEmpty {
            if list {
                out.phrase = "lists what you may run as root"
            } else if shellMode {
                out.phrase = "opens a shell\(Self.asWho(inner)); what is typed next runs with those rights"
                out.raise(.changesIdentityOrPrivilege, "switches to \(who)")
            } else {
                out.phrase = "refreshes the sudo password timeout"
            }
            return
        }
        wrapped(rest, inner, flow, &out, note: nil)
        if !out.phrase.contains(Self.asWho(inner)) { out.phrase += "," + Self.asWho(inner) }
    }

    mutating func su(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var user = "root"
        var code: ShellWord?
        var i = args.startIndex
        var sawUser = false
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "-c" || a == "--command", i + 1 < args.endIndex {
                code = args[i + 1]
                i += 2
                continue
            }
            if a.hasPrefix("--command=") {
                code = ShellWord(parts: [.literal(String(a.dropFirst(10)))], raw: a)
            } else if a == "-s" || a == "--shell" || a == "-g" || a == "-G" || a == "--group" {
                i += 2
                continue
            } else if !a.hasPrefix("-"), !sawUser {
                user = a
                sawUser = true
            }
            i += 1
        }
        var inner = ctx
        inner.user = user
        out.add(.elevatesPrivilege, user)
        if let code {
            runCode(code, "su -c", inner, flow, &out)
            if !out.phrase.contains(Self.asWho(inner)) { out.phrase += Self.asWho(inner) }
            out.reasons.append("su runs it as \(user == "root" ? "root (the administrator)" : user)")
        } else {
            out.phrase = "switches to \(user == "root" ? "the root (administrator) account" : "the user \(user)"); what is typed next runs as that user"
            out.raise(.changesIdentityOrPrivilege, "switches user to \(user)")
        }
    }

    mutating func runuser(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let (rest, options) = Self.skipOptions(args, values: ["-u", "--user", "-g", "-G", "-s", "-c", "--command", "-w"])
        var inner = ctx
        inner.user = options.first { $0.0 == "-u" || $0.0 == "--user" }?.1 ?? rest.first?.literal ?? "root"
        out.add(.elevatesPrivilege, inner.user)
        if let code = options.first(where: { $0.0 == "-c" || $0.0 == "--command" })?.1 {
            runCode(ShellWord(parts: [.literal(code)], raw: code), "runuser -c", inner, flow, &out)
        } else if options.contains(where: { $0.0 == "-u" || $0.0 == "--user" }), !rest.isEmpty {
            wrapped(rest, inner, flow, &out, note: nil)
        } else {
            out.phrase = "switches to the user \(inner.user ?? "root")"
            out.raise(.changesIdentityOrPrivilege)
            return
        }
        if !out.phrase.contains(Self.asWho(inner)) { out.phrase += Self.asWho(inner) }
    }

    mutating func env(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var i = args.startIndex
        var cleared = false
        while i < args.endIndex {
            let w = args[i]
            let a = w.literal ?? w.display
            if a == "-i" || a == "--ignore-environment" || a == "-" { cleared = true; i += 1; continue }
            if a == "-u" || a == "--unset" || a == "-C" || a == "--chdir" { i += 2; continue }
            if a == "-S" || a == "--split-string", i + 1 < args.endIndex {
                runCode(args[i + 1], "env -S", ctx, flow, &out)
                return
            }
            if a.hasPrefix("-"), a.count > 1 { i += 1; continue }
            if let assignment = ShellParser.assignment(w) {
                handleAssignment(assignment, ctx, &out, alone: false)
                i += 1
                continue
            }
            break
        }
        let rest = args.suffix(from: min(i, args.endIndex))
        if rest.isEmpty {
            out.phrase = "shows environment variables"
            return
        }
        wrapped(rest, ctx, flow, &out, note: cleared ? "with an empty environment" : nil)
    }

    private static let wrapperValues: [String: Set<String>] = [
        "nice": ["-n", "--adjustment"], "ionice": ["-c", "-n", "-p", "-t", "--class", "--classdata"],
        "taskset": ["-c", "--cpu-list"], "strace": ["-o", "-e", "-p", "-s", "-u", "-E", "-P", "-I", "-b", "-a", "-X"],
        "ltrace": ["-o", "-e", "-p", "-s", "-u"], "time": ["-o", "-f", "--output", "--format"],
        "exec": ["-a"], "proxychains": ["-f"], "proxychains4": ["-f"], "nsenter": ["-t", "--target", "-S", "-G"],
        "systemd-run": ["-u", "--unit", "-p", "--property", "--on-calendar", "--on-active", "--on-boot", "-E", "--setenv",
            "--uid", "--gid", "--description", "--slice", "-M", "--machine", "--working-directory"],
        "stdbuf": ["-i", "-o", "-e"],
    ]

    private static let wrapperNotes: [String: String] = [
        "nohup": "and keeps it running after you log out", "nice": "at a lower priority", "ionice": "at a lower disk priority",
        "time": "and reports how long it took", "exec": "in place of the current shell", "strace": "while tracing what it does",
        "ltrace": "while tracing what it does", "torify": "through the Tor network", "torsocks": "through the Tor network",
        "proxychains": "through a chain of proxies", "proxychains4": "through a chain of proxies",
        "firejail": "in a sandbox", "setsid": "detached from this terminal", "nsenter": "inside another namespace (for example a container)",
        "systemd-run": "as a separate system service",
    ]

    mutating func simpleWrapper(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        if name == "command" || name == "builtin" || name == "type" {
            if let first = args.first?.literal, first == "-v" || first == "-V" {
                out.phrase = "checks whether the command \(args.dropFirst().first?.literal ?? "") exists"
                return
            }
        }
        var (rest, options) = Self.skipOptions(args, values: Self.wrapperValues[name] ?? [])
        if name == "taskset", !options.contains(where: { $0.0 == "-c" || $0.0 == "--cpu-list" }), !rest.isEmpty {
            rest = rest.dropFirst()
        }
        if name == "systemd-run" {
            if options.contains(where: { $0.0.hasPrefix("--on-") }) {
                out.add(.persistence, "systemd-run timer")
                out.raise(.changesConfig, "schedules the command to run again later")
            }
        }
        if rest.isEmpty {
            if name == "strace" || name == "ltrace" {
                out.phrase = "traces what a running process does"
                return
            }
            if name == "exec" {
                out.phrase = "changes where the shell's input and output go"
            } else {
                out.phrase = "does nothing"
            }
            return
        }
        if name == "torify" || name == "torsocks" || name.hasPrefix("proxychains") {
            out.add(.obfuscation, "traffic routed through a proxy")
            out.reasons.append("network traffic is hidden behind a proxy")
        }
        wrapped(rest, ctx, flow, &out, note: Self.wrapperNotes[name])
        if name == "nohup" { out.add(.background) }
    }

    mutating func positionalWrapper(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        switch name {
        case "timeout":
            let (rest, _) = Self.skipOptions(args, values: ["-s", "-k", "--signal", "--kill-after"])
            guard let duration = rest.first else { out.phrase = "does nothing"; return }
            let command = rest.dropFirst()
            if command.isEmpty { out.phrase = "does nothing"; return }
            wrapped(command, ctx, flow, &out, note: "for at most \(duration.literal ?? duration.display)")
        case "gosu":
            guard let user = args.first else { out.phrase = "does nothing"; return }
            var inner = ctx
            inner.user = user.literal ?? user.display
            out.add(.elevatesPrivilege, inner.user)
            wrapped(args.dropFirst(), inner, flow, &out, note: nil)
            if !out.phrase.contains(Self.asWho(inner)) { out.phrase += Self.asWho(inner) }
        case "chroot":
            let (rest, _) = Self.skipOptions(args, values: ["--userspec", "--groups"])
            guard let dir = rest.first else { out.phrase = "does nothing"; return }
            var inner = ctx
            inner.place = "inside the folder tree \(ShellPaths.clip(dir.literal ?? dir.display, 40))"
            if rest.count == 1 {
                out.phrase = "opens a shell \(inner.place!)"
                out.raise(.changesIdentityOrPrivilege, "changes the root folder of the shell")
                return
            }
            wrapped(rest.dropFirst(), inner, flow, &out, note: inner.place)
        case "flock":
            let (rest, options) = Self.skipOptions(args, values: ["-w", "--timeout", "-E", "--conflict-exit-code", "-c", "--command"])
            if let code = options.first(where: { $0.0 == "-c" || $0.0 == "--command" })?.1 {
                runCode(ShellWord(parts: [.literal(code)], raw: code), "flock -c", ctx, flow, &out)
                return
            }
            let command = rest.dropFirst()
            if let c = command.first?.literal, c == "-c" || c == "--command", let code = command.dropFirst().first {
                runCode(code, "flock -c", ctx, flow, &out)
                return
            }
            if command.isEmpty { out.phrase = "takes a lock on \(rest.first?.literal ?? "a file")"; return }
            wrapped(command, ctx, flow, &out, note: "while holding a lock")
        case "script":
            let (rest, options) = Self.skipOptions(args, values: ["-c", "--command", "-t", "--timing", "-T", "-I", "-O"])
            if let code = options.first(where: { $0.0 == "-c" || $0.0 == "--command" })?.1 {
                runCode(ShellWord(parts: [.literal(code)], raw: code), "script -c", ctx, flow, &out)
                out.phrase += " while recording the terminal"
            } else {
                out.phrase = "records the terminal session\(rest.first.map { " into \($0.literal ?? $0.display)" } ?? "")"
                out.raise(.writesFiles)
            }
        default:  // busybox
            guard !args.isEmpty else { out.phrase = "lists BusyBox commands"; return }
            wrapped(args, ctx, flow, &out, note: nil)
        }
    }

    mutating func watch(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let (rest, options) = Self.skipOptions(args, values: ["-n", "--interval", "-d", "-q", "--equexit"])
        guard !rest.isEmpty else { out.phrase = "does nothing"; return }
        let seconds = options.first { $0.0 == "-n" || $0.0 == "--interval" }?.1 ?? "2"
        if options.contains(where: { $0.0 == "-x" || $0.0 == "--exec" }) {
            wrapped(rest, ctx, Flow(), &out, note: nil)
        } else {
            let text = rest.map { Self.codeText($0) }.joined(separator: " ")
            runCodeText(text, literal: rest.allSatisfy { $0.literal != nil }, "watch", ctx, Flow(), &out)
        }
        out.phrase = "every \(seconds) seconds, " + out.phrase
    }

    mutating func xargs(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let values: Set<String> = ["-I", "-n", "-P", "-d", "-L", "-a", "-E", "-s", "--max-args", "--max-procs",
            "--delimiter", "--arg-file", "--replace", "--max-lines", "-j", "--jobs", "-S", "--colsep"]
        let (rest, _) = Self.skipOptions(args, values: values)
        var inner = ctx
        inner.operandsFromInput = true
        if rest.isEmpty {
            out.phrase = "prints the items it reads"
            return
        }
        wrapped(rest, inner, Flow(), &out, note: "for each item in its input")
    }

    mutating func find(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        var paths: [String] = []
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a.hasPrefix("-") || a == "(" || a == "!" || a == ")" { break }
            paths.append(a)
            i += 1
        }
        var extras: [String] = []
        var named: String?
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            switch a {
            case "-name", "-iname", "-path", "-ipath", "-regex":
                if i + 1 < args.endIndex, named == nil { named = args[i + 1].literal ?? args[i + 1].display }
                i += 2
            case "-delete":
                out.raise(.destructive, "-delete removes every file that matches")
                for p in paths.isEmpty ? ["."] : paths { out.add(.deletes, p) }
                extras.append("deletes every file it finds")
                i += 1
            case "-exec", "-execdir", "-ok", "-okdir":
                var j = i + 1
                while j < args.endIndex, args[j].literal != ";", args[j].literal != "+" { j += 1 }
                let command = args[min(i + 1, j)..<min(j, args.endIndex)]
                if !command.isEmpty {
                    var inner = ctx
                    inner.operandsFromInput = true
                    inner.wrappers += 1
                    var o = Outcome()
                    invoke(command, inner, Flow(), &o)
                    merge(o, into: &out)
                    extras.append("for each file found, \(o.phrase)")
                }
                i = j + 1
            case "-fprint", "-fprint0", "-fprintf", "-fls":
                if i + 1 < args.endIndex {
                    let file = args[i + 1].literal ?? args[i + 1].display
                    let m = ShellPaths.write(file, append: false)
                    out.raise(m.risk, m.reason)
                    for e in m.effects { out.add(e.kind, e.detail) }
                    extras.append("writes the list to \(ShellPaths.clip(file))")
                }
                i += 2
            default:
                i += 1
            }
        }
        var phrase = "searches for files"
        if let named { phrase += " named \(ShellPaths.clip(named, 40))" }
        phrase += " in \(paths.isEmpty ? "the current folder" : Self.joinList(paths.prefix(3).map { ShellPaths.clip($0) }))"
        if !extras.isEmpty { phrase += " and " + extras.joined(separator: " and ") }
        out.phrase = phrase
        for p in paths where ShellPaths.isSecret(p) { out.add(.readsSecret, p) }
    }

    mutating func eval(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let literal = args.allSatisfy { $0.literal != nil }
        let text = args.map { Self.codeText($0) }.joined(separator: " ")
        out.add(.evaluatesCode, ShellPaths.clip(text, 80))
        runCodeText(text, literal: literal, "eval", ctx, flow, &out)
        if literal {
            out.reasons.append("eval runs the text as a command")
        }
    }

    mutating func source(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        guard let file = args.first else {
            out.phrase = "does nothing"
            return
        }
        if let code = Self.processSubstitutionOutput(file, out) {
            out.add(.pipesToShell, code)
            out.add(.evaluatesCode, "source")
            out.phrase = code == "the internet" || out.has(.download)
                ? "runs the downloaded code in the current shell without showing it to you"
                : "runs the output of another command as code in the current shell"
            out.raise(.runsOpaqueCode, "the code it runs is produced when the line runs, not shown here")
            return
        }
        let path = file.literal ?? file.display
        if path == "/dev/stdin" || path == "-" {
            runStdin("the current shell", ctx, flow, &out)
            return
        }
        runsFile(path, ctx, &out, kind: "commands in")
        out.phrase = "runs the commands in \(ShellPaths.clip(path)) in the current shell, whose contents are not shown here"
    }

    /// For `<(…)` arguments: a description of what produces the code (nil if not a process substitution).
    static func processSubstitutionOutput(_ word: ShellWord, _ out: Outcome) -> String? {
        guard word.parts.count == 1, case .processSubstitution = word.parts[0] else { return nil }
        return out.effects.first { $0.kind == .download }?.detail ?? "another command"
    }

    // MARK: - Shells and interpreters

    mutating func shell(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var i = args.startIndex
        var code: ShellWord?
        var hasC = false
        var readStdin = false
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "--" { i += 1; break }
            if a == "-" { readStdin = true; i += 1; break }
            if a.hasPrefix("--") {
                i += (a == "--rcfile" || a == "--init-file") ? 2 : 1
                continue
            }
            guard a.hasPrefix("-") || a.hasPrefix("+"), a.count > 1 else { break }
            let letters = a.dropFirst()
            if letters.contains("c") {
                hasC = true
                code = i + 1 < args.endIndex ? args[i + 1] : nil
                i += 2
                break
            }
            if letters.contains("s") { readStdin = true }
            i += (letters.contains("o") || letters.contains("O")) ? 2 : 1
        }
        // A shell whose input or output is a network connection is a remote shell.
        if let net = out.effects.first(where: { $0.kind == .networkConnection })?.detail {
            out.add(.reverseShell, net)
            out.phrase = "connects to \(net) and gives it control of this machine (a reverse shell)"
            out.raise(.runsOpaqueCode, "a shell wired to a network connection lets someone else type commands on this machine")
            return
        }
        if hasC {
            guard let code else {
                out.phrase = "starts \(name) with nothing to run"
                return
            }
            runCode(code, "\(name) -c", ctx, flow, &out)
            return
        }
        if !readStdin, i < args.endIndex {
            let script = args[i]
            if let producer = Self.processSubstitutionOutput(script, out) {
                out.add(.pipesToShell, producer)
                out.phrase = out.has(.download)
                    ? "runs the downloaded script\(Self.asWho(ctx)) without showing it to you"
                    : "runs the output of another command as a script\(Self.asWho(ctx))"
                out.raise(.runsOpaqueCode, "the script it runs is produced when the line runs, not shown here")
                return
            }
            let path = script.literal ?? script.display
            if path == "/dev/stdin" {
                runStdin(name, ctx, flow, &out)
                return
            }
            runsFile(path, ctx, &out, kind: "shell script")
            return
        }
        if flow.piped {
            runStdin(name, ctx, flow, &out)
            return
        }
        out.phrase = "opens a new \(name) shell\(Self.asWho(ctx))"
        if ctx.user != nil { out.raise(.changesIdentityOrPrivilege, "the shell runs as \(ctx.user ?? "")") }
    }

    /// A shell or interpreter reading code from its input.
    mutating func runStdin(_ name: String, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let who = Self.asWho(ctx)
        if let host = flow.downloadedFrom {
            out.add(.pipesToShell, host)
            out.phrase = flow.decoded ? "decodes it and runs it\(who) without showing it to you" : "runs it\(who) without showing it to you"
            out.raise(.runsOpaqueCode, "the code is downloaded from \(host) and run straight away; nobody sees it first")
        } else if flow.decoded || flow.carved {
            out.add(.pipesToShell, "decoded data")
            out.phrase = "runs the decoded data as code\(who)"
            out.raise(.runsOpaqueCode, "the code is hidden in an encoded form and only decoded when it runs")
        } else if let text = flow.visibleText {
            out.add(.pipesToShell, "visible text")
            runCodeText(text, literal: true, name, ctx, Flow(), &out)
            out.phrase = "runs these commands\(who): " + out.phrase
        } else if let file = flow.file {
            out.add(.runsScript, file)
            out.phrase = "runs the script in \(ShellPaths.clip(file))\(who), whose contents are not shown here"
            out.raise(.runsOpaqueCode, "Custody cannot see what \(ShellPaths.clip(file)) does")
        } else {
            out.add(.pipesToShell, "command output")
            out.phrase = "runs the output of the previous command as code\(who)"
            out.raise(.runsOpaqueCode, "the code it runs is produced when the line runs, not shown here")
        }
    }

    /// The text of a word as code: expansions kept as `$name`, command output as a marker variable.
    static func codeText(_ word: ShellWord) -> String {
        var out = ""
        appendCode(word.parts, &out)
        return out
    }

    private static func appendCode(_ parts: [WordPart], _ out: inout String) {
        for part in parts {
            switch part {
            case .literal(let s), .escaped(let s), .singleQuoted(let s), .glob(let s): out += s
            case .ansiC(let s, _): out += s
            case .doubleQuoted(let inner): appendCode(inner, &out)
            case .parameter(let name, let braced): out += braced ? "${\(name)}" : "$\(name)"
            case .commandSubstitution, .processSubstitution: out += "${__custody_output__}"
            case .arithmetic: out += "0"
            }
        }
    }

    mutating func runCode(_ code: ShellWord, _ label: String, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        runCodeText(Self.codeText(code), literal: code.literal != nil, label, ctx, flow, &out)
    }

    /// Parses and analyzes code given as text (sh -c, eval, ssh, watch…) one level deeper.
    mutating func runCodeText(_ text: String, literal: Bool, _ label: String, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        guard ctx.depth < Self.maxNesting else {
            out.phrase = "runs code nested too deeply to explain"
            out.raise(.unknown, "code is nested more than \(Self.maxNesting) levels deep")
            return
        }
        var inner = ctx
        inner.depth += 1
        let parsed = ShellParser.parse(text)
        if flow.piped { pendingFlow = flow }
        let results = analyze(parsed, inner)
        pendingFlow = nil
        let phrase = Self.joinList(results.map(\.phrase).filter { !$0.isEmpty })
        out.raise(results.map(\.risk).max() ?? .readOnly)
        out.phrase = phrase.isEmpty ? "runs nothing" : phrase
        if parsed.isIncomplete { out.reasons.append("the code given to \(label) is incomplete") }
        if !literal {
            if text.trimmingSpaces() == "${__custody_output__}" { out.phrase = "runs the output of another command as code" }
            out.add(.evaluatesCode, ShellPaths.clip(text, 80))
            out.raise(.runsOpaqueCode, "the code given to \(label) is only complete when the line runs (it uses variables or command output)")
        }
    }

    mutating func describeScheduled(_ text: String, _ ctx: Context, _ out: inout Outcome) {
        for line in text.split(separator: "\n").prefix(20) {
            let fields = line.split(separator: " ", maxSplits: line.hasPrefix("@") ? 1 : 5, omittingEmptySubsequences: true)
            guard let command = fields.last, fields.count >= 2, !line.hasPrefix("#") else { continue }
            var o = Outcome()
            runCodeText(String(command), literal: true, "cron", ctx, Flow(), &o)
            merge(o, into: &out)
            out.reasons.append("schedules: \(ShellPaths.clip(o.phrase, 100))")
        }
    }

    // MARK: - Interpreters

    mutating func interpreter(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let language = InlineCode.language(of: name)
        let values = InlineCode.valueOptions(name)
        var i = args.startIndex
        var code: ShellWord?
        var filter = false
        var inPlace = false
        var module: String?
        var encoded = false
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "--" { i += 1; break }
            guard a.hasPrefix("-"), a.count > 1 else { break }
            if a == "--version" || a == "-V" || (a == "-v" && name != "perl") || a == "-version" || a == "--help" || a == "-h" {
                out.phrase = "shows the \(language) version or help"
                return
            }
            if InlineCode.codeOptions(name).contains(a) {
                code = i + 1 < args.endIndex ? args[i + 1] : nil
                if a.lowercased().hasPrefix("-enc") || a.lowercased() == "-e" && (name == "pwsh" || name == "powershell") { encoded = true }
                i += 2
                break
            }
            if name == "perl" || name == "ruby", !a.hasPrefix("--") {
                let letters = a.dropFirst()
                if letters.contains("n") || letters.contains("p") { filter = true }
                if letters.first == "i" || letters.contains("i") { inPlace = true }
                if letters.last == "e" || letters.last == "E" {
                    code = i + 1 < args.endIndex ? args[i + 1] : nil
                    i += 2
                    break
                }
                if letters.first == "M" || letters.first == "r" { module = String(letters.dropFirst()) }
            }
            if a == "-m", name.hasPrefix("python"), i + 1 < args.endIndex {
                module = args[i + 1].literal ?? args[i + 1].display
                i += 2
                break
            }
            if a == "-jar", i + 1 < args.endIndex {
                runsFile(args[i + 1].literal ?? args[i + 1].display, ctx, &out, kind: "Java program")
                return
            }
            if values.contains(a) { i += 2; continue }
            i += 1
        }
        let rest = args.suffix(from: min(i, args.endIndex))
        if encoded, let code {
            out.add(.decode, "PowerShell -EncodedCommand")
            out.add(.runsInlineCode, ShellPaths.clip(code.literal ?? code.display, 60))
            out.add(.obfuscation, "base64-encoded PowerShell")
            out.phrase = "runs base64-encoded PowerShell code that is not readable here"
            out.raise(.runsOpaqueCode, "the code is encoded, so nobody can read it before it runs")
            return
        }
        if let code {
            let text = code.literal ?? Self.codeText(code)
            let verdict = InlineCode.analyze(text, language: language, filter: filter)
            out.add(.runsInlineCode, ShellPaths.clip(text, 80))
            for e in verdict.effects { out.add(e.kind, e.detail) }
            out.raise(verdict.risk, verdict.reason)
            if code.literal == nil { out.raise(.runsOpaqueCode, "the \(language) code is only complete when the line runs") }
            out.phrase = verdict.phrase
            if inPlace {
                let files = rest.compactMap(\.literal)
                out.phrase = "edits \(Self.joinList(files.prefix(3).map { ShellPaths.clip($0) })) in place with \(language) code"
                out.raise(.writesFiles)
                for f in files { let m = ShellPaths.write(f, append: false); out.raise(m.risk, m.reason); for e in m.effects { out.add(e.kind, e.detail) } }
            }
            return
        }
        if let module, name.hasPrefix("python") {
            return pythonModule(module, rest, ctx, &out)
        }
        if let script = rest.first {
            if let producer = Self.processSubstitutionOutput(script, out) {
                out.add(.pipesToShell, producer)
                out.phrase = "runs \(language) code produced by another command without showing it to you"
                out.raise(.runsOpaqueCode, "the code it runs is produced when the line runs, not shown here")
                return
            }
            let path = script.literal ?? script.display
            if path == "-" || path == "/dev/stdin" {
                runStdinInterpreter(language, ctx, flow, &out)
                return
            }
            runsFile(path, ctx, &out, kind: "\(language) script")
            return
        }
        if flow.piped {
            runStdinInterpreter(language, ctx, flow, &out)
            return
        }
        out.phrase = "opens an interactive \(language) prompt"
    }

    private mutating func runStdinInterpreter(_ language: String, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        if let text = flow.visibleText, !flow.decoded, flow.downloadedFrom == nil {
            let verdict = InlineCode.analyze(text, language: language, filter: false)
            out.add(.runsInlineCode, ShellPaths.clip(text, 80))
            out.add(.pipesToShell, "visible text")
            for e in verdict.effects { out.add(e.kind, e.detail) }
            out.raise(verdict.risk, verdict.reason)
            out.phrase = verdict.phrase
            return
        }
        runStdin(language, ctx, flow, &out)
    }

    private mutating func pythonModule(_ module: String, _ rest: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        switch module {
        case "json.tool":
            out.phrase = "pretty-prints JSON"
        case "http.server", "SimpleHTTPServer":
            out.phrase = "shares the files in the current folder over the network (a web server on port \(rest.first?.literal ?? "8000"))"
            out.add(.listens, rest.first?.literal ?? "8000")
            out.raise(.networkEgress, "anyone who can reach this machine can download its files")
        case "pip", "pipx":
            packageTool(module, rest, ctx, &out)
        case "venv", "virtualenv":
            out.phrase = "creates a Python virtual environment in \(rest.last?.literal ?? "a folder")"
            out.raise(.writesFiles)
        case "pytest", "unittest":
            out.phrase = "runs the project's Python tests (their code is not shown here)"
            out.add(.runsScript, module)
            out.raise(.runsOpaqueCode, "test code runs as a program")
        case "base64":
            out.phrase = rest.contains { $0.literal == "-d" } ? "decodes base64 data" : "encodes data as base64"
            if rest.contains(where: { $0.literal == "-d" }) { out.add(.decode, "base64") }
        default:
            out.phrase = "runs the Python module \(ShellPaths.clip(module, 40))"
            out.add(.runsScript, module)
            out.raise(.runsOpaqueCode, "the module's code is not shown here")
        }
    }
}
