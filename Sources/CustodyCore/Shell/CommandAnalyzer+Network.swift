/// Network and byte-level tools: ssh, scp/rsync, curl, wget, nc, socat, dd, and text tools with
/// special forms (awk, sed, echo/printf, export).
extension CommandAnalyzer {
    mutating func ssh(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let values: Set<String> = ["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o",
            "-p", "-Q", "-R", "-S", "-W", "-w", "-B"]
        var i = args.startIndex
        var tunnel: String?
        var noCommand = false
        var user: String?
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            guard a.hasPrefix("-"), a.count > 1 else { break }
            let value = i + 1 < args.endIndex ? (args[i + 1].literal ?? args[i + 1].display) : ""
            if values.contains(a) {
                switch a {
                case "-L", "-R", "-D", "-W": tunnel = a
                case "-l": user = value
                case "-o":
                    let lower = value.lowercased()
                    if lower.hasPrefix("proxycommand=") || lower.hasPrefix("localcommand=") || lower.hasPrefix("permitlocalcommand") {
                        if let eq = value.firstIndex(of: "=") {
                            var o = Outcome()
                            runCodeText(String(value[value.index(after: eq)...]), literal: true, "ssh -o", ctx, Flow(), &o)
                            merge(o, into: &out)
                            out.reasons.append("the ssh option \(ShellPaths.clip(value, 40)) runs a local command: \(ShellPaths.clip(o.phrase, 80))")
                        }
                    }
                    if lower.hasPrefix("stricthostkeychecking=no") || lower.hasPrefix("userknownhostsfile=/dev/null") {
                        out.reasons.append("does not check that the other machine is the right one (host key checking is off)")
                    }
                default: break
                }
                i += 2
                continue
            }
            if a.contains("N") { noCommand = true }
            if a.contains("R") || a.contains("L") || a.contains("D") { tunnel = a }
            i += 1
        }
        guard i < args.endIndex else {
            out.phrase = "starts ssh without a destination"
            return
        }
        let destination = args[i].literal ?? args[i].display
        let host = ShellPaths.sshHost(destination)
        if user == nil, let at = destination.firstIndex(of: "@") { user = String(destination[..<at]) }
        out.add(.networkConnection, host)
        out.raise(.networkEgress, "connects to \(host) over the network")
        var j = i + 1
        while j < args.endIndex, let a = args[j].literal, a.hasPrefix("-"), a.count > 1 {
            if values.contains(a) {
                if a == "-L" || a == "-R" || a == "-D" || a == "-W" { tunnel = a }
                j += 2
            } else {
                if a.contains("N") { noCommand = true }
                j += 1
            }
        }
        let command = args[min(j, args.endIndex)...]
        if let tunnel {
            out.reasons.append("\(tunnel) opens a network tunnel through \(host)")
        }
        if command.isEmpty {
            if flow.piped {
                out.add(.upload, host)
                out.phrase = "sends its input to \(host) over ssh"
            } else if noCommand || tunnel != nil {
                out.phrase = "opens a network tunnel through \(host)"
            } else {
                out.phrase = "opens a remote shell on \(host)\(user.map { " as \($0)" } ?? ""); what is typed next runs there"
            }
            return
        }
        let text = command.map { Self.codeText($0) }.joined(separator: " ")
        var inner = ctx
        inner.place = "on \(host)"
        inner.user = user == "root" ? "root" : nil
        out.add(.runsRemoteCommand, host)
        var o = Outcome()
        runCodeText(text, literal: command.allSatisfy { $0.literal != nil }, "ssh", inner, flow, &o)
        merge(o, into: &out)
        out.phrase = "connects to \(host) and there \(o.phrase)"
        if flow.piped, flow.visibleText == nil { out.add(.upload, host) }
    }

    mutating func remoteCopy(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let spec = KnowledgeBase.commands[name]!
        let operands = applySpec(spec, args, ctx, &out)
        let hosts = operands.compactMap { ShellPaths.remoteHost($0) }
        if hosts.isEmpty {
            if name == "sftp" { return }
            out.risk = out.risk == .networkEgress && name == "scp" ? .writesFiles : out.risk
            return
        }
        for h in hosts { out.add(.networkConnection, h) }
        out.raise(.networkEgress, "copies files across the network")
        if let last = operands.last, let h = ShellPaths.remoteHost(last) {
            out.add(.upload, h)
            out.phrase = "copies \(Self.joinList(operands.dropLast().prefix(3).map { ShellPaths.clip($0) })) to \(h)"
            let sources = operands.dropLast()
            for s in sources where ShellPaths.isSecret(s) { out.add(.readsSecret, s) }
        } else if let first = operands.first, let h = ShellPaths.remoteHost(first) {
            out.add(.download, h)
            out.phrase = "copies \(ShellPaths.clip(first)) from \(h) to \(operands.count > 1 ? ShellPaths.clip(operands.last!) : "here")"
            if let last = operands.last, operands.count > 1 {
                let m = ShellPaths.write(last, append: false)
                out.raise(m.risk, m.reason)
            }
        }
        if out.has(.deletes) { out.phrase += " and deletes files that are not in the source" }
    }

    private static let curlValues: Set<String> = [
        "-o", "--output", "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "--data-ascii", "-F",
        "--form", "--form-string", "-T", "--upload-file", "-H", "--header", "-X", "--request", "-u", "--user", "-A",
        "--user-agent", "-e", "--referer", "-x", "--proxy", "-K", "--config", "--connect-timeout", "-m", "--max-time",
        "-w", "--write-out", "--resolve", "-b", "--cookie", "-c", "--cookie-jar", "--cacert", "--cert", "--key", "-E",
        "-r", "--range", "-C", "--continue-at", "--retry", "-U", "--proxy-user", "--limit-rate", "--interface",
        "--url", "--json", "-Y", "-y", "-z", "--retry-delay", "--retry-max-time", "--oauth2-bearer", "--noproxy",
        "--dns-servers", "-Q", "--quote", "--create-dirs-mode", "--max-filesize", "-t", "--telnet-option", "--aws-sigv4",
        "--variable", "--expand-url", "--pinnedpubkey", "--capath", "--ciphers", "--tls-max",
    ]

    mutating func curl(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var urls: [String] = []
        var output: String?
        var remoteName = false
        var sends: [String] = []
        var insecure = false
        var method: String?
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            let next = i + 1 < args.endIndex ? (args[i + 1].literal ?? args[i + 1].display) : nil
            if a.hasPrefix("-"), a.count > 1 {
                var name = a
                var value = next
                if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                    name = String(a[..<eq])
                    value = String(a[a.index(after: eq)...])
                }
                switch name {
                case "-o", "--output": output = value
                case "-O", "--remote-name", "--remote-name-all": remoteName = true
                case "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "--data-ascii", "-F", "--form",
                    "--json", "-T", "--upload-file", "--form-string":
                    sends.append(value ?? "")
                case "-X", "--request": method = value
                case _ where name.hasPrefix("-X") && !name.hasPrefix("--"): method = String(name.dropFirst(2))
                case "-k", "--insecure": insecure = true
                case "--url": if let value { urls.append(value) }
                default:
                    if !a.hasPrefix("--"), a.count > 2 {
                        if a.contains("O") { remoteName = true }
                        if a.contains("k") { insecure = true }
                        if a.hasSuffix("o") { output = next }
                    }
                }
                let takesValue = Self.curlValues.contains(name) || (!a.hasPrefix("--") && a.count > 2 && a.last.map { "odFTHXuAexKmwbcrCUYyzE".contains($0) } == true)
                i += (takesValue && !a.contains("=")) ? 2 : 1
                continue
            }
            urls.append(a)
            i += 1
        }
        let hosts = urls.compactMap { ShellPaths.host(ofURL: $0, bare: true) ?? ($0.contains("://") ? nil : nil) }
        let host = hosts.first ?? urls.first.map { ShellPaths.clip($0, 40) } ?? "a web server"
        out.raise(.networkEgress, "contacts \(host) over the network")
        out.add(.networkConnection, host)
        if insecure { out.reasons.append("does not check the server's certificate (-k), so the connection can be tampered with") }
        let upload = !sends.isEmpty || ["POST", "PUT", "PATCH", "DELETE"].contains(method?.uppercased() ?? "")
        if upload {
            out.add(.upload, host)
            let files = sends.filter { $0.hasPrefix("@") || $0.contains("=@") || $0.contains("=<") }
                .map { s -> String in
                    if let at = s.firstIndex(of: "@") { return String(s[s.index(after: at)...]) }
                    if let lt = s.firstIndex(of: "<") { return String(s[s.index(after: lt)...]) }
                    return s
                }
            let uploadFiles = sends.isEmpty ? [] : files + (args.contains { $0.literal == "-T" || $0.literal == "--upload-file" } ? sends.filter { !$0.hasPrefix("@") } : [])
            if let file = uploadFiles.first, file == "-" {
                out.phrase = "sends data from its input to \(host)"
            } else if let file = uploadFiles.first {
                out.phrase = "sends the file \(ShellPaths.clip(file)) to \(host)"
                for f in uploadFiles where ShellPaths.isSecret(f) {
                    out.add(.readsSecret, f)
                    out.reasons.append("\(ShellPaths.clip(f)) usually holds secrets, and it is sent out")
                }
            } else if method?.uppercased() == "DELETE" {
                out.phrase = "asks \(host) to delete something"
                out.add(.deletes, host)
                out.raise(.destructive, "an HTTP DELETE request removes data on the server")
            } else {
                out.phrase = "sends data to \(host)"
            }
            if sends.contains(where: { $0.contains("$(") || $0.contains("`") || $0 == "@-" }) || flow.piped && sends.contains("@-") {
                out.reasons.append("the data sent is produced when the line runs")
            }
        }
        let isFile = urls.first.map { u -> Bool in
            let path = u.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            return path.count > 3 && !(path.last ?? "").isEmpty
        } ?? false
        if let u = urls.first { out.add(.download, hosts.first ?? u) }
        if !upload {
            let head = args.contains { $0.literal == "-I" || $0.literal == "--head" }
            out.phrase = head && !isFile ? "contacts \(host)" : "downloads a file from \(host)"
        }
        if let output, !ShellPaths.isSink(output) {
            let m = ShellPaths.write(output, append: false)
            out.raise(m.risk, m.reason)
            for e in m.effects { out.add(e.kind, e.detail) }
            out.phrase += " and saves it as \(ShellPaths.clip(output))"
        } else if remoteName {
            out.add(.writesFile, urls.first.map { ShellPaths.basename($0) })
            out.phrase += " and saves it"
        }
    }

    mutating func wget(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let values: Set<String> = ["-O", "--output-document", "-o", "--output-file", "-P", "--directory-prefix", "-U",
            "--user-agent", "--header", "--post-data", "--post-file", "--body-data", "--body-file", "--method", "-i",
            "--input-file", "-t", "--tries", "-T", "--timeout", "--user", "--password", "-e", "--execute", "-l", "--level",
            "-A", "-R", "--accept", "--reject", "--limit-rate", "-w", "--wait", "--ca-certificate", "--certificate"]
        var urls: [String] = []
        var output: String?
        var sends: String?
        var insecure = false
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            let next = i + 1 < args.endIndex ? (args[i + 1].literal ?? args[i + 1].display) : nil
            if a.hasPrefix("-"), a.count > 1 {
                var name = a
                var value = next
                if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                    name = String(a[..<eq])
                    value = String(a[a.index(after: eq)...])
                } else if a.hasPrefix("-O"), a.count > 2 {
                    name = "-O"
                    value = String(a.dropFirst(2))
                    output = value
                    i += 1
                    continue
                }
                switch name {
                case "-O", "--output-document": output = value
                case "--post-data", "--post-file", "--body-data", "--body-file": sends = value
                case "--no-check-certificate": insecure = true
                default:
                    if !a.hasPrefix("--"), a.hasSuffix("O") { output = next }
                }
                i += (values.contains(name) && !a.contains("=")) || (!a.hasPrefix("--") && a.hasSuffix("O") && a.count > 2) ? 2 : 1
                continue
            }
            urls.append(a)
            i += 1
        }
        let host = urls.compactMap { ShellPaths.host(ofURL: $0, bare: true) }.first ?? urls.first.map { ShellPaths.clip($0, 40) } ?? "a web server"
        out.raise(.networkEgress, "contacts \(host) over the network")
        out.add(.networkConnection, host)
        out.add(.download, host)
        if insecure { out.reasons.append("does not check the server's certificate, so the download can be tampered with") }
        if let sends {
            out.add(.upload, host)
            out.phrase = "sends \(ShellPaths.clip(sends, 40)) to \(host)"
            return
        }
        out.phrase = "downloads a file from \(host)"
        if let output, output == "-" {
            return
        }
        if let output {
            let m = ShellPaths.write(output, append: false)
            out.raise(m.risk, m.reason)
            for e in m.effects { out.add(e.kind, e.detail) }
            out.phrase += " and saves it as \(ShellPaths.clip(output))"
        } else {
            out.raise(.writesFiles)
            out.add(.writesFile, urls.first.map { ShellPaths.basename($0) })
            out.phrase += " and saves it"
        }
    }

    mutating func netcat(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let values: Set<String> = ["-p", "-s", "-w", "-i", "-x", "-X", "-q", "-e", "-c", "-W", "-T", "-I", "-O", "-V", "-g", "-G"]
        var listen = false
        var exec: String?
        var scan = false
        var operands: [String] = []
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a.hasPrefix("-"), a.count > 1 {
                if a == "-e" || a == "-c" || a == "--exec" || a == "--sh-exec" || a == "--lua-exec" {
                    exec = i + 1 < args.endIndex ? (args[i + 1].literal ?? args[i + 1].display) : "a program"
                    i += 2
                    continue
                }
                if a.contains("l") || a == "--listen" { listen = true }
                if a.contains("z") { scan = true }
                if a.hasSuffix("e") || a.hasSuffix("c"), !a.hasPrefix("--") {
                    exec = i + 1 < args.endIndex ? (args[i + 1].literal ?? args[i + 1].display) : "a program"
                    i += 2
                    continue
                }
                i += values.contains(a) ? 2 : 1
                continue
            }
            operands.append(a)
            i += 1
        }
        let host = operands.first.map { ShellPaths.clip($0, 40) }
        let port = operands.dropFirst().first
        if let host, !listen { out.add(.networkConnection, host + (port.map { " port \($0)" } ?? "")) }
        out.raise(.networkEgress, "opens a raw network connection")
        if let exec {
            out.add(.reverseShell, host ?? "anyone who connects")
            out.raise(.runsOpaqueCode, "nc -e runs \(exec) wired to the network connection, handing control to the other side")
            out.phrase = listen
                ? "waits for a network connection and gives whoever connects a shell on this machine (a bind shell)"
                : "connects to \(host ?? "another computer") and gives it control of this machine (a reverse shell)"
            return
        }
        if listen {
            out.add(.listens, operands.last ?? port)
            out.phrase = "waits for incoming network connections\(operands.last.map { " on port \($0)" } ?? "")"
            return
        }
        if scan {
            out.phrase = "checks which ports are open on \(host ?? "a host")"
            return
        }
        if flow.piped {
            out.add(.upload, host)
            out.phrase = "sends its input to \(host ?? "another computer")\(port.map { " port \($0)" } ?? "") over a raw network connection"
        } else {
            out.phrase = "opens a raw network connection to \(host ?? "another computer")\(port.map { " port \($0)" } ?? "")"
        }
    }

    mutating func socat(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let addresses = args.compactMap { $0.literal ?? $0.display }.filter { !$0.hasPrefix("-") || $0 == "-" }
        let lower = addresses.map { $0.lowercased() }
        out.raise(.networkEgress, "relays data over the network")
        let remote = addresses.first { a in
            let l = a.lowercased()
            return l.hasPrefix("tcp:") || l.hasPrefix("tcp4:") || l.hasPrefix("tcp6:") || l.hasPrefix("udp:") || l.hasPrefix("openssl:") || l.hasPrefix("ssl:")
        }
        let host = remote.map { r -> String in
            let pieces = r.split(separator: ":")
            return pieces.count > 1 ? String(pieces[1].split(separator: ",")[0]) : r
        }
        if let host { out.add(.networkConnection, host) }
        if lower.contains(where: { $0.hasPrefix("exec:") || $0.hasPrefix("system:") }) {
            out.add(.reverseShell, host ?? "anyone who connects")
            out.raise(.runsOpaqueCode, "socat wires a program to a network connection, handing control to the other side")
            out.phrase = host != nil
                ? "connects to \(host!) and gives it control of this machine (a reverse shell)"
                : "waits for a network connection and gives whoever connects a shell on this machine"
            return
        }
        if lower.contains(where: { $0.contains("-listen:") }) {
            out.add(.listens)
            out.phrase = "listens for network connections and relays them\(host.map { " to \($0)" } ?? "")"
            return
        }
        out.phrase = "relays data to \(host ?? "another address")"
    }

    mutating func dd(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        var input: String?
        var output: String?
        var carving = false
        for w in args {
            let a = w.literal ?? w.display
            if a.hasPrefix("if=") { input = String(a.dropFirst(3)) }
            if a.hasPrefix("of=") { output = String(a.dropFirst(3)) }
            if a.hasPrefix("skip=") || a.hasPrefix("count=") || a.hasPrefix("iseek=") { carving = true }
        }
        let from = input.map { ShellPaths.clip($0) } ?? "its input"
        if let output, !ShellPaths.isSink(output) {
            let m = ShellPaths.write(output, append: false)
            out.raise(max(m.risk, .writesFiles), m.reason)
            for e in m.effects { out.add(e.kind, e.detail) }
            if ShellPaths.isDiskDevice(output) {
                out.phrase = "overwrites the disk \(output) with \(from), destroying what is on it"
            } else {
                out.phrase = "copies raw bytes from \(from) to \(ShellPaths.clip(output))"
                out.add(.overwrites, output)
            }
        } else {
            out.phrase = carving ? "cuts a range of bytes out of \(from)" : "copies raw bytes from \(from)"
        }
        if carving { out.add(.carveBytes, input) }
        if let input, ShellPaths.isDiskDevice(input), output == nil || ShellPaths.isSink(output ?? "") {
            out.reasons.append("reads the raw disk \(input)")
        }
    }

    mutating func awk(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        var (rest, options) = Self.skipOptions(args, values: ["-F", "-v", "-f", "--field-separator", "--assign", "--file", "-i", "--include", "-E"])
        if let file = options.first(where: { $0.0 == "-f" || $0.0 == "--file" })?.1 {
            runsFile(file, ctx, &out, kind: "awk program")
            return
        }
        guard let program = rest.first else { out.phrase = "processes text"; return }
        rest = rest.dropFirst()
        let text = program.literal ?? Self.codeText(program)
        let files = rest.compactMap(\.literal)
        let lower = text.lowercased()
        let source = files.isEmpty ? "its input" : Self.joinList(files.prefix(3).map { ShellPaths.clip($0) })
        if lower.contains("system(") || lower.contains("| getline") || lower.contains("|getline") || lower.contains("|&")
            || text.contains("| \"") || text.contains("|\"")
        {
            out.add(.evaluatesCode, "awk")
            out.phrase = "runs shell commands from an awk program on \(source)"
            out.raise(.runsOpaqueCode, "the awk program starts other commands")
            return
        }
        if text.contains("> \"") || text.contains(">\"") || text.contains(">> ") {
            out.raise(.writesFiles, "the awk program writes to a file")
            out.add(.writesFile)
            out.phrase = "processes the text of \(source) and writes results to a file"
            return
        }
        if options.contains(where: { $0.0 == "-i" && $0.1 == "inplace" }) {
            out.raise(.writesFiles)
            out.phrase = "edits \(source) in place"
            return
        }
        out.phrase = "picks out and reformats text from \(source)"
        for f in files where ShellPaths.isSecret(f) { out.add(.readsSecret, f) }
    }

    mutating func sed(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        var inPlace = false
        var scripts: [String] = []
        var operands: [String] = []
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "-e" || a == "--expression", i + 1 < args.endIndex {
                scripts.append(args[i + 1].literal ?? args[i + 1].display)
                i += 2
                continue
            }
            if a == "-f" || a == "--file" {
                if i + 1 < args.endIndex { runsFile(args[i + 1].literal ?? "", ctx, &out, kind: "sed script") }
                return
            }
            if a.hasPrefix("--in-place") || (a.hasPrefix("-i") && !a.hasPrefix("--")) || (a.hasPrefix("-") && !a.hasPrefix("--") && a.contains("i") && a.count <= 4) {
                inPlace = true
            } else if a.hasPrefix("-"), a.count > 1 {
                // other flags
            } else {
                operands.append(a)
            }
            i += 1
        }
        if scripts.isEmpty, !operands.isEmpty { scripts.append(operands.removeFirst()) }
        let script = scripts.joined(separator: ";")
        let files = operands
        let source = files.isEmpty ? "its input" : Self.joinList(files.prefix(3).map { ShellPaths.clip($0) })
        if Self.sedExecutes(script) {
            out.add(.evaluatesCode, "sed e")
            out.raise(.runsOpaqueCode, "the sed script runs shell commands (the e flag)")
        }
        if inPlace {
            out.phrase = "edits \(source) in place"
            out.raise(.writesFiles)
            for f in files.prefix(16) {
                let m = ShellPaths.write(f, append: false)
                out.raise(m.risk, m.reason)
                for e in m.effects { out.add(e.kind, e.detail) }
            }
        } else {
            out.phrase = "edits the text of \(source) and shows the result"
        }
        for f in files where ShellPaths.isSecret(f) { out.add(.readsSecret, f) }
    }

    private static func sedExecutes(_ script: String) -> Bool {
        // s/…/…/e or an `e command` line.
        let trimmed = script.drop { $0 == " " }
        if trimmed.hasPrefix("e ") || trimmed == "e" { return true }
        guard trimmed.hasPrefix("s"), let delimiter = trimmed.dropFirst().first else { return false }
        let pieces = trimmed.dropFirst(2).split(separator: delimiter, omittingEmptySubsequences: false)
        guard pieces.count >= 3 else { return false }
        return pieces[2].contains("e")
    }

    mutating func echo(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        var words = args
        var interpret = name == "printf"
        while let f = words.first?.literal, f.hasPrefix("-"), f.count > 1, f.count <= 3, f.dropFirst().allSatisfy({ "neE".contains($0) }) {
            if f.contains("e") { interpret = true }
            words = words.dropFirst()
        }
        if name == "printf", let f = words.first?.literal, f == "-v" {
            words = words.dropFirst(2)
        }
        let text = words.map { $0.literal ?? $0.display }.joined(separator: " ")
        let hasEscapes = interpret && Self.hasByteEscapes(text)
        if hasEscapes {
            out.add(.decode, "escape codes")
            out.phrase = "builds text from escape codes"
        } else {
            out.phrase = text.isEmpty ? "prints an empty line" : "prints \"\(ShellPaths.clip(text, 50))\""
        }
        if !hasEscapes, words.allSatisfy({ $0.literal != nil }) {
            out.visibleOutput = name == "printf" ? text : text + "\n"
        }
    }

    /// `\x41`, `\101`, `\u0041` style escapes.
    static func hasByteEscapes(_ text: String) -> Bool {
        var previousBackslash = false
        for ch in text {
            if previousBackslash, ch == "x" || ch == "u" || ch == "U" || ch.isNumber { return true }
            previousBackslash = ch == "\\" && !previousBackslash
        }
        return false
    }

    mutating func export(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        var names: [String] = []
        for w in args {
            if let assignment = ShellParser.assignment(w) {
                handleAssignment(assignment, ctx, &out, alone: true)
                names.append(assignment.name)
            } else if let l = w.literal, !l.hasPrefix("-") {
                names.append(l)
            }
        }
        if names.isEmpty {
            out.phrase = "lists variables"
            return
        }
        let noun = name == "export" ? "environment variable" : "variable"
        out.phrase = "sets the \(noun)\(names.count > 1 ? "s" : "") \(names.prefix(4).joined(separator: ", "))"
        if names.contains("HISTFILE") && !out.has(.hidesTracks) && args.contains(where: { $0.literal == "-n" }) {
            out.add(.hidesTracks, "HISTFILE")
        }
    }
}

/// Database command-line clients: judged by the SQL they are given.
extension CommandAnalyzer {
    mutating func database(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let operands = applySpec(KnowledgeBase.commands[name]!, args, ctx, &out)
        var sql = Self.value(args, "-c", "--command", "-e", "--execute", "--eval")
        if name == "sqlite3", operands.count >= 2 { sql = operands[1] }
        if sql == nil, let text = flow.visibleText { sql = text }
        if let file = Self.value(args, "-f", "--file"), name == "psql" {
            runsFile(file, ctx, &out, kind: "SQL script")
            return
        }
        guard let sql else {
            if flow.piped {
                out.phrase = "runs database commands from its input (not shown here)"
                out.raise(.runsOpaqueCode, "the database commands come from another command or file")
            }
            return
        }
        let (risk, phrase, reason) = Self.sqlMeaning(sql)
        out.raise(risk, reason)
        out.phrase = "\(phrase) (\(ShellPaths.clip(sql, 60)))"
        if risk == .destructive { out.add(.deletes, "database data") }
        if risk == .changesIdentityOrPrivilege { out.add(.changesIdentity, "database role") }
        if risk == .runsOpaqueCode { out.add(.evaluatesCode, "database runs a program") }
    }

    static func sqlMeaning(_ sql: String) -> (RiskClass, String, String?) {
        let u = " " + sql.uppercased().split(whereSeparator: { $0 == "\n" || $0 == "\t" }).joined(separator: " ")
        func has(_ words: String...) -> Bool { words.contains { u.contains($0) } }
        if has("TO PROGRAM", "FROM PROGRAM", "\\!", "SYS_EXEC", "XP_CMDSHELL", "INTO OUTFILE", "LOAD_FILE") {
            return (.runsOpaqueCode, "runs a database command that reaches outside the database", "the query runs a program or touches files on the server")
        }
        if has(" DROP ", "TRUNCATE", " DELETE ", ";DELETE ", "DROPDATABASE", ".DROP(", "DROPDATABASE(", ".REMOVE(", "DELETEMANY", "FLUSHALL", "FLUSHDB") {
            return (.destructive, "deletes database data", "the query deletes tables or rows")
        }
        if has(" GRANT ", " REVOKE ", "CREATE USER", "ALTER USER", "CREATE ROLE", "ALTER ROLE", "SET PASSWORD", "DROP USER", "CREATEUSER(") {
            return (.changesIdentityOrPrivilege, "changes database users or permissions", "the query changes who can access the database")
        }
        if has(" INSERT ", " UPDATE ", " CREATE ", " ALTER ", " COPY ", " REPLACE ", "LOAD DATA", " VACUUM", " REINDEX", ".INSERT", ".UPDATE", " SET GLOBAL") {
            return (.changesConfig, "changes data or structure in the database", nil)
        }
        return (.readOnly, "runs a read-only database query", nil)
    }
}
