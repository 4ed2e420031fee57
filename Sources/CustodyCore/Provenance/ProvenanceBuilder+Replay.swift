import Foundation

extension ProvenanceBuilder {
    /// Attributes every line at `sha` by replaying the history (see ``HistoryReplay``), reusing
    /// the state cached at an earlier revision when that revision is an ancestor: then only the
    /// new commits are replayed.
    func buildByReplay(sha: String, gitDirectory: String, entries: [TreeEntry]) throws -> ProvenanceSnapshot {
        // The history is read in a private git directory that borrows the repository's objects
        // (as the history reader's diffs are): its configuration (`core.bigFileThreshold`), its
        // attribute files (`-diff`) and a checkout's `.gitattributes` would hide lines as binary.
        let repository = try Self.privateRepository(gitDirectory: gitDirectory, sha256: sha.count == 64)
        defer { try? FileManager.default.removeItem(atPath: repository) }
        var replay = HistoryReplay(repository: repository, jobs: jobs)
        var cacheFile: String?
        var order: [(id: String, parents: [String])] = []
        var base: [String: [String: ReplayFileState]] = [:]
        var tipState: [String: ReplayFileState]?
        if let cacheDirectory {
            let folder = cacheDirectory + "/" + Self.repositoryKey(gitDirectory)
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            cacheFile = folder + "/replay.cache"
            if let cached = ReplayCache.load(from: folder + "/replay.cache", into: &replay) {
                if cached.revision == sha {
                    tipState = cached.state
                } else if let range = try? Self.revList(repository, ["\(cached.revision)..\(sha)"]),
                    !range.isEmpty,
                    (try? ProvenanceGit.run(in: repository, ["merge-base", "--is-ancestor", cached.revision, sha])) != nil
                {
                    let inRange = Set(range.map(\.id))
                    if range.allSatisfy({ $0.parents.allSatisfy { inRange.contains($0) || $0 == cached.revision } }) {
                        order = range
                        base = [cached.revision: cached.state]
                    }
                }
            }
        }
        var replayed = 0
        if tipState == nil {
            if order.isEmpty {
                replay = HistoryReplay(repository: repository, jobs: jobs)
                order = try Self.revList(repository, [sha])
            }
            replayed = order.count
            defer {
                replay.blobReader?.close()
                replay.blobReader = nil
            }
            do {
                tipState = try replay.replay(order: order, base: base, tip: sha)
            } catch let failure as ProvenanceGit.Failure {
                throw CustodyError(.repositoryUnreadable, "git log failed: \(failure.standardError.prefix(200))")
            }
        }
        let state = tipState ?? [:]
        var files: [FileBlame] = []
        var unattributed: [String] = []
        for entry in entries {
            guard let file = state[entry.path] else {  // binary files are not attributed
                unattributed.append(entry.path)
                continue
            }
            files.append(Self.fileBlame(entry, file, replay))
        }
        if let cacheFile {
            try? ReplayCache.save(revision: sha, state: state, replay: replay, to: cacheFile)
        }
        return ProvenanceSnapshot(
            revision: sha, files: files, problems: [], cachedFiles: replayed == 0 ? files.count : 0, blamedFiles: 0,
            replayedCommits: replayed, unattributedPaths: unattributed
        )
    }

    /// A new private git directory whose objects are those of the repository at `gitDirectory`
    /// (an alternate), with its `shallow` file; the caller removes it.
    static func privateRepository(gitDirectory: String, sha256: Bool) throws -> String {
        let common = PrivateRepository.commonDirectory(of: gitDirectory)
        let directory = try PrivateRepository.makeScratchDirectory()
        do {
            try PrivateRepository.make(
                at: directory, sha256: sha256, shallow: common + "/shallow", alternates: [common + "/objects"])
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return directory
    }

    /// `git rev-list --topo-order --reverse --parents ARGS`.
    static func revList(_ repository: String, _ arguments: [String]) throws -> [(id: String, parents: [String])] {
        let out = try ProvenanceGit.run(in: repository, ["rev-list", "--topo-order", "--reverse", "--parents"] + arguments + ["--"])
        return out.split(separator: 0x0a).map { line in
            let ids = line.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            return (ids[0], Array(ids.dropFirst()))
        }
    }

    static func fileBlame(_ entry: TreeEntry, _ file: ReplayFileState, _ replay: HistoryReplay) -> FileBlame {
        var blame = FileBlame(path: entry.path, blob: entry.blob)
        var localCommit: [Int32: Int32] = [:]
        var localPath: [Int32: Int32] = [:]
        var i = 0
        let n = file.origins.count
        while i < n {
            let origin = file.origins[i]
            let path = file.originPaths[i]
            let start = file.originLines[i]
            var j = i + 1
            while j < n, file.origins[j] == origin, file.originPaths[j] == path, file.originLines[j] == start + Int32(j - i) { j += 1 }
            let c: Int32
            if let known = localCommit[origin] {
                c = known
            } else {
                c = Int32(blame.commits.count)
                blame.commits.append(replay.commits[Int(origin)])
                localCommit[origin] = c
            }
            let p: Int32
            if let known = localPath[path] {
                p = known
            } else {
                p = Int32(blame.originalPaths.count)
                blame.originalPaths.append(replay.paths[Int(path)])
                localPath[path] = p
            }
            blame.runs.append(BlameRun(commit: c, originalPath: p, originalStart: start, finalStart: Int32(i + 1), count: Int32(j - i)))
            i = j
        }
        return blame
    }
}

/// The replay state at one revision, saved in the workspace so the next run replays only the
/// commits after it.
enum ReplayCache {
    static let magic = Array("CUSTODY-REPLAY-1\n".utf8)

    static func save(revision: String, state: [String: ReplayFileState], replay: HistoryReplay, to file: String) throws {
        var out = ByteWriter()
        out.raw(magic)
        out.string(revision)
        out.int(replay.commits.count)
        for c in replay.commits {
            out.string(c.id); out.string(c.authorName); out.string(c.authorEmail); out.int(Int(c.authorTime))
        }
        out.int(replay.paths.count)
        for p in replay.paths { out.string(p) }
        out.int(state.count)
        for path in state.keys.sorted() {
            guard let f = state[path] else { continue }
            out.string(path)
            out.string(f.blob ?? "")
            out.int(f.hashes.count)
            for k in 0..<f.hashes.count {
                out.raw(withUnsafeBytes(of: f.hashes[k].littleEndian, Array.init))
                out.int(Int(f.origins[k])); out.int(Int(f.originPaths[k])); out.int(Int(f.originLines[k]))
            }
        }
        let temporary = file + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(out.bytes)), rename(temporary, file) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CustodyError(.io, "cannot write the provenance cache", location: file)
        }
    }

    static func load(from file: String, into replay: inout HistoryReplay) -> (revision: String, state: [String: ReplayFileState])? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        var r = ByteReader(Array(data))
        guard r.bytes(magic.count) == magic, let revision = r.string(), let commitCount = r.int() else { return nil }
        var fresh = HistoryReplay(repository: replay.repository, jobs: replay.jobs)
        for _ in 0..<commitCount {
            guard let id = r.string(), let name = r.string(), let email = r.string(), let time = r.int() else { return nil }
            fresh.commitIndex[id] = Int32(fresh.commits.count)
            fresh.commits.append(BlameCommit(id: id, authorName: name, authorEmail: email, authorTime: Int64(time)))
        }
        guard let pathCount = r.int() else { return nil }
        for _ in 0..<pathCount {
            guard let p = r.string() else { return nil }
            fresh.pathIndex[p] = Int32(fresh.paths.count)
            fresh.paths.append(p)
        }
        guard let fileCount = r.int() else { return nil }
        var state: [String: ReplayFileState] = [:]
        for _ in 0..<fileCount {
            guard let path = r.string(), let blob = r.string(), let lines = r.int(), lines >= 0 else { return nil }
            var f = ReplayFileState(blob: blob.isEmpty ? nil : blob)
            f.hashes.reserveCapacity(lines)
            for _ in 0..<lines {
                guard let h = r.bytes(8), let o = r.int(), let p = r.int(), let l = r.int(), o < commitCount, p < pathCount else { return nil }
                f.hashes.append(h.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
                f.origins.append(Int32(o)); f.originPaths.append(Int32(p)); f.originLines.append(Int32(l))
            }
            state[path] = f
        }
        replay = fresh
        return (revision, state)
    }
}
