import Foundation

/// A file cache of per-file blame results keyed by (path, blob id), in the workspace.
///
/// A file whose blob and path are unchanged since the cached run gets the same attribution
/// (blame of a file depends only on the history of that path, and new commits that do not
/// touch it do not change it), so a re-run after a few commits blames only the changed files.
/// History rewrites that keep a blob but change its ancestry are not detected; delete the
/// cache folder after rewriting history. The format is a small length-prefixed binary.
struct ProvenanceCache {
    static let magic = Array("CUSTODY-PROVENANCE-1\n".utf8)
    var entries: [String: FileBlame] = [:]

    static func key(path: String, blob: String) -> String { blob + "\u{0}" + path }

    static func load(from file: String) -> ProvenanceCache {
        guard let data = FileManager.default.contents(atPath: file) else { return ProvenanceCache() }
        var reader = ByteReader(Array(data))
        guard reader.bytes(magic.count) == magic, let count = reader.int() else { return ProvenanceCache() }
        var cache = ProvenanceCache()
        for _ in 0..<count {
            guard let path = reader.string(), let blob = reader.string(), let commitCount = reader.int() else { return ProvenanceCache() }
            var blame = FileBlame(path: path, blob: blob)
            blame.commits.reserveCapacity(commitCount)
            for _ in 0..<commitCount {
                guard let id = reader.string(), let name = reader.string(), let email = reader.string(), let time = reader.int() else {
                    return ProvenanceCache()
                }
                blame.commits.append(BlameCommit(id: id, authorName: name, authorEmail: email, authorTime: Int64(time)))
            }
            guard let pathCount = reader.int() else { return ProvenanceCache() }
            for _ in 0..<pathCount {
                guard let p = reader.string() else { return ProvenanceCache() }
                blame.originalPaths.append(p)
            }
            guard let runCount = reader.int() else { return ProvenanceCache() }
            blame.runs.reserveCapacity(runCount)
            for _ in 0..<runCount {
                guard let c = reader.int(), let p = reader.int(), let o = reader.int(), let f = reader.int(), let n = reader.int(),
                    c < blame.commits.count, p < blame.originalPaths.count
                else { return ProvenanceCache() }
                blame.runs.append(BlameRun(commit: Int32(c), originalPath: Int32(p), originalStart: Int32(o), finalStart: Int32(f), count: Int32(n)))
            }
            cache.entries[key(path: path, blob: blob)] = blame
        }
        return cache
    }

    /// Writes the cache atomically (temporary file, then rename).
    func save(to file: String) throws {
        var out = ByteWriter()
        out.raw(Self.magic)
        out.int(entries.count)
        for key in entries.keys.sorted() {
            guard let blame = entries[key] else { continue }
            out.string(blame.path)
            out.string(blame.blob)
            out.int(blame.commits.count)
            for c in blame.commits {
                out.string(c.id)
                out.string(c.authorName)
                out.string(c.authorEmail)
                out.int(Int(c.authorTime))
            }
            out.int(blame.originalPaths.count)
            for p in blame.originalPaths { out.string(p) }
            out.int(blame.runs.count)
            for r in blame.runs {
                out.int(Int(r.commit)); out.int(Int(r.originalPath)); out.int(Int(r.originalStart))
                out.int(Int(r.finalStart)); out.int(Int(r.count))
            }
        }
        let temporary = file + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(out.bytes)) else {
            throw CustodyError(.io, "cannot write the provenance cache", location: file)
        }
        if rename(temporary, file) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CustodyError(.io, "cannot write the provenance cache", location: file)
        }
    }
}

/// LEB128-style variable-length integers (zig-zag for negatives) and length-prefixed strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func int(_ value: Int) {
        var v = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        int(utf8.count)
        bytes.append(contentsOf: utf8)
    }
}

struct ByteReader {
    let data: [UInt8]
    var offset = 0

    init(_ data: [UInt8]) { self.data = data }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, n <= data.count - offset else { return nil }
        defer { offset += n }
        return Array(data[offset..<offset + n])
    }

    mutating func int() -> Int? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < data.count, shift < 64 {
            let b = data[offset]
            offset += 1
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 {
                let v = Int64(bitPattern: result)
                return Int((v >> 1) ^ -(v & 1))
            }
            shift += 7
        }
        return nil
    }

    mutating func string() -> String? {
        guard let n = int(), n >= 0, n <= data.count - offset else { return nil }
        defer { offset += n }
        return String(decoding: data[offset..<offset + n], as: UTF8.self)
    }
}
