import Crypto
import Foundation
import Synchronization

/// Proves in-process that a merge's recorded tree is exactly the automatic merge of its parents,
/// or redoes git's re-merge of it, so that git's own re-merge (`--remerge-diff`, the costliest
/// part of reading a merge-heavy history: about 12 ms of git's time per merge on tmux) runs only
/// for merges this code cannot follow exactly.
///
/// For a two-parent merge `M` of `P1` and `P2` with a single merge base `B` (found in-process,
/// ``CommitGraph``), one `git diff-tree` per piece lists, for each merge, what the merge changed
/// on the first parent's line (`P1` → `M`) and what the second parent changed since the base
/// (`B` → `P2`); a path only in the second list (the merge kept the first parent's version)
/// also needs `B` → `P1`, read for those merges only. A path outside the lists is the first
/// parent's and was left alone by the second: the automatic merge keeps it, and so did `M`. For
/// each listed path the automatic result follows git's trivial rules (both sides the same: take
/// it; one side unchanged from the base: take the other side), else the file is merged line by
/// line (``ThreeWayMerge``, blobs read through `git cat-file --batch` and kept for the next merges
/// of the piece, which often share them). The merge is proven when every path of `M` equals that
/// result, byte for byte and mode for mode: it has nothing to show.
///
/// When the only differences are regular files whose recorded version differs from the
/// automatic result (a conflict resolved by hand, a line slipped into a clean merge, one side's
/// change dropped) or that the merge deleted, the re-merge is redone here as git does it: the
/// automatic result (conflict markers included, labelled `%h (%s)` of each parent as git labels
/// them, which one `git log` per piece gives) is diffed against the recorded version with git's
/// `diff -U0` (``MyersDiff``), and the change carries the id git gives that result. A file one
/// side deleted and the other changed is git's modify/delete conflict: the changed version stays
/// in the automatic result, unless git's rename detection would take the deleted file for one
/// the deleting side added; the verifier proves that no added file is a candidate (none has the
/// same id or is 50 % similar by git's own estimate, ``RenameSimilarity``) and otherwise leaves
/// the merge to git. Every other case goes to git's re-merge: an add that meets a change or
/// another add on the other side, a deleted file that may have been renamed, a symbolic link or
/// submodule that both sides changed, a mode change, a binary or very large file, a recorded
/// line that starts like a conflict marker, a parent whose message declares an encoding, a file
/// where git's histogram diff would fall back to another algorithm (``HistogramDiff``), several
/// or no merge bases, more than two parents, and missing objects. git re-merges in the history
/// reader's own git directory, where the repository's `merge.*` configuration and attribute
/// files (merge drivers) are out of reach, so the verifier models git without them.
///
/// That the changes are git's own, old blob ids included, is tested against `--remerge-diff` on
/// merges resolved in every common way (``MergeVerifierTests``) and measured on whole real
/// histories by `Benchmarks/merge-proof.sh`.
struct MergeVerifier: Sendable {
    let git: GitProcess
    let graph: CommitGraph
    let blobs: GitBlobReader
    let fingerprints = Fingerprints()
    /// Files larger than this are left to git.
    static let blobLimit = 4 << 20
    /// Blob bytes a piece keeps for its next merges (``BlobCache``).
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

    /// A verifier, or nil when the blob reader cannot start. `git` runs in the history
    /// reader's own git directory (no configuration or attributes of the audited repository).
    static func make(git: GitProcess, graph: CommitGraph) -> MergeVerifier? {
        guard let blobs = try? GitBlobReader(git: git) else { return nil }
        return MergeVerifier(git: git, graph: graph, blobs: blobs)
    }

    func close() { blobs.close() }

    /// What the verifier found for the merges of a piece.
    struct Outcome {
        /// Positions of the merges proven to be their automatic merge (nothing to show).
        var proven: Set<Int> = []
        /// Merges whose re-merge was redone here, with the changes git's `--remerge-diff` shows
        /// for them (before the filter to the merge's own paths).
        var redone: [Int: [FileChange]] = [:]
    }

    /// Proves the merges that are their automatic merge, and redoes git's re-merge of those
    /// that differ from it only in files both sides changed (a conflict resolved by hand, a line
    /// slipped into a clean merge) or in files only the first parent's side changed.
    func examine(_ merges: [(position: Int, commit: Commit)]) -> Outcome {
        var candidates: [Candidate] = []
        for (position, commit) in merges where commit.parents.count == 2 {
            guard let bases = graph.mergeBases(commit.parents[0], commit.parents[1]), bases.count == 1 else { continue }
            candidates.append(Candidate(position: position, merge: commit.id, parents: commit.parents, base: bases[0]))
        }
        var outcome = Outcome()
        guard !candidates.isEmpty, let listings = listings(candidates) else { return outcome }
        var cache = BlobCache(limit: Self.cacheLimit)
        var pending: [(candidate: Candidate, redo: [Redo])] = []
        var needsOurs: [(candidate: Candidate, listing: Listing)] = []
        for (candidate, listing) in zip(candidates, listings) {
            switch examine(listing, cache: &cache) {
            case .proven: outcome.proven.insert(candidate.position)
            case .git: continue
            case .redo(let redo): pending.append((candidate, redo))
            case .needsOurs: needsOurs.append((candidate, listing))
            }
        }
        if !needsOurs.isEmpty,
            let ours = treeDiffs(needsOurs.map { (from: $0.candidate.base, to: $0.candidate.parents[0]) })
        {
            for ((candidate, listing), ours) in zip(needsOurs, ours) {
                var listing = listing
                listing.ours = ours
                switch examine(listing, cache: &cache) {
                case .proven: outcome.proven.insert(candidate.position)
                case .redo(let redo): pending.append((candidate, redo))
                case .git, .needsOurs: continue
                }
            }
        }
        guard !pending.isEmpty else { return outcome }
        // Line merges may conflict: their markers carry the parents' labels.
        let merging = pending.filter { $0.redo.contains { if case .lineMerge = $0.result { true } else { false } } }
        let labels = merging.isEmpty ? [:] : self.labels(Set(merging.flatMap(\.candidate.parents)))
        for (candidate, redo) in pending {
            let names = (labels[candidate.parents[0]], labels[candidate.parents[1]])
            if let changes = changes(redo, names: names, cache: &cache) {
                outcome.redone[candidate.position] = changes
            }
        }
        return outcome
    }

    /// `%h (%s)` of each commit, the label git's re-merge writes on its conflict markers (the
    /// abbreviated id and the subject); commits whose message declares an encoding are left
    /// out (git would re-encode their subject).
    func labels(_ commits: Set<ObjectID>) -> [ObjectID: [UInt8]] {
        let input = PieceReader.hexLines(commits.sorted())
        let arguments = ["log", "--no-walk=unsorted", "--stdin", "-z", "--format=C%H%x00E%e%x00L%h (%s)"]
        guard let output = try? git.run(arguments, input: input), output.succeeded else { return [:] }
        var labels: [ObjectID: [UInt8]] = [:]
        var id: ObjectID?
        var plain = false
        for token in output.standardOutput.split(separator: 0, omittingEmptySubsequences: false) {
            switch token.first {
            case UInt8(ascii: "C"): id = ObjectID(hex: token.dropFirst())
            case UInt8(ascii: "E"): plain = token.count == 1
            case UInt8(ascii: "L"):
                if let id, plain, commits.contains(id) { labels[id] = Array(token.dropFirst()) }
                id = nil
                plain = false
            default: continue
            }
        }
        return labels
    }

    /// The changes git's `--remerge-diff` shows for these files, in git's path order: each
    /// automatic result against the recorded version, with the lines the recorded version adds
    /// (``MyersDiff``, git's `diff -U0`). nil when one cannot be shown exactly as git would: a
    /// conflict without both labels, a binary version, a recorded line that looks like a
    /// conflict marker (git's labels decide whether it matches one), or a line too long for the
    /// stream parser.
    func changes(_ redo: [Redo], names: ([UInt8]?, [UInt8]?), cache: inout BlobCache) -> [FileChange]? {
        var changes: [FileChange] = []
        for file in redo.sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
            guard let recordedEntry = file.recorded else {
                // A version the automatic merge leaves (one side's, after a modify/delete conflict)
                // that the merge deleted.
                guard case .blob(let entry) = file.result, let lines = cache.read(entry.id, from: blobs) else {
                    return nil
                }
                let path = String(decoding: file.path, as: UTF8.self)
                changes.append(
                    FileChange(
                        kind: .delete,
                        oldPath: path,
                        newPath: nil,
                        oldBlob: entry.id,
                        newBlob: nil,
                        oldMode: entry.mode,
                        newMode: 0,
                        isBinary: ThreeWayMerge.looksBinary(lines.bytes),
                        addedLines: AddedLines()
                    )
                )
                continue
            }
            guard let recorded = cache.read(recordedEntry.id, from: blobs), !ThreeWayMerge.looksBinary(recorded.bytes)
            else { return nil }
            let before: [UInt8]
            let oldBlob: ObjectID
            let oldMode: UInt32
            switch file.result {
            case .blob(let entry):
                guard let lines = cache.read(entry.id, from: blobs), !ThreeWayMerge.looksBinary(lines.bytes) else {
                    return nil
                }
                (before, oldBlob, oldMode) = (lines.bytes, entry.id, entry.mode)
            case .lineMerge(let base, let ours, let theirs, let mode):
                guard let b = cache.read(base, from: blobs), let o = cache.read(ours, from: blobs),
                    let t = cache.read(theirs, from: blobs),
                    let merge = ThreeWayMerge.mergedFile(
                        base: b,
                        ours: o,
                        theirs: t,
                        names: (names.0 ?? [], names.1 ?? [])
                    )
                else { return nil }
                if merge.conflicts > 0 {
                    guard names.0 != nil, names.1 != nil, !Self.hasMarkerLine(recorded) else { return nil }
                }
                (before, oldBlob, oldMode) = (merge.bytes, Self.blobID(merge.bytes, like: recordedEntry.id), mode)
            }
            guard let script = MyersDiff.changes(before, recorded.bytes) else { return nil }
            if script.isEmpty { continue }
            var added = AddedLines()
            for change in script {
                for k in change.i2..<(change.i2 + change.chg2) {
                    var end = recorded.starts[k + 1]
                    if end > recorded.starts[k], recorded.bytes[end - 1] == 0x0a { end -= 1 }
                    guard end - recorded.starts[k] < LogStreamParser.lineLimit else { return nil }
                    added.append(number: k + 1, text: recorded.bytes[recorded.starts[k]..<end])
                }
            }
            let path = String(decoding: file.path, as: UTF8.self)
            changes.append(
                FileChange(
                    kind: .modify,
                    oldPath: path,
                    newPath: path,
                    oldBlob: oldBlob,
                    newBlob: recordedEntry.id,
                    oldMode: oldMode,
                    newMode: recordedEntry.mode,
                    isBinary: false,
                    addedLines: added
                )
            )
        }
        return changes
    }

    /// Whether a line starts like a conflict marker git writes (`<<<<<<<` or `>>>>>>>`).
    static func hasMarkerLine(_ file: ThreeWayMerge.Lines) -> Bool {
        for k in 0..<file.count {
            let start = file.starts[k]
            guard file.starts[k + 1] - start >= 7, file.bytes[start] == 0x3c || file.bytes[start] == 0x3e else {
                continue
            }
            let sign = file.bytes[start]
            if file.bytes[start..<(start + 7)].allSatisfy({ $0 == sign }) { return true }
        }
        return false
    }

    /// The id git gives `bytes` as a blob, with the hash of `like` (SHA-1 or SHA-256).
    static func blobID(_ bytes: [UInt8], like: ObjectID) -> ObjectID {
        let header = Array("blob \(bytes.count)".utf8) + [0]
        if like.bytes.count == 32 {
            var hash = SHA256()
            hash.update(data: header)
            hash.update(data: bytes)
            return ObjectID(bytes: Array(hash.finalize()))
        }
        var hash = Insecure.SHA1()
        hash.update(data: header)
        hash.update(data: bytes)
        return ObjectID(bytes: Array(hash.finalize()))
    }

    /// One merge's listings, by path: first parent → merge, base → second parent, and, read only
    /// when a path the second side changed was left as the first parent had it, base → first
    /// parent.
    struct Listing {
        var merged: TreeDiff = [:]
        var theirs: TreeDiff = [:]
        var ours: TreeDiff?
    }

    /// A file whose recorded version differs from the automatic merge: `result` is that merge's
    /// version (an existing blob, or a line merge of three to redo).
    struct Redo {
        enum Result {
            case blob(Entry)
            case lineMerge(base: ObjectID, ours: ObjectID, theirs: ObjectID, mode: UInt32)
        }
        var path: [UInt8]
        /// nil: the merge deleted the file.
        var recorded: Entry?
        var result: Result
    }

    enum Examination {
        case proven
        case redo([Redo])
        case git
        /// The base → first parent listing is needed.
        case needsOurs
    }

    /// Whether the merge is its automatic merge, and if not, whether every difference is one this
    /// code can show as git would.
    func examine(_ listing: Listing, cache: inout BlobCache) -> Examination {
        // Each path either side changed, with its four versions (base, first parent, second
        // parent, merge). A path only the first parent's side changed has the base's version on
        // the second side. A path only the second side changed that the merge left as the first
        // parent had it needs base → first parent for the first parent's version.
        var paths: [(path: [UInt8], base: Entry?, ours: Entry?, theirs: Entry?, recorded: Entry?)] = []
        for (path, merged) in listing.merged {
            if let theirs = listing.theirs[path] {
                paths.append((path, theirs.old, merged.old, theirs.new, merged.new))
            } else {
                paths.append((path, merged.old, merged.old, merged.old, merged.new))
            }
        }
        for (path, theirs) in listing.theirs where listing.merged[path] == nil {
            guard let ours = listing.ours else { return .needsOurs }
            let kept = ours[path].map(\.new) ?? theirs.old
            paths.append((path, theirs.old, kept, theirs.new, kept))
        }
        // Every path is judged first (ids and modes only); the checks that read blobs (rename
        // detection, line merges) run only once no path sends the merge to git or needs the
        // base → first parent listing.
        var redo: [Redo] = []
        var renameChecks: [(source: Entry, side: TreeDiff)] = []
        var lineMerges: [(path: [UInt8], base: ObjectID, ours: ObjectID, theirs: ObjectID, recorded: Entry)] = []
        for file in paths {
            var judgement = Self.judge(base: file.base, ours: file.ours, theirs: file.theirs, recorded: file.recorded)
            if case .modifyDelete(let base, let kept, let deletedOnOurs) = judgement {
                // git leaves the changed version in the tree, unless its rename detection pairs
                // the deleted path with a file the deleting side added (the change then moves
                // there) or a directory takes the path: both are left to git.
                guard Self.isRegularFile(kept.mode), !Self.meetsDirectory(file.path, in: listing) else { return .git }
                if deletedOnOurs {
                    guard let ours = listing.ours else { return .needsOurs }
                    renameChecks.append((base, ours))
                } else {
                    renameChecks.append((base, listing.theirs))
                }
                judgement = Self.replaced(kept, by: file.recorded)
            }
            switch judgement {
            case .same: continue
            case .different, .modifyDelete: return .git
            case .replaced(let expected, let recorded):
                redo.append(Redo(path: file.path, recorded: recorded, result: .blob(expected)))
            case .deleted(let expected):
                redo.append(Redo(path: file.path, recorded: nil, result: .blob(expected)))
            case .lineMerge(let base, let ours, let theirs, let recorded):
                guard let mode = file.recorded?.mode else { return .git }
                lineMerges.append((file.path, base, ours, theirs, Entry(mode: mode, id: recorded)))
            }
        }
        for check in renameChecks where mayBeRenamed(check.source, toOneOf: check.side) { return .git }
        for file in lineMerges {
            guard let b = cache.read(file.base, from: blobs), let o = cache.read(file.ours, from: blobs),
                let t = cache.read(file.theirs, from: blobs), let r = cache.read(file.recorded.id, from: blobs)
            else { return .git }
            if ThreeWayMerge.gives(r, base: b, ours: o, theirs: t) { continue }
            // Redone once the labels are known (whether it conflicts is found then).
            redo.append(
                Redo(
                    path: file.path,
                    recorded: file.recorded,
                    result: .lineMerge(base: file.base, ours: file.ours, theirs: file.theirs, mode: file.recorded.mode)
                )
            )
        }
        return redo.isEmpty ? .proven : .redo(redo)
    }

    enum Judgement {
        case same
        /// Different in a way left to git (added, deleted, a symbolic link or submodule, a mode).
        case different
        /// The automatic merge takes `expected`, an existing regular file, and the merge
        /// recorded `recorded`, another regular file of the same mode.
        case replaced(expected: Entry, recorded: Entry)
        /// The automatic merge takes `expected`, a regular file, and the merge deleted it.
        case deleted(expected: Entry)
        case lineMerge(base: ObjectID, ours: ObjectID, theirs: ObjectID, recorded: ObjectID)
        /// One side deleted the file and the other changed it (git's modify/delete conflict):
        /// the automatic merge keeps `kept`, the changed side's version, unless git's rename
        /// detection finds where the deleting side moved the file.
        case modifyDelete(base: Entry, kept: Entry, deletedOnOurs: Bool)
    }

    /// `expected` replaced by `recorded`, when both are regular files of one mode, or deleted.
    static func replaced(_ expected: Entry?, by recorded: Entry?) -> Judgement {
        if let expected, recorded == nil, isRegularFile(expected.mode) { return .deleted(expected: expected) }
        guard let expected, let recorded, expected.mode == recorded.mode, isRegularFile(expected.mode) else {
            return expected == recorded ? .same : .different
        }
        return expected.id == recorded.id ? .same : .replaced(expected: expected, recorded: recorded)
    }

    static func isRegularFile(_ mode: UInt32) -> Bool { mode == 0o100644 || mode == 0o100755 }

    /// Whether a listed path is inside `path` or holds it (a directory/file conflict git resolves
    /// by moving files).
    static func meetsDirectory(_ path: [UInt8], in listing: Listing) -> Bool {
        func meets(_ other: [UInt8]) -> Bool {
            let (short, long) = other.count < path.count ? (other, path) : (path, other)
            return long.count > short.count && long[short.count] == 0x2f && long.starts(with: short)
        }
        return listing.merged.keys.contains(where: meets) || listing.theirs.keys.contains(where: meets)
            || (listing.ours?.keys.contains(where: meets) ?? false)
    }

    /// Added files a side may have, at most, for the rename check (each is read once per run),
    /// and the bytes one check may read.
    static let renameCandidateLimit = 2_000
    static let renameReadLimit = 64 << 20

    /// Whether git's rename detection could take `source` (deleted on one side) for one of the
    /// files that side added: an added file with its id, or one at least 50 % similar
    /// (``RenameSimilarity``). Also true when that cannot be decided (too many added files, a
    /// version missing or too large, more to read than ``renameReadLimit``).
    func mayBeRenamed(_ source: Entry, toOneOf side: TreeDiff) -> Bool {
        let added = side.values.compactMap { $0.old == nil ? $0.new : nil }
        if added.isEmpty { return false }
        guard added.count <= Self.renameCandidateLimit, Self.isRegularFile(source.mode),
            !added.contains(where: { $0.id == source.id }), let from = fingerprints.of(source.id, blobs)?.fingerprint
        else { return true }
        var read = 0
        for destination in added where Self.isRegularFile(destination.mode) {
            guard let (to, fresh) = fingerprints.of(destination.id, blobs) else { return true }
            if fresh { read += to.size }
            if read > Self.renameReadLimit { return true }
            if RenameSimilarity.score(from: from, to: to) >= RenameSimilarity.renameScore { return true }
        }
        return false
    }

    /// ``RenameSimilarity`` of the blobs the rename check has read, shared by the pieces (the
    /// files a side added are usually the same from one merge to the next).
    final class Fingerprints: Sendable {
        private let table = Mutex((entries: [ObjectID: RenameSimilarity](), bytes: 0))
        /// Bytes of fingerprints kept at most (a file has up to 107,927 chunk values, 16 bytes
        /// each with both tables); the table is emptied past it.
        static let limit = 64 << 20

        /// The blob's fingerprint, and whether it was read now (nil when it cannot be read).
        func of(_ id: ObjectID, _ blobs: GitBlobReader) -> (fingerprint: RenameSimilarity, fresh: Bool)? {
            if let known = table.withLock({ $0.entries[id] }) { return (known, false) }
            guard let bytes = blobs.read(id, limit: MergeVerifier.blobLimit + 1), bytes.count <= MergeVerifier.blobLimit
            else { return nil }
            let fingerprint = RenameSimilarity(bytes)
            let size = 8 * (fingerprint.values.count + fingerprint.valuesWithLast.count)
            table.withLock { table in
                if table.bytes + size > Self.limit {
                    table.entries.removeAll(keepingCapacity: true)
                    table.bytes = 0
                }
                table.entries[id] = fingerprint
                table.bytes += size
            }
            return (fingerprint, true)
        }
    }

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
            if let base, (ours == nil) != (theirs == nil), let kept = ours ?? theirs {
                return .modifyDelete(base: base, kept: kept, deletedOnOurs: ours == nil)
            }
            // Changed on both sides, differently: contents and modes are merged separately.
            guard let base, let ours, let theirs, let recorded,
                [base.mode, ours.mode, theirs.mode, recorded.mode].allSatisfy(isRegularFile)
            else { return .different }
            let mode =
                ours.mode == theirs.mode
                ? ours.mode : base.mode == ours.mode ? theirs.mode : base.mode == theirs.mode ? ours.mode : nil
            guard mode == recorded.mode else { return .different }
            if ours.id == theirs.id || base.id == ours.id || base.id == theirs.id {
                let id = ours.id == theirs.id || base.id == ours.id ? theirs.id : ours.id
                return id == recorded.id
                    ? .same : .replaced(expected: Entry(mode: recorded.mode, id: id), recorded: recorded)
            }
            return .lineMerge(base: base.id, ours: ours.id, theirs: theirs.id, recorded: recorded.id)
        }
        return replaced(expected, by: recorded)
    }

    /// A tree comparison by path: each changed path's old and new entry.
    typealias TreeDiff = [[UInt8]: (old: Entry?, new: Entry?)]

    /// For each candidate, `git diff-tree --stdin -r --no-renames --always` of `P1 → M` and
    /// `B → P2`; nil when git fails (a missing object: git's re-merge reports it).
    func listings(_ candidates: [Candidate]) -> [Listing]? {
        let pairs = candidates.flatMap { [(from: $0.parents[0], to: $0.merge), (from: $0.base, to: $0.parents[1])] }
        guard let diffs = treeDiffs(pairs) else { return nil }
        return candidates.indices.map { Listing(merged: diffs[2 * $0], theirs: diffs[2 * $0 + 1]) }
    }

    /// One `git diff-tree --stdin -r -z --raw --no-renames --always` for all `pairs`, in order;
    /// nil when git fails or its output is not what was asked.
    func treeDiffs(_ pairs: [(from: ObjectID, to: ObjectID)]) -> [TreeDiff]? {
        var input: [UInt8] = []
        input.reserveCapacity(pairs.count * 82)
        for pair in pairs {
            // `<commit> <other>`: the commit against `other` as if it were its parent.
            input += Array(pair.to.description.utf8) + [0x20] + Array(pair.from.description.utf8) + [0x0a]
        }
        let arguments = ["diff-tree", "--stdin", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", "--always"]
        guard let output = try? git.run(arguments + GitProcess.diffSafetyArguments, input: input), output.succeeded
        else { return nil }

        var diffs = [TreeDiff](repeating: [:], count: pairs.count)
        var block = -1
        var meta: ArraySlice<UInt8>?
        for token in output.standardOutput.split(separator: 0, omittingEmptySubsequences: false) {
            if let entry = meta {
                meta = nil
                guard let change = Self.parseRaw(entry) else { return nil }
                diffs[block][Array(token)] = change
            } else if token.first == UInt8(ascii: ":") {
                guard block >= 0 else { return nil }
                meta = token
            } else {
                var hex = token[...]
                while hex.first == 0x0a { hex = hex.dropFirst() }
                if hex.isEmpty { continue }
                block += 1
                guard block < pairs.count, let id = ObjectID(hex: hex), id == pairs[block].to else { return nil }
            }
        }
        guard block == pairs.count - 1 else { return nil }
        return diffs
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
    /// Blobs read for a piece's merges, kept for its next merges: a merge's second side and
    /// recorded version are often the next merge's base and first side (in tmux's newest 600
    /// merges, half the blob uses of line merges are of a blob used before). The oldest go first
    /// once `limit` bytes are kept.
    struct BlobCache {
        let limit: Int
        private var blobs: [ObjectID: ThreeWayMerge.Lines] = [:]
        /// Kept blobs, oldest first from `head`, with their sizes.
        private var order: [(id: ObjectID, size: Int)] = []
        private var head = 0
        private var bytes = 0

        init(limit: Int) { self.limit = limit }

        /// The blob, or nil when it is missing, not a blob, or larger than ``MergeVerifier/blobLimit``.
        mutating func read(_ id: ObjectID, from source: GitBlobReader) -> ThreeWayMerge.Lines? {
            if let known = blobs[id] { return known }
            guard let read = source.read(id, limit: MergeVerifier.blobLimit + 1), read.count <= MergeVerifier.blobLimit
            else { return nil }
            let lines = ThreeWayMerge.Lines(read)
            let size = read.count + 8 * lines.starts.count
            while bytes + size > limit, head < order.count {
                blobs[order[head].id] = nil
                bytes -= order[head].size
                head += 1
            }
            if head > 1024 && head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
            blobs[id] = lines
            order.append((id, size))
            bytes += size
            return lines
        }
    }
}
