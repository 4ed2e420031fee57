@testable import CustodyCore
import CustodyTestSupport
import Foundation
import Testing

@Suite struct ProvenanceTests {
    static func line(_ tag: String) -> String {
        "\(tag) this line carries enough distinct words for move detection \(tag)"
    }

    struct Built {
        var repo: TemporaryGitRepository
        var ids: [String: String]
    }

    /// Alice writes ten lines; Bob re-indents three (whitespace only) and adds two; Carol moves
    /// three of Alice's lines to the end; an unknown Dave copies two of Alice's lines to the top
    /// and adds one; Bob renames the file and adds a three-line README.
    static func build() throws -> Built {
        let repo = try TemporaryGitRepository()
        var ids: [String: String] = [:]
        let a = (1...10).map { line(String(format: "L%02d", $0)) }
        let b = [line("B1"), line("B2")]
        let d = line("D1")
        func write(_ lines: [String]) throws { try repo.write("app/main.txt", lines.joined(separator: "\n") + "\n") }
        try write(a)
        ids["alice"] = try repo.commit("Add main", author: TestRoster.signature(TestRoster.alice, "2025-01-01"))
        let reindented = a.enumerated().map { $0.offset < 3 ? "    " + $0.element : $0.element }
        try write(reindented + b)
        ids["bob"] = try repo.commit("Reindent and extend", author: TestRoster.signature(TestRoster.bob, "2025-01-02"))
        let moved = Array(reindented[0..<3]) + Array(reindented[6..<10]) + b + Array(reindented[3..<6])
        try write(moved)
        ids["carol"] = try repo.commit("Move a block", author: TestRoster.signature(TestRoster.carol, "2025-01-03"))
        try write([a[6], a[7], d] + moved)
        ids["dave"] = try repo.commit("Copy two lines", author: TestRoster.dave)
        try repo.move("app/main.txt", "lib/core.txt")
        try repo.write("README", "one\ntwo\nthree\n")
        ids["rename"] = try repo.commit("Rename and readme", author: TestRoster.signature(TestRoster.bob, "2025-09-20"))
        return Built(repo: repo, ids: ids)
    }

    /// Per file, per line: (commit, original path, original line) — independent of table order.
    static func origins(_ files: [FileBlame]) -> [String] {
        files.flatMap { file in
            file.runs.flatMap { run in
                (0..<Int(run.count)).map { k in
                    "\(file.path):\(Int(run.finalStart) + k) \(file.commits[Int(run.commit)].id) \(file.originalPaths[Int(run.originalPath)]):\(Int(run.originalStart) + k)"
                }
            }
        }
    }

    static func shares(_ rows: [ProvenanceReport.Share]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0.lines) })
    }

    @Test(arguments: ProvenanceBuilder.Engine.allCases)
    func exactSharesWithMovesCopiesAndWhitespace(engine: ProvenanceBuilder.Engine) throws {
        let built = try Self.build()
        let snapshot = try ProvenanceBuilder(repository: built.repo.path, jobs: 2, engine: engine).build()
        #expect(snapshot.problems.isEmpty)
        let flagged = [built.ids["dave"]!: ["unknown-identity"], built.ids["carol"]!: ["CUST-TEST-001"], built.ids["bob"]!: ["escorted-review"]]
        let report = ProvenanceReport(snapshot: snapshot, resolver: IdentityResolver(roster: TestRoster.roster), flagged: flagged)
        #expect(report.files == 2)
        #expect(report.overall.totalLines == 18)
        let unknownDave = "(unknown identity) Dave Unknown <dave@elsewhere.example>"
        #expect(Self.shares(report.overall.person) == ["alice": 12, "bob": 5, unknownDave: 1])
        #expect(report.overall.person.map(\.key) == ["alice", "bob", unknownDave])
        #expect(abs(report.overall.person[0].share - 12.0 / 18.0) < 1e-12)
        #expect(Self.shares(report.overall.employer) == ["Vendor Inc": 12, "Offshore Ltd": 5, "(unknown identity)": 1])
        #expect(Self.shares(report.overall.citizenship) == ["US": 12, "CN": 5, "(unknown identity)": 1])
        #expect(Self.shares(report.overall.usPerson) == ["yes": 12, "no": 5, "(unknown identity)": 1])
        #expect(Self.shares(report.overall.clearance) == ["secret": 12, "none": 5, "(unknown identity)": 1])
        #expect(Self.shares(report.overall.roster) == ["on the roster": 17, "not on the roster": 1])
        #expect(report.directories.map(\.directory) == [".", "lib"])
        #expect(Self.shares(report.directories[0].tables.person) == ["bob": 3])
        #expect(Self.shares(report.directories[1].tables.person) == ["alice": 12, "bob": 2, unknownDave: 1])
        #expect(
            report.flagged == [
                .init(path: "lib/core.txt", startLine: 3, endLine: 3, commit: built.ids["dave"]!, reasons: ["unknown-identity"]),
                .init(path: "lib/core.txt", startLine: 11, endLine: 12, commit: built.ids["bob"]!, reasons: ["escorted-review"]),
            ]
        )
        // Dave added line 3 of his version of app/main.txt; Carol's move left nothing of hers.
        #expect(snapshot.stillPresent(commit: built.ids["dave"]!, path: "app/main.txt", lines: 3...3))
        #expect(!snapshot.stillPresent(commit: built.ids["dave"]!, path: "app/main.txt", lines: 1...2))
        #expect(!snapshot.stillPresent(commit: built.ids["carol"]!, path: nil))
        let file = try #require(snapshot.files.first { $0.path == "lib/core.txt" })
        #expect(file.commit(atLine: 1)?.id == built.ids["alice"])
        #expect(file.commit(atLine: 3)?.id == built.ids["dave"])
    }

    @Test func replayCacheReplaysOnlyNewCommits() throws {
        let built = try Self.build()
        let workspace = built.repo.url.deletingLastPathComponent().appendingPathComponent("workspace").path
        let builder = ProvenanceBuilder(repository: built.repo.path, cacheDirectory: workspace, jobs: 2, engine: .replay)
        let cold = try builder.build()
        #expect(cold.replayedCommits == 5)
        let warm = try builder.build()
        #expect(warm.replayedCommits == 0)
        #expect(Self.origins(warm.files) == Self.origins(cold.files))
        try built.repo.write("README", "one\ntwo changed\nthree\n")
        let next = try built.repo.commit("Edit readme", author: TestRoster.signature(TestRoster.carol, "2025-09-21"))
        let after = try builder.build()
        #expect(after.revision == next)
        #expect(after.replayedCommits == 1)
        let fresh = try ProvenanceBuilder(repository: built.repo.path, jobs: 1, engine: .replay).build()
        #expect(Self.origins(after.files) == Self.origins(fresh.files))
        let readme = try #require(after.files.first { $0.path == "README" })
        #expect(readme.commit(atLine: 2)?.id == next)
        #expect(readme.commit(atLine: 3)?.id == built.ids["rename"])
        // Going back to an older revision replays from scratch and still agrees with blame.
        let old = try builder.build(revision: built.ids["carol"]!)
        let blame = try ProvenanceBuilder(repository: built.repo.path, jobs: 1, engine: .blame).build(revision: built.ids["carol"]!)
        #expect(Self.origins(old.files) == Self.origins(blame.files))
    }

    /// The repository's own configuration and attribute files would make git show every change
    /// as binary: the replay reads the history in a private git directory, so nothing changes.
    @Test(arguments: ProvenanceBuilder.Engine.allCases)
    func theRepositorysOwnConfigurationAndAttributesChangeNoAttribution(engine: ProvenanceBuilder.Engine) throws {
        let built = try Self.build()
        let clean = try ProvenanceBuilder(repository: built.repo.path, jobs: 2, engine: engine).build()
        let git = built.repo.path + "/.git"
        let config = try String(contentsOfFile: git + "/config", encoding: .utf8)
        try (config + "[core]\n\tbigFileThreshold = 1\n[diff]\n\trenames = false\n")
            .write(toFile: git + "/config", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: git + "/info", withIntermediateDirectories: true)
        try "* -diff\n".write(toFile: git + "/info/attributes", atomically: true, encoding: .utf8)
        let hostile = try ProvenanceBuilder(repository: built.repo.path, jobs: 2, engine: engine).build()
        #expect(hostile.unattributedPaths == clean.unattributedPaths)
        #expect(Self.origins(hostile.files) == Self.origins(clean.files))
        #expect(Self.origins(hostile.files).count == 18)
    }

    /// A commit-graph file whose entry gives the last commit its grandparent as parent hides
    /// Dave's commit from git when git reads it: neither engine does, with or without a workspace.
    @Test(arguments: ProvenanceBuilder.Engine.allCases)
    func aTamperedCommitGraphChangesNoAttribution(engine: ProvenanceBuilder.Engine) throws {
        let built = try Self.build()
        let home = built.repo.url.deletingLastPathComponent().path
        let clean = try ProvenanceBuilder(repository: built.repo.path, cacheDirectory: home + "/clean", jobs: 2, engine: engine).build()
        try built.repo.tamperCommitGraph(giving: built.ids["rename"]!, parent: built.ids["carol"]!)
        let walked = try built.repo.git(["-c", "core.commitGraph=true", "rev-list", "HEAD"])
        #expect(!String(decoding: walked, as: UTF8.self).contains(built.ids["dave"]!))
        for cache in [home + "/tampered", nil] {
            let tampered = try ProvenanceBuilder(repository: built.repo.path, cacheDirectory: cache, jobs: 2, engine: engine).build()
            #expect(Self.origins(tampered.files) == Self.origins(clean.files), "\(String(describing: cache))")
        }
    }

    @Test func enginesAgreeLineByLine() throws {
        let built = try Self.build()
        let replay = try ProvenanceBuilder(repository: built.repo.path, jobs: 2, engine: .replay).build()
        let blame = try ProvenanceBuilder(repository: built.repo.path, jobs: 2, engine: .blame).build()
        #expect(Self.origins(replay.files) == Self.origins(blame.files))
        #expect(Self.origins(replay.files).count == 18)
    }

    @Test func replayFollowsMergesLikeBlame() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("f.txt", (1...6).map { Self.line("base\($0)") }.joined(separator: "\n") + "\n")
        try repo.commit("base", author: TestRoster.signature(TestRoster.alice, "2025-01-01"))
        try repo.git(["checkout", "-q", "-b", "side"])
        try repo.write("f.txt", ((1...6).map { Self.line("base\($0)") } + [Self.line("side")]).joined(separator: "\n") + "\n")
        try repo.write("g.txt", "side file\n")
        try repo.commit("side", author: TestRoster.signature(TestRoster.bob, "2025-01-02"))
        try repo.git(["checkout", "-q", "main"])
        try repo.write("f.txt", ([Self.line("main")] + (1...6).map { Self.line("base\($0)") }).joined(separator: "\n") + "\n")
        try repo.commit("main", author: TestRoster.signature(TestRoster.carol, "2025-01-03"))
        try repo.git(["merge", "-q", "--no-edit", "side"], env: TemporaryGitRepository.identityEnvironment(author: TestRoster.signature(TestRoster.alice, "2025-01-04"), committer: TestRoster.signature(TestRoster.alice, "2025-01-04")))
        let replay = try ProvenanceBuilder(repository: repo.path, jobs: 2, engine: .replay).build()
        let blame = try ProvenanceBuilder(repository: repo.path, jobs: 2, engine: .blame).build()
        #expect(Self.origins(replay.files) == Self.origins(blame.files))
        #expect(replay.files.map(\.lineCount) == [8, 1])
    }

    @Test func cacheReusesUnchangedFiles() throws {
        let built = try Self.build()
        let workspace = built.repo.url.deletingLastPathComponent().appendingPathComponent("workspace").path
        let builder = ProvenanceBuilder(repository: built.repo.path, cacheDirectory: workspace, jobs: 2, engine: .blame)
        let cold = try builder.build()
        #expect(cold.blamedFiles == 2 && cold.cachedFiles == 0)
        let warm = try builder.build()
        #expect(warm.blamedFiles == 0 && warm.cachedFiles == 2)
        #expect(warm.files == cold.files)
        try built.repo.write("README", "one\ntwo changed\nthree\n")
        let next = try built.repo.commit("Edit readme", author: TestRoster.signature(TestRoster.carol, "2025-09-21"))
        let after = try builder.build()
        #expect(after.revision == next)
        #expect(after.blamedFiles == 1 && after.cachedFiles == 1)
        let readme = try #require(after.files.first { $0.path == "README" })
        #expect(readme.commit(atLine: 2)?.id == next)
        #expect(readme.commit(atLine: 1)?.id == built.ids["rename"])
        // The audited repository was not written: no commit-graph or alternates appeared in it.
        #expect(!FileManager.default.fileExists(atPath: built.repo.path + "/.git/objects/info/commit-graph"))
        #expect(!FileManager.default.fileExists(atPath: built.repo.path + "/.git/objects/info/commit-graphs"))
    }

    @Test func pathLimitAndRenderers() throws {
        let built = try Self.build()
        let snapshot = try ProvenanceBuilder(repository: built.repo.path, jobs: 1).build(revision: "HEAD", path: "lib")
        #expect(snapshot.replayedCommits == 5)
        #expect(snapshot.files.map(\.path) == ["lib/core.txt"])
        let report = ProvenanceReport(snapshot: snapshot, resolver: IdentityResolver(roster: TestRoster.roster))
        let text = String(decoding: ProvenanceRenderer.text(report), as: UTF8.self)
        #expect(text.hasPrefix("Provenance of \(built.ids["rename"]!): 15 surviving lines in 1 files.\n"))
        #expect(text.contains(" 80.0%        12  alice\n"))
        let json = try JSONDecoder().decode(ProvenanceReport.self, from: Data(try ProvenanceRenderer.json(report)))
        #expect(json == report)
        let html = String(decoding: ProvenanceRenderer.html(report), as: UTF8.self)
        #expect(html.contains("&lt;dave@elsewhere.example&gt;"))
        #expect(!html.contains("<dave@"))
    }

    @Test func badRevisionIsAUsageError() throws {
        let built = try Self.build()
        #expect(throws: CustodyError.self) { try ProvenanceBuilder(repository: built.repo.path).build(revision: "no-such-ref") }
    }
    /// A conflict resolved by hand (lines from both sides, one new line, one side's line
    /// re-indented): the in-process merge diff gives blame's answer line by line.
    @Test func conflictResolutionAgreesWithBlame() throws {
        let repo = try TemporaryGitRepository()
        let base = (1...8).map { Self.line("base\($0)") }
        try repo.write("f.txt", base.joined(separator: "\n") + "\n")
        try repo.commit("base", author: TestRoster.signature(TestRoster.alice, "2025-01-01"))
        try repo.git(["checkout", "-q", "-b", "side"])
        var side = base
        side[3] = Self.line("side-change")
        side.append(Self.line("side-tail"))
        try repo.write("f.txt", side.joined(separator: "\n") + "\n")
        try repo.commit("side", author: TestRoster.signature(TestRoster.bob, "2025-01-02"))
        try repo.git(["checkout", "-q", "main"])
        var main = base
        main[3] = Self.line("main-change")
        try repo.write("f.txt", main.joined(separator: "\n") + "\n")
        try repo.commit("main", author: TestRoster.signature(TestRoster.carol, "2025-01-03"))
        try repo.mergeNoCommit("side")
        var resolved = base
        resolved[3] = Self.line("main-change")
        resolved.insert(Self.line("side-change"), at: 4)
        resolved.insert("short", at: 5)
        resolved[0] = "    " + resolved[0]
        resolved.append(Self.line("side-tail"))
        try repo.write("f.txt", resolved.joined(separator: "\n") + "\n")
        let merge = try repo.commit("merge side", author: TestRoster.signature(TestRoster.alice, "2025-01-04"))
        let replay = try ProvenanceBuilder(repository: repo.path, jobs: 2, engine: .replay).build()
        let blame = try ProvenanceBuilder(repository: repo.path, jobs: 2, engine: .blame).build()
        #expect(Self.origins(replay.files) == Self.origins(blame.files))
        let file = try #require(replay.files.first)
        #expect(file.lineCount == 11)
        #expect(file.commit(atLine: 6)?.id == merge)
    }

    @Test func lineDiffMatchesLikeAMinimalDiff() {
        #expect(LineDiff.matches([1, 2, 3], [1, 2, 3]) == [0, 1, 2])
        #expect(LineDiff.matches([1, 2, 3], [1, 9, 3]) == [0, -1, 2])
        #expect(LineDiff.matches([1, 2, 3, 4, 5], [2, 3, 7, 5, 6]) == [1, 2, -1, 4, -1])
        #expect(LineDiff.matches([], [4, 5]) == [-1, -1])
        #expect(LineDiff.matches([4, 5], []) == [])
        #expect(LineDiff.matches([1, 2, 3, 4], [4, 3, 2, 1]).filter { $0 >= 0 }.count == 1)
        // Beyond the edit bound the middle counts as replaced.
        #expect(LineDiff.matches([1, 2, 3, 4], [5, 2, 3, 6], maximumEdits: 1) == [-1, -1, -1, -1])
        #expect(LineDiff.matches([1, 2, 3, 4], [5, 2, 3, 6], maximumEdits: 4) == [-1, 1, 2, -1])
    }
}
