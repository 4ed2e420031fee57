@testable import CustodyCore

/// Builds commits, file changes and blob sources for the build/CI/binary/dependency detector
/// tests, with added lines computed by a real line diff of the old and new text.
enum BuildDetectorFixtures {
    /// A deterministic fake object id for bytes (FNV-1a spread over 20 bytes).
    static func blobID(_ bytes: [UInt8]) -> ObjectID {
        var out: [UInt8] = []
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for round in 0..<3 {
            hash ^= UInt64(round)
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            withUnsafeBytes(of: hash) { out.append(contentsOf: $0) }
        }
        return ObjectID(bytes: Array(out.prefix(20)))
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in bytes {
            if byte == 0x0a {
                out.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Numbers (1-based) of the lines of `new` that a diff against `old` shows as added (LCS).
    static func addedLineNumbers(old: [[UInt8]], new: [[UInt8]]) -> [Int] {
        let n = old.count
        let m = new.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var i = 0
        var j = 0
        var added: [Int] = []
        while j < m {
            if i < n, old[i] == new[j] {
                i += 1
                j += 1
            } else if i < n, table[i + 1][j] >= table[i][j + 1] {
                i += 1
            } else {
                added.append(j + 1)
                j += 1
            }
        }
        return added
    }

    /// A change from `old` (nil: added file) to `new`, registering both blobs in `blobs`.
    static func change(
        _ path: String,
        old: [UInt8]?,
        new: [UInt8],
        binary: Bool = false,
        oldPath: String? = nil,
        blobs: inout InMemoryBlobSource
    ) -> FileChange {
        let newID = blobID(new)
        blobs.blobs[newID] = new
        var oldID: ObjectID?
        if let old {
            let id = blobID(old)
            blobs.blobs[id] = old
            oldID = id
        }
        var added = AddedLines()
        if !binary {
            let newLines = lines(new)
            for number in addedLineNumbers(old: old.map(lines) ?? [], new: newLines) {
                added.append(number: number, text: newLines[number - 1])
            }
        }
        return FileChange(
            kind: old == nil ? .add : .modify,
            oldPath: old == nil ? nil : (oldPath ?? path),
            newPath: path,
            oldBlob: oldID,
            newBlob: newID,
            oldMode: old == nil ? 0 : 0o100644,
            isBinary: binary,
            addedLines: added
        )
    }

    static func change(_ path: String, old: String?, new: String, blobs: inout InMemoryBlobSource) -> FileChange {
        change(path, old: old.map { Array($0.utf8) }, new: Array(new.utf8), blobs: &blobs)
    }

    static func commit(_ changes: [FileChange], subject: String = "Update", author: String = "Dev") -> Commit {
        let stamp = GitPersonStamp(name: author, email: author.lowercased() + "@example.com", time: 1_700_000_000, utcOffsetMinutes: 0)
        var seed = Array(subject.utf8)
        for change in changes { seed += Array(change.path.utf8) }
        return Commit(id: blobID(seed), parents: [], author: stamp, committer: stamp, subject: subject, changes: changes)
    }

    /// Runs one detector over a single-file change.
    static func scan(
        _ detector: some Detector,
        path: String,
        old: String?,
        new: String
    ) -> [Finding] {
        var blobs = InMemoryBlobSource()
        let change = change(path, old: old, new: new, blobs: &blobs)
        return scan(detector, changes: [change], blobs: blobs)
    }

    static func scan(_ detector: some Detector, changes: [FileChange], blobs: InMemoryBlobSource) -> [Finding] {
        let commit = commit(changes)
        let context = DetectionContext(commit: commit, blobs: blobs)
        var findings: [Finding] = []
        detector.scanCommit(context: context, into: &findings)
        for change in changes { detector.scan(change, context: context, into: &findings) }
        return findings
    }
}
