/// Tools with subcommands: git, docker, kubectl, the AWS, Azure and Google Cloud CLIs, systemctl,
/// package managers, ip.
extension CommandAnalyzer {
    /// Non-option words, skipping the values of `values` options.
    static func positional(_ args: ArraySlice<ShellWord>, values: Set<String>) -> [String] {
        var result: [String] = []
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            if a == "--" { break }
            if a.hasPrefix("-"), a.count > 1 {
                i += values.contains(a) ? 2 : 1
                continue
            }
            result.append(a)
            i += 1
        }
        return result
    }

    static func hasFlag(_ args: ArraySlice<ShellWord>, _ names: String...) -> Bool {
        args.contains { w in
            guard let l = w.literal else { return false }
            return names.contains { n in l == n || (n.hasSuffix("=") && l.hasPrefix(n)) || (n.count == 2 && n.hasPrefix("-") && l.hasPrefix("-") && !l.hasPrefix("--") && l.count > 2 && l.contains(n.last!)) }
        }
    }

    static func value(_ args: ArraySlice<ShellWord>, _ names: String...) -> String? {
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            for n in names {
                if a == n, i + 1 < args.endIndex { return args[i + 1].literal ?? args[i + 1].display }
                if a.hasPrefix(n + "=") { return String(a.dropFirst(n.count + 1)) }
            }
            i += 1
        }
        return nil
    }

    // MARK: - git

    mutating func git(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i].literal ?? args[i].display
            guard a.hasPrefix("-") else { break }
            if a == "-C" || a == "-c" || a == "--git-dir" || a == "--work-tree" || a == "--namespace" {
                if a == "-c", i + 1 < args.endIndex {
                    let setting = (args[i + 1].literal ?? args[i + 1].display).lowercased()
                    if setting.hasPrefix("core.sshcommand") || setting.hasPrefix("core.pager") || setting.hasPrefix("alias.")
                        || setting.hasPrefix("core.fsmonitor") || setting.hasPrefix("core.hookspath") || setting.hasPrefix("protocol.ext")
                        || setting.contains("helper=!") || setting.hasPrefix("core.editor") || setting.hasPrefix("diff.external")
                    {
                        out.add(.evaluatesCode, setting)
                        out.raise(.runsOpaqueCode, "the git setting \(ShellPaths.clip(setting, 40)) makes git run another command")
                    }
                }
                i += 2
                continue
            }
            i += 1
        }
        let rest = args.suffix(from: min(i, args.endIndex))
        guard let sub = rest.first?.literal else {
            out.phrase = "runs git"
            return
        }
        let subArgs = rest.dropFirst()
        let ops = Self.positional(subArgs, values: ["-m", "-b", "-B", "-C", "-c", "--depth", "-o", "--branch", "-u", "-n", "--format", "--author", "--since", "--until", "-S", "-G", "--grep", "-F", "--pretty", "--date"])
        let first = ops.first
        func set(_ r: RiskClass, _ phrase: String, _ reason: String? = nil) {
            out.raise(r, reason)
            out.phrase = phrase
        }
        switch sub {
        case "status": set(.readOnly, "shows which files changed in the git working copy")
        case "log", "shortlog", "whatchanged", "reflog":
            if sub == "reflog", first == "expire" || first == "delete" {
                out.add(.deletes, "reflog")
                set(.destructive, "erases git's record of earlier states (reflog)")
            } else {
                set(.readOnly, "shows the commit history")
            }
        case "diff", "show", "blame", "describe", "rev-parse", "ls-files", "grep", "cat-file", "rev-list", "ls-tree",
            "name-rev", "cherry", "range-diff", "help", "version", "var", "for-each-ref", "show-ref", "check-ignore",
            "merge-base", "count-objects", "fsck", "verify-commit", "verify-tag":
            set(.readOnly, "shows information from the git repository")
        case "branch":
            if Self.hasFlag(subArgs, "-D", "-d", "--delete") {
                out.add(.deletes, ops.first)
                set(.destructive, "deletes the git branch \(ops.first ?? "")")
            } else if let first, !Self.hasFlag(subArgs, "-l", "--list", "-a", "-r", "-v", "-vv") {
                set(.writesFiles, "creates the git branch \(first)")
            } else {
                set(.readOnly, "lists git branches")
            }
        case "tag":
            if Self.hasFlag(subArgs, "-d", "--delete") {
                set(.destructive, "deletes the git tag \(ops.first ?? "")")
                out.add(.deletes, ops.first)
            } else if let first, !Self.hasFlag(subArgs, "-l", "--list") {
                set(.writesFiles, "creates the git tag \(first)")
            } else {
                set(.readOnly, "lists git tags")
            }
        case "add", "commit", "merge", "rebase", "cherry-pick", "revert", "apply", "am", "init", "mv", "notes",
            "switch", "worktree", "gc", "repack", "bisect", "pull", "fetch", "submodule", "lfs", "sparse-checkout",
            "format-patch", "bundle", "archive", "mergetool", "maintenance", "stage":
            set(.writesFiles, Self.gitPhrase(sub, ops))
            if sub == "rebase" || sub == "bisect" || sub == "submodule" {
                if let code = Self.value(subArgs, "--exec", "-x") {
                    var o = Outcome()
                    runCodeText(code, literal: true, "git rebase --exec", ctx, Flow(), &o)
                    merge(o, into: &out)
                    out.phrase += " and runs \(o.phrase) after each commit"
                }
                if sub == "bisect", first == "run" {
                    out.add(.runsScript, ops.dropFirst().first)
                    out.raise(.runsOpaqueCode, "git bisect run runs a script that is not shown here")
                }
                if sub == "submodule", first == "foreach" {
                    let code = ops.dropFirst().joined(separator: " ")
                    var o = Outcome()
                    runCodeText(code, literal: true, "git submodule foreach", ctx, Flow(), &o)
                    merge(o, into: &out)
                    out.phrase = "in each git submodule, \(o.phrase)"
                }
            }
            if sub == "pull" || sub == "fetch" || sub == "submodule" || sub == "lfs" {
                out.add(.download, "the configured git remote")
            }
            if sub == "commit", Self.hasFlag(subArgs, "--amend") { out.phrase = "rewrites the last git commit" }
            if sub == "commit", Self.hasFlag(subArgs, "--no-verify", "-n") { out.reasons.append("skips the repository's commit checks (--no-verify)") }
        case "checkout", "restore":
            if subArgs.contains(where: { $0.literal == "--" }) || (sub == "restore" && !Self.hasFlag(subArgs, "--staged", "-S")) || first == "." || Self.hasFlag(subArgs, "-f", "--force") {
                out.add(.overwrites, "uncommitted changes")
                set(.destructive, "throws away uncommitted changes to \(ops.isEmpty ? "files" : Self.joinList(ops.prefix(3).map { ShellPaths.clip($0) }))", "uncommitted work is lost and cannot be recovered")
            } else {
                set(.writesFiles, "switches the working copy to \(first ?? "another branch")")
            }
        case "reset":
            if Self.hasFlag(subArgs, "--hard", "--merge", "--keep") {
                out.add(.overwrites, "uncommitted changes")
                set(.destructive, "resets the working copy to \(first ?? "the last commit"), throwing away uncommitted changes", "uncommitted work is lost")
            } else {
                set(.writesFiles, "unstages changes")
            }
        case "clean":
            if Self.hasFlag(subArgs, "-f", "--force") && !Self.hasFlag(subArgs, "-n", "--dry-run") {
                out.add(.deletes, "untracked files")
                set(.destructive, "deletes all files git does not track\(Self.hasFlag(subArgs, "-x") ? ", including ignored ones" : "")")
            } else {
                set(.readOnly, "lists files git would delete")
            }
        case "rm":
            out.add(.deletes, ops.first)
            set(.destructive, "deletes \(Self.joinList(ops.prefix(3).map { ShellPaths.clip($0) })) from the working copy and the repository")
        case "stash":
            switch first {
            case "list", "show": set(.readOnly, "lists stashed changes")
            case "drop", "clear":
                out.add(.deletes, "stash")
                set(.destructive, "deletes stashed changes")
            default: set(.writesFiles, "sets uncommitted changes aside (stash)")
            }
        case "push":
            let remote = ops.first ?? "the configured remote"
            out.add(.upload, remote)
            out.add(.networkConnection, remote)
            set(.networkEgress, "uploads commits to \(remote)", "sends code out of this machine")
            if Self.hasFlag(subArgs, "-f", "--force", "--force-with-lease", "--mirror", "--delete", "-d", "--prune") || ops.dropFirst().contains(where: { $0.hasPrefix(":") || $0.hasPrefix("+") }) {
                out.add(.overwrites, "remote history")
                out.raise(.destructive, "a force push or delete can erase history on the remote")
                out.phrase += ", overwriting or deleting history there"
            }
        case "clone":
            let url = ops.first ?? "a repository"
            let host = ShellPaths.remoteHost(url) ?? url
            out.add(.download, host)
            out.add(.networkConnection, host)
            set(.networkEgress, "downloads a copy of the repository \(ShellPaths.clip(url))")
        case "ls-remote":
            out.add(.networkConnection, ops.first)
            set(.networkEgress, "lists branches on the remote \(ops.first ?? "repository")")
        case "send-email", "request-pull":
            out.add(.upload)
            set(.networkEgress, "sends patches by email")
        case "remote":
            if first == nil || first == "show" || first == "-v" || first == "get-url" {
                set(.readOnly, "lists the configured git remotes")
            } else {
                out.add(.changesConfig, "git remote")
                set(.changesConfig, "changes the configured git remotes (\(first ?? ""))")
            }
        case "config":
            if Self.hasFlag(subArgs, "--get", "--list", "-l", "--get-all", "--get-regexp", "--show-origin") || ops.count <= 1 && !Self.hasFlag(subArgs, "--unset", "--unset-all", "--add", "--replace-all") {
                set(.readOnly, "shows git settings")
            } else {
                out.add(.changesConfig, first)
                set(.changesConfig, "changes the git setting \(first ?? "")")
                let key = (first ?? "").lowercased()
                let value = ops.dropFirst().joined(separator: " ")
                if key.hasPrefix("alias."), value.hasPrefix("!") || key.hasPrefix("core.hookspath") || key.hasPrefix("core.sshcommand") || key.hasPrefix("core.fsmonitor") || key.hasPrefix("core.pager") {
                    out.add(.persistence, key)
                    out.reasons.append("the setting \(key) makes git run a command later")
                }
                if key == "http.sslverify", value == "false" { out.reasons.append("turns off certificate checks for git downloads") }
                if key.hasPrefix("user.") { out.add(.changesIdentity, key) }
            }
        case "filter-branch", "filter-repo", "update-ref", "replace":
            out.add(.overwrites, "history")
            set(.destructive, "rewrites git history", "rewriting history can hide or destroy earlier work")
        default:
            set(.writesFiles, "runs the git command \(ShellPaths.clip(sub, 30))")
        }
    }

    static func gitPhrase(_ sub: String, _ ops: [String]) -> String {
        let what = ops.isEmpty ? "" : " " + joinList(ops.prefix(3).map { ShellPaths.clip($0) })
        switch sub {
        case "add", "stage": return "stages\(what.isEmpty ? " changes" : what) for the next commit"
        case "commit": return "records the staged changes as a git commit"
        case "merge": return "merges\(what) into the current branch"
        case "rebase": return "replays the current branch on top of\(what.isEmpty ? " another branch" : what)"
        case "cherry-pick": return "copies the commit\(what) onto the current branch"
        case "revert": return "adds a commit that undoes\(what)"
        case "pull": return "downloads and merges new commits from the configured remote"
        case "fetch": return "downloads new commits from the configured remote"
        case "init": return "creates a new git repository"
        case "switch": return "switches the working copy to\(what.isEmpty ? " another branch" : what)"
        case "submodule": return "updates git submodules"
        case "apply", "am": return "applies the patch\(what)"
        default: return "runs git \(sub)\(what)"
        }
    }

    // MARK: - docker and compose

    mutating func docker(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let globals: Set<String> = ["-H", "--host", "--context", "-c", "--config", "--log-level", "-l"]
        var i = args.startIndex
        while i < args.endIndex, let a = args[i].literal, a.hasPrefix("-") { i += globals.contains(a) ? 2 : 1 }
        var rest = args.suffix(from: min(i, args.endIndex))
        guard var sub = rest.first?.literal else { out.phrase = "runs \(name)"; return }
        rest = rest.dropFirst()
        if ["container", "image", "volume", "network", "system", "builder", "compose", "buildx", "plugin", "secret", "service", "stack", "node", "context"].contains(sub),
            let verb = rest.first?.literal
        {
            if sub == "compose" { return compose(rest, ctx, &out) }
            if sub == "container" || sub == "image" && ["ls", "rm", "prune", "pull", "push", "build", "inspect", "history", "tag", "save", "load"].contains(verb) {
                sub = verb == "ls" ? (sub == "image" ? "images" : "ps") : verb
                rest = rest.dropFirst()
            } else {
                let target = Self.positional(rest.dropFirst(), values: ["-f", "--filter", "--format"]).first
                switch verb {
                case "ls", "list", "inspect", "df", "info", "history", "events": out.phrase = "lists Docker \(sub)s"
                case "rm", "prune", "remove":
                    out.add(.deletes, target ?? sub)
                    out.raise(.destructive, "removes Docker \(sub)s")
                    out.phrase = "deletes Docker \(sub)\(target.map { " \($0)" } ?? "s")" + (verb == "prune" ? " that are not in use" : "")
                default:
                    out.add(.changesConfig, "docker \(sub)")
                    out.raise(.changesConfig)
                    out.phrase = "changes Docker \(sub) settings (\(verb))"
                }
                return
            }
        }
        let valueOpts: Set<String> = ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "-v", "--volume", "-p",
            "--publish", "--name", "--network", "--net", "-m", "--memory", "--cpus", "--entrypoint", "-l", "--label",
            "--mount", "--restart", "-h", "--hostname", "--add-host", "--cap-add", "--cap-drop", "--device", "--pid",
            "--ipc", "--security-opt", "--platform", "-t", "--tag", "-f", "--file", "--build-arg", "--filter", "--format",
            "--log-driver", "--tmpfs", "--ulimit", "--gpus", "--detach-keys", "--target", "-a", "--attach", "--since", "--tail", "-n"]
        let ops = Self.positional(rest, values: valueOpts.subtracting(sub == "build" ? [] : ["-t"]).union(sub == "exec" || sub == "run" ? [] : []))
        let target = ops.first
        switch sub {
        case "ps", "images", "logs", "inspect", "version", "info", "stats", "top", "history", "port", "diff", "events", "search":
            out.phrase = sub == "logs" ? "shows the logs of container \(target ?? "")" : "shows information about Docker containers or images"
        case "pull":
            out.add(.download, target)
            out.raise(.writesFiles)
            out.phrase = "downloads the container image \(target ?? "")"
        case "push":
            out.add(.upload, target)
            out.add(.networkConnection, target)
            out.raise(.networkEgress, "uploads an image to a registry")
            out.phrase = "uploads the container image \(target ?? "") to a registry"
        case "build":
            out.raise(.writesFiles)
            out.phrase = "builds a container image from \(target ?? "the Dockerfile")"
            out.reasons.append("the build steps in the Dockerfile run but are not shown here")
        case "run", "create":
            runContainer(rest, ctx, &out, create: sub == "create")
        case "exec":
            containerExec(rest, valueOpts: ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"], kind: "container", ctx, flow, &out)
        case "start", "restart", "unpause", "update", "rename", "tag", "commit", "network", "volume", "attach", "wait", "load", "import":
            out.add(.changesConfig, "docker \(sub)")
            out.raise(sub == "tag" || sub == "load" || sub == "import" || sub == "commit" ? .writesFiles : .changesConfig)
            out.phrase = "\(sub)s the container or image \(target ?? "")"
            if sub == "attach" { out.phrase = "attaches to the running container \(target ?? "")" }
        case "cp":
            out.raise(.writesFiles)
            out.add(.writesFile, ops.last)
            out.phrase = "copies files between this machine and a container (\(Self.joinList(ops.prefix(2).map { ShellPaths.clip($0) })))"
        case "save", "export":
            out.raise(.writesFiles)
            out.phrase = "saves the image or container \(target ?? "") to a file"
        case "stop", "kill", "pause":
            out.add(.stopsService, target)
            out.raise(.destructive, "stops a running container")
            out.phrase = "stops the container \(Self.joinList(Array(ops.prefix(3))))"
        case "rm", "rmi", "prune":
            out.add(.deletes, target)
            out.raise(.destructive, "deletes containers or images")
            out.phrase = "deletes the \(sub == "rmi" ? "image" : "container") \(Self.joinList(Array(ops.prefix(3))))"
            if Self.hasFlag(rest, "-f", "--force") { out.phrase += " even if it is running" }
        case "login":
            out.add(.changesIdentity, "registry login")
            out.raise(.changesIdentityOrPrivilege, "stores registry credentials on this machine")
            out.phrase = "logs in to the container registry \(target ?? "Docker Hub")"
        case "logout":
            out.raise(.changesIdentityOrPrivilege)
            out.phrase = "logs out of a container registry"
        default:
            out.add(.changesConfig, "docker \(sub)")
            out.raise(.changesConfig)
            out.phrase = "runs docker \(ShellPaths.clip(sub, 30))"
        }
    }

    mutating func runContainer(_ rest: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome, create: Bool) {
        let valueOpts: Set<String> = ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "-v", "--volume", "-p",
            "--publish", "--name", "--network", "--net", "-m", "--memory", "--cpus", "--entrypoint", "-l", "--label",
            "--mount", "--restart", "-h", "--hostname", "--add-host", "--cap-add", "--cap-drop", "--device", "--pid",
            "--ipc", "--security-opt", "--platform", "--log-driver", "--tmpfs", "--ulimit", "--gpus", "-a", "--attach",
            "--userns", "--uts", "--cgroupns", "--shm-size", "--stop-signal", "--health-cmd", "--runtime"]
        var i = rest.startIndex
        var hostAccess: [String] = []
        while i < rest.endIndex {
            let a = rest[i].literal ?? rest[i].display
            guard a.hasPrefix("-") else { break }
            let v = i + 1 < rest.endIndex ? (rest[i + 1].literal ?? rest[i + 1].display) : ""
            if a == "--privileged" { hostAccess.append("full control of the host (--privileged)") }
            if (a == "-v" || a == "--volume"), v.hasPrefix("/:") || v.hasPrefix("/var/run/docker.sock") || v.hasPrefix("/etc:") || v.hasPrefix("/root") {
                hostAccess.append("the host's files (\(ShellPaths.clip(v, 30)))")
            }
            if a == "--pid=host" || a == "--net=host" || a == "--network=host" || (a == "--pid" && v == "host") { hostAccess.append("the host's processes or network") }
            if a == "--cap-add", v.uppercased().contains("SYS_ADMIN") || v.uppercased() == "ALL" { hostAccess.append("administrator capabilities") }
            i += valueOpts.contains(a) && !a.contains("=") ? 2 : 1
        }
        guard i < rest.endIndex else { out.phrase = "starts a container"; return }
        let image = rest[i].literal ?? rest[i].display
        let command = rest.suffix(from: min(i + 1, rest.endIndex))
        out.add(.runsContainer, image)
        out.raise(.runsOpaqueCode, "the image \(ShellPaths.clip(image, 40)) contains programs that are not shown here")
        out.phrase = "\(create ? "creates" : "starts") a container from the image \(ShellPaths.clip(image, 50))"
        if !command.isEmpty, !create {
            var inner = ctx
            inner.place = "inside the container"
            inner.depth += 1
            inner.wrappers += 1
            var o = Outcome()
            invoke(command, inner, Flow(), &o)
            merge(o, into: &out)
            out.phrase += " that \(o.phrase)"
        }
        if !hostAccess.isEmpty {
            out.raise(.changesIdentityOrPrivilege)
            out.add(.elevatesPrivilege, "container host access")
            out.phrase += ", giving it \(Self.joinList(hostAccess))"
            out.reasons.append("the container can reach \(Self.joinList(hostAccess)), which is as good as root on this machine")
        }
    }

    /// `docker exec` / `kubectl exec`: the command runs inside a container.
    mutating func containerExec(_ rest: ArraySlice<ShellWord>, valueOpts: Set<String>, kind: String, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        var i = rest.startIndex
        var interactive = false
        var target: String?
        var command: ArraySlice<ShellWord> = []
        while i < rest.endIndex {
            let a = rest[i].literal ?? rest[i].display
            if a == "--" {
                command = rest.suffix(from: min(i + 1, rest.endIndex))
                break
            }
            if a.hasPrefix("-"), a.count > 1 {
                if a.contains("i") && a.contains("t") || a == "--tty" || a == "--stdin" || a == "-it" || a == "-ti" { interactive = true }
                i += valueOpts.contains(a) && !a.contains("=") ? 2 : 1
                continue
            }
            if target == nil {
                target = a
                i += 1
                if kind == "container" {
                    command = rest.suffix(from: min(i, rest.endIndex))
                    break
                }
                continue
            }
            command = rest.suffix(from: min(i, rest.endIndex))
            break
        }
        let where_ = "inside \(kind) \(ShellPaths.clip(target ?? "?", 40))"
        out.add(.runsRemoteCommand, target)
        if command.isEmpty {
            out.phrase = "runs nothing \(where_)"
            return
        }
        if let c = command.first?.literal, command.count == 1, Self.shells.contains(ShellPaths.basename(c)), interactive || !flow.piped {
            out.phrase = "opens an interactive shell \(where_); what is typed next runs there"
            return
        }
        var inner = ctx
        inner.place = where_
        inner.depth += 1
        inner.wrappers += 1
        guard inner.depth <= Self.maxNesting else {
            out.raise(.unknown, "nested too deeply")
            return
        }
        var o = Outcome()
        invoke(command, inner, flow, &o)
        merge(o, into: &out)
        out.phrase = o.phrase + " " + where_
    }

    mutating func compose(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["-f", "--file", "-p", "--project-name", "--env-file", "--profile"])
        let sub = ops.first ?? ""
        switch sub {
        case "ps", "logs", "config", "images", "top", "ls", "version", "events", "port":
            out.phrase = "shows the status of the Docker Compose services"
        case "up", "run", "start", "restart", "create":
            out.add(.runsContainer, "compose")
            out.raise(.runsOpaqueCode, "the services' images contain programs that are not shown here")
            out.phrase = "starts the containers described in the Docker Compose file"
        case "down", "rm", "stop", "kill":
            out.add(.stopsService, "compose")
            out.raise(.destructive, "stops and removes running services")
            out.phrase = "stops\(sub == "down" || sub == "rm" ? " and removes" : "") the Docker Compose containers"
            if Self.hasFlag(args, "-v", "--volumes") {
                out.add(.deletes, "volumes")
                out.phrase += " and deletes their data volumes"
            }
        case "pull":
            out.raise(.writesFiles)
            out.phrase = "downloads the images of the Docker Compose services"
        case "build":
            out.raise(.writesFiles)
            out.phrase = "builds the images of the Docker Compose services"
        case "exec":
            containerExec(args.drop { $0.literal != "exec" }.dropFirst(), valueOpts: ["-e", "--env", "-u", "--user", "-w", "--workdir", "--index"], kind: "container", ctx, Flow(), &out)
        default:
            out.raise(.changesConfig)
            out.phrase = "runs docker compose \(ShellPaths.clip(sub, 30))"
        }
    }

    // MARK: - kubectl

    mutating func kubectl(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ flow: Flow, _ out: inout Outcome) {
        let values: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "-l", "--selector", "-o", "--output",
            "-f", "--filename", "-c", "--container", "--cluster", "--user", "-s", "--server", "--token", "--replicas",
            "--image", "--type", "--field-selector", "--sort-by", "--since", "--tail", "-p", "--port", "--timeout",
            "--from-literal", "--from-file", "--clusterrole", "--role", "--serviceaccount", "--verb", "--resource",
            "--as", "--as-group", "-L", "--label-columns", "--template", "--grace-period", "--to-revision", "--address", "--overrides"]
        var ops = Self.positional(args, values: values)
        if ops.first == "logs" || ops.first == "attach" || Self.positional(args, values: values.subtracting(["-f"])).first == "logs" {
            ops = Self.positional(args, values: values.subtracting(["-f"]))
        }
        guard let sub = ops.first else { out.phrase = "runs kubectl"; return }
        let kind = ops.dropFirst().first
        let name = ops.dropFirst(2).first
        let ns = Self.value(args, "-n", "--namespace").map { " in namespace \($0)" } ?? ""
        let what = [kind, name].compactMap { $0 }.joined(separator: " ")
        let files = Self.value(args, "-f", "--filename")
        if let files, let h = ShellPaths.host(ofURL: files) {
            out.add(.download, h)
            out.add(.networkConnection, h)
            out.reasons.append("reads the resource definitions from \(h) (not shown here)")
            out.raise(.networkEgress)
        }
        let identityKinds: Set<String> = ["role", "clusterrole", "rolebinding", "clusterrolebinding", "serviceaccount", "sa", "secret", "token", "csr", "certificatesigningrequest"]
        switch sub {
        case "get", "describe", "logs", "top", "explain", "api-resources", "api-versions", "version", "cluster-info", "events", "diff", "wait":
            out.phrase = sub == "logs" ? "shows the logs of \(what)\(ns)" : "shows Kubernetes \(what.isEmpty ? "information" : what)\(ns)"
            if (kind == "secret" || kind == "secrets" || kind?.hasPrefix("secret/") == true), Self.hasFlag(args, "-o", "--output", "-oyaml", "-ojson", "-o=yaml", "-o=json", "-o=jsonpath") {
                out.add(.readsSecret, what)
                out.reasons.append("prints the contents of Kubernetes secrets")
            }
            if sub == "logs", Self.hasFlag(args, "-f", "--follow") { out.phrase += " and keeps following them" }
        case "config":
            if ["view", "get-contexts", "current-context", "get-clusters", "get-users"].contains(kind ?? "") {
                out.phrase = "shows kubectl settings"
            } else {
                out.add(.changesConfig, "kubeconfig")
                out.raise(.changesConfig)
                out.phrase = "changes kubectl settings (\(kind ?? ""))"
            }
        case "auth":
            out.phrase = "checks Kubernetes permissions"
            if kind == "reconcile" { out.raise(.changesIdentityOrPrivilege); out.phrase = "changes Kubernetes roles" }
        case "apply", "create", "edit", "patch", "label", "annotate", "replace", "set", "expose", "autoscale", "cordon", "uncordon", "taint", "rollout", "scale":
            if sub == "rollout", ["status", "history"].contains(kind ?? "") {
                out.phrase = "shows the rollout status of \(ops.dropFirst(2).joined(separator: " "))\(ns)"
                return
            }
            if sub == "scale", let replicas = Self.value(args, "--replicas"), replicas == "0" {
                out.add(.stopsService, what)
                out.raise(.destructive, "scaling to zero stops every copy of the workload")
                out.phrase = "stops \(what.isEmpty ? "the workload" : what)\(ns) by scaling it to zero"
                return
            }
            out.add(.changesConfig, what.isEmpty ? files : what)
            out.raise(.changesConfig)
            if sub == "apply" || sub == "replace" {
                out.phrase = "applies the Kubernetes resources in \(files ?? (flow.piped ? "its input" : "the given file"))\(ns)"
                if Self.hasFlag(args, "--prune") || sub == "replace" && Self.hasFlag(args, "--force") {
                    out.raise(.destructive, "may delete resources")
                }
            } else if sub == "create", let kind, identityKinds.contains(kind) {
                out.add(.changesIdentity, what)
                out.raise(.changesIdentityOrPrivilege, "creates Kubernetes credentials or permissions")
                out.phrase = "creates the Kubernetes \(what)\(ns)"
            } else if sub == "rollout" {
                out.phrase = "\(kind == "restart" ? "restarts" : kind == "undo" ? "rolls back" : "changes the rollout of") \(ops.dropFirst(2).joined(separator: " "))\(ns)"
            } else if sub == "cordon" || sub == "taint" {
                out.phrase = "stops new work from being scheduled on node \(kind ?? "")"
            } else {
                out.phrase = "\(sub == "set" ? "changes settings of" : sub + "s") Kubernetes \(what.isEmpty ? "resources" : what)\(ns)"
                if sub == "create" { out.phrase = "creates Kubernetes \(what.isEmpty ? "resources from \(files ?? "a file")" : what)\(ns)" }
                if sub == "edit" { out.phrase = "edits Kubernetes \(what)\(ns)" }
                if sub == "patch" { out.phrase = "patches Kubernetes \(what)\(ns)" }
                if sub == "scale" { out.phrase = "changes the number of copies of \(what)\(ns)" }
            }
        case "delete":
            out.add(.deletes, what.isEmpty ? files : what)
            out.raise(.destructive, "deletes Kubernetes resources")
            out.phrase = "deletes Kubernetes \(what.isEmpty ? "resources in \(files ?? "a file")" : what)\(ns)"
            if Self.hasFlag(args, "--all", "-A", "--all-namespaces") { out.phrase += ", all of them" }
        case "drain":
            out.add(.stopsService, kind)
            out.raise(.destructive, "evicts every workload from the node")
            out.phrase = "moves all workloads off node \(kind ?? "")"
        case "exec":
            containerExec(args.drop { $0.literal != "exec" }.dropFirst(), valueOpts: values, kind: "pod", ctx, flow, &out)
            out.raise(.readOnly)
        case "attach":
            out.phrase = "attaches to the running pod \(kind ?? "")"
        case "run", "debug":
            out.add(.runsContainer, Self.value(args, "--image") ?? kind)
            out.raise(.runsOpaqueCode, "starts a container image whose programs are not shown here")
            out.phrase = "starts a new pod \(kind ?? "") from the image \(Self.value(args, "--image") ?? "given")\(ns)"
        case "cp":
            out.raise(.writesFiles)
            out.add(.writesFile, ops.last)
            out.phrase = "copies files between this machine and a pod"
        case "port-forward", "proxy":
            out.add(.listens, kind)
            out.add(.networkConnection, kind)
            out.raise(.networkEgress, "opens a network tunnel into the cluster")
            out.phrase = "opens a network tunnel to \(kind ?? "the cluster")\(ns)"
        case "certificate":
            out.add(.changesIdentity, "certificate")
            out.raise(.changesIdentityOrPrivilege, "approving a certificate grants cluster access")
            out.phrase = "\(kind ?? "changes") a Kubernetes certificate request"
        default:
            out.raise(.changesConfig)
            out.phrase = "runs kubectl \(ShellPaths.clip(sub, 30))"
        }
    }

    // MARK: - Cloud CLIs

    static func verbRisk(_ verb: String) -> (RiskClass, String)? {
        let v = verb.lowercased()
        let readPrefixes = ["describe", "list", "get", "head", "lookup", "search", "batch-get", "validate", "estimate",
            "preview", "filter", "show", "ls", "scan", "query", "wait", "simulate", "check", "view", "print", "read", "test-", "tail", "whoami", "browse", "export-"]
        let destructive = ["delete", "terminate", "remove", "deregister", "stop", "disable", "detach", "disassociate",
            "purge", "cancel", "reboot", "rm", "rb", "destroy", "deallocate", "reset", "revoke", "drop", "kill", "abort"]
        let change = ["create", "put", "update", "modify", "attach", "associate", "register", "run", "start", "enable",
            "set", "tag", "untag", "import", "copy", "restore", "authorize", "add", "deploy", "apply", "patch", "resize",
            "upload", "publish", "send", "invoke", "scale", "assign", "grant", "mb", "cp", "mv", "sync", "rsync", "replace",
            "rotate", "upgrade", "install", "submit", "execute", "move", "connect", "login", "configure", "init", "restart", "reload"]
        if readPrefixes.contains(where: { v.hasPrefix($0) }) { return (.readOnly, "shows") }
        if destructive.contains(where: { v.hasPrefix($0) }) { return (.destructive, "deletes or stops") }
        if change.contains(where: { v.hasPrefix($0) }) { return (.changesConfig, "changes") }
        return nil
    }

    static let identityServices: Set<String> = ["iam", "sts", "sso", "sso-admin", "identitystore", "cognito-idp",
        "cognito-identity", "organizations", "ad", "role", "identity", "kms", "secretsmanager", "keyvault", "secrets",
        "service-accounts", "access-context-manager", "ec2-instance-connect", "policy"]

    mutating func aws(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["--profile", "--region", "--output", "--endpoint-url", "--query",
            "--bucket", "--key", "--instance-ids", "--function-name", "--role-arn", "--cli-input-json", "--secret-id",
            "--user-name", "--policy-arn", "--group-name", "--cluster", "--service", "--name", "--stack-name", "--table-name",
            "--document-name", "--parameters", "--targets", "--body", "--payload", "--image-id", "--instance-type",
            "--vpc-id", "--subnet-id", "--filters", "--log-group-name", "--role-name", "--policy-document", "--include", "--exclude",
            "--acl", "--expires-in", "--comment", "--tags", "--value", "--type", "--desired-count", "--task-definition"])
        guard let service = ops.first else { out.phrase = "runs the AWS command-line tool"; return }
        let op = ops.dropFirst().first ?? ""
        if service == "configure" {
            out.add(.changesIdentity, "aws credentials")
            out.raise(op == "list" || op == "get" ? .readOnly : .changesIdentityOrPrivilege, "stores AWS credentials on this machine")
            out.phrase = op == "list" || op == "get" ? "shows AWS settings" : "sets AWS credentials and settings"
            return
        }
        if service == "s3" {
            let paths = Array(ops.dropFirst(2))
            switch op {
            case "ls": out.phrase = "lists \(paths.first ?? "S3 buckets")"
            case "cp", "mv", "sync":
                let src = paths.first ?? "", dst = paths.dropFirst().first ?? ""
                if dst.hasPrefix("s3://"), !src.hasPrefix("s3://") {
                    out.add(.upload, ShellPaths.host(ofURL: dst))
                    out.raise(.networkEgress, "sends local files to S3")
                    out.phrase = "uploads \(ShellPaths.clip(src)) to \(ShellPaths.clip(dst))"
                    if ShellPaths.isSecret(src) { out.add(.readsSecret, src) }
                } else if src.hasPrefix("s3://"), !dst.hasPrefix("s3://") {
                    out.add(.download, ShellPaths.host(ofURL: src))
                    let m = ShellPaths.write(dst, append: false)
                    out.raise(max(.writesFiles, m.risk), m.reason)
                    out.phrase = "downloads \(ShellPaths.clip(src)) to \(ShellPaths.clip(dst))"
                } else {
                    out.raise(.changesConfig)
                    out.phrase = "copies \(ShellPaths.clip(src)) to \(ShellPaths.clip(dst))"
                }
                if op == "mv" || Self.hasFlag(args, "--delete") {
                    out.add(.deletes, src)
                    out.raise(.destructive, op == "mv" ? "moving removes the source" : "--delete removes files missing from the source")
                    if op == "sync" { out.phrase += " and deletes files that are not in the source" }
                }
            case "rm", "rb":
                out.add(.deletes, paths.first)
                out.raise(.destructive, "deletes data in S3")
                out.phrase = "deletes \(paths.first.map { ShellPaths.clip($0) } ?? "S3 objects")\(Self.hasFlag(args, "--recursive", "--force") ? " and everything in it" : "")"
            case "mb":
                out.raise(.changesConfig)
                out.phrase = "creates the S3 bucket \(paths.first ?? "")"
            case "presign":
                out.phrase = "creates a shareable link to \(paths.first ?? "an S3 object")"
                out.reasons.append("anyone with the link can download the object")
            default:
                out.raise(.changesConfig)
                out.phrase = "runs aws s3 \(op)"
            }
            return
        }
        cloudVerb(service: service, verb: op, resource: op, cli: "AWS", args: args, &out)
        if service == "ssm", op == "send-command" || op == "start-session" {
            out.add(.runsRemoteCommand, Self.value(args, "--instance-ids", "--target"))
            out.raise(.runsOpaqueCode, "runs commands on other machines")
            if let p = Self.value(args, "--parameters") { out.reasons.append("remote commands: \(ShellPaths.clip(p, 100))") }
            out.phrase = op == "start-session" ? "opens a remote shell on \(Self.value(args, "--target") ?? "an instance")" : "runs commands on the instances \(Self.value(args, "--instance-ids") ?? "")"
        }
        if service == "lambda", op == "invoke" {
            out.raise(.runsOpaqueCode, "runs the function's code, which is not shown here")
        }
        if service == "secretsmanager" && op == "get-secret-value" || service == "ssm" && op.hasPrefix("get-parameter") && Self.hasFlag(args, "--with-decryption")
            || service == "ecr" && op == "get-login-password" || service == "sts" && op.hasPrefix("get-session-token") || service == "kms" && op == "decrypt"
        {
            out.add(.readsSecret, "\(service) \(op)")
            out.reasons.append("prints a secret value")
        }
        if service == "iam", op == "create-access-key" { out.add(.readsSecret, "new access key") }
        if service == "ec2", op.contains("security-group") {
            out.add(.changesFirewall, op)
            if Self.value(args, "--cidr") == "0.0.0.0/0" || args.contains(where: { $0.literal?.contains("0.0.0.0/0") == true }) {
                out.reasons.append("opens access from the whole internet (0.0.0.0/0)")
            }
        }
    }

    /// Common verb-based judgement for cloud CLIs.
    mutating func cloudVerb(service: String, verb: String, resource: String, cli: String, args: ArraySlice<ShellWord>, _ out: inout Outcome) {
        let subject = resource == verb ? service : "\(service) \(resource)"
        guard let (risk, word) = Self.verbRisk(verb) else {
            out.raise(.changesConfig, "Custody does not know the \(cli) operation \(ShellPaths.clip(verb, 40)); treated as a change")
            out.phrase = "runs the \(cli) operation \(service) \(ShellPaths.clip(verb, 40))"
            return
        }
        var r = risk
        if r > .readOnly, Self.identityServices.contains(service) || verb.contains("iam") || verb.contains("role") || verb.contains("policy-binding") || verb.contains("access-key") || verb.contains("password") || verb.contains("login-profile") {
            r = r == .destructive ? .destructive : .changesIdentityOrPrivilege
            out.add(.changesIdentity, "\(service) \(verb)")
        }
        out.raise(r)
        switch r {
        case .readOnly: out.phrase = "shows \(cli) \(subject) information (\(verb))"
        case .destructive:
            out.add(verb.hasPrefix("stop") || verb.hasPrefix("deallocate") || verb.hasPrefix("restart") || verb.hasPrefix("reboot") ? .stopsService : .deletes, "\(service) \(verb)")
            out.phrase = "\(word) \(cli) \(subject) (\(verb))"
            out.reasons.append("\(verb) removes or stops cloud resources")
        case .changesIdentityOrPrivilege: out.phrase = "changes \(cli) identities or permissions (\(service) \(verb))"
        default:
            out.add(.changesConfig, "\(service) \(verb)")
            out.phrase = "changes \(cli) \(subject) (\(verb))"
        }
    }

    mutating func azure(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["-g", "--resource-group", "-n", "--name", "--subscription", "-o", "--output",
            "--query", "-l", "--location", "--image", "--size", "--scripts", "--command-id", "--assignee", "--role", "--scope",
            "--vault-name", "--account-name", "-c", "--container-name", "-f", "--file", "--source", "-d", "--destination",
            "--admin-username", "--template-file", "--parameters", "--set", "--tags", "--sku", "--cluster-name", "--nodepool-name"])
        guard let group = ops.first else { out.phrase = "runs the Azure command-line tool"; return }
        if group == "login" {
            out.add(.changesIdentity, "az login")
            out.raise(.changesIdentityOrPrivilege, "stores Azure credentials on this machine")
            out.phrase = "signs in to Azure"
            return
        }
        if group == "account", ops.dropFirst().first == "set" {
            out.raise(.changesConfig)
            out.phrase = "switches the active Azure subscription"
            return
        }
        let verbIndex = ops.dropFirst().firstIndex { Self.verbRisk($0) != nil } ?? ops.count - 1
        let verb = verbIndex < ops.count ? ops[verbIndex] : ""
        let resource = ops[1..<max(1, verbIndex)].joined(separator: " ")
        var service = group
        if ops.count > 2, group == "role" || group == "ad" { service = group }
        cloudVerb(service: service, verb: verb, resource: resource.isEmpty ? verb : resource, cli: "Azure", args: args, &out)
        if group == "vm", ops.contains("run-command") {
            if let scripts = Self.value(args, "--scripts") {
                var inner = ctx
                inner.place = "on the Azure VM \(Self.value(args, "-n", "--name") ?? "")"
                var o = Outcome()
                runCodeText(scripts, literal: true, "az vm run-command", inner, Flow(), &o)
                merge(o, into: &out)
                out.phrase = "runs commands on the Azure VM \(Self.value(args, "-n", "--name") ?? ""): \(o.phrase)"
            }
            out.add(.runsRemoteCommand, Self.value(args, "-n", "--name"))
            out.raise(.networkEgress)
        }
        if group == "keyvault", ops.contains("secret"), verb == "show" || verb == "download" {
            out.add(.readsSecret, "key vault secret")
            out.reasons.append("prints a secret value")
        }
        if group == "storage", verb.hasPrefix("upload") {
            out.add(.upload, Self.value(args, "--account-name"))
            out.raise(.networkEgress, "sends local files to Azure storage")
        }
        if group == "aks", verb == "get-credentials" {
            out.raise(.changesConfig)
            out.add(.changesIdentity, "kubeconfig")
            out.phrase = "stores Kubernetes credentials for the AKS cluster \(Self.value(args, "-n", "--name") ?? "")"
        }
    }

    mutating func gcloud(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["--project", "--zone", "--region", "--format", "--filter", "--member",
            "--role", "--machine-type", "--image", "--image-family", "--image-project", "--command", "--cluster", "--limit",
            "--account", "--configuration", "--source", "--tag", "--service-account", "--scopes", "--metadata", "--member", "--flatten"])
        guard let group = ops.first else { out.phrase = "runs the Google Cloud command-line tool"; return }
        if group == "auth" {
            let verb = ops.dropFirst().first ?? ""
            if verb == "list" {
                out.phrase = "lists Google Cloud accounts"
            } else if verb.hasPrefix("print-") {
                out.add(.readsSecret, "access token")
                out.phrase = "prints a Google Cloud access token"
                out.reasons.append("prints a credential that grants access")
            } else {
                out.add(.changesIdentity, "gcloud auth")
                out.raise(.changesIdentityOrPrivilege, "changes the Google Cloud credentials on this machine")
                out.phrase = "signs in to Google Cloud (\(verb))"
            }
            return
        }
        if group == "config" {
            let verb = ops.dropFirst().first ?? ""
            if verb == "set" || verb == "unset" || verb.hasPrefix("configurations") {
                out.raise(.changesConfig)
                out.phrase = "changes gcloud settings (\(ops.dropFirst(2).first ?? ""))"
            } else {
                out.phrase = "shows gcloud settings"
            }
            return
        }
        let verbIndex = ops.firstIndex { $0 == "ssh" || $0 == "scp" } ?? ops.dropFirst().firstIndex { Self.verbRisk($0) != nil } ?? ops.count - 1
        let verb = ops[verbIndex]
        let resource = ops[1..<max(1, verbIndex)].joined(separator: " ")
        if verb == "ssh" {
            let target = ops.dropFirst(verbIndex + 1).first ?? "a VM"
            out.add(.networkConnection, target)
            out.raise(.networkEgress, "connects to a cloud machine")
            if let command = Self.value(args, "--command") {
                var inner = ctx
                inner.place = "on \(target)"
                var o = Outcome()
                runCodeText(command, literal: true, "gcloud ssh --command", inner, Flow(), &o)
                merge(o, into: &out)
                out.add(.runsRemoteCommand, target)
                out.phrase = "connects to \(target) and there \(o.phrase)"
            } else {
                out.phrase = "opens a remote shell on \(target); what is typed next runs there"
            }
            return
        }
        if verb == "get-credentials" {
            out.raise(.changesConfig)
            out.add(.changesIdentity, "kubeconfig")
            out.phrase = "stores Kubernetes credentials for the cluster \(ops.dropFirst(verbIndex + 1).first ?? "")"
            return
        }
        var service = group
        if verb.contains("iam-policy-binding") || group == "iam" { service = "iam" }
        cloudVerb(service: service, verb: verb, resource: resource.isEmpty ? verb : resource, cli: "Google Cloud", args: args, &out)
        if group == "secrets", ops.contains("access") {
            out.add(.readsSecret, "secret version")
            out.reasons.append("prints a secret value")
        }
    }

    mutating func gsutil(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["-h", "-o", "-p"])
        guard let sub = ops.first else { out.phrase = "runs gsutil"; return }
        let paths = Array(ops.dropFirst())
        switch sub {
        case "ls", "cat", "du", "stat", "hash", "version":
            out.phrase = "lists or shows \(paths.first ?? "Google Cloud Storage") contents"
        case "cp", "mv", "rsync":
            let src = paths.first ?? "", dst = paths.last ?? ""
            if dst.hasPrefix("gs://"), !src.hasPrefix("gs://") {
                out.add(.upload, ShellPaths.host(ofURL: dst))
                out.raise(.networkEgress, "sends local files to cloud storage")
                out.phrase = "uploads \(ShellPaths.clip(src)) to \(ShellPaths.clip(dst))"
            } else if src.hasPrefix("gs://"), !dst.hasPrefix("gs://") {
                out.raise(.writesFiles)
                out.add(.download, ShellPaths.host(ofURL: src))
                out.phrase = "downloads \(ShellPaths.clip(src)) to \(ShellPaths.clip(dst))"
            } else {
                out.raise(.changesConfig)
                out.phrase = "copies \(ShellPaths.clip(src)) to \(ShellPaths.clip(dst))"
            }
            if sub == "mv" || Self.hasFlag(args, "-d") {
                out.add(.deletes, src)
                out.raise(.destructive, "removes files")
            }
        case "rm", "rb":
            out.add(.deletes, paths.first)
            out.raise(.destructive, "deletes cloud storage data")
            out.phrase = "deletes \(paths.first.map { ShellPaths.clip($0) } ?? "objects")"
        case "iam", "acl", "defacl":
            let change = paths.first == "ch" || paths.first == "set"
            if change { out.add(.changesIdentity, "\(sub) \(paths.first ?? "")") }
            out.raise(change ? .changesIdentityOrPrivilege : .readOnly)
            out.phrase = change ? "changes who can access \(paths.last ?? "a bucket")" : "shows who can access \(paths.last ?? "a bucket")"
            if args.contains(where: { ($0.literal ?? "").contains("allUsers") }) { out.reasons.append("makes data public to everyone (allUsers)") }
        default:
            out.raise(.changesConfig)
            out.phrase = "runs gsutil \(ShellPaths.clip(sub, 30))"
        }
    }

    // MARK: - systemctl

    mutating func systemctl(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["-t", "--type", "--state", "-p", "--property", "-H", "--host", "-M", "--machine", "-n", "--lines", "-o", "--output"])
        guard let sub = ops.first else {
            out.phrase = "lists system services"
            return
        }
        let units = Array(ops.dropFirst())
        let unitText = units.isEmpty ? "" : " " + Self.joinList(units.prefix(3).map { ShellPaths.clip($0, 40) })
        let now = Self.hasFlag(args, "--now")
        switch sub {
        case "status", "show", "list-units", "list-unit-files", "is-active", "is-enabled", "is-failed", "cat",
            "list-timers", "get-default", "list-dependencies", "list-sockets", "list-jobs", "help", "show-environment":
            out.phrase = sub == "status" ? "shows the status of the service\(unitText)" : "shows information about system services"
        case "start", "restart", "reload", "try-restart", "reload-or-restart", "daemon-reload", "reset-failed", "daemon-reexec", "condrestart", "try-reload-or-restart":
            out.add(.changesConfig, units.first ?? sub)
            out.raise(.changesConfig)
            switch sub {
            case "start": out.phrase = "starts the service\(unitText)"
            case "daemon-reload": out.phrase = "reloads the service definitions"
            case "reload": out.phrase = "reloads the settings of the service\(unitText)"
            default: out.phrase = "restarts the service\(unitText)"
            }
        case "enable", "link", "set-default", "edit", "set-property", "preset", "revert", "add-wants", "set-environment", "unset-environment", "import-environment":
            out.add(.changesConfig, units.first ?? sub)
            if sub == "enable" || sub == "link" || sub == "edit" { out.add(.persistence, units.first ?? sub) }
            out.raise(.changesConfig, sub == "enable" ? "the service will start by itself every time the machine boots" : nil)
            out.phrase = sub == "enable" ? "makes the service\(unitText) start at boot\(now ? " and starts it now" : "")" : "changes service settings (\(sub)\(unitText))"
        case "stop", "kill", "mask", "isolate", "disable":
            if sub == "disable", !now {
                out.add(.changesConfig, units.first ?? sub)
                out.raise(.changesConfig)
                out.phrase = "stops the service\(unitText) from starting at boot"
                return
            }
            out.add(.stopsService, units.first ?? sub)
            out.raise(.destructive, "stopping a service interrupts whatever depends on it")
            out.phrase = sub == "mask" ? "blocks the service\(unitText) from running at all" : "stops the service\(unitText)"
        case "poweroff", "reboot", "halt", "suspend", "hibernate", "emergency", "rescue", "kexec", "soft-reboot":
            out.add(.powerChange, sub)
            out.raise(.destructive, "interrupts everything running on the machine")
            out.phrase = sub == "reboot" ? "restarts the machine" : "\(sub == "poweroff" ? "turns off" : "puts into \(sub) mode") the machine"
        default:
            out.raise(.changesConfig)
            out.phrase = "runs systemctl \(ShellPaths.clip(sub, 30))\(unitText)"
        }
        if Self.hasFlag(args, "--user") { out.phrase += " (for the current user)" }
    }

    // MARK: - Package managers and build tools

    mutating func packageTool(_ name: String, _ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let values: Set<String> = ["-o", "-t", "--target-release", "-c", "--config", "-r", "--requirement", "-i",
            "--index-url", "--extra-index-url", "--registry", "-C", "--prefix", "--root", "-e", "--editable",
            "--repo", "--from", "--namespace", "-n", "-f", "--values", "--set", "--version", "-var", "-var-file",
            "--var", "-p", "--package", "--target", "--enablerepo", "--disablerepo", "--chdir", "-chdir", "--workspace"]
        let ops = Self.positional(args, values: values)
        guard let sub = ops.first else {
            if name == "pip" || name == "pip3" || name == "npm" || name == "yarn" || name == "pnpm" || name == "cargo" || name == "go" || name == "swift" || name == "terraform" || name == "helm" {
                out.phrase = name == "yarn" || name == "pnpm" ? "installs the project's dependencies" : "runs \(name)"
                if name == "yarn" || name == "pnpm" { out.add(.installsPackage, "dependencies"); out.raise(.changesConfig) }
                return
            }
            out.phrase = "runs \(name)"
            return
        }
        let packages = Array(ops.dropFirst())
        let pkgText = packages.isEmpty ? "" : " " + Self.joinList(packages.prefix(4).map { ShellPaths.clip($0, 40) }) + (packages.count > 4 ? " and \(packages.count - 4) more" : "")
        let requirement = Self.value(args, "-r", "--requirement")
        func install(_ phrase: String) {
            out.add(.installsPackage, packages.first ?? requirement ?? name)
            out.raise(.changesConfig, "installs software on this machine")
            out.phrase = phrase
            var candidates = packages
            if let editable = Self.value(args, "-e", "--editable") { candidates.append(editable == "." ? "./" : editable.hasPrefix("/") || editable.hasPrefix("./") ? editable : "./" + editable) }
            if name == "helm" { candidates = candidates.filter { !$0.hasPrefix("./") && !$0.hasPrefix("/") } }
            let remote = candidates.filter { ShellPaths.isURL($0) || $0.hasPrefix("git+") || $0.hasPrefix("github:") || $0.hasSuffix(".whl") || $0.hasSuffix(".tgz") || $0.hasSuffix(".tar.gz") || $0.hasPrefix("./") || $0.hasPrefix("/") || $0.hasPrefix("file:") || ($0.contains("/") && name == "npm" && !$0.hasPrefix("@")) }
            if let r = remote.first {
                out.add(.download, ShellPaths.host(ofURL: r) ?? r)
                out.raise(.runsOpaqueCode, "installs from \(ShellPaths.clip(r)), outside the package registry; its install code is not reviewed")
            }
            if let index = Self.value(args, "-i", "--index-url", "--extra-index-url", "--registry") {
                out.reasons.append("uses the package index \(ShellPaths.clip(index)) instead of the usual one")
                out.add(.download, ShellPaths.host(ofURL: index) ?? index)
                out.raise(.runsOpaqueCode, "packages come from a non-standard index")
            }
            if Self.hasFlag(args, "--allow-unauthenticated", "--nogpgcheck", "--no-gpg-checks", "--trusted-host", "--force-yes", "--allow-untrusted", "--insecure") {
                out.reasons.append("turns off package signature or certificate checks")
                out.raise(.runsOpaqueCode, "packages are installed without checking who made them")
            }
        }
        func remove(_ phrase: String) {
            out.add(.deletes, packages.first ?? name)
            out.raise(.destructive, "removes installed software")
            out.phrase = phrase
        }
        func runScript(_ what: String) {
            out.add(.runsScript, what)
            out.raise(.runsOpaqueCode, "\(what) runs code from the project that is not shown here")
            out.phrase = "runs \(what) (its code is not shown here)"
        }
        switch (name, sub) {
        case (_, "install"), (_, "add"), (_, "i"), (_, "reinstall"), (_, "localinstall"), ("go", "get"),
            ("zypper", "in"), ("npm", "ci"), ("pacman", "-S"):
            if name == "terraform" || name == "helm" && sub != "install" {
                break
            }
            if name == "helm" {
                install("installs the Helm chart \(packages.dropFirst().first ?? packages.first ?? "") as \(packages.first ?? "a release") into Kubernetes")
                return
            }
            if requirement != nil, packages.isEmpty {
                install("installs the Python packages listed in \(requirement!)")
                return
            }
            if name == "go", sub == "get" {
                install("downloads the Go module\(pkgText)")
                return
            }
            if packages.isEmpty && ["npm", "yarn", "pnpm", "composer", "bundle", "cargo", "gem", "pip", "pip3"].contains(name) {
                install("installs the project's dependencies")
                if name == "npm" || name == "yarn" || name == "pnpm" { out.reasons.append("package install scripts may run during the install") }
                return
            }
            install("installs the package\(packages.count == 1 ? "" : "s")\(pkgText)")
            if name == "npm", Self.hasFlag(args, "-g", "--global") { out.phrase += " for every user" }
        case (_, "remove"), (_, "uninstall"), (_, "purge"), (_, "erase"), (_, "del"), (_, "autoremove"), (_, "rm"), (_, "un"), ("helm", "delete"), ("pacman", "-R"):
            remove(sub == "autoremove" ? "removes packages that are no longer needed" : "removes the package\(packages.count == 1 ? "" : "s")\(pkgText)")
            if name == "helm" { out.phrase = "uninstalls the Helm release\(pkgText) from Kubernetes" }
        case (_, "update"), (_, "upgrade"), (_, "dist-upgrade"), (_, "full-upgrade"), (_, "refresh"), (_, "makecache"):
            if name == "helm", sub == "upgrade" {
                install("upgrades the Helm release \(packages.first ?? "") in Kubernetes")
                return
            }
            if name == "helm" && sub == "update" { out.raise(.writesFiles); out.phrase = "refreshes Helm chart repositories"; return }
            if sub == "update" && ["apt", "apt-get", "brew", "aptitude"].contains(name) || sub == "makecache" || sub == "refresh" {
                out.raise(.writesFiles)
                out.phrase = "refreshes the list of available packages"
                return
            }
            out.add(.installsPackage, packages.first ?? "all")
            out.raise(.changesConfig, "updates installed software")
            out.phrase = "upgrades \(packages.isEmpty ? "installed packages" : "the packages" + pkgText)"
        // Before the listing commands: `config set` and `config delete` change settings.
        case ("npm", "config"), ("yarn", "config"), ("pip", "config"), ("pip3", "config"):
            if packages.first == "set" || packages.first == "delete" {
                out.raise(.changesConfig)
                out.phrase = "changes \(name) settings"
            } else {
                out.phrase = "shows \(name) settings"
            }
        case (_, "list"), (_, "search"), (_, "show"), (_, "info"), (_, "policy"), (_, "freeze"), (_, "ls"), (_, "view"),
            (_, "outdated"), (_, "check"), (_, "status"), (_, "history"), (_, "version"), (_, "--version"), (_, "-v"),
            (_, "why"), (_, "audit"), (_, "config"), (_, "help"),
            (_, "madison"), (_, "depends"), (_, "rdepends"), (_, "provides"), (_, "whatprovides"), (_, "repolist"),
            ("helm", "get"), (_, "template"), (_, "plan"), (_, "validate"), (_, "output"),
            (_, "show-deps"), (_, "doctor"), (_, "env"), (_, "vet"), (_, "explain"), (_, "lint"), (_, "-Q"):
            out.phrase = name == "terraform" && sub == "plan" ? "shows what Terraform would change, without changing it" : "shows package information (\(sub))"
        case ("terraform", "apply"), ("terraform", "import"), ("terraform", "taint"), ("terraform", "untaint"), ("terraform", "state"):
            out.add(.changesConfig, "terraform")
            out.raise(.changesConfig, "changes real infrastructure")
            out.phrase = "applies Terraform changes to real infrastructure"
            if Self.hasFlag(args, "-auto-approve", "--auto-approve") { out.phrase += " without asking for confirmation" }
            if sub == "state", packages.first == "rm" { out.raise(.destructive); out.phrase = "removes resources from Terraform's state" }
        case ("terraform", "destroy"):
            out.add(.deletes, "infrastructure")
            out.raise(.destructive, "deletes every resource Terraform manages here")
            out.phrase = "destroys all infrastructure managed by this Terraform configuration"
        case ("terraform", "init"), ("terraform", "fmt"), ("terraform", "workspace"), ("terraform", "get"), ("terraform", "providers"):
            out.raise(.writesFiles)
            out.phrase = sub == "init" ? "downloads the Terraform providers and modules this project needs" : "runs terraform \(sub)"
        case ("helm", "repo"):
            if packages.first == "add" {
                out.add(.changesConfig, "helm repo")
                out.raise(.changesConfig)
                out.phrase = "adds the Helm chart repository \(packages.dropFirst(2).first ?? packages.dropFirst().first ?? "")"
            } else {
                out.raise(.writesFiles)
                out.phrase = "refreshes or lists Helm chart repositories"
            }
        case ("helm", "rollback"):
            out.raise(.changesConfig)
            out.phrase = "rolls back the Helm release \(packages.first ?? "")"
        case ("npm", "run"), ("npm", "run-script"), ("npm", "start"), ("npm", "test"), ("npm", "t"), ("yarn", "run"), ("pnpm", "run"), ("npm", "exec"), ("yarn", "dlx"), ("pnpm", "dlx"), ("pnpm", "exec"), ("yarn", "exec"):
            runScript("the package script \(packages.first ?? sub)")
        case ("swift", "package") where packages.first == "publish":
            fallthrough
        case ("npm", "publish"), ("yarn", "publish"), ("pnpm", "publish"), ("cargo", "publish"), ("gem", "push"):
            out.add(.upload, name)
            out.raise(.networkEgress, "publishes code to a public registry")
            out.phrase = "publishes this package to the \(name) registry"
        case ("yarn", _) where !["install", "add", "remove", "upgrade", "info", "list", "why", "audit", "config", "publish"].contains(sub):
            // `yarn <script>` runs a package script.
            fallthrough
        case ("cargo", "run"), ("go", "run"), ("swift", "run"), ("cargo", "test"), ("go", "test"), ("swift", "test"), ("go", "generate"):
            runScript(name == "yarn" ? "the package script \(sub)" : "the project's code with \(name) \(sub)")
        case ("cargo", "build"), ("go", "build"), ("swift", "build"), ("go", "mod"), ("cargo", "fetch"), ("go", "fmt"), ("cargo", "fmt"), ("npm", "pack"), ("npm", "audit"), ("npm", "init"), ("go", "vet"):
            out.raise(.writesFiles)
            out.phrase = "builds or prepares the project with \(name) \(sub)"
            if sub == "build", name == "cargo" || name == "swift" { out.reasons.append("build scripts or plugins in the project may run") }
        case ("pip", "download"), ("pip3", "download"), ("apt-get", "download"), ("apt", "download"), ("yum", "download"), ("dnf", "download"):
            out.raise(.writesFiles)
            out.add(.download, name)
            out.phrase = "downloads the package files\(pkgText)"
        case ("apt", "clean"), ("apt-get", "clean"), ("yum", "clean"), ("dnf", "clean"), ("npm", "cache"), ("pip", "cache"), ("brew", "cleanup"), ("apk", "cache"):
            out.raise(.writesFiles)
            out.phrase = "clears the package cache"
        case ("brew", "services"), ("snap", "refresh"), ("snap", "enable"), ("snap", "disable"), ("brew", "tap"), ("brew", "link"), ("dnf", "config-manager"), ("yum-config-manager", _), ("zypper", "addrepo"), ("zypper", "ar"), ("dnf", "module"):
            out.raise(.changesConfig)
            out.add(.changesConfig, "\(name) \(sub)")
            out.phrase = "changes package manager settings (\(sub))"
        default:
            out.raise(.changesConfig, "Custody does not know \(name) \(ShellPaths.clip(sub, 30)); treated as a change")
            out.phrase = "runs \(name) \(ShellPaths.clip(sub, 30))"
        }
        if name == "terraform", out.phrase.isEmpty { out.phrase = "runs terraform \(sub)" }
        if out.phrase.isEmpty {
            out.raise(.changesConfig)
            out.phrase = "runs \(name) \(ShellPaths.clip(sub, 30))"
        }
    }

    // MARK: - ip

    mutating func ipTool(_ args: ArraySlice<ShellWord>, _ ctx: Context, _ out: inout Outcome) {
        let ops = Self.positional(args, values: ["-n", "-netns", "-f", "-family"]).map { $0.lowercased() }
        let changing = ops.contains { ["add", "del", "delete", "set", "flush", "change", "replace", "append", "prepend", "exec"].contains($0) }
        if ops.first == "netns", ops.contains("exec") {
            if let idx = args.firstIndex(where: { $0.literal == "exec" }), idx + 2 < args.endIndex {
                wrapped(args.suffix(from: min(idx + 2, args.endIndex)), ctx, Flow(), &out, note: "inside the network namespace \(args[idx + 1].literal ?? "")")
                return
            }
        }
        if changing {
            out.add(.changesConfig, "network")
            out.raise(.changesConfig, "changes how this machine is connected to the network")
            out.phrase = "changes network settings (ip \(ops.prefix(3).joined(separator: " ")))"
            if ops.contains("flush") || ops.contains("del") && ops.contains("default") { out.reasons.append("this can cut the machine off the network") }
        } else {
            out.phrase = "shows network settings (ip \(ops.prefix(2).joined(separator: " ")))"
        }
    }
}
