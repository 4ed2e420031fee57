import Foundation
import Synchronization

/// Re-merges only the paths of a merge that `git diff-tree -c` keeps, instead of the whole tree.
///
/// For a two-parent merge with a single merge base (found in-process, ``CommitGraph``) whose kept
/// paths all exist as files in the base, both parents and the result, three small commits are
/// written with `git fast-import` into a scratch repository of our own (the audited repository's
/// objects are only an alternate; nothing is written to it): `P1'` and `P2'`, children of the real
/// merge base whose trees are the base's with only the kept paths set to each parent's version,
/// and `M'`, their merge, whose tree sets the kept paths to the recorded result. Then the one
/// `git log --remerge-diff` over those `M'` runs git's own merge machinery (ort, the same
/// content merge and conflict markers) on the same three versions of each kept path, with a
/// trivial merge base and trees that differ in a few paths: the added lines are those of the
/// whole-tree remerge.
///
/// Exactly the same because a path present in the base and in both parents is never a rename
/// source or target and is never moved by a directory rename, and paths outside the kept set are
/// equal to the base on both sides of `M'` (git resolves them trivially). The one visible
/// difference is the conflict-marker labels (`<<<<<<< <parent abbrev> (<subject>)`), which name
/// the synthetic parents; they only matter when the recorded result contains a line that looks
/// like a conflict marker, so any added line starting with `<<<<<<<` or `>>>>>>>` sends the merge
/// back to the whole-tree remerge. Every other case (several or no merge bases, a path missing in
/// the base or a parent, submodules, directories, missing objects, octopus merges, a repository
/// with `merge.*` configuration or `info/attributes`) takes the whole-tree remerge.
final class SyntheticRemerge: Sendable {
    let git: GitProcess
    let directory: String
    let graph: CommitGraph
    private let counter = Mutex(0)

    private init(git: GitProcess, directory: String, graph: CommitGraph) {
        self.git = git
        self.directory = directory
        self.graph = graph
    }

    /// A scratch bare repository under `scratch` whose only alternate is `objects`; nil when the
    /// audited repository has configuration or attributes that change how git merges.
    static func make(repository git: GitProcess, objects: String, scratch: String, graph: CommitGraph) -> SyntheticRemerge? {
        if ProcessInfo.processInfo.environment["CUSTODY_WHOLE_TREE_REMERGE"] == "1" { return nil }
        if let gitDirectory = git.gitDirectory,
            FileManager.default.fileExists(atPath: gitDirectory + "/info/attributes")
        {
            return nil
        }
        // The repository's own file only (our `-c` safety options are not in it). Status 1: no
        // such key (the normal case); anything under merge.* (conflict style, drivers,
        // renormalize) might change the remerge, so the whole-tree path stays exact for it.
        guard let config = try? git.run(["config", "--local", "--get-regexp", "^merge\\."]) else { return nil }
        guard config.status == 1 else { return nil }
        let directory = scratch + "/synthetic.git"
        let manager = FileManager.default
        do {
            for sub in ["objects/pack", "objects/info", "refs/heads", "refs/tags"] {
                try manager.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
            }
            try Data("ref: refs/heads/main\n".utf8).write(to: URL(fileURLWithPath: directory + "/HEAD"))
            try Data("[core]\n\trepositoryformatversion = 0\n\tbare = true\n".utf8)
                .write(to: URL(fileURLWithPath: directory + "/config"))
        } catch {
            return nil
        }
        var synthetic = git
        synthetic.gitDirectory = directory
        synthetic.extraEnvironment["GIT_OBJECT_DIRECTORY"] = directory + "/objects"
        synthetic.extraEnvironment["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = objects
        return SyntheticRemerge(git: synthetic, directory: directory, graph: graph)
    }

    func nextNumber() -> Int {
        counter.withLock { value in
            defer { value += 1 }
            return value
        }
    }

    /// One path kept by `diff-tree -c`: modes and blob ids in the two parents and the result.
    struct Entry: Sendable {
        var path: [UInt8]
        var modes: [UInt32]
        var blobs: [ObjectID?]
    }

    /// A merge the synthetic path can redo.
    struct Candidate {
        var position: Int
        var base: ObjectID
        var entries: [Entry]
    }

    static func isFileMode(_ mode: UInt32) -> Bool { mode == 0o100644 || mode == 0o100755 || mode == 0o120000 }

    /// A path that `<rev>:<path>` names literally and fast-import takes as is.
    static func isPlainPath(_ path: [UInt8]) -> Bool {
        guard !path.isEmpty, path.first != UInt8(ascii: "/"), !path.contains(0x0a), !path.contains(0) else { return false }
        for component in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if component.isEmpty || component.elementsEqual([0x2e]) || component.elementsEqual([0x2e, 0x2e]) { return false }
        }
        return true
    }

    /// The candidates whose objects all exist and whose kept paths are files in the merge base
    /// (one `cat-file --batch-check` for all of them).
    func checked(_ candidates: [Candidate]) -> [Candidate] {
        guard !candidates.isEmpty else { return [] }
        var input: [UInt8] = []
        for candidate in candidates {
            for entry in candidate.entries {
                input += Array(candidate.base.description.utf8) + [UInt8(ascii: ":")] + entry.path + [0x0a]
                for blob in entry.blobs { input += Array((blob?.description ?? "0").utf8) + [0x0a] }
            }
        }
        guard let output = try? git.run(["cat-file", "--batch-check=%(objecttype)"], input: input), output.succeeded
        else { return [] }
        let lines = output.standardOutput.split(separator: 0x0a, omittingEmptySubsequences: false)
        var k = 0
        var kept: [Candidate] = []
        for candidate in candidates {
            var ok = true
            for _ in candidate.entries {
                for _ in 0..<4 {
                    if k >= lines.count || !lines[k].elementsEqual("blob".utf8) { ok = false }
                    k += 1
                }
            }
            if ok { kept.append(candidate) }
        }
        return kept
    }

    static func quoted(_ path: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in path {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// Writes `P1'`, `P2'` and `M'` for each candidate; returns `M'` by candidate index.
    func write(_ candidates: [Candidate]) -> [Int: ObjectID] {
        guard !candidates.isEmpty else { return [:] }
        let number = nextNumber()
        let branch = Array("refs/heads/piece-\(number)".utf8)
        var stream: [UInt8] = []
        func commit(mark: Int, message: String, from: [UInt8], merge: [UInt8]?, files: [(UInt32, ObjectID, [UInt8])]) {
            stream += Array("commit ".utf8) + branch + [0x0a]
            stream += Array("mark :\(mark)\ncommitter custody <custody@invalid> 0 +0000\ndata \(message.utf8.count)\n\(message)\n".utf8)
            stream += Array("from ".utf8) + from + [0x0a]
            if let merge { stream += Array("merge ".utf8) + merge + [0x0a] }
            for (mode, blob, path) in files {
                stream += Array("M \(String(mode, radix: 8)) \(blob) ".utf8) + Self.quoted(path) + [0x0a]
            }
            stream.append(0x0a)
        }
        for (i, candidate) in candidates.enumerated() {
            let base = Array(candidate.base.description.utf8)
            let m = 3 * i + 1
            func files(_ side: Int) -> [(UInt32, ObjectID, [UInt8])] {
                candidate.entries.map { ($0.modes[side], $0.blobs[side]!, $0.path) }
            }
            commit(mark: m, message: "p1", from: base, merge: nil, files: files(0))
            commit(mark: m + 1, message: "p2", from: base, merge: nil, files: files(1))
            commit(mark: m + 2, message: "m", from: Array(":\(m)".utf8), merge: Array(":\(m + 1)".utf8), files: files(2))
        }
        stream += Array("done\n".utf8)
        let marks = directory + "/marks-\(number)"
        defer { try? FileManager.default.removeItem(atPath: marks) }
        guard
            let output = try? git.run(["fast-import", "--quiet", "--done", "--export-marks=" + marks], input: stream),
            output.succeeded,
            let text = FileManager.default.contents(atPath: marks)
        else { return [:] }
        var out: [Int: ObjectID] = [:]
        for line in [UInt8](text).split(separator: 0x0a) {
            let fields = line.split(separator: 0x20)
            guard fields.count == 2, fields[0].first == UInt8(ascii: ":"),
                let mark = Int(String(decoding: fields[0].dropFirst(), as: UTF8.self)),
                mark % 3 == 0, let id = ObjectID(hex: fields[1])
            else { continue }
            out[mark / 3 - 1] = id
        }
        return out
    }

    /// The remerge diffs of the synthetic merges, by `M'` id (one `git log --remerge-diff`).
    func remergeDiffs(_ merges: [ObjectID]) -> [ObjectID: ParsedDiff] {
        guard !merges.isEmpty else { return [:] }
        var diffs: [ObjectID: ParsedDiff] = [:]
        var parser = LogStreamParser { diffs[$0.commit] = $0 }
        var seen = Set<ObjectID>()
        let input = PieceReader.hexLines(merges.filter { seen.insert($0).inserted })
        guard
            let run = try? git.stream(HistoryReader.logArguments, input: input, { chunk in
                parser.feed(chunk)
                return true
            })
        else { return [:] }
        parser.finish(complete: run.status == 0)
        return diffs
    }

    /// True when some added line looks like a conflict marker (whose label would differ).
    static func hasMarkerLikeLine(_ diff: ParsedDiff) -> Bool {
        let open = Array("<<<<<<<".utf8)
        let close = Array(">>>>>>>".utf8)
        for change in diff.changes {
            for line in change.addedLines where line.text.starts(with: open) || line.text.starts(with: close) {
                return true
            }
        }
        return false
    }
}
