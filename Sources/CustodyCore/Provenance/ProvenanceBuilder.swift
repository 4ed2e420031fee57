import Crypto
import Foundation
import Synchronization

/// Every surviving line at a revision, attributed to the commit that introduced it.
package struct ProvenanceSnapshot: Sendable {
    /// Hex id of the audited commit.
    package var revision: String
    package var files: [FileBlame]
    /// Files that could not be attributed (missing objects, git errors).
    package var problems: [ReadProblem]
    /// Files taken from the cache / blamed in this run.
    package var cachedFiles: Int
    package var blamedFiles: Int
    /// Commits replayed in this run (replay engine).
    package var replayedCommits: Int = 0
    /// Regular files at the revision that were not attributed (binary files, replay engine).
    package var unattributedPaths: [String] = []

    /// True when lines that `commit` introduced in `path` (at line numbers `lines` of that
    /// commit's version of the file) still survive at the revision. With nil `path`, any line
    /// of the commit; with nil `lines`, any line of the path. Feeds `Finding.stillPresent`.
    package func stillPresent(commit: String, path: String?, lines: ClosedRange<Int>? = nil) -> Bool {
        let commit = commit.lowercased()
        for file in files {
            guard let ci = file.commits.firstIndex(where: { $0.id == commit }) else { continue }
            for run in file.runs where Int(run.commit) == ci {
                if let path, file.originalPaths[Int(run.originalPath)] != path { continue }
                guard let lines else { return true }
                let start = Int(run.originalStart)
                let end = start + Int(run.count) - 1
                if start <= lines.upperBound && lines.lowerBound <= end { return true }
            }
        }
        return false
    }
}

/// Attributes every line at a revision with `git blame --incremental -w -M` per file (blank
/// changes ignored, moves and copies inside a file followed), files in parallel, results cached
/// by (path, blob) in the workspace.
///
/// With a cache folder, blame runs in a private bare "shim" repository in the workspace whose
/// object store borrows the audited repository's (git alternates), with a commit-graph with
/// changed-path Bloom filters written there: blame then skips commits that do not touch a
/// file without reading their trees. The audited repository is only read, never written.
///
/// ```swift
/// let snapshot = try ProvenanceBuilder(repository: "/src/repo", cacheDirectory: "~/.custody/provenance")
///     .build(revision: "HEAD")
/// ```
package struct ProvenanceBuilder: Sendable {
    /// How lines are attributed.
    package enum Engine: String, Sendable, CaseIterable {
        /// Replay the history once (`git log -p -w -U0`), see ``HistoryReplay``. Default.
        case replay
        /// `git blame --incremental -w -M` per file, cached by (path, blob).
        case blame
    }

    package var repository: String
    package var cacheDirectory: String?
    package var jobs: Int
    package var engine: Engine

    package init(repository: String, cacheDirectory: String? = nil, jobs: Int? = nil, engine: Engine = .replay) {
        self.repository = repository
        self.cacheDirectory = cacheDirectory
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        self.engine = engine
    }

    /// - Parameters:
    ///   - revision: any commit-ish (`HEAD`, a branch, an id).
    ///   - path: limits the files to this path (a file or folder), relative to the root.
    /// - Throws: ``CustodyError`` when git cannot run, the path is not a repository or the
    ///   revision does not exist.
    package func build(revision: String = "HEAD", path: String? = nil) throws -> ProvenanceSnapshot {
        let gitDirectory: String
        do {
            gitDirectory = String(decoding: try ProvenanceGit.run(in: repository, ["rev-parse", "--absolute-git-dir"]), as: UTF8.self).trimmed
        } catch is ProvenanceGit.Failure {
            throw CustodyError(.notARepository, "not a git repository", location: repository)
        }
        let sha: String
        do {
            let out = try ProvenanceGit.run(in: repository, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
            sha = String(decoding: out, as: UTF8.self).trimmed
        } catch is ProvenanceGit.Failure {
            throw CustodyError(.usage, "the revision '\(revision.prefix(200))' does not name a commit")
        }
        var listArguments = ["ls-tree", "-r", "-z", "--full-tree", sha]
        if let path, !path.isEmpty, path != "." { listArguments += ["--", path] }
        let listing: [UInt8]
        do {
            listing = try ProvenanceGit.run(in: repository, listArguments)
        } catch let failure as ProvenanceGit.Failure {
            throw CustodyError(.repositoryUnreadable, "git ls-tree failed: \(failure.standardError.prefix(200))")
        }
        let entries = Self.parseTree(listing)
        if engine == .replay {
            return try buildByReplay(sha: sha, gitDirectory: gitDirectory, entries: entries)
        }

        var cache = ProvenanceCache()
        var cacheFile: String?
        // Never in the repository itself: its configuration and attribute files (and a
        // checkout's `.gitattributes`) would change what blame sees. Without the workspace's
        // shim, a private git directory that borrows the repository's objects.
        var shim: String?
        if let cacheDirectory {
            let folder = cacheDirectory + "/" + Self.repositoryKey(gitDirectory)
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            cacheFile = folder + "/blame.cache"
            cache = ProvenanceCache.load(from: folder + "/blame.cache")
            shim = Self.prepareShim(folder: folder, gitDirectory: gitDirectory, tip: sha)
        }
        let scratch = shim == nil ? try Self.privateRepository(gitDirectory: gitDirectory, sha256: sha.count == 64) : nil
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        guard let directory = shim ?? scratch else { throw CustodyError(.io, "no directory to run blame in") }

        var results = [FileBlame?](repeating: nil, count: entries.count)
        var work: [Int] = []
        var cached = 0
        for (i, entry) in entries.enumerated() {
            if let hit = cache.entries[ProvenanceCache.key(path: entry.path, blob: entry.blob)] {
                results[i] = hit
                cached += 1
            } else {
                work.append(i)
            }
        }
        let shared = Mutex<(next: Int, results: [Int: FileBlame], problems: [ReadProblem])>((0, [:], []))
        let readsShimGraph = shim != nil && Self.hasOwnCommitGraph(directory)
        let pending = work
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, work.count))) { _ in
            while true {
                let slot: Int? = shared.withLock { state in
                    guard state.next < pending.count else { return nil }
                    defer { state.next += 1 }
                    return pending[state.next]
                }
                guard let slot else { return }
                let entry = entries[slot]
                do {
                    let out = try ProvenanceGit.run(
                        in: directory, ["blame", "--incremental", "-w", "-M", sha, "--", entry.path], ownCommitGraph: readsShimGraph)
                    let blame = BlameParser.parse(out, path: entry.path, blob: entry.blob)
                    shared.withLock { $0.results[slot] = blame }
                } catch {
                    let reason = (error as? ProvenanceGit.Failure).map { "git blame failed: \($0.standardError.prefix(200))" } ?? "git blame could not run"
                    shared.withLock { $0.problems.append(ReadProblem(commit: sha, path: entry.path, object: entry.blob, reason: reason)) }
                }
            }
        }
        let (fresh, problems) = shared.withLock { ($0.results, $0.problems) }
        for (slot, blame) in fresh { results[slot] = blame }
        let files = results.compactMap { $0 }
        if let cacheFile {
            var next = ProvenanceCache()
            for file in files { next.entries[ProvenanceCache.key(path: file.path, blob: file.blob)] = file }
            // Keep entries of other paths (for example a run limited to one folder) as well.
            for (key, value) in cache.entries where next.entries[key] == nil && path != nil { next.entries[key] = value }
            try? next.save(to: cacheFile)
        }
        return ProvenanceSnapshot(
            revision: sha,
            files: files,
            problems: problems.sorted { ($0.path ?? "") < ($1.path ?? "") },
            cachedFiles: cached,
            blamedFiles: fresh.count
        )
    }

    struct TreeEntry {
        var path: String
        var blob: String
    }

    /// Regular files and executables from `ls-tree -r -z` (symlinks and submodules skipped).
    static func parseTree(_ bytes: [UInt8]) -> [TreeEntry] {
        var out: [TreeEntry] = []
        for record in bytes.split(separator: 0) {
            guard let tab = record.firstIndex(of: 0x09) else { continue }
            let fields = record[record.startIndex..<tab].split(separator: UInt8(ascii: " "))
            guard fields.count == 3, fields[1].elementsEqual("blob".utf8),
                fields[0].elementsEqual("100644".utf8) || fields[0].elementsEqual("100755".utf8)
            else { continue }
            out.append(TreeEntry(path: String(decoding: record[(tab + 1)...], as: UTF8.self), blob: String(decoding: fields[2], as: UTF8.self)))
        }
        return out
    }

    static func repositoryKey(_ gitDirectory: String) -> String {
        let digest = SHA256.hash(data: Array(gitDirectory.utf8))
        return digest.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Whether git may read `directory`'s own commit-graph: it has one. Without one, git would
    /// take the first it finds through the alternates, the audited repository's, which could
    /// give commits other parents.
    static func hasOwnCommitGraph(_ directory: String) -> Bool {
        let info = directory + "/objects/info/"
        return FileManager.default.fileExists(atPath: info + "commit-graph")
            || FileManager.default.fileExists(atPath: info + "commit-graphs/commit-graph-chain")
    }

    /// Creates (once) a bare repository in the workspace that borrows the audited objects, and
    /// brings its commit-graph with Bloom filters up to `tip` (incrementally, `--split`), unless
    /// the audited repository has a commit-graph of its own: git would build ours through it.
    /// Returns nil when the shim cannot be made; blame then runs in a private git directory.
    static func prepareShim(folder: String, gitDirectory: String, tip: String) -> String? {
        let shim = folder + "/shim.git"
        let alternates = shim + "/objects/info/alternates"
        if !FileManager.default.fileExists(atPath: alternates) {
            do {
                _ = try ProvenanceGit.run(in: folder, ["init", "-q", "--bare", "shim.git"])
            } catch { return nil }
            let objects = PrivateRepository.alternateEntry(PrivateRepository.commonDirectory(of: gitDirectory) + "/objects")
            guard FileManager.default.createFile(atPath: alternates, contents: Data((objects + "\n").utf8)) else { return nil }
        }
        if hasOwnCommitGraph(PrivateRepository.commonDirectory(of: gitDirectory)) { return shim }
        do {
            _ = try ProvenanceGit.run(
                in: shim,
                ["commit-graph", "write", "--no-progress", "--split", "--stdin-commits", "--changed-paths"],
                stdin: Array((tip + "\n").utf8),
                ownCommitGraph: true
            )
        } catch {
            return FileManager.default.fileExists(atPath: alternates) ? shim : nil
        }
        return shim
    }
}
