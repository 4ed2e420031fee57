import Foundation
import Synchronization

/// The attribution of one file's lines while the history is replayed.
struct ReplayFileState {
    var blob: String?
    /// FNV-1a of the line with all whitespace removed (so whitespace-only changes keep origin).
    var hashes: [UInt64] = []
    /// Per line: index into the commit table, index into the path table, line number in the
    /// origin commit's version.
    var origins: [Int32] = []
    var originPaths: [Int32] = []
    var originLines: [Int32] = []
}

/// Attributes every line at a revision by replaying the history once, oldest first: one `git log
/// -p -w -U0` stream (split across `jobs` git processes) instead of one `git blame` per file.
///
/// Rules (the same answers as `git blame -w -M` in the ordinary cases):
/// * a line keeps the origin it had in the parent unless a hunk removes it;
/// * whitespace is ignored (`-w` diffs, and lines are compared with whitespace removed);
/// * an added line with at least ``minimumMovedCharacters`` letters or digits that already
///   existed in the parent's version of the same file (moved or copied inside the file) keeps
///   that line's origin; shorter lines ("}", blank) belong to the commit that adds them;
/// * whole-file renames are followed;
/// * a merge takes each file from the parent with the same blob; a file that matches no parent
///   (a conflict resolution) is diffed against the first parent, and its added lines take the
///   origin of an identical line in another parent, or else the merge;
/// * binary files are not attributed.
struct HistoryReplay {
    static let minimumMovedCharacters = 20

    var repository: String
    var jobs: Int

    /// Commit table shared by every file state.
    var commits: [BlameCommit] = []
    var commitIndex: [String: Int32] = [:]
    var paths: [String] = []
    var pathIndex: [String: Int32] = [:]
    /// Reads merged files' blobs (opened on first use; see ``readBlob(_:)``).
    var blobReader: GitBlobReader?
    var blobReaderFailed = false

    init(repository: String, jobs: Int) {
        self.repository = repository
        self.jobs = jobs
    }

    mutating func commitNumber(_ patch: ReplayCommitPatch) -> Int32 {
        if let n = commitIndex[patch.id] { return n }
        let n = Int32(commits.count)
        commits.append(BlameCommit(id: patch.id, authorName: patch.authorName, authorEmail: patch.authorEmail, authorTime: patch.authorTime))
        commitIndex[patch.id] = n
        return n
    }

    mutating func pathNumber(_ path: String) -> Int32 {
        if let n = pathIndex[path] { return n }
        let n = Int32(paths.count)
        paths.append(path)
        pathIndex[path] = n
        return n
    }

    /// Replays `ids` (topological, parents first) starting from `base` states (keyed by commit
    /// id; the parents of the first commits that are not in `ids`). Returns the state at `tip`.
    mutating func replay(
        order: [(id: String, parents: [String])],
        base: [String: [String: ReplayFileState]],
        tip: String
    ) throws -> [String: ReplayFileState] {
        var states = base
        var remainingChildren: [String: Int] = [:]
        for entry in order { for p in entry.parents { remainingChildren[p, default: 0] += 1 } }
        let nonMerges = order.filter { $0.parents.count <= 1 }.map(\.id)
        let merges = order.filter { $0.parents.count > 1 }.map(\.id)
        let patches = try loadPatches(nonMerges)
        let mergeChanges = try loadMergeChanges(merges)
        for entry in order {
            var state = entry.parents.first.flatMap { states[$0] } ?? [:]
            if entry.parents.count <= 1 {
                if let patch = patches[entry.id] {
                    let number = commitNumber(patch)
                    for file in patch.files { apply(file, commit: number, to: &state, otherParents: []) }
                }
            } else if let merge = mergeChanges[entry.id] {
                let number = commitNumber(merge.header)
                let others = entry.parents.dropFirst().map { states[$0] ?? [:] }
                var unresolved: [String] = []
                for change in merge.changes {
                    if change.blob == nil {
                        state[change.path] = nil
                    } else if let match = others.lazy.compactMap({ $0[change.path] }).first(where: { $0.blob == change.blob }) {
                        state[change.path] = match
                    } else if let blob = change.blob, let bytes = readBlob(blob) {
                        // Diffed in-process against the first parent (one cat-file stream, no git diff per merge).
                        resolveMergedFile(change.path, blob: blob, bytes: bytes, commit: number, state: &state, otherParents: others)
                    } else {
                        unresolved.append(change.path)
                    }
                }
                if !unresolved.isEmpty, let first = entry.parents.first {
                    let out = try ProvenanceGit.run(
                        in: repository,
                        ["diff", "-w", "-U0", "--full-index", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv", first, entry.id, "--"] + unresolved
                    )
                    let header = "\u{0}commit \(entry.id)\n\(merge.header.authorName)\u{0}\(merge.header.authorEmail)\u{0}\(merge.header.authorTime)\n\n"
                    for parsed in ReplayPatchParser.parse(Array(header.utf8) + out) {
                        for file in parsed.files { apply(file, commit: number, to: &state, otherParents: others) }
                    }
                }
            }
            states[entry.id] = state
            for p in entry.parents {
                remainingChildren[p, default: 1] -= 1
                if remainingChildren[p] == 0, p != tip { states[p] = nil }
            }
        }
        return states[tip] ?? [:]
    }

    mutating func apply(_ file: ReplayFilePatch, commit: Int32, to state: inout [String: ReplayFileState], otherParents: [[String: ReplayFileState]]) {
        var old = ReplayFileState()
        if let oldPath = file.oldPath, let existing = state[oldPath] {
            old = existing
            if file.newPath != oldPath { state[oldPath] = nil }
        }
        guard let newPath = file.newPath else { return }
        if file.isBinary {
            state[newPath] = nil
            return
        }
        var new = ReplayFileState(blob: file.newBlob ?? old.blob)
        let expected = old.hashes.count + file.hunks.reduce(0) { $0 + $1.3 - $1.1 }
        new.hashes.reserveCapacity(max(0, expected))
        new.origins.reserveCapacity(max(0, expected))
        new.originPaths.reserveCapacity(max(0, expected))
        new.originLines.reserveCapacity(max(0, expected))
        var lookup: [UInt64: Int]?
        let pathNumber = pathNumber(newPath)
        var oldCursor = 0  // lines of `old` copied so far
        var addedCursor = 0
        func copyOld(upTo count: Int) {
            let end = min(count, old.hashes.count)
            if end > oldCursor {
                new.hashes.append(contentsOf: old.hashes[oldCursor..<end])
                new.origins.append(contentsOf: old.origins[oldCursor..<end])
                new.originPaths.append(contentsOf: old.originPaths[oldCursor..<end])
                new.originLines.append(contentsOf: old.originLines[oldCursor..<end])
                oldCursor = end
            }
        }
        for (oldStart, oldCount, _, newCount) in file.hunks {
            // With -U0, a pure insertion "-a,0" goes after old line a; otherwise lines a… are removed.
            copyOld(upTo: oldCount == 0 ? oldStart : oldStart - 1)
            oldCursor = min(old.hashes.count, oldCursor + oldCount)
            for _ in 0..<newCount {
                guard addedCursor < file.added.count else { break }
                let text = file.added[addedCursor]
                addedCursor += 1
                let (hash, alnum) = Self.normalizedHash(text)
                let lineNumber = Int32(new.hashes.count + 1)
                new.hashes.append(hash)
                var inherited = false
                if alnum >= Self.minimumMovedCharacters || !otherParents.isEmpty {
                    // Few added lines: scan the old hashes; many: build a table once.
                    var found: Int?
                    if alnum >= Self.minimumMovedCharacters {
                        if file.added.count <= 32 {
                            found = old.hashes.firstIndex(of: hash)
                        } else {
                            if lookup == nil {
                                var table: [UInt64: Int] = [:]
                                table.reserveCapacity(old.hashes.count)
                                for (i, h) in old.hashes.enumerated().reversed() { table[h] = i }
                                lookup = table
                            }
                            found = lookup?[hash]
                        }
                    }
                    if let i = found {
                        new.origins.append(old.origins[i])
                        new.originPaths.append(old.originPaths[i])
                        new.originLines.append(old.originLines[i])
                        inherited = true
                    } else {
                        for parent in otherParents {
                            guard let other = parent[newPath], let i = other.hashes.firstIndex(of: hash) else { continue }
                            new.origins.append(other.origins[i])
                            new.originPaths.append(other.originPaths[i])
                            new.originLines.append(other.originLines[i])
                            inherited = true
                            break
                        }
                    }
                }
                if !inherited {
                    new.origins.append(commit)
                    new.originPaths.append(pathNumber)
                    new.originLines.append(lineNumber)
                }
            }
        }
        copyOld(upTo: old.hashes.count)
        state[newPath] = new
    }

    /// Reads a blob through one `git cat-file --batch` process kept for the whole replay
    /// (nil when it cannot be opened or read: the caller falls back to `git diff`).
    mutating func readBlob(_ hex: String) -> [UInt8]? {
        if blobReader == nil, !blobReaderFailed {
            blobReader = try? GitRepository(path: repository).blobReader()
            blobReaderFailed = blobReader == nil
        }
        guard let reader = blobReader, let id = ObjectID(hex) else { return nil }
        return reader.read(id, limit: Self.maximumMergedFileBytes)
    }

    /// Larger merged files go through `git diff`.
    static let maximumMergedFileBytes = 32 << 20

    /// A merge's file that matches no parent: its lines (hashed without whitespace) are matched
    /// against the first parent's lines with ``LineDiff`` (like `git diff -w`); matched lines keep
    /// their origin, the others follow the same rules as added lines in ``apply(_:commit:to:otherParents:)``.
    mutating func resolveMergedFile(
        _ path: String, blob: String, bytes: [UInt8], commit: Int32, state: inout [String: ReplayFileState], otherParents: [[String: ReplayFileState]]
    ) {
        if bytes.prefix(8000).contains(0) {  // binary, as git decides
            state[path] = nil
            return
        }
        var hashes: [UInt64] = []
        var alnums: [Int] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
            let (hash, alnum) = Self.normalizedHash(bytes[start..<end])
            hashes.append(hash)
            alnums.append(alnum)
            start = end + 1
        }
        let old = state[path] ?? ReplayFileState()
        let matched = LineDiff.matches(old.hashes, hashes)
        var new = ReplayFileState(blob: blob)
        new.hashes = hashes
        new.origins.reserveCapacity(hashes.count)
        new.originPaths.reserveCapacity(hashes.count)
        new.originLines.reserveCapacity(hashes.count)
        let pathNumber = pathNumber(path)
        var lookup: [UInt64: Int]?
        for (i, hash) in hashes.enumerated() {
            var source: (ReplayFileState, Int)?
            if matched[i] >= 0 {
                source = (old, Int(matched[i]))
            } else {
                if alnums[i] >= Self.minimumMovedCharacters {
                    if lookup == nil {
                        var table: [UInt64: Int] = [:]
                        table.reserveCapacity(old.hashes.count)
                        for (j, h) in old.hashes.enumerated().reversed() { table[h] = j }
                        lookup = table
                    }
                    if let j = lookup?[hash] { source = (old, j) }
                }
                if source == nil {
                    for parent in otherParents {
                        guard let other = parent[path], let j = other.hashes.firstIndex(of: hash) else { continue }
                        source = (other, j)
                        break
                    }
                }
            }
            if let (from, j) = source {
                new.origins.append(from.origins[j])
                new.originPaths.append(from.originPaths[j])
                new.originLines.append(from.originLines[j])
            } else {
                new.origins.append(commit)
                new.originPaths.append(pathNumber)
                new.originLines.append(Int32(i + 1))
            }
        }
        state[path] = new
    }

    /// FNV-1a over the bytes that are not whitespace, and the count of ASCII letters/digits
    /// (non-ASCII bytes count too).
    static func normalizedHash(_ text: ArraySlice<UInt8>) -> (UInt64, Int) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var alnum = 0
        for b in text {
            if b == 0x20 || b == 0x09 || b == 0x0d || b == 0x0b || b == 0x0c { continue }
            hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01b3
            if (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a) || b >= 0x80 { alnum += 1 }
        }
        return (hash, alnum)
    }

    static let logFormat = "--format=%x00commit %H%n%an%x00%ae%x00%at"

    /// Patches of non-merge commits, read by up to `jobs` git processes over slices of the list.
    func loadPatches(_ ids: [String]) throws -> [String: ReplayCommitPatch] {
        guard !ids.isEmpty else { return [:] }
        let parts = max(1, min(jobs, ids.count / 64 + 1))
        let size = (ids.count + parts - 1) / parts
        let slices = stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min(ids.count, $0 + size)]) }
        let results = Mutex<[Int: Result<[ReplayCommitPatch], any Error>]>([:])
        let repository = repository
        DispatchQueue.concurrentPerform(iterations: slices.count) { k in
            let input = Array(slices[k].joined(separator: "\n").utf8) + [0x0a]
            let result = Result<[ReplayCommitPatch], any Error> {
                let out = try ProvenanceGit.run(
                    in: repository,
                    ["log", "--no-walk=unsorted", "--stdin", "-p", "-w", "-U0", "--full-index", "-M", "--no-color", "--no-ext-diff", "--no-textconv", Self.logFormat],
                    stdin: input
                )
                return ReplayPatchParser.parse(out)
            }
            results.withLock { $0[k] = result }
        }
        var out: [String: ReplayCommitPatch] = [:]
        for k in 0..<slices.count {
            guard let result = results.withLock({ $0[k] }) else { continue }
            for patch in try result.get() { out[patch.id] = patch }
        }
        return out
    }

    struct MergeChange {
        var path: String
        /// Nil when the merge deletes the path.
        var blob: String?
    }

    /// For each merge: its author and the files that differ from its first parent (raw).
    func loadMergeChanges(_ ids: [String]) throws -> [String: (header: ReplayCommitPatch, changes: [MergeChange])] {
        guard !ids.isEmpty else { return [:] }
        let out = try ProvenanceGit.run(
            in: repository,
            ["log", "--no-walk=unsorted", "--stdin", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-merges=first-parent", Self.logFormat],
            stdin: Array(ids.joined(separator: "\n").utf8) + [0x0a]
        )
        // With -z the raw records are NUL-separated: ":old new oldblob newblob status\0path\0".
        var result: [String: (header: ReplayCommitPatch, changes: [MergeChange])] = [:]
        var current: ReplayCommitPatch?
        var changes: [MergeChange] = []
        let fields = out.split(separator: 0, omittingEmptySubsequences: false)
        var i = 0
        func flush() {
            if let c = current { result[c.id] = (c, changes) }
            changes = []
        }
        while i < fields.count {
            var field = fields[i]
            i += 1
            while field.first == 0x0a { field = field.dropFirst() }
            if field.starts(with: "commit ".utf8) {
                flush()
                let id = String(decoding: field.dropFirst(7).prefix { $0 != 0x0a }, as: UTF8.self)
                let name = field.split(separator: 0x0a, maxSplits: 1).dropFirst().first.map { String(decoding: $0, as: UTF8.self) } ?? ""
                let email = i < fields.count ? String(decoding: fields[i], as: UTF8.self) : ""
                i += 1
                let timeField = i < fields.count ? fields[i] : []
                i += 1
                let timeDigits = timeField.prefix { $0 != 0x0a }
                current = ReplayCommitPatch(id: id, authorName: name, authorEmail: email, authorTime: Int64(BlameParser.parseInt(timeDigits) ?? 0), files: [])
                // The time field may run straight into the first raw record after a newline.
                let rest = timeField.drop { $0 != 0x0a }.drop { $0 == 0x0a }
                if rest.first == UInt8(ascii: ":") {
                    let path = i < fields.count ? String(decoding: fields[i], as: UTF8.self) : ""
                    i += 1
                    changes.append(Self.mergeChange(rest, path))
                }
            } else if field.first == UInt8(ascii: ":") {
                let path = i < fields.count ? String(decoding: fields[i], as: UTF8.self) : ""
                i += 1
                changes.append(Self.mergeChange(field, path))
            }
        }
        flush()
        return result
    }

    static func mergeChange(_ record: ArraySlice<UInt8>, _ path: String) -> MergeChange {
        let parts = record.split(separator: UInt8(ascii: " "))
        let status = parts.count > 4 ? parts[4].first : nil
        let blob = parts.count > 3 ? String(decoding: parts[3], as: UTF8.self) : nil
        return MergeChange(path: path, blob: status == UInt8(ascii: "D") ? nil : blob)
    }
}
