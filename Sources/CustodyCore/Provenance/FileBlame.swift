/// The commit that introduced some surviving lines, as blame reports it.
package struct BlameCommit: Hashable, Sendable, Codable {
    /// Hex object id.
    package var id: String
    package var authorName: String
    package var authorEmail: String
    package var authorTime: Int64

    package init(id: String, authorName: String, authorEmail: String, authorTime: Int64) {
        self.id = id
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authorTime = authorTime
    }
}

/// A run of consecutive surviving lines that came from one commit.
package struct BlameRun: Hashable, Sendable {
    /// Index into ``FileBlame/commits``.
    package var commit: Int32
    /// Index into ``FileBlame/originalPaths``: the path the lines had in that commit.
    package var originalPath: Int32
    /// First line number in the commit's version of the file (1-based).
    package var originalStart: Int32
    /// First line number at the audited revision (1-based).
    package var finalStart: Int32
    package var count: Int32

    package init(commit: Int32, originalPath: Int32, originalStart: Int32, finalStart: Int32, count: Int32) {
        self.commit = commit
        self.originalPath = originalPath
        self.originalStart = originalStart
        self.finalStart = finalStart
        self.count = count
    }
}

/// Who introduced each surviving line of one file at one revision.
package struct FileBlame: Hashable, Sendable {
    package var path: String
    /// Hex blob id of the file at the revision (the cache key, with the path).
    package var blob: String
    package var commits: [BlameCommit]
    package var originalPaths: [String]
    /// Sorted by `finalStart`, covering every line once.
    package var runs: [BlameRun]

    package init(path: String, blob: String, commits: [BlameCommit] = [], originalPaths: [String] = [], runs: [BlameRun] = []) {
        self.path = path
        self.blob = blob
        self.commits = commits
        self.originalPaths = originalPaths
        self.runs = runs
    }

    package var lineCount: Int { runs.reduce(0) { $0 + Int($1.count) } }

    /// The commit that introduced line `number` (1-based) at the revision.
    package func commit(atLine number: Int) -> BlameCommit? {
        for run in runs where Int(run.finalStart) <= number && number < Int(run.finalStart + run.count) {
            return commits[Int(run.commit)]
        }
        return nil
    }
}

/// Parses `git blame --incremental` output (bytes) into a ``FileBlame``.
///
/// Entries are `<sha> <orig> <final> <count>` followed by commit details the first time a
/// commit appears and always a `filename` line. Bounded: malformed lines are skipped.
enum BlameParser {
    static func parse(_ output: [UInt8], path: String, blob: String) -> FileBlame {
        var result = FileBlame(path: path, blob: blob)
        var commitIndex: [String: Int32] = [:]
        var pathIndex: [String: Int32] = [:]
        var pending: (commit: Int32, orig: Int32, final: Int32, count: Int32)?
        var index = 0
        let newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " ")
        while index < output.count {
            let end = output[index...].firstIndex(of: newline) ?? output.count
            let line = output[index..<end]
            index = end + 1
            guard let spaceAt = line.firstIndex(of: space) else { continue }
            let key = line[line.startIndex..<spaceAt]
            let value = line[(spaceAt + 1)...]
            if pending == nil, key.count == 40 || key.count == 64, ObjectID(hex: key) != nil {
                let numbers = value.split(separator: space).map { parseInt($0) }
                guard numbers.count == 3, let o = numbers[0], let f = numbers[1], let c = numbers[2] else { continue }
                let hex = String(decoding: key, as: UTF8.self)
                let ci: Int32
                if let known = commitIndex[hex] {
                    ci = known
                } else {
                    ci = Int32(result.commits.count)
                    commitIndex[hex] = ci
                    result.commits.append(BlameCommit(id: hex, authorName: "", authorEmail: "", authorTime: 0))
                }
                pending = (ci, Int32(o), Int32(f), Int32(c))
                continue
            }
            guard let current = pending else { continue }
            switch String(decoding: key, as: UTF8.self) {
            case "author":
                result.commits[Int(current.commit)].authorName = String(decoding: value.prefix(1024), as: UTF8.self)
            case "author-mail":
                var mail = value.prefix(1024)
                if mail.first == UInt8(ascii: "<") { mail = mail.dropFirst() }
                if mail.last == UInt8(ascii: ">") { mail = mail.dropLast() }
                result.commits[Int(current.commit)].authorEmail = String(decoding: mail, as: UTF8.self)
            case "author-time":
                result.commits[Int(current.commit)].authorTime = Int64(parseInt(value) ?? 0)
            case "filename":
                let name = unquote(value)
                let pi: Int32
                if let known = pathIndex[name] {
                    pi = known
                } else {
                    pi = Int32(result.originalPaths.count)
                    pathIndex[name] = pi
                    result.originalPaths.append(name)
                }
                result.runs.append(BlameRun(commit: current.commit, originalPath: pi, originalStart: current.orig, finalStart: current.final, count: current.count))
                pending = nil
            default:
                break
            }
        }
        result.runs.sort { $0.finalStart < $1.finalStart }
        return result
    }

    static func parseInt(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count < 12 else { return nil }
        var value = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    /// Undoes git's C-style path quoting (`"a\tb"`, octal escapes); plain paths pass through.
    static func unquote(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let inner = Array(bytes.dropFirst().dropLast())
        var out: [UInt8] = []
        var i = 0
        while i < inner.count {
            let c = inner[i]
            if c != UInt8(ascii: "\\") || i + 1 >= inner.count {
                out.append(c)
                i += 1
                continue
            }
            let n = inner[i + 1]
            switch n {
            case UInt8(ascii: "n"): out.append(0x0a); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "r"): out.append(0x0d); i += 2
            case UInt8(ascii: "a"): out.append(0x07); i += 2
            case UInt8(ascii: "b"): out.append(0x08); i += 2
            case UInt8(ascii: "f"): out.append(0x0c); i += 2
            case UInt8(ascii: "v"): out.append(0x0b); i += 2
            case UInt8(ascii: "0")...UInt8(ascii: "3") where i + 3 < inner.count:
                let d = inner[(i + 1)...(i + 3)]
                if d.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) {
                    out.append(d.reduce(0) { $0 << 3 | ($1 - 0x30) })
                    i += 4
                } else {
                    out.append(n)
                    i += 2
                }
            default: out.append(n); i += 2
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
