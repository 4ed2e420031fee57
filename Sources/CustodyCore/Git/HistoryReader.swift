import Foundation
import Synchronization

/// Reads commits with their changes using several git processes in parallel.
///
/// The commit list is cut into contiguous pieces (at most 4,096 commits, about four per job,
/// smaller toward the end) that `jobs` worker threads take in turn, half of them from the newest
/// end and half from the oldest. For each piece a worker reads the commit objects with one
/// `git cat-file --batch` (exact bytes: headers, signature armor, message) and the changes with
/// one `git log --no-walk=unsorted --stdin -z --raw -p -U0 --full-index -M -C --remerge-diff`
/// (see ``LogStreamParser``), streamed and parsed as it arrives.
///
/// When git fails part-way (a missing blob or tree), the commits already complete are kept, the
/// failing commit is read again alone, then with the raw listing only and one blob-to-blob diff
/// per file, and whatever cannot be read becomes a ``ReadProblem``; the rest of the piece
/// continues in a new process.
///
/// A merge is read with `--remerge-diff` only when ``MergeVerifier`` can neither prove that its
/// recorded tree is exactly the automatic merge of its parents (then it has nothing to show) nor
/// redo git's re-merge of it in-process.
///
/// Every diff runs in a scratch git directory that we own (``PrivateRepository``)
/// with the repository's objects as an alternate: the audited repository's configuration and
/// attribute files cannot change what the diffs show. `--remerge-diff` writes its temporary
/// objects there (`GIT_OBJECT_DIRECTORY`), so nothing is ever written to the audited
/// repository, and read-only repositories work.
final class HistoryReader: Sendable {
    static let maxPieceSize = 4096
    static let minPieceSize = 64

    let git: GitProcess
    let ids: [ObjectID]
    let jobs: Int
    /// The whole selection with parents (for merge bases); nil: every merge is remerged by git.
    let graph: CommitGraph?
    let consumer: @Sendable (Int, Commit) -> Void

    private struct Results {
        var count = 0
        var withoutOwnPaths = 0
        var verified = 0
        var redone = 0
        var whole = 0
        var problems: [(index: Int, order: Int, problem: ReadProblem)] = []
    }
    private let results = Mutex(Results())

    init(
        git: GitProcess,
        ids: [ObjectID],
        jobs: Int,
        graph: CommitGraph? = nil,
        consumer: @escaping @Sendable (Int, Commit) -> Void
    ) {
        self.git = git
        self.ids = ids
        self.jobs = max(1, jobs)
        self.graph = graph
        self.consumer = consumer
    }

    static let logArguments: [String] =
        [
            "log", "--no-walk=unsorted", "--stdin", "-z", "--format=%x00%x00C%H",
            "--raw", "-p", "-U0", "--full-index", "--no-abbrev", "-M", "-C", "--remerge-diff",
            "--no-notes", "--ignore-submodules=none", "--submodule=short", "--diff-algorithm=myers",
        ] + GitProcess.diffSafetyArguments

    /// The largest piece for a history of `count` commits read by `jobs` workers: about four
    /// per job, at least ``minPieceSize`` and at most ``maxPieceSize``.
    static func pieceSize(count: Int, jobs: Int) -> Int {
        let target = jobs == 1 ? maxPieceSize : (count + jobs * 4 - 1) / (jobs * 4)
        return min(maxPieceSize, max(minPieceSize, target))
    }

    /// The next piece a worker takes from the commits not yet taken (`remaining`, oldest to
    /// newest): from the newest end for even workers, the oldest end for odd ones. Pieces have
    /// `size` commits until less than `jobs` pieces of that size are left, then a `jobs`-th of
    /// what is left (at least an eighth of `size` and ``minPieceSize``), so that the workers
    /// finish together.
    static func take(_ remaining: inout Range<Int>, size: Int, jobs: Int, worker: Int) -> Range<Int>? {
        guard !remaining.isEmpty else { return nil }
        let smallest = max(minPieceSize, size / 8)
        var count = min(remaining.count, max(min(size, remaining.count / jobs), smallest))
        // No sliver left over for a piece of its own.
        if remaining.count - count < smallest { count = remaining.count }
        if jobs > 1 && worker % 2 == 0 {
            let piece = (remaining.upperBound - count)..<remaining.upperBound
            remaining = remaining.lowerBound..<piece.lowerBound
            return piece
        }
        let piece = remaining.lowerBound..<(remaining.lowerBound + count)
        remaining = piece.upperBound..<remaining.upperBound
        return piece
    }

    func run() throws -> (Int, [ReadProblem]) {
        guard !ids.isEmpty else { return (0, []) }
        let common = PrivateRepository.commonDirectory(of: git.gitDirectory ?? ".")
        let (objects, shallow) = (common + "/objects", common + "/shallow")
        let scratch = try PrivateRepository.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try PrivateRepository.make(at: scratch, sha256: ids[0].bytes.count == 32, shallow: shallow)
        reportShallowBoundary(shallow)
        var diffGit = git
        diffGit.gitDirectory = scratch
        diffGit.extraEnvironment["GIT_OBJECT_DIRECTORY"] = scratch + "/objects"
        // In a pre-receive hook the pushed objects sit in quarantine (GIT_OBJECT_DIRECTORY) with
        // the repository's store as an alternate: keep both readable behind the scratch store.
        let parent = ProcessInfo.processInfo.environment
        var directories = [objects]
        if let quarantine = parent["GIT_OBJECT_DIRECTORY"], !quarantine.isEmpty, quarantine != objects {
            directories.append(quarantine)
        }
        diffGit.extraEnvironment["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = PrivateRepository.alternatesVariable(
            directories: directories, inherited: parent["GIT_ALTERNATE_OBJECT_DIRECTORIES"])
        // git's re-merges freshen the repository's files that hold objects they would write.
        let times = ObjectFileTimes.take(directories, alternates: parent["GIT_ALTERNATE_OBJECT_DIRECTORIES"])
        defer { times.restore() }

        let workerGit = diffGit
        let verifier = graph.flatMap { MergeVerifier.make(git: workerGit, graph: $0) }
        defer { verifier?.close() }
        let size = Self.pieceSize(count: ids.count, jobs: jobs)
        let remaining = Mutex(0..<ids.count)
        let failure = Mutex<(any Error)?>(nil)
        let workers = (0..<min(jobs, (ids.count + size - 1) / size)).map { worker in
            ThreadJoin { [self] in
                while true {
                    // Half the workers read from the newest end of the history, the others from
                    // the oldest. Recent history has the larger trees and most of the merges (on
                    // tmux the newest eighth cost 3–4 times the oldest in git CPU), and a
                    // merge-heavy piece starts with the in-process merge proof, which waits on
                    // `cat-file` for each blob: a worker streaming an old piece's log meanwhile
                    // keeps both cores busy. The pieces shrink where the two ends meet, so no
                    // worker is left reading a long piece alone.
                    let taken = remaining.withLock { Self.take(&$0, size: size, jobs: jobs, worker: worker) }
                    guard let piece = taken, failure.withLock({ $0 == nil }) else { return }
                    do {
                        try PieceReader(reader: self, git: workerGit, range: piece, verifier: verifier).run()
                    } catch {
                        failure.withLock { $0 = error }
                    }
                }
            }
        }
        for worker in workers { worker.join() }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { r in
            let sorted = r.problems.sorted { ($0.index, $0.order) < ($1.index, $1.order) }.map(\.problem)
            return (r.count, sorted)
        }
    }

    /// A shallow clone's boundary commits are read as roots: what came before them is not in
    /// the repository, so the audit says so for each (and is incomplete).
    private func reportShallowBoundary(_ shallow: String) {
        guard let bytes = FileManager.default.contents(atPath: shallow), !bytes.isEmpty else { return }
        let boundary = Set(bytes.split(separator: 0x0a).compactMap { ObjectID(hex: $0) })
        for (position, id) in ids.enumerated() where boundary.contains(id) {
            report(position, [
                ReadProblem(
                    commit: id.description,
                    reason: "the repository is a shallow clone: the history before this commit is not in it and was not audited"
                )
            ])
        }
    }

    func deliver(_ index: Int, _ commit: Commit) {
        consumer(index, commit)
        results.withLock { $0.count += 1 }
    }

    /// Merges without paths of their own, merges proven to be their automatic merge, merges whose
    /// re-merge was redone in-process, and merges remerged by git (after ``run()``).
    var remergeCounts: (withoutOwnPaths: Int, verified: Int, redone: Int, remerged: Int) {
        results.withLock { ($0.withoutOwnPaths, $0.verified, $0.redone, $0.whole) }
    }

    func countRemerges(withoutOwnPaths: Int, verified: Int, redone: Int, whole: Int) {
        results.withLock {
            $0.withoutOwnPaths += withoutOwnPaths
            $0.verified += verified
            $0.redone += redone
            $0.whole += whole
        }
    }

    func report(_ index: Int, _ problems: [ReadProblem]) {
        guard !problems.isEmpty else { return }
        results.withLock { r in
            for (order, problem) in problems.enumerated() { r.problems.append((index, order, problem)) }
        }
    }
}

/// One contiguous piece of the commit list, read by one worker.
struct PieceReader {
    let reader: HistoryReader
    let git: GitProcess
    let range: Range<Int>
    let verifier: MergeVerifier?
    /// For each merge of the piece: the paths whose merged version differs from every parent.
    private let mergePaths = MergePaths()

    init(reader: HistoryReader, git: GitProcess, range: Range<Int>, verifier: MergeVerifier? = nil) {
        self.reader = reader
        self.git = git
        self.range = range
        self.verifier = verifier
    }

    var ids: [ObjectID] { reader.ids }

    func run() throws {
        let metadata = try readCommits()
        // A merge shows only paths whose merged version differs from every parent (`git
        // diff-tree -c`, a cheap tree comparison): a merge without such paths has nothing to
        // show, and neither has one proven to be its automatic merge (``MergeVerifier``). Only
        // the rest are re-merged by git, and only those paths are kept from their remerge diff.
        let merges = range.filter { metadata[$0]?.isMerge == true }
        try findMergePaths(merges)
        let candidates = merges.filter { mergePaths.all || mergePaths.paths[$0] != nil }
        let outcome =
            verifier?.examine(candidates.compactMap { p in metadata[p].map { (p, $0) } }) ?? MergeVerifier.Outcome()
        let nothingToShow = Set(merges).subtracting(candidates).union(outcome.proven)
        // git is given the piece newest first: `git log` frees the parent list of each commit it
        // has shown, so a merge shown after its ancestors would get a wrong merge base (and a
        // bogus remerge diff). Children before parents is the order git itself walks in.
        var order: [Int] = []
        for position in range.reversed() {
            if nothingToShow.contains(position) {
                deliver(position, ParsedDiff(commit: ids[position], changes: [], unmatchedSections: 0), metadata)
            } else if let changes = outcome.redone[position] {
                deliver(position, ParsedDiff(commit: ids[position], changes: changes, unmatchedSections: 0), metadata)
            } else {
                order.append(position)
            }
        }
        reader.countRemerges(
            withoutOwnPaths: merges.count - candidates.count,
            verified: outcome.proven.count,
            redone: outcome.redone.count,
            whole: candidates.count - outcome.proven.count - outcome.redone.count
        )
        var start = 0
        var retry: [Int] = []
        while start < order.count {
            var expected = start
            var parser = LogStreamParser { diff in
                var k = expected
                while k < order.count && ids[order[k]] != diff.commit { k += 1 }
                guard k < order.count else { return }
                retry += order[expected..<k]
                deliver(order[k], diff, metadata)
                expected = k + 1
            }
            let input = Self.hexLines(order[start...].map { ids[$0] })
            let (status, _) = try git.stream(HistoryReader.logArguments, input: input) { chunk in
                parser.feed(chunk)
                return true
            }
            parser.finish(complete: status == 0)
            if expected >= order.count { break }
            // git stopped (or skipped) at `expected`: read it alone, then go on after it.
            readAlone(order[expected], metadata)
            start = expected + 1
        }
        for position in retry { readAlone(position, metadata) }
    }

    /// Merge paths found for a piece (one worker thread uses it).
    final class MergePaths {
        var paths: [Int: Set<String>] = [:]
        /// The listing could not be read: every merge is remerged and keeps all its paths.
        var all = false
    }

    /// Runs `git diff-tree -c -r --raw -z --stdin` over the merges and records their paths.
    func findMergePaths(_ merges: [Int]) throws {
        guard !merges.isEmpty else { return }
        let output = try git.run(
            ["diff-tree", "-c", "-r", "--raw", "-z", "--no-abbrev", "--stdin"] + GitProcess.diffSafetyArguments,
            input: Self.hexLines(merges.map { ids[$0] })
        )
        guard output.succeeded else {
            mergePaths.all = true
            return
        }
        // `<merge id>` then, per path, `::<modes> <ids> <status>` and the path (NUL separated).
        let positions = Dictionary(merges.map { (ids[$0], $0) }, uniquingKeysWith: { a, _ in a })
        var current: Int?
        var expectPath = false
        for token in output.standardOutput.split(separator: 0, omittingEmptySubsequences: false) {
            if expectPath {
                if let current { mergePaths.paths[current, default: []].insert(String(decoding: token, as: UTF8.self)) }
                expectPath = false
            } else if token.starts(with: "::".utf8) {
                expectPath = true
            } else {
                var hex = token[...]
                while let first = hex.first, first == 0x0a { hex = hex.dropFirst() }
                current = ObjectID(hex: hex).flatMap { positions[$0] }
            }
        }
    }

    static func hexLines(_ ids: some Collection<ObjectID>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 65)
        for id in ids {
            out.append(contentsOf: id.description.utf8)
            out.append(0x0a)
        }
        return out
    }

    /// Commit objects of the piece, by position (nil when the object is missing).
    func readCommits() throws -> [Int: Commit] {
        var out: [Int: Commit] = [:]
        var position = range.lowerBound
        var problems: [(Int, ReadProblem)] = []
        var parser = CatFileBatchParser(limit: 8 << 20) { item in
            defer { position += 1 }
            guard position < range.upperBound else { return }
            let id = ids[position]
            switch item {
            case .object(_, let type, let bytes, _) where type == "commit":
                out[position] = CommitObjectParser.parse(id: id, bytes[...])
            default:
                problems.append(
                    (
                        position,
                        ReadProblem(
                            commit: id.description,
                            object: id.description,
                            reason: "the commit object is missing or unreadable"
                        )
                    )
                )
            }
        }
        let (status, stderr) = try git.stream(["cat-file", "--batch"], input: Self.hexLines(ids[range])) { chunk in
            parser.feed(chunk)
            return true
        }
        guard status == 0 || !out.isEmpty else {
            throw CustodyError(.repositoryUnreadable, "git cat-file failed: \(GitProcess.firstLine(stderr))")
        }
        while position < range.upperBound {
            let id = ids[position]
            problems.append(
                (
                    position,
                    ReadProblem(
                        commit: id.description,
                        object: id.description,
                        reason: "the commit object could not be read"
                    )
                )
            )
            position += 1
        }
        for (index, problem) in problems { reader.report(index, [problem]) }
        return out
    }

    func deliver(_ position: Int, _ diff: ParsedDiff, _ metadata: [Int: Commit], extra: [ReadProblem] = []) {
        guard var commit = metadata[position] else { return }
        commit.changes = diff.changes
        if commit.isMerge && !mergePaths.all {
            let keep = mergePaths.paths[position] ?? []
            commit.changes.removeAll { !keep.contains($0.newPath ?? $0.oldPath ?? "") }
        }
        var problems = extra
        if diff.unmatchedSections > 0 {
            problems.append(
                ReadProblem(commit: commit.id.description, reason: "part of the diff could not be matched to a file")
            )
        }
        reader.report(position, problems)
        reader.deliver(position, commit)
    }

    /// Reads one commit alone; when git fails, falls back to the raw listing and per-file diffs.
    func readAlone(_ position: Int, _ metadata: [Int: Commit]) {
        guard let commit = metadata[position] else { return }
        let id = ids[position]
        var result: ParsedDiff?
        var parser = LogStreamParser { result = $0 }
        let input = Array(id.description.utf8) + [0x0a]
        let run = try? git.stream(HistoryReader.logArguments, input: input) { chunk in
            parser.feed(chunk)
            return true
        }
        if let run, run.status == 0 {
            parser.finish(complete: true)
            if let result {
                deliver(position, result, metadata)
                return
            }
        }
        let error = run.map { GitProcess.firstLine($0.standardError) } ?? "git could not run"
        if commit.isMerge {
            let problem = ReadProblem(
                commit: id.description,
                reason: "the merge could not be recomputed to show what its resolution changed: \(error)"
            )
            deliver(position, ParsedDiff(commit: id, changes: [], unmatchedSections: 0), metadata, extra: [problem])
            return
        }
        deliverFallback(position, commit, error: error, metadata)
    }

    /// The raw listing (no patch), then a blob-to-blob diff for each file whose blobs exist.
    func deliverFallback(_ position: Int, _ commit: Commit, error: String, _ metadata: [Int: Commit]) {
        let id = commit.id
        var listing: ParsedDiff?
        for renames in [["-M", "-C"], ["--no-renames"]] where listing == nil {
            var parser = LogStreamParser { listing = $0 }
            let arguments =
                ["log", "--no-walk=unsorted", "--stdin", "-z", "--format=%x00%x00C%H", "--raw", "--no-abbrev"]
                + renames + GitProcess.diffSafetyArguments
            guard
                let run = try? git.stream(
                    arguments,
                    input: Array(id.description.utf8) + [0x0a],
                    { chunk in
                        parser.feed(chunk)
                        return true
                    }
                ), run.status == 0
            else { continue }
            parser.finish(complete: true)
        }
        guard var listing else {
            let problem = ReadProblem(
                commit: id.description,
                reason: "the changes of this commit could not be read: \(error)"
            )
            deliver(position, ParsedDiff(commit: id, changes: [], unmatchedSections: 0), metadata, extra: [problem])
            return
        }
        let blobs = listing.changes.flatMap { [$0.oldBlob, $0.newBlob].compactMap { $0 } }
        let present = presentObjects(blobs)
        var problems: [ReadProblem] = []
        for i in listing.changes.indices {
            let change = listing.changes[i]
            let missing = [change.oldBlob, change.newBlob].compactMap { $0 }.filter { !present.contains($0) }
            if let object = missing.first {
                problems.append(
                    ReadProblem(
                        commit: id.description,
                        path: change.path,
                        object: object.description,
                        reason:
                            "a file's content is missing from the repository, so the lines it added could not be read"
                    )
                )
                continue
            }
            guard let newBlob = change.newBlob, change.newMode & 0o170000 != 0o160000 else { continue }
            let diff = change.oldBlob.map { blobDiff(old: $0, new: newBlob) } ?? wholeBlob(newBlob)
            if let diff {
                listing.changes[i].addedLines = diff.addedLines
                listing.changes[i].isBinary = diff.isBinary
                listing.changes[i].addedLinesTruncated = diff.addedLinesTruncated
            } else {
                problems.append(
                    ReadProblem(
                        commit: id.description,
                        path: change.path,
                        object: newBlob.description,
                        reason: "the file's diff could not be read"
                    )
                )
            }
        }
        if problems.isEmpty {
            problems.append(
                ReadProblem(
                    commit: id.description,
                    reason: "the commit's diff was read file by file after git failed: \(error)"
                )
            )
        }
        deliver(position, listing, metadata, extra: problems)
    }

    /// Every line of a blob as added (for a file added by a commit git could not diff).
    func wholeBlob(_ id: ObjectID) -> FileChange? {
        let limit = LogStreamParser.fileByteLimit
        guard let output = try? git.run(["cat-file", "blob", id.description], outputLimit: limit), output.succeeded
        else { return nil }
        var change = FileChange(kind: .add, oldPath: nil, newPath: nil)
        let bytes = output.standardOutput
        // git's own test: a NUL in the first 8000 bytes makes the file binary.
        if bytes.prefix(8000).contains(0) {
            change.isBinary = true
            return change
        }
        var number = 1
        for line in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            if line.isEmpty && line.startIndex == bytes.endIndex { break }
            let kept = line.prefix(LogStreamParser.lineLimit)
            if kept.count < line.count { change.addedLinesTruncated = true }
            change.addedLines.append(number: number, text: kept)
            number += 1
        }
        if bytes.count >= limit { change.addedLinesTruncated = true }
        return change
    }

    /// Which of these objects exist (`cat-file --batch-check`).
    func presentObjects(_ objects: [ObjectID]) -> Set<ObjectID> {
        guard !objects.isEmpty else { return [] }
        guard
            let output = try? git.run(
                ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
                input: Self.hexLines(objects)
            )
        else { return [] }
        var present = Set<ObjectID>()
        for line in output.standardOutput.split(separator: 0x0a) {
            let fields = line.split(separator: 0x20)
            if fields.count == 2, !fields[1].elementsEqual("missing".utf8), let id = ObjectID(hex: fields[0]) {
                present.insert(id)
            }
        }
        return present
    }

    /// Added lines between two blobs (`git diff -U0 <old> <new>`), parsed by the stream parser.
    func blobDiff(old: ObjectID, new: ObjectID) -> FileChange? {
        let output = try? git.run(
            ["diff", "-U0", "--full-index", "--diff-algorithm=myers", old.description, new.description]
                + GitProcess.diffSafetyArguments
        )
        guard let output, output.status == 0 || output.status == 1 else { return nil }
        var stream: [UInt8] = [0, 0, UInt8(ascii: "C")] + Array(new.description.utf8) + [0, 0x0a]
        stream += Array(":100644 100644 \(old.description) \(new.description) M".utf8) + [0, UInt8(ascii: "f"), 0, 0]
        stream += output.standardOutput
        var result: ParsedDiff?
        var parser = LogStreamParser { result = $0 }
        stream.withUnsafeBytes { parser.feed($0) }
        parser.finish(complete: true)
        return result?.changes.first
    }
}
