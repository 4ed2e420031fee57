import CustodyTestSupport
import Foundation
import Synchronization
import Testing

@testable import CustodyCore

/// Reads a whole history and returns the commits sorted by index, with the summary.
func readAll(_ repo: GitRepository, _ options: HistoryOptions) throws -> ([Commit], HistorySummary) {
    let collected = Mutex<[(Int, Commit)]>([])
    let summary = try repo.readHistory(options) { index, commit in
        collected.withLock { $0.append((index, commit)) }
    }
    let sorted = collected.withLock { $0 }.sorted { $0.0 < $1.0 }
    return (sorted.map(\.1), summary)
}

extension TemporaryGitRepository {
    /// Writes the repository's commit-graph file, then changes the first parent its entry for
    /// `commit` records to `parent` (what git takes as the parent while it reads the file).
    func tamperCommitGraph(giving commit: String, parent: String) throws {
        try git(["commit-graph", "write", "--reachable"])
        let file = path + "/.git/objects/info/commit-graph"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        func word(_ at: Int, _ size: Int) -> Int { bytes[at..<(at + size)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(Array(bytes[0..<4]) == Array("CGPH".utf8))
        var chunks: [String: Int] = [:]
        for k in 0...Int(bytes[6]) {
            chunks[String(decoding: bytes[(8 + 12 * k)..<(12 + 12 * k)], as: UTF8.self)] = word(12 + 12 * k, 8)
        }
        let fanout = try #require(chunks["OIDF"]), list = try #require(chunks["OIDL"]), data = try #require(chunks["CDAT"])
        let count = word(fanout + 255 * 4, 4)
        let sorted = (0..<count).map { k in bytes[(list + 20 * k)..<(list + 20 * k + 20)].map { String(format: "%02x", $0) }.joined() }
        let entry = try #require(sorted.firstIndex(of: commit)), target = try #require(sorted.firstIndex(of: parent))
        for k in 0..<4 { bytes[data + 36 * entry + 20 + k] = UInt8(truncatingIfNeeded: target >> (8 * (3 - k))) }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    /// Writes a raw commit object (any bytes) and points `ref` at it; returns its id.
    @discardableResult
    func rawCommit(_ object: [UInt8], ref: String) throws -> String {
        let id = String(decoding: try git(["hash-object", "-t", "commit", "-w", "--stdin"], stdin: object), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try git(["update-ref", ref, id])
        return id
    }

    /// A blob from raw bytes; returns its id.
    func blob(_ bytes: [UInt8]) throws -> String {
        String(decoding: try git(["hash-object", "-w", "--stdin"], stdin: bytes), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A tree from `(mode, blob id, path bytes)` entries (paths may be any bytes but `/` and NUL).
    func tree(_ entries: [(String, String, [UInt8])]) throws -> String {
        var input: [UInt8] = []
        for (mode, id, path) in entries {
            input += Array("\(mode) blob \(id)\t".utf8) + path + [0]
        }
        return String(decoding: try git(["mktree", "-z"], stdin: input), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A path in the repository under the test package root (for `../shared` and the like).
func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// Lines of a file change as (number, text) pairs, for comparisons.
func lines(_ change: FileChange) -> [(Int, [UInt8])] {
    change.addedLines.map { ($0.number, Array($0.text)) }
}

func lineTexts(_ change: FileChange) -> [String] {
    change.addedLines.map { String(decoding: $0.text, as: UTF8.self) }
}
