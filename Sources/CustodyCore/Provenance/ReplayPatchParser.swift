/// One file's change in one commit, parsed from `git log -p -w -U0 --full-index -M` output.
struct ReplayFilePatch {
    var oldPath: String?
    var newPath: String?
    var newBlob: String?
    var isBinary = false
    /// (oldStart, oldCount, newStart, newCount) per hunk, in order.
    var hunks: [(Int, Int, Int, Int)] = []
    /// The added lines of all hunks, in order.
    var added: [ArraySlice<UInt8>] = []
}

/// One commit of the replay: its author and its file changes.
struct ReplayCommitPatch {
    var id: String
    var authorName: String
    var authorEmail: String
    var authorTime: Int64
    var files: [ReplayFilePatch]
}

/// Parses the patch stream (bytes) of `git log --format=%x00commit %H%n%an%x00%ae%x00%at -p -w
/// -U0 --full-index -M`. Bounded and tolerant: unknown lines are skipped.
enum ReplayPatchParser {
    static func parse(_ bytes: [UInt8]) -> [ReplayCommitPatch] {
        var commits: [ReplayCommitPatch] = []
        var lines: [ArraySlice<UInt8>] = []
        lines.reserveCapacity(bytes.count / 40)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
            lines.append(bytes[start..<end])
            start = end + 1
        }
        var i = 0
        var current: ReplayCommitPatch?
        var file: ReplayFilePatch?
        var inHunks = false
        func flushFile() {
            if let f = file { current?.files.append(f) }
            file = nil
        }
        func flushCommit() {
            flushFile()
            if let c = current { commits.append(c) }
            current = nil
        }
        while i < lines.count {
            let line = lines[i]
            i += 1
            if line.first == 0 {
                // "\0commit <H>" then "name\0email\0time"
                flushCommit()
                inHunks = false
                let head = line.dropFirst()
                guard head.starts(with: "commit ".utf8), i < lines.count else { continue }
                let id = String(decoding: head.dropFirst(7), as: UTF8.self)
                let meta = lines[i].split(separator: 0, omittingEmptySubsequences: false)
                i += 1
                let name = meta.count > 0 ? String(decoding: meta[0].prefix(1024), as: UTF8.self) : ""
                let email = meta.count > 1 ? String(decoding: meta[1].prefix(1024), as: UTF8.self) : ""
                let time = meta.count > 2 ? Int64(BlameParser.parseInt(meta[2]) ?? 0) : 0
                current = ReplayCommitPatch(id: id, authorName: name, authorEmail: email, authorTime: time, files: [])
                continue
            }
            guard current != nil else { continue }
            if line.starts(with: "diff --git ".utf8) {
                flushFile()
                inHunks = false
                var f = ReplayFilePatch()
                // "diff --git a/X b/X": both halves equal unless renamed (then rename lines follow).
                let rest = line.dropFirst(11)
                if rest.count >= 6, (rest.count - 5) % 2 == 0 {
                    let half = (rest.count - 5) / 2
                    let a = rest.prefix(2 + half).dropFirst(2)
                    let b = rest.suffix(half)
                    if a.elementsEqual(b) {
                        let path = BlameParser.unquote(ArraySlice(a))
                        f.oldPath = path
                        f.newPath = path
                    }
                }
                file = f
                continue
            }
            guard file != nil else { continue }
            if inHunks {
                switch line.first {
                case UInt8(ascii: "+"): file?.added.append(line.dropFirst()); continue
                case UInt8(ascii: "-"), UInt8(ascii: "\\"): continue
                default: break
                }
            }
            if line.starts(with: "@@ ".utf8) {
                inHunks = true
                if let hunk = parseHunk(line) { file?.hunks.append(hunk) }
            } else if line.starts(with: "index ".utf8) {
                let value = line.dropFirst(6)
                if let dots = value.firstIndex(of: UInt8(ascii: ".")) {
                    let after = value[(dots + 2)...]
                    let end = after.firstIndex(of: UInt8(ascii: " ")) ?? after.endIndex
                    file?.newBlob = String(decoding: after[..<end], as: UTF8.self)
                }
            } else if line.starts(with: "new file mode ".utf8) {
                file?.oldPath = nil
            } else if line.starts(with: "deleted file mode ".utf8) {
                file?.newPath = nil
            } else if line.starts(with: "rename from ".utf8) {
                file?.oldPath = BlameParser.unquote(line.dropFirst(12))
            } else if line.starts(with: "rename to ".utf8) {
                file?.newPath = BlameParser.unquote(line.dropFirst(10))
            } else if line.starts(with: "--- ".utf8) {
                let p = line.dropFirst(4)
                if p.elementsEqual("/dev/null".utf8) {
                    file?.oldPath = nil
                } else {
                    let unq = BlameParser.unquote(p)
                    if unq.hasPrefix("a/") { file?.oldPath = String(unq.dropFirst(2)) }
                }
            } else if line.starts(with: "+++ ".utf8) {
                let p = line.dropFirst(4)
                if p.elementsEqual("/dev/null".utf8) {
                    file?.newPath = nil
                } else {
                    let unq = BlameParser.unquote(p)
                    if unq.hasPrefix("b/") { file?.newPath = String(unq.dropFirst(2)) }
                }
            } else if line.starts(with: "Binary files ".utf8) || line.starts(with: "GIT binary patch".utf8) {
                file?.isBinary = true
            }
        }
        flushCommit()
        return commits
    }

    /// "@@ -a[,b] +c[,d] @@…" → (a, b, c, d); counts default to 1.
    static func parseHunk(_ line: ArraySlice<UInt8>) -> (Int, Int, Int, Int)? {
        let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 3)
        guard fields.count >= 3, fields[1].first == UInt8(ascii: "-"), fields[2].first == UInt8(ascii: "+") else { return nil }
        func pair(_ f: ArraySlice<UInt8>) -> (Int, Int)? {
            let body = f.dropFirst()
            let parts = body.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard let a = BlameParser.parseInt(parts[0]) else { return nil }
            if parts.count > 1 {
                guard let b = BlameParser.parseInt(parts[1]) else { return nil }
                return (a, b)
            }
            return (a, 1)
        }
        guard let old = pair(fields[1]), let new = pair(fields[2]) else { return nil }
        return (old.0, old.1, new.0, new.1)
    }
}
