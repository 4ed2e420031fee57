/// Walks a parsed command line and decides, part by part, what it does and how risky it is.
/// Code that runs other code (`sh -c`, `eval`, `sudo`, `ssh host 'cmd'`, `xargs`, `find -exec`…)
/// is parsed and analyzed in turn, up to ``maxNesting`` levels.
struct CommandAnalyzer {
    static let maxNesting = 8
    /// Most simple commands analyzed for one input (hostile input is bounded).
    static let maxCommands = 5_000

    struct Context {
        var depth = 0
        /// nil: the current user; otherwise the user the command runs as.
        var user: String?
        /// "on db1", "inside container web"…
        var place: String?
        /// True under xargs / find -exec: operands come from the input.
        var operandsFromInput = false
        /// How many wrappers (sudo, env, nohup…) enclose the command; bounded.
        var wrappers = 0
    }

    /// Most wrappers (sudo sudo env nohup …) followed around one command.
    static let maxWrappers = 24

    /// What a pipeline stage receives on its input.
    struct Flow {
        var piped = false
        var downloadedFrom: String?
        var decoded = false
        var carved = false
        /// Text that is on screen (a here-document body, an echoed literal).
        var visibleText: String?
        /// A file redirected in with `<`.
        var file: String?
    }

    /// The analysis of one command.
    struct Outcome {
        var phrase = ""
        var risk = RiskClass.readOnly
        var reasons: [String] = []
        var effects: [CommandEffect] = []
        var suffixes: [String] = []
        /// Text the command prints that is visible here (echo 'ls' → "ls").
        var visibleOutput: String?

        mutating func raise(_ r: RiskClass, _ reason: String? = nil) {
            if r > risk { risk = r }
            if let reason, !reasons.contains(reason) { reasons.append(reason) }
        }

        mutating func add(_ kind: CommandEffect.Kind, _ detail: String? = nil) {
            let e = CommandEffect(kind, detail)
            if !effects.contains(e) { effects.append(e) }
        }

        func has(_ kind: CommandEffect.Kind) -> Bool { effects.contains { $0.kind == kind } }
    }

    var parts: [CommandExplanation.Part] = []
    var effects: [CommandEffect] = []
    private var effectSet: Set<CommandEffect> = []
    var heredocs: [String] = []
    var commandsSeen = 0
    var exhausted = false
    var nestedIncomplete = false
    var functions: [String: (risk: RiskClass, phrase: String)] = [:]
    /// File descriptors opened on `/dev/tcp/…` by `exec N<>/dev/tcp/host/port`.
    var networkFDs: [Int: String] = [:]
    /// Input for the first command of the next pipeline (`ssh host 'bash -s' < script`).
    var pendingFlow: Flow?
    var definingFunctions: Set<String> = []

    // MARK: - Scripts, lists, pipelines

    /// Analyzes a parse result; returns one (phrase, risk) per top-level item.
    mutating func analyze(_ parsed: ParsedShell, _ ctx: Context) -> [(phrase: String, risk: RiskClass)] {
        let saved = heredocs
        heredocs = parsed.heredocs
        defer { heredocs = saved }
        if ctx.depth > 0, parsed.isIncomplete { nestedIncomplete = true }
        return parsed.script.items.map { analyzeAndOr($0, ctx) }
    }

    mutating func analyzeScript(_ script: ShellScript, _ ctx: Context) -> [(phrase: String, risk: RiskClass)] {
        script.items.map { analyzeAndOr($0, ctx) }
    }

    mutating func analyzeAndOr(_ item: ShellAndOr, _ ctx: Context) -> (phrase: String, risk: RiskClass) {
        var phrase = ""
        var risk = RiskClass.readOnly
        for (i, pipeline) in item.pipelines.enumerated() {
            let (p, r) = analyzePipeline(pipeline, ctx)
            risk = max(risk, r)
            if i == 0 {
                phrase = p
            } else if item.operators[i - 1] == "&&" {
                phrase += ", then " + p
            } else {
                phrase += ", or if that fails, " + p
            }
        }
        if item.background {
            phrase += " in the background"
            record(CommandEffect(.background))
        }
        return (phrase, risk)
    }

    mutating func analyzePipeline(_ pipeline: ShellPipeline, _ ctx: Context) -> (String, RiskClass) {
        var flow = Flow()
        if let pending = pendingFlow {
            flow = pending
            pendingFlow = nil
        }
        var phrases: [String] = []
        var risk = RiskClass.readOnly
        for (i, node) in pipeline.commands.enumerated() {
            let (p, r, out) = analyzeNode(node, ctx, i == 0 ? (flow.piped ? flow : Flow()) : flow)
            if !p.isEmpty { phrases.append(p) }
            risk = max(risk, r)
            flow = out
            flow.piped = true
        }
        return (Self.joinList(phrases), risk)
    }

    static func joinList(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    mutating func analyzeNode(_ node: ShellCommandNode, _ ctx: Context, _ flow: Flow) -> (String, RiskClass, Flow) {
        switch node {
        case .simple(let simple):
            return analyzeSimple(simple, ctx, flow)
        case .compound(let compound):
            let (p, r) = analyzeCompound(compound, ctx, flow)
            return (p, r, Flow(piped: true))
        case .function(let name, let body):
            definingFunctions.insert(name)
            let selfCalls = Self.calls(body, name)
            let (p, r) = analyzeCompound(body, ctx, Flow())
            definingFunctions.remove(name)
            if selfCalls {
                let phrase = "defines \(name), a function that starts copies of itself without end (a fork bomb that can freeze the machine)"
                functions[name] = (.destructive, "starts copies of itself without end, which can freeze the machine")
                var part = CommandExplanation.Part(
                    command: ShellPaths.clip(body.source, 200), summary: phrase, riskClass: .destructive,
                    reasons: ["the function calls itself"])
                part.effects = [CommandEffect(.killsProcess, "fork bomb")]
                part.depth = ctx.depth
                record(CommandEffect(.killsProcess, "fork bomb"))
                parts.append(part)
                return (phrase, .destructive, Flow(piped: true))
            }
            functions[name] = (r, p)
            return ("defines the function \(name), which \(p)", r, Flow(piped: true))
        }
    }

    private static func calls(_ compound: CompoundCommand, _ name: String) -> Bool {
        compound.bodies.contains { script in
            script.items.contains { item in
                item.pipelines.contains { pipeline in
                    pipeline.commands.contains { node in
                        switch node {
                        case .simple(let s): return s.words.first?.literal == name
                        case .compound(let c): return calls(c, name)
                        case .function: return false
                        }
                    }
                }
            }
        }
    }

    mutating func analyzeCompound(_ compound: CompoundCommand, _ ctx: Context, _ flow: Flow) -> (String, RiskClass) {
        var risk = RiskClass.readOnly
        var outcome = Outcome()
        for w in compound.words { walkSubstitutions(w, ctx, &outcome) }
        risk = max(risk, outcome.risk)
        var phrase = ""
        var bodyPhrases: [String] = []
        for body in compound.bodies {
            let results = analyzeScript(body, ctx)
            for r in results { risk = max(risk, r.risk) }
            bodyPhrases.append(Self.joinList(results.map(\.phrase).filter { !$0.isEmpty }))
        }
        let all = bodyPhrases.filter { !$0.isEmpty }
        switch compound.kind {
        case .subshell, .group:
            phrase = Self.joinList(all)
        case .ifClause:
            if bodyPhrases.count >= 2 {
                phrase = "checks whether it can \(bodyPhrases[0]); if so, it \(bodyPhrases[1])"
                if bodyPhrases.count > 2 { phrase += "; otherwise it " + Self.joinList(Array(bodyPhrases.dropFirst(2)).filter { !$0.isEmpty }) }
            } else {
                phrase = Self.joinList(all)
            }
        case .forLoop, .select:
            let items = compound.words.prefix(3).map { ShellPaths.clip($0.display, 40) }.joined(separator: ", ")
            phrase = "for each of \(items.isEmpty ? "the items" : items)\(compound.words.count > 3 ? " and more" : ""), "
                + Self.joinList(all)
        case .whileLoop, .untilLoop:
            let cond = bodyPhrases.first ?? ""
            let body = bodyPhrases.dropFirst().joined(separator: ", ")
            phrase = "repeatedly \(body.isEmpty ? "waits" : body) \(compound.kind == .whileLoop ? "while" : "until") it \(cond.isEmpty ? "is told to stop" : cond)"
            if cond == "does nothing (succeeds)" || cond == "does nothing" { phrase = "repeats forever: \(body)" }
        case .caseClause:
            phrase = "depending on \(ShellPaths.clip(compound.words.first?.display ?? "a value", 30)), " + Self.joinList(all)
        case .arithmetic:
            phrase = "does arithmetic"
        case .test:
            phrase = "checks a condition"
        }
        var redirectOutcome = Outcome()
        var f = flow
        for r in compound.redirects { handleRedirect(r, ctx, &redirectOutcome, &f) }
        risk = max(risk, redirectOutcome.risk)
        if !redirectOutcome.suffixes.isEmpty { phrase += " " + redirectOutcome.suffixes.joined(separator: " ") }
        for e in redirectOutcome.effects { record(e) }
        if !redirectOutcome.reasons.isEmpty || redirectOutcome.risk > .readOnly {
            var part = CommandExplanation.Part(
                command: ShellPaths.clip(compound.source, 200), summary: phrase, riskClass: risk,
                reasons: redirectOutcome.reasons)
            part.effects = redirectOutcome.effects
            part.depth = ctx.depth
            parts.append(part)
        }
        return (phrase, risk)
    }

    // MARK: - Simple commands

    mutating func analyzeSimple(_ simple: SimpleCommand, _ ctx: Context, _ inFlow: Flow) -> (String, RiskClass, Flow) {
        commandsSeen += 1
        guard commandsSeen <= Self.maxCommands else {
            exhausted = true
            return ("…", .unknown, Flow(piped: true))
        }
        let index = parts.count
        parts.append(CommandExplanation.Part(command: "", summary: "", riskClass: .readOnly, reasons: []))
        var out = Outcome()
        var flow = inFlow
        for r in simple.redirects { handleRedirect(r, ctx, &out, &flow) }
        for a in simple.assignments { handleAssignment(a, ctx, &out, alone: simple.words.isEmpty) }
        for w in simple.words { walkSubstitutions(w, ctx, &out) }
        if simple.words.isEmpty {
            let names = simple.assignments.map(\.name)
            if !names.isEmpty {
                out.phrase = "sets the shell variable\(names.count > 1 ? "s" : "") " + names.joined(separator: ", ")
            } else if out.phrase.isEmpty {
                out.phrase = out.suffixes.isEmpty ? "redirects input or output" : ""
            }
        } else {
            invoke(simple.words[...], ctx, flow, &out)
            if !simple.assignments.isEmpty, out.reasons.isEmpty || simple.assignments.count > 0 {
                // assignments only set the environment of this command; noted in reasons when risky.
            }
        }
        var phrase = out.phrase
        if !out.suffixes.isEmpty {
            phrase += phrase.isEmpty ? out.suffixes.joined(separator: " ").replacingFirstWord() : " " + out.suffixes.joined(separator: " ")
        }
        var partPhrase = phrase
        if let place = ctx.place, !partPhrase.contains(place) { partPhrase += " " + place }
        var part = CommandExplanation.Part(
            command: ShellPaths.clip(simple.source, 200), summary: partPhrase, riskClass: out.risk, reasons: out.reasons)
        part.effects = out.effects
        part.depth = ctx.depth
        parts[index] = part
        for e in out.effects { record(e) }

        var outFlow = Flow(piped: true)
        outFlow.downloadedFrom = inFlow.downloadedFrom
        outFlow.decoded = inFlow.decoded
        outFlow.carved = inFlow.carved
        for e in out.effects {
            switch e.kind {
            case .download: outFlow.downloadedFrom = e.detail ?? outFlow.downloadedFrom ?? "the internet"
            case .decode, .decompress: outFlow.decoded = true
            case .carveBytes: outFlow.carved = true
            default: break
            }
        }
        outFlow.visibleText = out.visibleOutput
        return (phrase, out.risk, outFlow)
    }

    mutating func record(_ effect: CommandEffect) {
        if effectSet.insert(effect).inserted { effects.append(effect) }
    }

    // MARK: - Redirections and assignments

    mutating func handleRedirect(_ r: ShellRedirect, _ ctx: Context, _ out: inout Outcome, _ flow: inout Flow) {
        walkSubstitutions(r.target, ctx, &out)
        let target = r.target.literal ?? r.target.display
        if let fd = r.fd, let net = ShellPaths.networkPseudoFile(target) { networkFDs[fd] = net }
        if r.op == "<&" || r.op == ">&", let fd = Int(target), let net = networkFDs[fd] {
            out.add(.networkConnection, net)
            out.raise(.networkEgress, "uses the network connection to \(net) opened earlier")
            if r.op == "<&" { flow.downloadedFrom = net; flow.piped = true }
            return
        }
        switch r.op {
        case ">", ">>", ">|", "&>", "&>>", "<>":
            if r.op == "<>", let net = ShellPaths.networkPseudoFile(target) {
                out.add(.networkConnection, net)
                out.raise(.networkEgress, "opens a network connection to \(net)")
                out.suffixes.append("with a network connection to \(net)")
                return
            }
            guard !ShellPaths.isSink(target) else { return }
            let append = r.op.hasSuffix(">>")
            let meaning = ShellPaths.write(target, append: append)
            out.raise(meaning.risk, meaning.reason)
            for e in meaning.effects { out.add(e.kind, e.detail) }
            if let net = ShellPaths.networkPseudoFile(target) {
                out.suffixes.append("and sends its output to \(net) over the network")
            } else {
                out.suffixes.append(append ? "and appends the output to \(ShellPaths.clip(target))" : "and writes the output to \(ShellPaths.clip(target))")
            }
            if r.target.literal == nil { out.reasons.append("the output file name is computed at run time") }
        case "<", "<&":
            if r.op == "<&" { return }
            if let net = ShellPaths.networkPseudoFile(target) {
                out.add(.networkConnection, net)
                out.add(.download, net)
                out.raise(.networkEgress, "reads from a network connection to \(net)")
                flow.downloadedFrom = net
                flow.piped = true
            } else {
                flow.file = target
                flow.piped = true
                if ShellPaths.isSecret(target) {
                    out.add(.readsSecret, target)
                    out.reasons.append("\(target) usually holds secrets")
                }
            }
        case ">&":
            if let net = ShellPaths.networkPseudoFile(target) {
                out.add(.networkConnection, net)
                out.raise(.networkEgress, "sends its output to \(net)")
                out.suffixes.append("and sends its output to \(net) over the network")
            } else if !ShellPaths.isSink(target) {
                let meaning = ShellPaths.write(target, append: false)
                out.raise(meaning.risk, meaning.reason)
                for e in meaning.effects { out.add(e.kind, e.detail) }
                out.suffixes.append("and writes the output to \(ShellPaths.clip(target))")
            }
        case "<<", "<<-":
            let body = r.heredoc.flatMap { $0 < heredocs.count ? heredocs[$0] : nil } ?? ""
            flow.visibleText = body
            flow.piped = true
            if !r.heredocQuoted { walkText(body, ctx, &out) }
        case "<<<":
            flow.visibleText = r.target.literal
            flow.piped = true
            if r.target.literal == nil {
                flow.downloadedFrom = nil
                flow.decoded = flow.decoded || out.has(.decode)
                if out.has(.download) { flow.downloadedFrom = out.effects.first { $0.kind == .download }?.detail }
            }
        default:
            break
        }
    }

    /// Finds `$(…)` inside an unquoted here-document body and analyzes it.
    private mutating func walkText(_ body: String, _ ctx: Context, _ out: inout Outcome) {
        guard body.contains("$(") || body.contains("`") else { return }
        var words: [ShellWord] = []
        let escaped = body.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\\"")
        let wordsParsed = ShellParser.parse("echo \"" + escaped + "\"")
        if case .simple(let s)? = wordsParsed.script.items.first?.pipelines.first?.commands.first { words = s.words }
        for w in words { walkSubstitutions(w, ctx, &out) }
    }

    private static let codeVariables: Set<String> = [
        "LD_PRELOAD", "LD_AUDIT", "BASH_ENV", "ENV", "PROMPT_COMMAND", "PERL5OPT", "NODE_OPTIONS", "PYTHONSTARTUP",
        "GIT_SSH_COMMAND", "GIT_SSH", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND", "RUBYOPT", "PYTHONPATH",
        "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "JAVA_TOOL_OPTIONS", "PS1", "PS4", "EDITOR", "PAGER", "SHELLOPTS",
    ]

    mutating func handleAssignment(_ a: ShellAssignment, _ ctx: Context, _ out: inout Outcome, alone: Bool) {
        walkSubstitutions(a.value, ctx, &out)
        let value = a.value.literal ?? a.value.display
        if value.hasPrefix("() {") || value.hasPrefix("(){") {
            out.add(.obfuscation, "function definition in an environment variable")
            out.raise(.runsOpaqueCode, "\(a.name) holds a function definition, a trick (Shellshock) to make a shell run hidden code")
            return
        }
        switch a.name {
        case "HISTFILE", "HISTSIZE", "HISTFILESIZE", "HISTCONTROL", "HISTIGNORE":
            if a.name == "HISTCONTROL" && !value.contains("ignorespace") && !value.contains("ignoreboth") { return }
            out.add(.hidesTracks, a.name)
            out.raise(.changesConfig, "setting \(a.name)=\(ShellPaths.clip(value, 30)) stops commands from being kept in the shell history")
        case "PATH":
            let entries = value.split(separator: ":")
            if let bad = entries.first(where: { $0 == "." || $0.hasPrefix("/tmp") || $0.hasPrefix("/dev/shm") || $0.hasPrefix("/var/tmp") || (!$0.hasPrefix("/") && !$0.hasPrefix("$") && !$0.hasPrefix("~")) }) {
                out.add(.obfuscation, "PATH includes \(bad)")
                out.raise(.runsOpaqueCode, "PATH now looks in \(bad) first, so a program hidden there can replace a normal command")
            }
        default:
            if Self.codeVariables.contains(a.name) {
                if a.name == "PS1" || a.name == "PS4" {
                    guard value.contains("$(") || value.contains("`") || a.value.literal == nil else { return }
                }
                out.add(.evaluatesCode, "\(a.name)=\(ShellPaths.clip(value, 40))")
                if a.name == "LD_PRELOAD" || a.name == "LD_AUDIT" || a.name == "DYLD_INSERT_LIBRARIES" { out.add(.persistence, a.name) }
                out.raise(.runsOpaqueCode, "\(a.name) makes programs load or run \(ShellPaths.clip(value, 40)), which is not shown")
            }
        }
    }

    // MARK: - Substitutions inside words

    /// Analyzes `$(…)`, backquotes and `<(…)` inside a word (they run before the command), and
    /// flags obfuscation inside arguments (`${IFS}`, hex-escaped letters, slices of variables).
    mutating func walkSubstitutions(_ word: ShellWord, _ ctx: Context, _ out: inout Outcome) {
        walkParts(word.parts, ctx, &out)
    }

    private mutating func walkParts(_ wordParts: [WordPart], _ ctx: Context, _ out: inout Outcome) {
        for part in wordParts {
            switch part {
            case .commandSubstitution(let script, _), .processSubstitution(let script, _):
                guard ctx.depth < Self.maxNesting else {
                    out.raise(.unknown, "code is nested too deeply to explain")
                    continue
                }
                var inner = ctx
                inner.depth += 1
                let first = parts.count
                let results = analyzeScript(script, inner)
                for p in parts[first...] {
                    for e in p.effects where [.download, .decode, .decompress, .carveBytes, .upload].contains(e.kind) { out.add(e.kind, e.detail) }
                }
                let phrase = Self.joinList(results.map(\.phrase).filter { !$0.isEmpty })
                let risk = results.map(\.risk).max() ?? .readOnly
                out.raise(risk)
                if !phrase.isEmpty {
                    out.reasons.append("first runs a command that \(ShellPaths.clip(phrase, 120)) and uses its output")
                }
            case .doubleQuoted(let inner):
                walkParts(inner, ctx, &out)
            case .parameter(let name, let braced):
                if name == "IFS" || name.hasPrefix("IFS") && braced {
                    out.add(.obfuscation, "${IFS} used as a space")
                    out.raise(.runsOpaqueCode, "uses ${IFS} instead of spaces, a trick to hide the real command")
                } else if braced, Self.isSlice(name) {
                    out.add(.obfuscation, "slices characters out of a variable")
                    out.raise(.runsOpaqueCode, "builds text from pieces of a variable (${\(ShellPaths.clip(name, 20))}), a trick to hide words")
                } else if braced, name.hasPrefix("!") {
                    out.add(.obfuscation, "indirect variable")
                    out.raise(.runsOpaqueCode, "reads a variable whose name is itself in a variable")
                }
                if braced, name.contains("$(") || name.contains("`") {
                    let parsed = ShellParser.parse("echo " + name.drop { $0 != "$" && $0 != "`" })
                    if ctx.depth < Self.maxNesting, case .simple(let s)? = parsed.script.items.first?.pipelines.first?.commands.first {
                        for w in s.words { walkSubstitutions(w, ctx, &out) }
                    }
                }
            case .ansiC(let text, let encoded):
                if encoded, text.contains(where: { $0.isLetter }) {
                    out.add(.obfuscation, "hex or octal escapes spell \(ShellPaths.clip(text, 30))")
                    out.raise(.runsOpaqueCode, "spells \"\(ShellPaths.clip(text, 30))\" with hex or octal escape codes, a trick to hide words")
                }
            default:
                break
            }
        }
    }

    /// `${x:1:2}`, `${x:0:1}` (character slices).
    private static func isSlice(_ body: String) -> Bool {
        guard let colon = body.firstIndex(of: ":") else { return false }
        let after = body[body.index(after: colon)...]
        guard let first = after.first else { return false }
        return first.isNumber || first == " " && after.dropFirst().first == "-"
    }
}

extension String {
    /// "and writes the output to x" → "writes the output to x".
    fileprivate func replacingFirstWord() -> String {
        hasPrefix("and ") ? String(dropFirst(4)) : self
    }
}
