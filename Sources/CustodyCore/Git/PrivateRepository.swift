import Foundation

/// A git directory of custody's own that borrows an audited repository's objects (git
/// alternates), for every command that shows the history's content: the history reader's diffs
/// and re-merges, provenance's replay and blame. What the repository carries besides its objects
/// (its `config`, `info/attributes`, `info/grafts`, a checkout's `.gitattributes`) is out of
/// reach there.
enum PrivateRepository {
    /// The directory a repository's worktrees share (its `commondir` file names it), which holds
    /// `objects` and `shallow`; the git directory itself when it has no such file.
    static func commonDirectory(of gitDirectory: String) -> String {
        guard let data = FileManager.default.contents(atPath: gitDirectory + "/commondir") else { return gitDirectory }
        var path = String(decoding: data, as: UTF8.self)
        while path.hasSuffix("\n") || path.hasSuffix("\r") { path.removeLast() }
        guard !path.isEmpty else { return gitDirectory }
        return path.hasPrefix("/") ? path : ((gitDirectory + "/" + path) as NSString).standardizingPath
    }

    /// Makes `directory` a git directory of our own for a reader of the repository's history: objects come
    /// from the repository's store (its alternates), while its `config` (`core.bigFileThreshold=1`
    /// shows every file as binary), its `info/attributes` (`-diff`, merge drivers) and its
    /// `info/grafts` are out of reach, so nothing the audited repository carries besides its
    /// objects changes what the diffs show. A shallow clone's `shallow` file is copied: its
    /// boundary commits have no parents to diff against. git's temporary objects go to
    /// `directory/objects`.
    ///
    /// `alternates`, when given, are written to `objects/info/alternates` (for readers that do
    /// not pass them in the environment).
    static func make(at directory: String, sha256: Bool, shallow: String, alternates: [String] = []) throws {
        let manager = FileManager.default
        do {
            for folder in ["objects", "refs"] {
                try manager.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: false)
            }
            try Data("ref: refs/heads/custody\n".utf8).write(to: URL(fileURLWithPath: directory + "/HEAD"))
            let config =
                sha256
                ? "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n"
                : "[core]\n\trepositoryformatversion = 0\n"
            try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config"))
            if manager.fileExists(atPath: shallow) {
                try manager.copyItem(atPath: shallow, toPath: directory + "/shallow")
            }
            if !alternates.isEmpty {
                try manager.createDirectory(atPath: directory + "/objects/info", withIntermediateDirectories: false)
                try Data(alternates.map { Self.alternateEntry($0) + "\n" }.joined().utf8)
                    .write(to: URL(fileURLWithPath: directory + "/objects/info/alternates"))
            }
        } catch {
            throw CustodyError(.io, "cannot prepare the scratch directory \(directory): \(error.localizedDescription)")
        }
    }

    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES` for the private directory: `directories` (the
    /// repository's objects, a hook's quarantine: single paths, quoted as needed), then the
    /// inherited list as git wrote it (already in git's `:`-separated, quoted form).
    static func alternatesVariable(directories: [String], inherited: String?) -> String {
        var entries = directories.map(alternateEntry)
        if let inherited, !inherited.isEmpty, !directories.contains(inherited) { entries.append(inherited) }
        return entries.joined(separator: ":")
    }

    /// A path as an entry of git's alternates (a line of `info/alternates`, a part of
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`): C-quoted when it holds a separator, a quote, a
    /// backslash or a control character, as git's `parse_alt_odb_entry` reads it back.
    static func alternateEntry(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x3a || $0 == 0x22 || $0 == 0x5c || $0 == 0x7f }) else { return path }
        var out: [UInt8] = [0x22]
        for byte in bytes {
            switch byte {
            case 0x22, 0x5c: out += [0x5c, byte]
            case 0x0a: out += Array("\\n".utf8)
            case 0x09: out += Array("\\t".utf8)
            case ..<0x20, 0x7f: out += [0x5c, 0x30 + (byte >> 6), 0x30 + (byte >> 3 & 7), 0x30 + (byte & 7)]
            default: out.append(byte)  // a colon is safe inside quotes; UTF-8 passes as is
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// The entries of a list of alternates as git's `parse_alt_odb_entry` reads them: entries
    /// end at `separator` (a newline in `info/alternates`, `:` in
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`); one that starts with `#` is a comment; one that starts
    /// with a quote is C-unquoted (`unquote_c_style`: `\a \b \f \n \r \t \v \\ \"` and three octal
    /// digits), after which the next byte is skipped as the separator, and broken quoting is read
    /// as an unquoted entry; empty entries are left out. Bytes, not text: a path need not be UTF-8.
    static func alternateEntries(_ bytes: [UInt8], separator: UInt8) -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var i = 0
        // git reads a C string: a NUL ends the list.
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        while i < end {
            var entry: [UInt8] = []
            var next: Int
            if bytes[i] == UInt8(ascii: "#") {
                next = bytes[i..<end].firstIndex(of: separator) ?? end
            } else if bytes[i] == UInt8(ascii: "\""), let (unquoted, after) = unquoteC(bytes, from: i, end: end) {
                entry = unquoted
                next = after
            } else {
                next = bytes[i..<end].firstIndex(of: separator) ?? end
                entry = Array(bytes[i..<next])
            }
            if next < end { next += 1 }
            if !entry.isEmpty { entries.append(entry) }
            i = next
        }
        return entries
    }

    /// git's `unquote_c_style` of the quoted string at `start`: the bytes and the index after the
    /// closing quote, or nil when the quoting is broken.
    static func unquoteC(_ bytes: [UInt8], from start: Int, end: Int) -> ([UInt8], Int)? {
        var out: [UInt8] = []
        var i = start + 1
        while true {
            guard i < end else { return nil }
            let byte = bytes[i]
            i += 1
            if byte == UInt8(ascii: "\"") { return (out, i) }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard i < end else { return nil }
            let escaped = bytes[i]
            i += 1
            switch escaped {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0b)
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(escaped)
            case UInt8(ascii: "0")...UInt8(ascii: "3"):
                guard i + 1 < end, (0x30...0x37).contains(bytes[i]), (0x30...0x37).contains(bytes[i + 1]) else {
                    return nil
                }
                out.append((escaped - 0x30) << 6 | (bytes[i] - 0x30) << 3 | (bytes[i + 1] - 0x30))
                i += 2
            default: return nil
            }
        }
    }

    /// A new private directory for git's temporary objects: in `TMPDIR` when it is set, else in
    /// `/dev/shm` (memory) when it can be made there, else in `/tmp`.
    ///
    /// git's re-merge writes each merge's objects as loose files in a fresh fan-out of
    /// directories and deletes them after the merge; on a disk file system those creations and
    /// deletions cost about a fifth of the re-merge's time (tmux: 211 re-merged merges, 3.2 s
    /// against 2.6 s of wall time in memory). Only one merge's objects exist at a time.
    static func makeScratchDirectory() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let bases = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : [$0] } ?? ["/dev/shm", "/tmp"]
        for base in bases {
            var template = Array((base + "/custody-objects-XXXXXX").utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
            if made != nil {
                // git runs in the git directory: a relative `TMPDIR` must not follow it there.
                return GitProcess.absolute(
                    String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        throw CustodyError(.io, "cannot create a scratch directory in \(bases.last ?? "/tmp")")
    }

}
