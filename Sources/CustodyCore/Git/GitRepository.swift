/// A git repository (work tree or bare) opened for reading only.
///
/// Every git command runs through ``GitProcess`` with `--git-dir` and `core.bare=true`, in the
/// git directory, without the repository's `info/grafts`, so the work tree, its index and its
/// `.gitattributes` are never read and nothing is written; the history's diffs run in a git
/// directory of custody's own (``HistoryReader``), out of reach of the repository's
/// configuration and attribute files.
///
/// ```swift
/// let repo = try GitRepository(path: "/src/project")
/// let summary = try repo.readHistory(HistoryOptions(jobs: 4)) { index, commit in
///     store.add(index, commit)
/// }
/// ```
package struct GitRepository: Sendable {
    package var path: String
    package var gitDirectory: String
    let git: GitProcess

    /// Checks git runs and `path` is a repository (work tree or bare).
    ///
    /// - Throws: ``CustodyError`` with code `.gitUnavailable` (git missing or not runnable) or
    ///   `.notARepository` (one-line message).
    package init(path: String) throws {
        try self.init(path: path, gitExecutable: nil)
    }

    /// As ``init(path:)``, with an explicit git executable (tests use a missing one).
    package init(path: String, gitExecutable: String?) throws {
        let runner = try GitProcess(executable: gitExecutable)
        let output: GitProcess.Output
        do {
            output = try runner.run(["-C", path, "rev-parse", "--absolute-git-dir"])
        } catch let error as CustodyError {
            throw error
        }
        guard output.succeeded else {
            if output.status == 127 || output.status == 126 {
                throw CustodyError(.gitUnavailable, "git could not run: \(output.errorLine)")
            }
            let message = String(decoding: output.standardError, as: UTF8.self)
            let shown = GitProcess.firstLine(Array(path.utf8))
            if message.contains("dubious ownership") {
                throw CustodyError(.notARepository, "git refuses \(shown): it is owned by another user")
            }
            throw CustodyError(.notARepository, "not a git repository: \(shown)")
        }
        var directory = output.standardOutput
        while let last = directory.last, last == 0x0a || last == 0x0d { directory.removeLast() }
        guard !directory.isEmpty else {
            throw CustodyError(.notARepository, "not a git repository: \(GitProcess.firstLine(Array(path.utf8)))")
        }
        self.path = path
        self.gitDirectory = String(decoding: directory, as: UTF8.self)
        var git = runner
        git.gitDirectory = gitDirectory
        self.git = git
    }

    /// Runs a read-only git command in this repository; throws `.repositoryUnreadable` on failure.
    func runChecked(_ arguments: [String], input: [UInt8]? = nil) throws -> [UInt8] {
        let output = try git.run(arguments, input: input)
        guard output.succeeded else {
            throw CustodyError(.repositoryUnreadable, "git \(arguments.first ?? "") failed: \(output.errorLine)")
        }
        return output.standardOutput
    }

    /// The process runner bound to this repository (for blame, provenance and other readers).
    package var process: GitProcess { git }

    /// Root commit ids (sorted) of the branches and tags: the repository's identity in the store.
    package func rootCommits() throws -> [ObjectID] {
        let tips = try refs(.branchesAndTags).map(\.tip)
        guard !tips.isEmpty else { return [] }
        let input = Array(tips.joined(separator: "\n").utf8) + [0x0a]
        let out = try runChecked(["rev-list", "--max-parents=0", "--stdin"], input: input)
        return Set(Self.hexLines(out)).sorted()
    }

    /// The refs a selection starts from, sorted by name, each with the commit it points to.
    ///
    /// Tags are peeled to their commit; refs that point to trees or blobs are left out. For a
    /// range, the positive ends of the range are listed under the range text.
    package func refs(_ selection: RefSelection) throws -> [RefTip] {
        switch selection {
        case .range(let range):
            let ids = try rangeEnds(range)
            return ids.positive.map { RefTip(name: range, tip: $0.description) }
        case .branchesAndTags, .allRefs:
            var arguments = [
                "for-each-ref", "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)",
            ]
            if selection == .branchesAndTags { arguments += ["refs/heads/", "refs/tags/"] }
            let out = try runChecked(arguments)
            var tips: [RefTip] = []
            for line in out.split(separator: 0x0a) {
                let fields = line.split(separator: 0x20, maxSplits: 4, omittingEmptySubsequences: false)
                guard fields.count == 5 else { continue }
                let name = String(decoding: fields[4], as: UTF8.self)
                if name.hasPrefix("refs/notes/") { continue }
                let tip: ArraySlice<UInt8>
                if fields[1].elementsEqual("commit".utf8) {
                    tip = fields[0]
                } else if fields[1].elementsEqual("tag".utf8) && fields[3].elementsEqual("commit".utf8) {
                    tip = fields[2]
                } else {
                    continue
                }
                guard let id = ObjectID(hex: tip) else { continue }
                tips.append(RefTip(name: name, tip: id.description))
            }
            return tips.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
    }

    /// The commits a range names: positive and negative ends (`A..B` gives B and ^A).
    func rangeEnds(_ range: String) throws -> (positive: [ObjectID], negative: [ObjectID]) {
        guard !range.isEmpty, !range.hasPrefix("-"), !range.contains("\n"), !range.contains("\0") else {
            throw CustodyError(.usage, "not a revision range: \(GitProcess.firstLine(Array(range.utf8)))")
        }
        let output = try git.run(["rev-parse", "--revs-only", range])
        guard output.succeeded else {
            throw CustodyError(.usage, "unknown revision or range: \(GitProcess.firstLine(Array(range.utf8)))")
        }
        var positive: [ObjectID] = []
        var negative: [ObjectID] = []
        for line in output.standardOutput.split(separator: 0x0a) {
            if line.first == UInt8(ascii: "^") {
                if let id = ObjectID(hex: line.dropFirst()) { negative.append(id) }
            } else if let id = ObjectID(hex: line) {
                positive.append(id)
            }
        }
        guard !positive.isEmpty else {
            throw CustodyError(.usage, "unknown revision or range: \(GitProcess.firstLine(Array(range.utf8)))")
        }
        return (positive, negative)
    }

    /// The ordered list of selected commits (parents before children: `rev-list --topo-order
    /// --reverse`), minus `options.excluding`.
    package func commitIDs(_ options: HistoryOptions) throws -> [ObjectID] {
        let input = try revListInput(options).input
        guard !input.isEmpty else { return [] }
        let out = try runChecked(["rev-list", "--topo-order", "--reverse", "--stdin"], input: input)
        let ids = Self.hexLines(out)
        if options.excluding.isEmpty { return ids }
        return ids.filter { !options.excluding.contains($0) }
    }

    /// The selected commits with their parents (before `options.excluding`), in the order of
    /// ``commitIDs(_:)``.
    func commitGraph(_ options: HistoryOptions) throws -> CommitGraph {
        let (input, tips) = try revListInput(options)
        var graph = CommitGraph(revListParents: [])
        if !input.isEmpty {
            graph = CommitGraph(
                revListParents: try runChecked(
                    ["rev-list", "--topo-order", "--reverse", "--parents", "--stdin"],
                    input: input
                )
            )
        }
        graph.refs = tips
        return graph
    }

    /// What `rev-list --stdin` reads for a selection: tips, or a range's ends; and the refs
    /// when the selection is read from refs.
    private func revListInput(_ options: HistoryOptions) throws -> (input: [UInt8], refs: [RefTip]?) {
        var input: [UInt8] = []
        switch options.refs {
        case .range(let range):
            let ends = try rangeEnds(range)
            for id in ends.positive { input += Array(id.description.utf8) + [0x0a] }
            for id in ends.negative { input += [UInt8(ascii: "^")] + Array(id.description.utf8) + [0x0a] }
            return (input, nil)
        case .branchesAndTags, .allRefs:
            let tips = try refs(options.refs)
            for tip in Set(tips.map(\.tip)).sorted() { input += Array(tip.utf8) + [0x0a] }
            return (input, tips)
        }
    }

    static func hexLines(_ bytes: [UInt8]) -> [ObjectID] {
        bytes.split(separator: 0x0a).compactMap { ObjectID(hex: $0) }
    }

    /// Reads every selected commit with its file changes (merges with `--remerge-diff`), using
    /// `options.jobs` git processes parsed concurrently.
    ///
    /// `consumer` may be called concurrently from up to `jobs` threads; `index` is the commit's
    /// position in ``commitIDs(_:)``, so results sorted by index never depend on `jobs`. Missing
    /// objects become `problems`, never a throw.
    /// - Throws: ``CustodyError`` when the refs or the commit list cannot be read at all.
    /// - Parameter graph: the selection's ``commitGraph(_:)`` when the caller already has it.
    package func readHistory(
        _ options: HistoryOptions,
        consumer: @escaping @Sendable (_ index: Int, _ commit: Commit) -> Void
    ) throws -> HistorySummary {
        try readHistory(options, graph: nil, consumer: consumer)
    }

    func readHistory(
        _ options: HistoryOptions,
        graph given: CommitGraph?,
        consumer: @escaping @Sendable (_ index: Int, _ commit: Commit) -> Void
    ) throws -> HistorySummary {
        // The refs the given graph was read from are those of this selection.
        let tips = try given?.refs ?? refs(options.refs)
        // The parent graph (rev-list --parents) gives merge bases to the merge verifier.
        let graph = options.verifyMerges ? try given ?? commitGraph(options) : nil
        let ids =
            if let graph {
                options.excluding.isEmpty ? graph.ids : graph.ids.filter { !options.excluding.contains($0) }
            } else {
                try commitIDs(options)
            }
        let reader = HistoryReader(git: git, ids: ids, jobs: options.jobs, graph: graph, consumer: consumer)
        let (count, problems) = try reader.run()
        var summary = HistorySummary(refs: tips, commitCount: count, problems: problems)
        (summary.mergesWithoutOwnPaths, summary.mergesVerified, summary.mergesRedone, summary.mergesRemerged) =
            reader.remergeCounts
        return summary
    }

    /// A `git cat-file --batch` stream, usable as a ``BlobSource``; thread-safe.
    package func blobReader() throws -> GitBlobReader {
        try GitBlobReader(git: git)
    }
}
