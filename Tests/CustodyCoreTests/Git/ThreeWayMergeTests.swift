import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The in-process line merge against git's own (`git merge-file`), which uses the same rules as
/// the merges `--remerge-diff` recomputes.
struct ThreeWayMergeTests {
    static func bytes(_ lines: [String], newlineAtEnd: Bool = true) -> [UInt8] {
        var text = lines.joined(separator: "\n")
        if newlineAtEnd && !lines.isEmpty { text += "\n" }
        return Array(text.utf8)
    }

    static func merge(_ base: [String], _ ours: [String], _ theirs: [String], margin: Int = 0) -> String? {
        ThreeWayMerge.merge(base: bytes(base), ours: bytes(ours), theirs: bytes(theirs), margin: margin)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func changesApartMergeCleanly() {
        let base = ["a", "b", "c", "d", "e"]
        #expect(Self.merge(base, ["A", "b", "c", "d", "e"], ["a", "b", "c", "d", "E"]) == "A\nb\nc\nd\nE\n")
        // Deletions and insertions on different lines.
        #expect(Self.merge(base, ["b", "c", "d", "e"], ["a", "b", "c", "x", "d", "e"]) == "b\nc\nx\nd\ne\n")
    }

    @Test func overlappingOrTouchingChangesConflict() {
        let base = ["a", "b", "c", "d", "e"]
        #expect(Self.merge(base, ["a", "B", "c", "d", "e"], ["a", "b2", "c", "d", "e"]) == nil)
        // One side changes b, the other c: adjacent, a conflict for git.
        #expect(Self.merge(base, ["a", "B", "c", "d", "e"], ["a", "b", "C", "d", "e"]) == nil)
        // Both insert at the same place, different lines.
        #expect(Self.merge(base, ["a", "x", "b", "c", "d", "e"], ["a", "y", "b", "c", "d", "e"]) == nil)
    }

    @Test func changesCloserThanTheMarginAreLeftToGit() {
        let base = ["a", "b", "c", "d", "e", "f"]
        let ours = ["A", "b", "c", "d", "e", "f"]
        let theirs = ["a", "b", "c", "D", "e", "f"]
        #expect(Self.merge(base, ours, theirs) == "A\nb\nc\nD\ne\nf\n")
        #expect(Self.merge(base, ours, theirs, margin: 2) == nil)
        #expect(Self.merge(base, ours, ["a", "b", "c", "d", "E", "f"], margin: 2) == "A\nb\nc\nd\nE\nf\n")
    }

    @Test func theSameChangeOnBothSidesIsTakenOnce() {
        let base = ["a", "b", "c", "d", "e"]
        #expect(Self.merge(base, ["a", "B", "c", "d", "e"], ["a", "B", "c", "d", "E"]) == "a\nB\nc\nd\nE\n")
    }

    @Test func binaryVersionsAreLeftToGit() {
        let base = Array("a\nb\nc\n".utf8)
        var binary = base
        binary.insert(0, at: 1)
        #expect(ThreeWayMerge.merge(base: base, ours: binary, theirs: Array("a\nb\nC\n".utf8)) == nil)
    }

    @Test func aMissingNewlineAtTheEndIsPartOfTheLastLine() {
        let base = Self.bytes(["a", "b", "c"], newlineAtEnd: false)
        let ours = Self.bytes(["A", "b", "c"], newlineAtEnd: false)
        let theirs = Self.bytes(["a", "b", "c"])
        #expect(ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs, margin: 0) == Array("A\nb\nc\n".utf8))
        #expect(ThreeWayMerge.merge(base: base, ours: theirs, theirs: ours, margin: 0) == Array("A\nb\nc\n".utf8))
    }

    /// Random edits of a file of unique lines (so that every diff is unambiguous), merged here and
    /// by `git merge-file`: the same clean results, and a conflict exactly when git has one.
    @Test func agreesWithGitMergeFile() throws {
        var seed: UInt64 = 0x5eed
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custody-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var fresh = 0
        func side(_ base: [String], shared: inout [Int: [String]]) -> [String] {
            var out: [String] = []
            for (i, line) in base.enumerated() {
                if let same = shared[i] {
                    out += same
                    continue
                }
                var piece: [String]
                switch next(10) {
                case 0: piece = []
                case 1:
                    fresh += 1
                    piece = ["new \(fresh)"]
                case 2:
                    fresh += 1
                    piece = ["new \(fresh)", line]
                default: piece = [line]
                }
                // Sometimes both sides make this same change.
                if next(8) == 0 && piece != [line] { shared[i] = piece }
                out += piece
            }
            if next(6) == 0 {
                fresh += 1
                out.append("tail \(fresh)")
            }
            return out
        }
        var clean = 0
        var conflicts = 0
        for round in 0..<300 {
            let base = (0..<next(14)).map { "base \(round).\($0)" }
            var shared: [Int: [String]] = [:]
            let ours = side(base, shared: &shared)
            var sharedTheirs: [Int: [String]] = shared
            let theirs = side(base, shared: &sharedTheirs)
            let files = [("base", base), ("ours", ours), ("theirs", theirs)].map { name, lines in
                (directory.appendingPathComponent(name).path, Self.bytes(lines, newlineAtEnd: next(5) != 0))
            }
            for (path, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
            let exact = ThreeWayMerge.merge(base: files[0].1, ours: files[1].1, theirs: files[2].1, margin: 0)
            let careful = ThreeWayMerge.merge(base: files[0].1, ours: files[1].1, theirs: files[2].1)
            let git = try Self.gitMergeFile(ours: files[1].0, base: files[0].0, theirs: files[2].0)
            // With git's own rule: the same answer; with the default margin: never a clean
            // merge that git does not make.
            let lines = files.map { ThreeWayMerge.Lines($0.1) }
            let gives = ThreeWayMerge.gives(ThreeWayMerge.Lines(git.output), base: lines[0], ours: lines[1], theirs: lines[2])
            #expect(gives == (git.status == 0 && careful != nil), "round \(round)")
            if let careful, !careful.isEmpty {
                // One byte more or less is never the same merge.
                let shorter = ThreeWayMerge.Lines(Array(careful.dropLast()))
                #expect(!ThreeWayMerge.gives(shorter, base: lines[0], ours: lines[1], theirs: lines[2]), "round \(round)")
                let longer = ThreeWayMerge.Lines(careful + [0x0a])
                #expect(!ThreeWayMerge.gives(longer, base: lines[0], ours: lines[1], theirs: lines[2]), "round \(round)")
            }
            if git.status == 0 {
                #expect(exact == git.output, "round \(round)")
                #expect(careful == nil || careful == git.output, "round \(round)")
                clean += 1
            } else {
                #expect(exact == nil && careful == nil, "round \(round)")
                conflicts += 1
            }
        }
        #expect(clean > 50 && conflicts > 50)
    }

    static func gitMergeFile(ours: String, base: String, theirs: String) throws -> (status: Int32, output: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "merge-file", "-p", ours, base, theirs]
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "LC_ALL": "C",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(output))
    }
}
