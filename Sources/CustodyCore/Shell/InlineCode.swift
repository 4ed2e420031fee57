/// Reads inline interpreter code (`python -c`, `perl -e`, `node -e`, `ruby -e`, `php -r`).
///
/// Policy: inline code is runs-opaque-code unless every identifier in it is on a short list of
/// harmless ones (printing, JSON, string handling, arithmetic) — then it is read-only. Recognizable
/// behaviour (sockets, starting programs, decoding, writing or deleting files) is named in the
/// phrase, and a socket wired to a shell is called a reverse shell.
enum InlineCode {
    struct Verdict {
        var risk: RiskClass
        var phrase: String
        var reason: String?
        var effects: [CommandEffect]
    }

    static func language(of name: String) -> String {
        if name.hasPrefix("python") { return "Python" }
        switch name {
        case "perl": return "Perl"
        case "ruby", "irb": return "Ruby"
        case "node", "nodejs", "deno", "bun": return "JavaScript"
        case "php": return "PHP"
        case "lua": return "Lua"
        case "Rscript": return "R"
        case "pwsh", "powershell": return "PowerShell"
        case "osascript": return "AppleScript"
        case "java": return "Java"
        case "awk", "gawk", "mawk", "nawk": return "awk"
        default: return name
        }
    }

    static func codeOptions(_ name: String) -> Set<String> {
        if name.hasPrefix("python") { return ["-c"] }
        switch name {
        case "perl": return ["-e", "-E"]
        case "ruby": return ["-e"]
        case "node", "nodejs", "bun": return ["-e", "--eval", "-p", "--print"]
        case "deno": return ["eval"]
        case "php": return ["-r"]
        case "lua": return ["-e"]
        case "Rscript": return ["-e"]
        case "pwsh", "powershell":
            return ["-c", "-Command", "-command", "-EncodedCommand", "-encodedcommand", "-enc", "-Enc", "-e", "-ec", "-EC"]
        case "osascript": return ["-e"]
        default: return []
        }
    }

    static func valueOptions(_ name: String) -> Set<String> {
        if name.hasPrefix("python") { return ["-W", "-X", "--check-hash-based-pycs"] }
        switch name {
        case "node", "nodejs": return ["-r", "--require", "--max-old-space-size", "--inspect-port"]
        case "ruby": return ["-r", "-I", "-C"]
        case "perl": return ["-I", "-M", "-m", "-x"]
        case "php": return ["-c", "-d", "-f", "-S", "-t"]
        case "java": return ["-cp", "-classpath", "--class-path", "-jar"]
        default: return []
        }
    }

    private static let network = ["socket", "urllib", "requests.", "http.client", "urlopen", "httplib", "net.socket",
        "require('net')", "require(\"net\")", "require('http", "require(\"http", "fsockopen", "io::socket", "net::http",
        "open-uri", "tcpsocket", "curl_exec", "fetch(", "websocket", "smtplib", "ftplib", "paramiko", "lwp::", "http::tiny",
        "invoke-webrequest", "invoke-restmethod", "net.webclient", "downloadstring", "iwr ", "http.get", "https.get"]
    private static let process = ["subprocess", "os.system", "os.popen", "pty.spawn", "os.exec", "child_process",
        "system(", "popen", "spawn", "shell_exec", "passthru", "proc_open", "runtime.getruntime", "exec(", "`",
        "io.popen", "os.execute", "start-process", "invoke-expression", "iex ", "iex(", "commands.getoutput", "%x("]
    private static let decoders = ["b64decode", "base64", "decode_base64", "fromcharcode", "unhexlify", "fromhex",
        "pack(", "zlib", "marshal", "codecs.decode", "rot13", "atob(", "buffer.from(", "frombase64string", "gzinflate",
        "str_rot13", "chr(", "decompress", "\\x"]
    private static let evaluators = ["eval(", "exec(", "compile(", "__import__", "new function", "function(", "assert(",
        "create_function", "instance_eval", "invoke-expression", "iex"]
    private static let writers = ["open(", "write(", "writefile", "fs.write", "file_put_contents", "fopen", "file.write",
        "file.open", "print >", "> $", "set-content", "out-file", "copyfile", "shutil.copy", "rename("]
    private static let deleters = ["unlink", "rmtree", "os.remove", "rmdir", "fs.rm", "remove-item", "file.delete",
        "fileutils.rm", "shutil.rmtree"]
    private static let shellNames = ["/bin/sh", "/bin/bash", "\"sh\"", "'sh'", "\"bash\"", "'bash'", "cmd.exe", "dup2",
        "pty.spawn", "-i"]

    private static let harmless: Set<String> = [
        "print", "import", "sys", "json", "stdin", "load", "loads", "dumps", "dump", "indent", "len", "str", "int",
        "float", "sum", "sorted", "for", "in", "if", "else", "elif", "not", "and", "or", "split", "strip", "rstrip",
        "lstrip", "join", "keys", "values", "items", "read", "readlines", "version", "version_info", "platform", "yaml",
        "safe_load", "math", "sqrt", "True", "False", "None", "argv", "lambda", "map", "filter", "list", "dict", "set",
        "range", "enumerate", "upper", "lower", "replace", "format", "get", "console", "log", "JSON", "parse",
        "stringify", "process", "puts", "p", "say", "uuid", "uuid4", "hex", "secrets", "token_hex", "token_urlsafe",
        "hashlib", "sha256", "md5", "hexdigest", "encode", "decode", "datetime", "now", "utcnow", "isoformat", "time",
        "random", "string", "ascii_letters", "digits", "choice", "x", "y", "i", "j", "k", "v", "d", "s", "a", "b", "c",
        "n", "e", "f", "l", "line", "lines", "sep", "end", "file", "stdout", "write", "prettyprint", "pprint", "abs",
        "round", "min", "max", "zip", "tuple", "type", "isinstance", "strftime", "date", "today", "timestamp",
        "argv", "getattr", "echo", "var_dump", "print_r", "phpversion", "PHP_VERSION", "RUBY_VERSION", "versions",
        "ENV", "env", "os", "environ", "getenv", "getcwd", "cwd", "hostname", "gethostname", "from", "as", "with",
        "return", "def", "while", "break", "continue", "pass", "is", "None", "self", "data", "obj", "o", "r", "w",
        "to_json", "to_yaml", "require", "chomp", "each", "do", "upcase", "downcase", "length", "size", "first", "last",
        "shift", "uc", "lc", "my", "printf", "sprintf", "exit", "STDIN", "STDOUT", "ARGV", "glob", "uname",
        "cpu_count", "multiprocessing", "locale", "getpreferredencoding", "maxsize", "executable", "prefix", "path",
        "site", "getsitepackages", "__version__", "__file__", "encoding", "utf", "ascii", "base", "b", "urlsafe_b64encode",
        "b64encode", "bcrypt", "hashpw", "gensalt", "crypt", "mksalt", "getpass", "getuser", "Math", "floor", "ceil",
        "Date", "toISOString", "parseInt", "toString", "require", "os.cpus", "cpus", "totalmem", "freemem",
        "counter", "Counter", "collections", "most_common", "defaultdict", "csv", "reader", "DictReader", "row",
        "rows", "reverse", "reversed", "sort", "append", "extend", "count", "index", "startswith", "endswith",
        "find", "zfill", "center", "ljust", "rjust", "title", "capitalize", "local", "quote", "unquote", "parse_qs",
        "urlencode", "urlparse", "textwrap", "dedent", "re", "sub", "match", "search", "findall", "group", "compile",
    ]

    static func analyze(_ code: String, language: String, filter: Bool) -> Verdict {
        let lower = code.lowercased()
        var effects: [CommandEffect] = []
        var doing: [String] = []
        let net = network.contains { lower.contains($0) }
        let proc = process.contains { lower.contains($0) }
        let decodes = decoders.contains { lower.contains($0) }
        let evals = evaluators.contains { lower.contains($0) } && !(language == "Python" && lower.contains("re.compile("))
        let writes = writers.contains { lower.contains($0) } && !(lower.contains("open(") && !lower.contains("'w") && !lower.contains("\"w") && !lower.contains("'a") && !lower.contains("\"a") && !lower.contains("write"))
        let deletes = deleters.contains { lower.contains($0) }
        let shellish = shellNames.contains { lower.contains($0) }
        if net && (proc || shellish) && (lower.contains("dup2") || lower.contains("pty") || lower.contains("/bin/") || lower.contains("sh")) {
            effects.append(CommandEffect(.reverseShell, nil))
            effects.append(CommandEffect(.networkConnection, host(in: code)))
            return Verdict(
                risk: .runsOpaqueCode,
                phrase: "runs \(language) code that connects to \(host(in: code) ?? "another computer") and gives it control of this machine (a reverse shell)",
                reason: "the \(language) code wires a network connection to a shell", effects: effects)
        }
        if net { doing.append("opens a network connection"); effects.append(CommandEffect(.networkConnection, host(in: code))) }
        if proc { doing.append("starts other programs"); effects.append(CommandEffect(.evaluatesCode, "starts programs")) }
        if decodes { doing.append("decodes hidden data"); effects.append(CommandEffect(.decode, language)) }
        if evals, !proc { doing.append("runs code built at run time"); effects.append(CommandEffect(.evaluatesCode, language)) }
        if writes { doing.append("writes files"); effects.append(CommandEffect(.writesFile, nil)) }
        if deletes { doing.append("deletes files"); effects.append(CommandEffect(.deletes, nil)) }
        if !doing.isEmpty {
            return Verdict(
                risk: .runsOpaqueCode, phrase: "runs \(language) code that \(CommandAnalyzer.joinList(doing))",
                reason: "inline \(language) code that \(CommandAnalyzer.joinList(doing)) is treated as code Custody cannot fully check",
                effects: effects)
        }
        if filter {
            return Verdict(risk: .readOnly, phrase: "transforms text line by line with \(language)", reason: nil, effects: [])
        }
        let unknown = identifiers(code).filter { !harmless.contains($0) }
        if unknown.isEmpty {
            return Verdict(risk: .readOnly, phrase: "runs a short \(language) snippet that only prints or computes values", reason: nil, effects: [])
        }
        return Verdict(
            risk: .runsOpaqueCode, phrase: "runs inline \(language) code",
            reason: "inline \(language) code uses \(unknown.prefix(3).joined(separator: ", ")), which Custody cannot check",
            effects: [])
    }

    /// Identifiers outside string literals.
    static func identifiers(_ code: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for ch in code {
            if let q = quote {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == q { quote = nil }
                continue
            }
            if ch == "\"" || ch == "'" {
                if !current.isEmpty { result.append(current); current = "" }
                quote = ch
                continue
            }
            if ch.isLetter || ch == "_" || (ch.isNumber && !current.isEmpty) {
                current.append(ch)
            } else {
                if !current.isEmpty { result.append(current); current = "" }
            }
            if result.count > 200 { break }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// An IPv4 address or host name in quotes, if any.
    static func host(in code: String) -> String? {
        var token = ""
        var best: String?
        for ch in code + " " {
            if ch.isNumber || ch == "." || ch.isLetter || ch == "-" {
                token.append(ch)
            } else {
                let dots = token.filter { $0 == "." }.count
                if dots == 3, token.allSatisfy({ $0.isNumber || $0 == "." }) { return token }
                if dots >= 1, best == nil, token.first?.isLetter == true, let tld = token.split(separator: ".").last,
                    ["com", "net", "org", "io", "example", "ru", "cn", "xyz", "top", "sh", "dev", "co"].contains(String(tld))
                {
                    best = token
                }
                token = ""
            }
        }
        return best
    }
}
