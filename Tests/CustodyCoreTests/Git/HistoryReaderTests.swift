import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

typealias Sig = TemporaryGitRepository.Signature

/// A repository with one of everything the reader must handle, built once per test.
struct Scenario {
    let repo: TemporaryGitRepository
    var ids: [String: String] = [:]

    static let alice = Sig(name: "Alice Example", email: "alice@example.com", date: "1700000000 +0530")
    static let bob = Sig(name: "Bob", email: "bob@example.org", date: "1700003600 -0800")
    static let eve = Sig(name: "Eve \u{1b}[31mRed\u{202e}gnp.exe", email: "eve@evil.example", date: "1700007200 +0000")
    static let weirdPath = "we\u{202e}ird\nname \"q\"\\.txt"
    static let invalidPath: [UInt8] = Array("bad-".utf8) + [0xff, 0xfe] + Array(".txt".utf8)

    init() throws {
        repo = try TemporaryGitRepository()
        let r = repo
        try r.write("a.txt", "one\ntwo\nthree\n")
        try r.write("b.bin", bytes: [0, 1, 2, 0xff, 0, 10, 0, 0])
        ids["c1"] = try r.commit(
            "Initial import\n\nBody here.\n\nReviewed-by: Bob <bob@example.org>\nSigned-off-by: Alice Example <alice@example.com>\nCo-authored-by: Carol\n  Continued <carol@example.net>\n",
            author: Self.alice, committer: Self.bob)
        try r.write("a.txt", "one\ntwo\nTWO-AND-A-HALF\nthree\nfour\n")
        ids["c2"] = try r.commit("Extend a", author: Self.bob)
        try r.move("a.txt", "docs/a.txt")
        try r.write(Self.weirdPath, "x\u{1b}[2J\r\nsecond\n")
        ids["c3"] = try r.commit("Rename \u{1b}]0;pwn\u{07} and add\n", author: Self.eve)
        try r.write("copy.txt", "one\ntwo\nTWO-AND-A-HALF\nthree\nfour\n")
        try r.write("docs/a.txt", "one\ntwo\nTWO-AND-A-HALF\nthree\nfour\nfive\n")
        ids["c4"] = try r.commit("Copy and extend", author: Self.alice)
        try r.remove("copy.txt")
        try FileManager.default.createSymbolicLink(atPath: r.path + "/copy.txt", withDestinationPath: "docs/a.txt")
        try r.write("docs/a.txt", "one\ntwo\nTWO-AND-A-HALF\nthree\nfour\nfive\n", executable: true)
        ids["c5"] = try r.commit("Type and mode change", author: Self.alice)
        ids["c6"] = try r.commit("Nothing at all", author: Self.bob, allowEmpty: true)
        try r.git(["checkout", "-q", "-b", "side"])
        try r.write("docs/a.txt", "ONE-side\ntwo\nTWO-AND-A-HALF\nthree\nfour\nfive\n", executable: true)
        ids["side"] = try r.commit("Side change", author: Self.bob)
        try r.git(["checkout", "-q", "main"])
        try r.write("docs/a.txt", "ONE-main\ntwo\nTWO-AND-A-HALF\nthree\nfour\nfive\n", executable: true)
        ids["c7"] = try r.commit("Main change", author: Self.alice)
        _ = try? r.git(
            ["merge", "--no-commit", "--no-ff", "-q", "side"],
            env: TemporaryGitRepository.identityEnvironment(author: Self.alice, committer: Self.alice))
        try r.write("docs/a.txt", "ONE-resolved\ntwo\nTWO-AND-A-HALF\nthree\nfour\nfive\nevil line\n", executable: true)
        ids["merge"] = try r.commit("Merge side", author: Self.alice)

        // A signed commit with an invalid UTF-8 message and a path that is not UTF-8.
        let listing = try r.git(["ls-tree", "-z", "HEAD"])
        let blob = try r.blob(Array("hidden\n".utf8))
        let tree = String(
            decoding: try r.git(["mktree", "-z"], stdin: listing + Array("100644 blob \(blob)\t".utf8) + Self.invalidPath + [0]),
            as: UTF8.self
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        var object = Array("tree \(tree)\nparent \(ids["merge"]!)\n".utf8)
        object += Array("author Mallory <m@x> 1700010000 +0100\ncommitter Mallory <m@x> 1700010000 +0100\n".utf8)
        object += Array("gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n".utf8)
        object += Array("\nBad bytes ".utf8) + [0xc3, 0x28, 0xff] + Array(" here\n".utf8)
        ids["signed"] = try r.rawCommit(object, ref: "refs/heads/main")
        var ssh = Array("tree \(tree)\nparent \(ids["signed"]!)\n".utf8)
        ssh += Array("author Sam <s@x> 1700020000 +0000\ncommitter Sam <s@x> 1700020000 +0000\n".utf8)
        ssh += Array("gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n\nSSH signed\n".utf8)
        ids["ssh"] = try r.rawCommit(ssh, ref: "refs/heads/main")
        try r.git(["tag", "v1", ids["c2"]!])
        try r.git(["tag", "-a", "-m", "annotated", "v2", ids["c4"]!], env: TemporaryGitRepository.identityEnvironment(author: Self.bob, committer: Self.bob))
    }

    func id(_ key: String) -> ObjectID { ObjectID(ids[key]!)! }
}

struct HistoryReaderTests {
    @Test func readsEveryFieldOfEveryKindOfChange() throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        let (commits, summary) = try readAll(repo, HistoryOptions(jobs: 2))
        #expect(summary.problems.isEmpty)
        #expect(summary.commitCount == 11)
        #expect(commits.count == 11)
        let byID = Dictionary(uniqueKeysWithValues: commits.map { ($0.id, $0) })
        // Parents come before children.
        let order = Dictionary(uniqueKeysWithValues: commits.enumerated().map { ($1.id, $0) })
        for commit in commits {
            for parent in commit.parents { #expect(order[parent]! < order[commit.id]!) }
        }

        let c1 = try #require(byID[s.id("c1")])
        #expect(c1.parents.isEmpty)
        #expect(c1.author == GitPersonStamp(name: "Alice Example", email: "alice@example.com", time: 1_700_000_000, utcOffsetMinutes: 330))
        #expect(c1.committer == GitPersonStamp(name: "Bob", email: "bob@example.org", time: 1_700_003_600, utcOffsetMinutes: -480))
        #expect(c1.subject == "Initial import")
        #expect(c1.body.hasPrefix("Body here.\n\nReviewed-by:"))
        #expect(
            c1.trailers == [
                Trailer(key: "Reviewed-by", value: "Bob <bob@example.org>"),
                Trailer(key: "Signed-off-by", value: "Alice Example <alice@example.com>"),
                Trailer(key: "Co-authored-by", value: "Carol Continued <carol@example.net>"),
            ])
        #expect(c1.signature == .none)
        #expect(c1.changes.count == 2)
        let a1 = try #require(c1.changes.first { $0.newPath == "a.txt" })
        #expect(a1.kind == .add && a1.oldPath == nil && a1.oldBlob == nil && a1.oldMode == 0 && a1.newMode == 0o100644)
        #expect(lines(a1).map(\.0) == [1, 2, 3])
        #expect(lineTexts(a1) == ["one", "two", "three"])
        let bin = try #require(c1.changes.first { $0.newPath == "b.bin" })
        #expect(bin.isBinary && bin.addedLines.isEmpty && bin.newBlob != nil)

        let c2 = try #require(byID[s.id("c2")])
        #expect(c2.parents == [s.id("c1")])
        let a2 = try #require(c2.changes.first)
        #expect(a2.kind == .modify && a2.oldPath == "a.txt" && a2.newPath == "a.txt")
        #expect(a2.oldBlob == a1.newBlob && a2.newBlob != nil)
        #expect(lines(a2).map(\.0) == [3, 5])
        #expect(lineTexts(a2) == ["TWO-AND-A-HALF", "four"])

        let c3 = try #require(byID[s.id("c3")])
        #expect(c3.author.name == "Eve \u{1b}[31mRed\u{202e}gnp.exe")
        #expect(c3.subject == "Rename \u{1b}]0;pwn\u{07} and add")
        let rename = try #require(c3.changes.first { $0.kind == .rename })
        #expect(rename.oldPath == "a.txt" && rename.newPath == "docs/a.txt" && rename.addedLines.isEmpty)
        #expect(rename.oldBlob == rename.newBlob)
        let weird = try #require(c3.changes.first { $0.kind == .add })
        #expect(weird.newPath == Scenario.weirdPath)
        #expect(lineTexts(weird) == ["x\u{1b}[2J\r", "second"])

        let c4 = try #require(byID[s.id("c4")])
        let copy = try #require(c4.changes.first { $0.kind == .copy })
        #expect(copy.oldPath == "docs/a.txt" && copy.newPath == "copy.txt" && copy.addedLines.isEmpty)
        let extended = try #require(c4.changes.first { $0.kind == .modify })
        #expect(lines(extended).map(\.0) == [6] && lineTexts(extended) == ["five"])

        let c5 = try #require(byID[s.id("c5")])
        let typeChange = try #require(c5.changes.first { $0.kind == .typeChange })
        #expect(typeChange.path == "copy.txt" && typeChange.oldMode == 0o100644 && typeChange.newMode == 0o120000)
        #expect(lineTexts(typeChange) == ["docs/a.txt"])
        let mode = try #require(c5.changes.first { $0.path == "docs/a.txt" })
        #expect(mode.kind == .modify && mode.oldMode == 0o100644 && mode.newMode == 0o100755)
        #expect(mode.oldBlob == mode.newBlob && mode.addedLines.isEmpty)

        let c6 = try #require(byID[s.id("c6")])
        #expect(c6.changes.isEmpty && c6.subject == "Nothing at all")

        let merge = try #require(byID[s.id("merge")])
        #expect(merge.parents == [s.id("c7"), s.id("side")])
        let resolution = try #require(merge.changes.first)
        #expect(merge.changes.count == 1 && resolution.path == "docs/a.txt")
        // Against the re-done automatic merge (with its conflict markers), the resolution added
        // the resolved line and a line that neither parent had.
        #expect(lineTexts(resolution) == ["ONE-resolved", "evil line"])
        #expect(lines(resolution).map(\.0) == [1, 7])

        let signed = try #require(byID[s.id("signed")])
        #expect(signed.signature == .gpg)
        #expect(signed.subject == "Bad bytes \u{FFFD}(\u{FFFD} here")
        #expect(signed.author == GitPersonStamp(name: "Mallory", email: "m@x", time: 1_700_010_000, utcOffsetMinutes: 60))
        let hidden = try #require(signed.changes.first)
        #expect(signed.changes.count == 1 && hidden.kind == .add)
        #expect(hidden.newPath == String(decoding: Scenario.invalidPath, as: UTF8.self))
        #expect(lineTexts(hidden) == ["hidden"])
        #expect(byID[s.id("ssh")]?.signature == .ssh)
        #expect(byID[s.id("ssh")]?.changes.isEmpty == true)
    }

    @Test func resultsDoNotDependOnJobs() throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        let (one, _) = try readAll(repo, HistoryOptions(jobs: 1))
        let (four, _) = try readAll(repo, HistoryOptions(jobs: 4))
        #expect(one == four)
        #expect(one.count == 11)
    }

    @Test func refSelections() throws {
        let s = try Scenario()
        try s.repo.git(["update-ref", "refs/pull/7/head", s.ids["side"]!])
        var hidden = Array("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n".utf8)
        hidden += Array("author X <x@x> 1 +0000\ncommitter X <x@x> 1 +0000\n\nonly in a pull request\n".utf8)
        let pr = try s.repo.rawCommit(hidden, ref: "refs/pull/8/head")
        try s.repo.git(["update-ref", "refs/notes/commits", s.ids["c1"]!])
        let repo = try GitRepository(path: s.repo.path)

        let tips = try repo.refs(.branchesAndTags)
        #expect(tips.map(\.name) == ["refs/heads/main", "refs/heads/side", "refs/tags/v1", "refs/tags/v2"])
        #expect(tips.first { $0.name == "refs/tags/v2" }?.tip == s.ids["c4"])
        let all = try repo.refs(.allRefs)
        #expect(all.map(\.name).contains("refs/pull/8/head"))
        #expect(!all.map(\.name).contains("refs/notes/commits"))
        #expect(try repo.commitIDs(HistoryOptions()).count == 11)
        let allIDs = try repo.commitIDs(HistoryOptions(refs: .allRefs))
        #expect(allIDs.count == 12 && allIDs.contains(ObjectID(pr)!))

        let range = try repo.commitIDs(HistoryOptions(refs: .range("\(s.ids["c2"]!)..\(s.ids["c4"]!)")))
        #expect(range == [s.id("c3"), s.id("c4")])
        let excluded = try repo.commitIDs(HistoryOptions(excluding: [s.id("c1"), s.id("c2")]))
        #expect(excluded.count == 9 && !excluded.contains(s.id("c1")))
        #expect(try repo.rootCommits() == [s.id("c1")])
        #expect(throws: CustodyError.self) { try repo.commitIDs(HistoryOptions(refs: .range("--output=/tmp/x"))) }
        #expect(throws: CustodyError.self) { try repo.commitIDs(HistoryOptions(refs: .range("no-such-ref"))) }
    }

    @Test func validation() throws {
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("custody-not-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: plain) }
        let notRepo = #expect(throws: CustodyError.self) { try GitRepository(path: plain.path) }
        #expect(notRepo?.code == .notARepository && notRepo?.message.contains("\n") == false)
        let missing = #expect(throws: CustodyError.self) { try GitRepository(path: plain.path + "/missing") }
        #expect(missing?.code == .notARepository)
        let noGit = #expect(throws: CustodyError.self) {
            try GitRepository(path: plain.path, gitExecutable: "/nonexistent/bin/git")
        }
        #expect(noGit?.code == .gitUnavailable)

        let bare = try TemporaryGitRepository(bare: true)
        let repo = try GitRepository(path: bare.path)
        #expect(repo.gitDirectory.hasSuffix("repo"))
        let (commits, summary) = try readAll(repo, HistoryOptions())
        #expect(commits.isEmpty && summary.commitCount == 0 && summary.problems.isEmpty && summary.refs.isEmpty)
    }

    @Test func missingBlobIsReportedAndTheRestIsRead() throws {
        let r = try TemporaryGitRepository()
        let a = Sig(name: "A", email: "a@x")
        try r.write("big.txt", "large secret content\n")
        try r.write("small.txt", "small\n")
        let c1 = try r.commit("Add files", author: a)
        try r.write("big.txt", "large secret content\nmore\n")
        let c2 = try r.commit("Change big", author: a)
        try r.write("other.txt", "other\n")
        let c3 = try r.commit("Add other", author: a)
        let blob = try r.gitString(["rev-parse", "\(c1):big.txt"])
        let objectFile = r.path + "/.git/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2)
        try FileManager.default.removeItem(atPath: objectFile)

        let repo = try GitRepository(path: r.path)
        for jobs in [1, 3] {
            let (commits, summary) = try readAll(repo, HistoryOptions(jobs: jobs))
            #expect(summary.commitCount == 3)
            #expect(commits.map(\.id.description) == [c1, c2, c3])
            let missing = summary.problems.filter { $0.object == blob }
            #expect(Set(missing.compactMap(\.commit)) == [c1, c2])
            #expect(missing.allSatisfy { $0.path == "big.txt" })
            #expect(summary.problems.allSatisfy { $0.commit == c1 || $0.commit == c2 })
            // The files that could be read still have their lines.
            #expect(commits[0].changes.first { $0.path == "small.txt" }.map(lineTexts) == ["small"])
            #expect(commits[0].changes.contains { $0.path == "big.txt" && $0.kind == .add })
            #expect(commits[2].changes.first.map(lineTexts) == ["other"])
        }
    }

    @Test func longLinesAreCutWithoutLosingNumbers() throws {
        let r = try TemporaryGitRepository()
        var content = Array("first\n".utf8)
        content += [UInt8](repeating: UInt8(ascii: "x"), count: LogStreamParser.lineLimit + 5000) + [0x0a]
        content += Array("after\n".utf8)
        try r.write("long.txt", bytes: content)
        try r.commit("Long line", author: Sig(name: "A", email: "a@x"))
        let (commits, _) = try readAll(try GitRepository(path: r.path), HistoryOptions(jobs: 1))
        let change = try #require(commits.first?.changes.first)
        #expect(change.addedLinesTruncated)
        #expect(lines(change).map(\.0) == [1, 2, 3])
        #expect(change.addedLines[1].text.count == LogStreamParser.lineLimit)
        #expect(lineTexts(change)[2] == "after")
    }

    @Test func readingNeverWritesToTheRepository() throws {
        let s = try Scenario()
        // Leave the work tree dirty and a conflict-free index, as a user would.
        try s.repo.write("docs/a.txt", "dirty\n")
        try s.repo.write("untracked.txt", "u\n")
        let before = try s.repo.snapshot()
        let repo = try GitRepository(path: s.repo.path)
        _ = try readAll(repo, HistoryOptions(refs: .allRefs, jobs: 3))
        _ = try repo.rootCommits()
        let blobs = try repo.blobReader()
        _ = blobs.read(s.id("c1"), limit: 10)
        blobs.close()
        let after = try s.repo.snapshot()
        #expect(before == after)
    }

    /// Each file's modification time, by path.
    static func modificationTimes(_ paths: [String]) throws -> [String: Date] {
        var out: [String: Date] = [:]
        for path in paths { out[path] = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date }
        return out
    }

    /// The same for object files git reaches in ways that need its own reading of alternates: a
    /// repository whose path holds a `:` (not a list of two directories), and one whose objects
    /// are borrowed from another repository named by a C-quoted line of `info/alternates` (its
    /// path holds a quote and a colon). Before, the first was cut at its colon and the second's
    /// line taken with its quotes: neither lender's files had their times put back.
    @Test func reMergesLeaveTheTimesOfLentObjectFilesAlone() throws {
        let source = try MergeVerifierTests.build().repo
        let files = FileManager.default
        let root = source.url.deletingLastPathComponent().appendingPathComponent("lent-\(UUID().uuidString)").path
        try files.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? files.removeItem(atPath: root) }
        let colon = root + "/odd:name.git"
        try source.git(["clone", "-q", "--mirror", source.path, colon])
        try source.git(["--git-dir=" + colon, "repack", "-a", "-d", "-q"])
        let lender = root + "/lender \"q\":x.git"
        try source.git(["clone", "-q", "--mirror", source.path, lender])
        try source.git(["--git-dir=" + lender, "repack", "-a", "-d", "-q"])
        let borrower = root + "/borrower.git"
        try source.git(["clone", "-q", "--mirror", "--shared", colon, borrower])
        // The borrower has no objects of its own: all come from the lender, named quoted.
        try files.removeItem(atPath: borrower + "/objects/pack")
        try files.createDirectory(atPath: borrower + "/objects/pack", withIntermediateDirectories: true)
        try Array((PrivateRepository.alternateEntry(lender + "/objects") + "\n").utf8).withUnsafeBytes {
            try Data($0).write(to: URL(fileURLWithPath: borrower + "/objects/info/alternates"))
        }
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        var paths: [String] = []
        for objects in [colon + "/objects", lender + "/objects"] {
            for name in try files.subpathsOfDirectory(atPath: objects) where name.hasPrefix("pack/") {
                try files.setAttributes([.modificationDate: old], ofItemAtPath: objects + "/" + name)
                paths.append(objects + "/" + name)
            }
        }
        func times() throws -> [String: Date] { try Self.modificationTimes(paths) }
        let before = try times()
        #expect(before.values.allSatisfy { $0 == old })
        var options = HistoryOptions(refs: .allRefs, jobs: 2)
        options.verifyMerges = false
        for path in [colon, borrower] {
            let (commits, summary) = try readAll(try GitRepository(path: path), options)
            #expect(summary.problems.isEmpty, "\(path)")
            #expect(commits.contains { $0.isMerge })
        }
        #expect(try times() == before)
    }

    /// git's re-merges (`--remerge-diff`) "freshen" the file holding each object they would
    /// write and find already stored, setting its times to now: the times of every object file,
    /// loose or packed, are what they were before the audit.
    @Test(arguments: [false, true])
    func reMergesLeaveTheTimesOfObjectFilesAlone(packed: Bool) throws {
        // Merges of every kind, clean ones among them: their re-merged trees and blobs are stored.
        let repo = try MergeVerifierTests.build().repo
        if packed { try repo.git(["repack", "-a", "-d", "-q"]) }
        let objects = repo.path + "/.git/objects"
        let files = FileManager.default
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        var paths: [String] = []
        for name in try files.subpathsOfDirectory(atPath: objects) {
            let path = objects + "/" + name
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try files.setAttributes([.modificationDate: old], ofItemAtPath: path)
            paths.append(path)
        }
        func times() throws -> [String: Date] { try Self.modificationTimes(paths) }
        let before = try times()
        #expect(before.values.allSatisfy { $0 == old })
        // Every merge re-merged by git, then the usual way.
        var options = HistoryOptions(refs: .allRefs, jobs: 2)
        options.verifyMerges = false
        let (commits, _) = try readAll(try GitRepository(path: repo.path), options)
        #expect(commits.contains { $0.isMerge })
        _ = try readAll(try GitRepository(path: repo.path), HistoryOptions(refs: .allRefs, jobs: 2))
        #expect(try times() == before)
    }

    /// Pieces cover every commit once; even workers read from the newest end, odd ones from the
    /// oldest; pieces shrink where the two ends meet, and no sliver is left for a piece alone.
    @Test(arguments: [(12_630, 2), (2_000, 2), (150, 2), (40, 2), (9_000, 3), (5_000, 1), (100_000, 4)])
    func piecesCoverTheHistoryFromBothEnds(_ count: Int, _ jobs: Int) {
        let size = HistoryReader.pieceSize(count: count, jobs: jobs)
        var remaining = 0..<count
        var taken: [(worker: Int, piece: Range<Int>)] = []
        var worker = 0
        while let piece = HistoryReader.take(&remaining, size: size, jobs: jobs, worker: worker) {
            taken.append((worker, piece))
            worker = (worker + 1) % jobs
        }
        var end = 0
        for piece in taken.map(\.piece).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            #expect(piece.lowerBound == end && !piece.isEmpty)
            end = piece.upperBound
        }
        #expect(end == count)
        let smallest = max(HistoryReader.minPieceSize, size / 8)
        for (k, (worker, piece)) in taken.enumerated() {
            if k < taken.count - 1 { #expect(piece.count <= size && piece.count >= smallest) }
            // What is taken later lies below a piece taken from the newest end, above one taken
            // from the oldest.
            let newestEnd = jobs > 1 && worker % 2 == 0
            for later in taken[(k + 1)...].map(\.piece) {
                if newestEnd {
                    #expect(later.upperBound <= piece.lowerBound)
                } else {
                    #expect(later.lowerBound >= piece.upperBound)
                }
            }
        }
        if jobs > 1, let first = taken.first, let second = taken.dropFirst().first {
            #expect(first.piece.upperBound == count && second.piece.lowerBound == 0)
        }
        // The last pieces are smaller than the first (they finish together).
        if count >= 8 * size { #expect(taken.last!.piece.count < size) }
        #expect(taken.count <= (count + size - 1) / size + 8)
    }

    /// What an audited repository carries besides its objects cannot change what is read: its
    /// own configuration (`core.bigFileThreshold=1` shows every file as binary, a conflict
    /// style changes re-merges), its `info/attributes` (`-diff` hides changes, a `union` merge
    /// driver changes re-merges) and its `info/grafts` (which hid commit c3 from git log).
    @Test func theRepositorysOwnConfigurationAttributesAndGraftsChangeNothing() throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        let options = HistoryOptions(jobs: 2)
        let (clean, _) = try readAll(repo, options)
        let git = s.repo.path + "/.git"
        let config = try String(contentsOfFile: git + "/config", encoding: .utf8)
        try (config + "[core]\n\tbigFileThreshold = 1\n[diff]\n\tcontext = 7\n\trenames = false\n"
            + "[merge]\n\tconflictStyle = zdiff3\n").write(toFile: git + "/config", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: git + "/info", withIntermediateDirectories: true)
        try "* -diff\n* merge=union\n".write(toFile: git + "/info/attributes", atomically: true, encoding: .utf8)
        try "\(s.ids["c4"]!) \(s.ids["c2"]!)\n".write(toFile: git + "/info/grafts", atomically: true, encoding: .utf8)
        // The hostile state is live: plain git now shows neither c3 nor the text of a change.
        let plain = try s.repo.git(["log", "--format=%H", "-p", "main"])
        #expect(!String(decoding: plain, as: UTF8.self).contains(s.ids["c3"]!))
        #expect(String(decoding: plain, as: UTF8.self).contains("Binary files"))

        let (hostile, summary) = try readAll(repo, options)
        #expect(summary.problems.isEmpty)
        #expect(hostile == clean)
        #expect(try repo.commitGraph(options).ids.count == clean.count)
    }

    /// A shallow clone's boundary commit is read as a root (everything in it added) and the
    /// run says the history before it was not audited.
    @Test func aShallowCloneSaysWhereItsHistoryStops() throws {
        let source = try TemporaryGitRepository()
        for k in 1...3 {
            try source.write("f\(k)", "\(k)\n")
            try source.commit("c\(k)", author: Scenario.alice)
        }
        let path = source.url.deletingLastPathComponent().appendingPathComponent("shallow").path
        try source.git(["clone", "-q", "--depth", "2", "file://" + source.path, path])
        let repo = try GitRepository(path: path)
        let (commits, summary) = try readAll(repo, HistoryOptions(jobs: 2))
        let boundary = try #require(commits.first)
        #expect(commits.count == 2 && boundary.subject == "c2")
        #expect(boundary.changes.map(\.path).sorted() == ["f1", "f2"])
        #expect(summary.problems.count == 1)
        #expect(summary.problems.first?.commit == boundary.id.description)
        #expect(summary.problems.first?.reason.contains("shallow clone") == true)
    }

    /// git takes a commit's parents from the repository's commit-graph file when it may: one
    /// whose entry gives the tip its grandparent as parent hid the middle commit from the walk.
    @Test func aTamperedCommitGraphHidesNoCommit() throws {
        let repo = try TemporaryGitRepository()
        for k in 1...3 {
            try repo.write("f", "\(k)\n")
            try repo.commit("c\(k)", author: Scenario.alice)
        }
        let ids = String(decoding: try repo.git(["rev-list", "HEAD"]), as: UTF8.self).split(separator: "\n").map(String.init)
        try repo.tamperCommitGraph(giving: ids[0], parent: ids[2])
        // The tampered file is live: git with its commit-graph sees two commits.
        let walked = try repo.git(["-c", "core.commitGraph=true", "rev-list", "HEAD"])
        #expect(String(decoding: walked, as: UTF8.self).split(separator: "\n").count == 2)

        let reader = try GitRepository(path: repo.path)
        let (commits, summary) = try readAll(reader, HistoryOptions(jobs: 2))
        #expect(summary.problems.isEmpty)
        #expect(commits.map(\.id.description) == ids.reversed())
        #expect(commits.last?.parents.map(\.description) == [ids[1]])
    }

    /// A linked worktree's git directory holds no objects: they are in the common directory its
    /// `commondir` names, which is what the private directory borrows.
    @Test func aLinkedWorktreeIsReadLikeItsRepository() throws {
        let s = try Scenario()
        let (clean, _) = try readAll(try GitRepository(path: s.repo.path), HistoryOptions(jobs: 2))
        let linked = s.repo.url.deletingLastPathComponent().appendingPathComponent("linked").path
        try s.repo.git(["worktree", "add", "-q", "--detach", linked, "main"])
        let worktree = try GitRepository(path: linked)
        #expect(worktree.gitDirectory.contains("/worktrees/"))
        #expect(PrivateRepository.commonDirectory(of: worktree.gitDirectory) == URL(fileURLWithPath: s.repo.path + "/.git").standardizedFileURL.path)
        let (read, summary) = try readAll(worktree, HistoryOptions(jobs: 2))
        #expect(summary.problems.isEmpty)
        #expect(read == clean)
    }

    /// The repository's object directory reaches git as an alternate, C-quoted when its path
    /// holds a colon (the separator), a quote, a backslash or a newline.
    @Test func aRepositoryWhosePathHoldsSeparatorsIsReadWhole() throws {
        let s = try Scenario()
        let (clean, _) = try readAll(try GitRepository(path: s.repo.path), HistoryOptions(jobs: 2))
        let odd = s.repo.url.deletingLastPathComponent().appendingPathComponent("odd:\"name\\\nhere").path
        try s.repo.git(["clone", "-q", "--mirror", s.repo.path, odd])
        let (copied, summary) = try readAll(try GitRepository(path: odd), HistoryOptions(jobs: 2))
        #expect(summary.problems.isEmpty)
        #expect(copied == clean)
        #expect(PrivateRepository.alternateEntry("/plain/path") == "/plain/path")
        // A hook's inherited list is already in git's form: several entries stay several.
        #expect(
            PrivateRepository.alternatesVariable(directories: ["/r/objects", "/r/objects/q:x"], inherited: "/a:\"/b:c\"")
                == "/r/objects:\"/r/objects/q:x\":/a:\"/b:c\"")
        #expect(PrivateRepository.alternatesVariable(directories: ["/r/objects"], inherited: "/r/objects") == "/r/objects")
        #expect(PrivateRepository.alternateEntry("/a:b\"c\\d\ne\u{1}") == "\"/a:b\\\"c\\\\d\\ne\\001\"")
    }

    /// git looks for `.gitattributes` in the subdirectories of its working directory even in a
    /// bare repository: it runs in the git directory, never in the caller's (a checkout).
    @Test func gitRunsInTheGitDirectory() throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        let output = try repo.process.run(["-c", "alias.where=!pwd -P", "where"])
        #expect(output.succeeded)
        let here = String(decoding: output.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(here == URL(fileURLWithPath: repo.gitDirectory).resolvingSymlinksInPath().path)
    }

    @Test func gitRunsWithOnlyTheEnvironmentCustodyGivesIt() throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        // An alias that starts a program shows the environment git's children get (the alias
        // is the test's own, passed with -c; the repository's configuration is not read).
        let output = try repo.process.run(["-c", "alias.showenv=!env", "showenv"])
        #expect(output.succeeded)
        let lines = Set(String(decoding: output.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(lines.contains("LC_ALL=C"))
        #expect(lines.contains("GIT_CONFIG_NOSYSTEM=1"))
        // glibc keeps its heap: short-lived git processes do not trim and fault it in again.
        let tunables = try #require(lines.first { $0.hasPrefix("GLIBC_TUNABLES=") })
        #expect(tunables.hasPrefix("GLIBC_TUNABLES=" + GitProcess.mallocTunables))
        // Nothing else from the test runner's environment (which sets many variables) leaks in.
        let passed: Set<String> = [
            "PATH", "HOME", "TMPDIR", "GLIBC_TUNABLES", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_QUARANTINE_PATH",
        ]
        let custody = Set(repo.process.environment.keys)
        for line in lines {
            let name = String(line.prefix { $0 != "=" })
            // git adds its own variables (GIT_EXEC_PATH, GIT_PREFIX, ...) for the alias.
            if name.hasPrefix("GIT_") || custody.contains(name) { continue }
            #expect(passed.contains(name) || ["PWD", "SHLVL", "_", "OLDPWD"].contains(name), "\(name) leaked in")
        }
    }

    @Test func blobReader() throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        let (commits, _) = try readAll(repo, HistoryOptions(jobs: 1))
        let reader = try repo.blobReader()
        defer { reader.close() }
        let change = try #require(commits.first { $0.id == s.id("c2") }?.changes.first)
        let blob = try #require(change.newBlob)
        #expect(reader.read(blob, limit: 1 << 20) == Array("one\ntwo\nTWO-AND-A-HALF\nthree\nfour\n".utf8))
        #expect(reader.read(blob, limit: 3) == Array("one".utf8))
        #expect(reader.read(ObjectID(String(repeating: "ab", count: 20))!, limit: 10) == nil)
        #expect(reader.read(s.id("c1"), limit: 100) == nil)  // a commit, not a blob
        let object = try #require(reader.readObject(s.id("signed"), limit: 1 << 16))
        #expect(object.type == "commit")
        #expect(String(decoding: object.bytes, as: UTF8.self).contains("gpgsig -----BEGIN PGP SIGNATURE-----"))
        // Concurrent use from several threads gives the same answers.
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let limit = i % 2 == 0 ? 3 : 1 << 20
            let bytes = reader.read(blob, limit: limit)
            precondition(bytes == Array(Array("one\ntwo\nTWO-AND-A-HALF\nthree\nfour\n".utf8).prefix(limit)))
        }
        reader.close()
        #expect(reader.read(blob, limit: 10) == nil)
    }

    /// Objects larger than the reader's 256 KiB buffer, read whole and cut at limits on either
    /// side of what the buffer holds, one after another on one process (what is left in the
    /// buffer of one answer is the start of the next): every answer is the object's prefix.
    @Test func blobReaderReadsLargeObjectsWholeOrCut() throws {
        let repo = try TemporaryGitRepository()
        var generator = SplitMix(seed: 11)
        let sizes = [0, 1, 255, 262_143, 262_144, 262_145, 700_001, 1_500_000]
        for (k, size) in sizes.enumerated() {
            try repo.write("f\(k).bin", bytes: (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
        _ = try repo.commit("Add blobs", author: .init(name: "A", email: "a@example.com"))
        var blobs: [(ObjectID, [UInt8])] = []
        for k in sizes.indices {
            let id = try #require(ObjectID(try repo.gitString(["rev-parse", "HEAD:f\(k).bin"])))
            blobs.append((id, Array(try repo.git(["cat-file", "blob", id.description]))))
        }
        let reader = try GitRepository(path: repo.path).blobReader()
        defer { reader.close() }
        for limit in [0, 1, 4096, 262_144, 300_000, 1 << 20, 4 << 20] {
            for (id, bytes) in blobs + blobs.reversed() {
                #expect(reader.read(id, limit: limit) == Array(bytes.prefix(limit)), "limit \(limit), size \(bytes.count)")
            }
        }
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func parserGivesTheSameResultForAnyChunkSize(_ chunk: Int) throws {
        let s = try Scenario()
        let repo = try GitRepository(path: s.repo.path)
        let ids = try repo.commitIDs(HistoryOptions()).reversed()
        let input = PieceReader.hexLines(ids)
        let output = try repo.process.run(HistoryReader.logArguments, input: input)
        #expect(output.succeeded)
        func parse(_ size: Int) -> [ParsedDiff] {
            var out: [ParsedDiff] = []
            var parser = LogStreamParser { out.append($0) }
            var offset = 0
            output.standardOutput.withUnsafeBytes { all in
                while offset < all.count {
                    let end = min(all.count, offset + size)
                    parser.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                    offset = end
                }
            }
            parser.finish(complete: true)
            return out
        }
        let whole = parse(output.standardOutput.count + 1)
        let pieces = parse(chunk)
        #expect(whole.map(\.commit) == Array(ids))
        #expect(whole.map(\.changes) == pieces.map(\.changes))
        #expect(pieces.allSatisfy { $0.unmatchedSections == 0 })
    }
}
