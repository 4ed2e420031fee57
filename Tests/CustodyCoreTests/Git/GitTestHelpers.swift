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
