/// Finds risky CI changes: `pull_request_target` workflows that run the pull request's own code
/// with the repository's secrets, secrets or the whole environment sent to a server, untrusted
/// event text pasted into shell scripts, downloads piped into a shell, and third-party actions not
/// pinned to a commit (the tj-actions/changed-files compromise of 2025 retargeted such tags).
struct CIWorkflowRiskDetector: Detector {
    static let untrustedCheckout = DetectorRule(
        id: "CUST-CI-001",
        name: "PullRequestTargetRunsUntrustedCode",
        category: .ciWorkflowRisk,
        severity: .high,
        confidence: .high,
        summary: "A CI workflow runs code from outside contributors' pull requests with the repository's secrets and write access.",
        help: "pull_request_target runs with the base repository's secrets; checking out the pull request's head (github.event.pull_request.head.sha, github.head_ref, refs/pull/N/merge) then running it lets anyone who opens a pull request steal the secrets."
    )
    static let secretsSentOut = DetectorRule(
        id: "CUST-CI-002",
        name: "SecretsSentToServer",
        category: .ciWorkflowRisk,
        severity: .high,
        confidence: .medium,
        summary: "A CI step sends the repository's secrets to a server.",
        help: "A run step that passes ${{ secrets.X }} or toJSON(secrets) to curl, wget or another network tool, or a script that posts the whole environment ($(env), printenv) — what the Codecov bash uploader compromise did in 2021."
    )
    static let unpinnedAction = DetectorRule(
        id: "CUST-CI-003",
        name: "ActionNotPinned",
        category: .ciWorkflowRisk,
        severity: .low,
        confidence: .high,
        summary: "A CI workflow uses a third-party action by a movable tag, so its owner can change the code it runs at any time.",
        help: "Pin actions to a full 40-character commit id. Tags such as @v4 can be moved, as in the tj-actions/changed-files compromise."
    )
    static let pipeToShell = DetectorRule(
        id: "CUST-CI-004",
        name: "DownloadPipedToShell",
        category: .ciWorkflowRisk,
        severity: .medium,
        confidence: .high,
        summary: "A CI step downloads a script and runs it immediately, without checking what it is.",
        help: "curl … | sh runs whatever the server returns today, with the CI job's secrets in reach."
    )
    static let expressionInjection = DetectorRule(
        id: "CUST-CI-005",
        name: "UntrustedTextInScript",
        category: .ciWorkflowRisk,
        severity: .high,
        confidence: .high,
        summary: "A CI script pastes text that any outsider controls (an issue title, a branch name, a comment) directly into shell commands, so that text can run its own commands.",
        help: "${{ github.event.issue.title }} and similar expressions are substituted into the script before the shell runs it. Pass them through an environment variable instead."
    )
    static let environmentSentOut = DetectorRule(
        id: "CUST-CI-006",
        name: "EnvironmentSentToServer",
        category: .ciWorkflowRisk,
        severity: .critical,
        confidence: .high,
        summary: "A CI script sends every environment variable, including the CI job's secrets, to a server.",
        help: "Posting $(env), printenv or git remote -v to a remote host is credential theft; it is what the modified Codecov bash uploader did in 2021."
    )

    var rules: [DetectorRule] {
        [Self.untrustedCheckout, Self.secretsSentOut, Self.unpinnedAction, Self.pipeToShell, Self.expressionInjection,
         Self.environmentSentOut]
    }

    private static let dangerousContexts: [[UInt8]] = [
        "github.event.issue.title", "github.event.issue.body", "github.event.pull_request.title",
        "github.event.pull_request.body", "github.event.comment.body", "github.event.review.body",
        "github.event.review_comment.body", "github.event.pages", "github.event.commits", "github.event.head_commit.message",
        "github.event.head_commit.author", "github.event.pull_request.head.ref", "github.event.pull_request.head.label",
        "github.event.pull_request.head.repo.default_branch", "github.head_ref", "github.event.workflow_run.head_branch",
        "github.event.workflow_run.head_commit", "github.event.discussion.title", "github.event.discussion.body",
        "github.event.issue_comment", "github.event.check_suite.head_branch",
    ].map(BuildText.fold)

    static let blobLimit = 4 << 20

    private static let dangerousSet = LiteralSet(dangerousContexts)

    private static let prHeadRefs: [[UInt8]] = ["github.event.pull_request.head.sha", "github.event.pull_request.head.ref",
        "github.head_ref", "refs/pull/", "github.event.pull_request.merge_commit_sha", "github.event.number"]
        .map(BuildText.fold)

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind != .delete, !change.addedLines.isEmpty else { return }
        let role = context.buildRole(of: change.path)
        if role == .ciWorkflow {
            scanWorkflow(change, context: context, into: &findings)
        } else if role == .shellScript || BuildTamperingDetector.isBuildLogic(change.path, role: role) {
            // One pass over the file's added text proves most files never send the environment.
            if ShellSignals.mayDumpEnvironment(change.addedLines.storage[...]) {
                scanEnvironmentExfiltration(change, lines: Array(change.addedLines), context: context, into: &findings)
            }
        }
    }

    private func scanEnvironmentExfiltration(_ change: FileChange, lines: [AddedLine], context: DetectionContext, into findings: inout [Finding]) {
        for line in lines where ShellSignals.mayDumpEnvironment(line.text) {
            let signals = ShellSignals.of(line.text)
            if signals.contains(.sendsEnvironment) {
                findings.append(Finding(
                    rule: Self.environmentSentOut, commit: context.commit, change: change, lines: [line],
                    evidence: "Line \(line.number) sends the environment (where CI keeps its secrets) over the network."
                ))
            }
        }
    }

    private struct WorkflowLine {
        var number: Int
        var text: ArraySlice<UInt8>
        var inScript: Bool
    }

    /// Marks which lines of a workflow belong to `run:` / `script:` blocks.
    private static func classify(_ bytes: [UInt8], isGitHub: Bool) -> [WorkflowLine] {
        var out: [WorkflowLine] = []
        var scriptIndent: Int?
        for (index, raw) in BuildText.lines(bytes, limit: 50_000).enumerated() {
            let text = raw.last == 0x0d ? raw.dropLast() : raw
            var indent = 0
            for byte in text {
                if byte == 0x20 { indent += 1 } else { break }
            }
            let content = text.dropFirst(indent)
            let isBlank = content.isEmpty || content.first == UInt8(ascii: "#")
            if let current = scriptIndent, !isBlank, indent <= current { scriptIndent = nil }
            var inScript = scriptIndent != nil
            var body = content
            if body.first == UInt8(ascii: "-") { body = BuildText.trimmed(body.dropFirst()) }
            for key in ["run:", "script:", "before_script:", "after_script:", "command:", "shell:", "inlineScript:"] {
                if body.starts(with: Array(key.utf8)) {
                    if key != "shell:" {
                        scriptIndent = indent
                        inScript = true
                    }
                    break
                }
            }
            if !isGitHub { inScript = true }
            out.append(WorkflowLine(number: index + 1, text: text, inScript: inScript))
        }
        return out
    }

    private func scanWorkflow(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        let isGitHub = change.path.lowercased().contains(".github/") || BuildFiles.fileName(change.path).lowercased().hasPrefix("action.")
        let added = Dictionary(change.addedLines.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var fileLines: [WorkflowLine]
        if let blob = change.newBlob, let bytes = context.blobs.read(blob, limit: Self.blobLimit), bytes.count < Self.blobLimit {
            fileLines = Self.classify(bytes, isGitHub: isGitHub)
        } else {
            // Without the whole blob (missing or larger than the limit), judge the added lines alone.
            var bytes: [UInt8] = []
            for line in change.addedLines {
                bytes.append(contentsOf: line.text)
                bytes.append(0x0a)
            }
            fileLines = Self.classify(bytes, isGitHub: isGitHub)
            let numbers = change.addedLines.map(\.number)
            for i in fileLines.indices where i < numbers.count { fileLines[i].number = numbers[i] }
        }
        var exfiltrationLines: [AddedLine] = []
        for line in fileLines {
            guard let addedLine = added[line.number] else { continue }
            let text = line.text
            // Unpinned actions.
            if let reference = Self.actionReference(text), !Self.isPinned(reference) {
                let owner = reference.split(separator: "/").first.map(String.init)?.lowercased() ?? ""
                findings.append(Finding(
                    rule: Self.unpinnedAction, commit: context.commit, change: change, lines: [addedLine],
                    evidence: "uses: \(BuildText.printable(reference.utf8, limit: 100)) is not pinned to a commit id.",
                    severity: owner == "actions" || owner == "github" ? .info : nil
                ))
            }
            if BuildText.containsFolded(text, BuildText.fold("tojson(secrets)")) {
                findings.append(Finding(
                    rule: Self.secretsSentOut, commit: context.commit, change: change, lines: [addedLine],
                    evidence: "Line \(line.number) serializes every secret of the repository (toJSON(secrets))."
                ))
                continue
            }
            guard line.inScript else { continue }
            if BuildText.containsFolded(text, Array("${{".utf8)),
                let index = Self.dangerousSet.found(in: text).firstIndex(of: true)
            {
                let expression = Self.dangerousContexts[index]
                findings.append(Finding(
                    rule: Self.expressionInjection, commit: context.commit, change: change,
                    lines: [addedLine],
                    evidence: "Line \(line.number) puts ${{ \(String(decoding: expression, as: UTF8.self)) }} straight into a script."
                ))
            }
            let signals = ShellSignals.of(text)
            if signals.contains(.sendsEnvironment) {
                exfiltrationLines.append(addedLine)
            } else if BuildText.containsFolded(text, BuildText.fold("secrets.")), signals.contains(.download)
                || BuildText.containsFolded(text, BuildText.fold("nc "))
            {
                findings.append(Finding(
                    rule: Self.secretsSentOut, commit: context.commit, change: change, lines: [addedLine],
                    evidence: "Line \(line.number) passes a repository secret to a network command."
                ))
            }
            if signals.contains(.pipeToShell) {
                findings.append(Finding(
                    rule: Self.pipeToShell, commit: context.commit, change: change, lines: [addedLine],
                    evidence: "Line \(line.number) pipes a download into a shell."
                ))
            }
        }
        for line in exfiltrationLines {
            findings.append(Finding(
                rule: Self.environmentSentOut, commit: context.commit, change: change, lines: [line],
                evidence: "Line \(line.number) sends the environment (where CI keeps its secrets) over the network."
            ))
        }
        scanPullRequestTarget(change, fileLines: fileLines, added: added, context: context, into: &findings)
    }

    private func scanPullRequestTarget(_ change: FileChange, fileLines: [WorkflowLine], added: [Int: AddedLine], context: DetectionContext, into findings: inout [Finding]) {
        let triggerNeedle = BuildText.fold("pull_request_target")
        let triggers = fileLines.filter { line in
            !line.inScript && BuildText.firstFolded(line.text, triggerNeedle) != nil
                && BuildText.trimmed(line.text).first != UInt8(ascii: "#")
        }
        guard !triggers.isEmpty else { return }
        let heads = fileLines.filter { line in
            Self.prHeadRefs.contains { BuildText.firstFolded(line.text, $0) != nil }
                && (BuildText.containsFolded(line.text, BuildText.fold("ref:")) || BuildText.containsFolded(line.text, BuildText.fold("repository:"))
                    || line.inScript && BuildText.containsFolded(line.text, BuildText.fold("git ")))
        }
        guard !heads.isEmpty else { return }
        let relevant = (triggers + heads).filter { added[$0.number] != nil }
        guard !relevant.isEmpty else { return }
        let usesSecrets = fileLines.contains { BuildText.containsFolded($0.text, BuildText.fold("secrets.")) && !BuildText.containsFolded($0.text, BuildText.fold("secrets.github_token")) }
        let lines = (heads + triggers).compactMap { added[$0.number] }.sorted { $0.number < $1.number }
        findings.append(Finding(
            rule: Self.untrustedCheckout, commit: context.commit, change: change, lines: lines,
            evidence: "The workflow is triggered by pull_request_target (line \(triggers[0].number)) and checks out the pull request's head (line \(heads[0].number))" + (usesSecrets ? ", and it uses repository secrets." : "."),
            severity: usesSecrets ? .critical : nil
        ))
    }

    /// The `owner/repo@ref` of a `uses:` line, or nil.
    static func actionReference(_ text: ArraySlice<UInt8>) -> String? {
        var body = BuildText.trimmed(text)
        if body.first == UInt8(ascii: "-") { body = BuildText.trimmed(body.dropFirst()) }
        guard body.starts(with: Array("uses:".utf8)) else { return nil }
        var value = BuildText.trimmed(body.dropFirst(5))
        if let hash = value.firstIndex(of: UInt8(ascii: "#")) { value = BuildText.trimmed(value[..<hash]) }
        if value.first == UInt8(ascii: "\"") || value.first == UInt8(ascii: "'") { value = value.dropFirst() }
        if value.last == UInt8(ascii: "\"") || value.last == UInt8(ascii: "'") { value = value.dropLast() }
        guard !value.isEmpty, value.first != UInt8(ascii: "."), !value.starts(with: Array("docker://".utf8)) else { return nil }
        guard value.contains(UInt8(ascii: "/")) else { return nil }
        return String(decoding: value.prefix(300), as: UTF8.self)
    }

    /// Whether `owner/repo[/path]@ref` pins a 40-hex commit.
    static func isPinned(_ reference: String) -> Bool {
        guard let at = reference.lastIndex(of: "@") else { return false }
        let ref = reference[reference.index(after: at)...]
        return ref.utf8.count == 40 && ref.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
