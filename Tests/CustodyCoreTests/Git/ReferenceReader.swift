import CustodyTestSupport
import Foundation

@testable import CustodyCore

/// A slow, obviously-correct reader: several `git show` calls per commit, parsed as text lines.
///
/// It shares no code with the real reader (no byte cursor, no hunk counting, no stream
/// framing); the differential tests compare the two field by field.
enum ReferenceReader {
    /// Runs git on the repository; `--remerge-diff`'s temporary objects go to a scratch object
    /// directory of its own (the repository read may be a real one on this machine, never to be
    /// written to; ``DifferentialTests`` puts back the times of its freshened object files).
    static func run(_ gitDirectory: String, _ arguments: [String]) throws -> [UInt8] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("custody-reference-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try TemporaryGitRepository.run(
            "/usr/bin/env",
            ["git", "--git-dir=" + gitDirectory, "-c", "core.quotepath=off", "-c", "core.bare=true"] + arguments,
            environment: [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "LC_ALL": "C",
                "GIT_OBJECT_DIRECTORY": scratch, "GIT_ALTERNATE_OBJECT_DIRECTORIES": gitDirectory + "/objects",
            ]
        )
    }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    static func commit(gitDirectory: String, id: String) throws -> Commit {
        let diffOptions = ["-M", "-C", "--remerge-diff", "--no-ext-diff", "--no-textconv", "--no-color", "--diff-algorithm=myers"]
        let meta = try run(
            gitDirectory,
            [
                "show", "-s", "--date=raw",
                "--format=%P%x00%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%s%x00%b%x00%(trailers:only=true,unfold=true,separator=%x01,key_value_separator=%x02)",
                id,
            ]
        )
        let fields = meta.split(separator: 0, omittingEmptySubsequences: false).map { text($0) }
        func stamp(_ i: Int) -> GitPersonStamp {
            let date = fields[i + 2].split(separator: " ")
            let tz = String(date[1])
            let sign = tz.hasPrefix("-") ? -1 : 1
            let digits = Int(tz.dropFirst())!
            return GitPersonStamp(
                name: fields[i], email: fields[i + 1], time: Int64(date[0])!,
                utcOffsetMinutes: sign * ((digits / 100) * 60 + digits % 100))
        }
        var trailerText = fields[9]
        while trailerText.hasSuffix("\n") { trailerText.removeLast() }
        let trailers = trailerText.split(separator: "\u{01}").map { item -> Trailer in
            let parts = item.split(separator: "\u{02}", maxSplits: 1, omittingEmptySubsequences: false)
            return Trailer(key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }

        let raw = text(try run(gitDirectory, ["cat-file", "commit", id]))
        let header = raw.components(separatedBy: "\n\n").first ?? ""
        var signature = CommitSignatureKind.none
        for line in header.components(separatedBy: "\n") where line.hasPrefix("gpgsig ") || line.hasPrefix("gpgsig-sha256 ") {
            let armor = line.drop { $0 != " " }.dropFirst()
            if armor.hasPrefix("-----BEGIN PGP SIGNATURE") { signature = .gpg }
            else if armor.hasPrefix("-----BEGIN SSH SIGNATURE") { signature = .ssh }
            else if armor.hasPrefix("-----BEGIN SIGNED MESSAGE") { signature = .x509 }
            else { signature = .unknown }
        }

        // The listing, NUL separated: ":meta", path, [path].
        let listing = try run(gitDirectory, ["show", "--format=", "--raw", "-z", "--no-abbrev"] + diffOptions + [id])
        var tokens = listing.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
        var entries: [(FileChange, sections: Int)] = []
        while !tokens.isEmpty {
            var meta = text(tokens.removeFirst())
            meta = meta.trimmingCharacters(in: .newlines)
            guard meta.hasPrefix(":") else { continue }
            let parts = meta.dropFirst().split(separator: " ")
            let status = parts[4].first!
            let p1 = text(tokens.removeFirst())
            let p2 = (status == "R" || status == "C") ? text(tokens.removeFirst()) : nil
            let kind: FileChangeKind =
                switch status {
                case "A": .add
                case "D": .delete
                case "R": .rename
                case "C": .copy
                case "T": .typeChange
                default: .modify
                }
            let oldID = ObjectID(String(parts[2])).flatMap { $0.isZero ? nil : $0 }
            let newID = ObjectID(String(parts[3])).flatMap { $0.isZero ? nil : $0 }
            let change = FileChange(
                kind: kind,
                oldPath: kind == .add ? nil : p1,
                newPath: kind == .delete ? nil : (p2 ?? p1),
                oldBlob: oldID, newBlob: newID,
                oldMode: UInt32(parts[0], radix: 8)!, newMode: UInt32(parts[1], radix: 8)!
            )
            entries.append((change, 0))
        }

        // The patch, as text lines.
        let patch = try run(gitDirectory, ["show", "--format=", "-p", "-U0", "--full-index"] + diffOptions + [id])
        var current: Int?
        var inHunk = false
        var nextLine = 0
        var added: [Int: [(Int, [UInt8])]] = [:]
        for lineBytes in patch.split(separator: 0x0a, omittingEmptySubsequences: false) {
            let line = Array(lineBytes)
            let asText = text(line)
            if asText.hasPrefix("diff --git ") {
                current = nil
                inHunk = false
            } else if asText.hasPrefix("@@ ") {
                inHunk = true
                let plus = asText.split(separator: " ")[2].dropFirst()
                nextLine = Int(plus.split(separator: ",")[0])!
            } else if inHunk {
                if line.first == UInt8(ascii: "+") {
                    if let current { added[current, default: []].append((nextLine, Array(line.dropFirst()))) }
                    nextLine += 1
                }
            } else if asText.hasPrefix("index ") {
                let ids = asText.dropFirst(6).split(separator: " ")[0].components(separatedBy: "..")
                let o = ObjectID(ids[0]).flatMap { $0.isZero ? nil : $0 }
                let n = ObjectID(ids[1]).flatMap { $0.isZero ? nil : $0 }
                current = entries.indices.first { i in
                    let e = entries[i]
                    let limit = e.0.kind == .typeChange ? 2 : 1
                    guard e.sections < limit else { return false }
                    if e.0.oldBlob == o && e.0.newBlob == n { return true }
                    return e.0.kind == .typeChange && ((o == e.0.oldBlob && n == nil) || (o == nil && n == e.0.newBlob))
                }
                if let current { entries[current].sections += 1 }
            } else if asText.hasPrefix("Binary files ") {
                if let current { entries[current].0.isBinary = true }
            }
        }
        // A merge keeps only the paths whose merged version differs from every parent.
        let parents = fields[0].split(separator: " ")
        var mergePaths: Set<String>?
        if parents.count > 1 {
            let names = try run(gitDirectory, ["diff-tree", "-c", "-r", "--name-only", "-z", "--no-commit-id", id])
            mergePaths = Set(names.split(separator: 0).map { text($0) })
        }
        var changes: [FileChange] = []
        for (i, entry) in entries.enumerated() {
            if let mergePaths, !mergePaths.contains(entry.0.newPath ?? entry.0.oldPath ?? "") { continue }
            var change = entry.0
            change.addedLines = AddedLines((added[i] ?? []).map { (number: $0.0, text: $0.1) })
            changes.append(change)
        }
        return Commit(
            id: ObjectID(id)!,
            parents: fields[0].split(separator: " ").map { ObjectID(String($0))! },
            author: stamp(1),
            committer: stamp(4),
            subject: fields[7],
            body: fields[8],
            trailers: trailers,
            signature: signature,
            changes: changes
        )
    }
}
