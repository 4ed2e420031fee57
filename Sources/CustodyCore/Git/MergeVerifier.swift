import Foundation

/// Proves in-process that a merge's recorded tree is exactly the automatic merge of its parents,
/// so that git's own re-merge (`--remerge-diff`, the costliest part of reading a merge-heavy
/// history: about 3 ms of git's time per merge on tmux) runs only for merges that have
/// something to show.
///
/// For a two-parent merge `M` of `P1` and `P2` with a single merge base `B` (found in-process,
/// ``CommitGraph``), one `git diff-tree` per piece lists, for each merge, what the merge changed
/// on the first parent's line (`P1` → `M`) and what the second parent changed since the base
/// (`B` → `P2`). A path outside both lists is the first parent's and was left alone by the
/// second: the automatic merge keeps it, and so did `M`. So `M` can be its automatic merge only
/// if both lists name the same paths, and each of them then has all four versions. For each, the
/// automatic result follows git's trivial rules (both sides the same: take it; one side unchanged
/// from the base: take the other side), else the file is merged line by line (``ThreeWayMerge``,
/// blobs read through `git cat-file --batch` and kept for the next merges of the piece, which
/// often share them). The merge is proven when every path of `M` equals that result, byte for
/// byte and mode for mode.
///
/// Every other case goes to git's re-merge, which shows what the resolution changed: a path
/// whose recorded version differs from the automatic result (a conflict resolved, a line slipped
/// in, a file added, one side's change silently dropped), a delete or add that meets a change on
/// the other side (where git's rename detection could pair paths), a symbolic link or submodule
/// that both sides changed, a binary or very large file, a file where git's histogram diff would
/// fall back to another algorithm (``HistogramDiff``), several or no merge bases, more than two parents,
/// missing objects, and repositories with `merge.*` configuration or `info/attributes`.
///
/// A proof is only ever "nothing to show": the added lines of every merge that has something to
/// show still come from git.
struct MergeVerifier: Sendable {
    let git: GitProcess
    let graph: CommitGraph
    let blobs: GitBlobReader
    /// Files larger than this are left to git.
    static let blobLimit = 4 << 20
    /// Blob bytes a piece keeps for its next merges.
    static let cacheLimit = 48 << 20

    /// A mode and object id; nil stands for "no such path".
    struct Entry: Equatable {
        var mode: UInt32
        var id: ObjectID
    }

    /// A merge to prove and its base.
    struct Candidate {
        var position: Int
        var merge: ObjectID
        var parents: [ObjectID]
        var base: ObjectID
    }

    /// A verifier, or nil when the repository has configuration or attributes that could change
    /// how git merges (then every merge goes to git).
    static func make(git: GitProcess, graph: CommitGraph) -> MergeVerifier? {
        if let directory = git.gitDirectory, FileManager.default.fileExists(atPath: directory + "/info/attributes") {
            return nil
        }
        // The repository's own configuration: status 1 means no `merge.*` key (the usual case).
        guard let config = try? git.run(["config", "--local", "--get-regexp", "^merge\\."]), config.status == 1,
            let blobs = try? GitBlobReader(git: git)
        else {
            return nil
        }
        return MergeVerifier(git: git, graph: graph, blobs: blobs)
    }

    func close() { blobs.close() }

    /// The positions of the merges proven to be their automatic merge.
    func proven(_ merges: [(position: Int, commit: Commit)]) -> Set<Int> {
        var candidates: [Candidate] = []
        for (position, commit) in merges where commit.parents.count == 2 {
            guard let bases = graph.mergeBases(commit.parents[0], commit.parents[1]), bases.count == 1 else { continue }
            candidates.append(Candidate(position: position, merge: commit.id, parents: commit.parents, base: bases[0]))
        }
        guard !candidates.isEmpty, let listings = listings(candidates) else { return [] }
        var cache = BlobCache(limit: Self.cacheLimit)
        var proven = Set<Int>()
        for (candidate, listing) in zip(candidates, listings) where prove(listing, cache: &cache) {
            proven.insert(candidate.position)
        }
        return proven
    }

    /// One merge's two listings, by path: first parent → merge, and base → second parent.
    struct Listing {
        var merged: [[UInt8]: (old: Entry?, new: Entry?)] = [:]
        var theirs: [[UInt8]: (old: Entry?, new: Entry?)] = [:]
    }

    func prove(_ listing: Listing, cache: inout BlobCache) -> Bool {
        guard listing.merged.count == listing.theirs.count else { return false }
        var lineMerges: [(base: ObjectID, ours: ObjectID, theirs: ObjectID, recorded: ObjectID)] = []
        for (path, merged) in listing.merged {
            guard let theirs = listing.theirs[path] else { return false }
            switch Self.judge(base: theirs.old, ours: merged.old, theirs: theirs.new, recorded: merged.new) {
            case .same: continue
            case .different: return false
            case .lineMerge(let base, let ours, let theirs, let recorded):
                lineMerges.append((base, ours, theirs, recorded))
            }
        }
        for path in lineMerges {
            guard let base = cache.read(path.base, from: blobs), let ours = cache.read(path.ours, from: blobs),
                let theirs = cache.read(path.theirs, from: blobs), let recorded = cache.read(path.recorded, from: blobs),
                ThreeWayMerge.gives(recorded, base: base, ours: ours, theirs: theirs)
            else { return false }
        }
        return true
    }

    enum Judgement {
        case same
        case different
        case lineMerge(base: ObjectID, ours: ObjectID, theirs: ObjectID, recorded: ObjectID)
    }

    static func isRegularFile(_ mode: UInt32) -> Bool { mode == 0o100644 || mode == 0o100755 }

    /// git's trivial merge rules for one path, against the recorded version.
    static func judge(base: Entry?, ours: Entry?, theirs: Entry?, recorded: Entry?) -> Judgement {
        let expected: Entry?
        if ours == theirs {
            expected = ours
        } else if base == ours {
            expected = theirs
        } else if base == theirs {
            expected = ours
        } else {
            // Changed on both sides, differently: contents and modes are merged separately.
            guard let base, let ours, let theirs, let recorded,
                [base.mode, ours.mode, theirs.mode, recorded.mode].allSatisfy(isRegularFile)
            else { return .different }
            let mode =
                ours.mode == theirs.mode ? ours.mode : base.mode == ours.mode ? theirs.mode : base.mode == theirs.mode ? ours.mode : nil
            guard mode == recorded.mode else { return .different }
            if ours.id == theirs.id || base.id == ours.id || base.id == theirs.id {
                let id = ours.id == theirs.id || base.id == ours.id ? theirs.id : ours.id
                return id == recorded.id ? .same : .different
            }
            return .lineMerge(base: base.id, ours: ours.id, theirs: theirs.id, recorded: recorded.id)
        }
        return expected == recorded ? .same : .different
    }

    /// For each candidate, `git diff-tree --stdin -r --no-renames --always` of `P1 → M` and
    /// `B → P2`; nil when git fails (a missing object: git's re-merge reports it).
    func listings(_ candidates: [Candidate]) -> [Listing]? {
        var input: [UInt8] = []
        input.reserveCapacity(candidates.count * 2 * 82)
        for candidate in candidates {
            // `<commit> <other>`: the commit against `other` as if it were its parent.
            input += Array(candidate.merge.description.utf8) + [0x20] + Array(candidate.parents[0].description.utf8) + [0x0a]
            input += Array(candidate.parents[1].description.utf8) + [0x20] + Array(candidate.base.description.utf8) + [0x0a]
        }
        let arguments = ["diff-tree", "--stdin", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", "--always"]
        guard let output = try? git.run(arguments + GitProcess.diffSafetyArguments, input: input), output.succeeded
        else { return nil }

        var listings = [Listing](repeating: Listing(), count: candidates.count)
        var block = -1
        var meta: ArraySlice<UInt8>?
        for token in output.standardOutput.split(separator: 0, omittingEmptySubsequences: false) {
            if let entry = meta {
                meta = nil
                guard let change = Self.parseRaw(entry) else { return nil }
                if block % 2 == 0 {
                    listings[block / 2].merged[Array(token)] = change
                } else {
                    listings[block / 2].theirs[Array(token)] = change
                }
            } else if token.first == UInt8(ascii: ":") {
                guard block >= 0 else { return nil }
                meta = token
            } else {
                var hex = token[...]
                while hex.first == 0x0a { hex = hex.dropFirst() }
                if hex.isEmpty { continue }
                block += 1
                guard block < candidates.count * 2, let id = ObjectID(hex: hex) else { return nil }
                let candidate = candidates[block / 2]
                guard id == (block % 2 == 0 ? candidate.merge : candidate.parents[1]) else { return nil }
            }
        }
        guard block == candidates.count * 2 - 1 else { return nil }
        return listings
    }

    /// `:<old mode> <new mode> <old id> <new id> <status>` → the old and new entries.
    static func parseRaw(_ meta: ArraySlice<UInt8>) -> (old: Entry?, new: Entry?)? {
        let fields = meta.dropFirst().split(separator: 0x20)
        guard fields.count == 5,
            let oldMode = UInt32(String(decoding: fields[0], as: UTF8.self), radix: 8),
            let newMode = UInt32(String(decoding: fields[1], as: UTF8.self), radix: 8),
            let oldID = ObjectID(hex: fields[2]), let newID = ObjectID(hex: fields[3])
        else { return nil }
        let old = oldMode == 0 || oldID.isZero ? nil : Entry(mode: oldMode, id: oldID)
        let new = newMode == 0 || newID.isZero ? nil : Entry(mode: newMode, id: newID)
        return (old, new)
    }

    /// Blobs already read by a piece, cut into lines (consecutive merges often share versions:
    /// one merge's result is the next one's first parent); emptied when it holds more than
    /// `limit` bytes.
    struct BlobCache {
        let limit: Int
        private var blobs: [ObjectID: ThreeWayMerge.Lines] = [:]
        private var bytes = 0

        init(limit: Int) { self.limit = limit }

        /// The blob, or nil when it is missing, not a blob, or larger than ``MergeVerifier/blobLimit``.
        mutating func read(_ id: ObjectID, from source: GitBlobReader) -> ThreeWayMerge.Lines? {
            if let known = blobs[id] { return known }
            guard let read = source.read(id, limit: MergeVerifier.blobLimit + 1), read.count <= MergeVerifier.blobLimit
            else { return nil }
            if bytes + read.count > limit {
                blobs.removeAll(keepingCapacity: true)
                bytes = 0
            }
            let lines = ThreeWayMerge.Lines(read)
            blobs[id] = lines
            bytes += read.count + 8 * lines.starts.count
            return lines
        }
    }
}
