/// Overwriting or deleting the files a directory walk finds: the shape of the node-ipc wiper
/// (every file under `/` and the parent folders overwritten with a fixed string).
///
/// A walk (`walk(`, `os.walk(`, `readdirSync(`, `glob(`, `filepath.Walk(`, `Files.walk(` …) and,
/// on the same line or within the next four added lines, a write or delete of a file. It is a
/// finding when the walk starts at the root, a home folder, a drive or two or more folders up
/// (wipe-level), or when every file found is overwritten with the same fixed text (medium).
/// Formatters, generators and clean-ups that write computed content or walk the project are not.
enum DestructiveWalk {
    static let walks: [String] = [
        "walk(", "walksync(", "walkdir(", "walkdirsync(", "readdirsync(", "readdir(", "glob.sync(", "glob(",
        "globsync(", "filepath.walk(", "filepath.walkdir(", "files.walk(", "walkfiletree(", "find.find(", "rglob(",
        "scandir(", "iterdir(", "enumerator(atpath:", "enumerator(at:", "listdir(", "fast-glob", "fg.sync(",
        "directory.getfiles(", "directory.enumeratefiles(", "dir.glob(", "dir[", "listfiles(",
    ]
    enum WriteKind { case write, delete, truncate }
    /// Write calls and where their content argument is (index among the call's arguments).
    static let writes: [(String, WriteKind, Int)] = [
        ("writefilesync(", .write, 1), ("writefile(", .write, 1), ("os.writefile(", .write, 1),
        ("ioutil.writefile(", .write, 1), ("files.write(", .write, 1), ("file.write(", .write, 1),
        ("write_text(", .write, 0), ("write_bytes(", .write, 0), ("file_put_contents(", .write, 1),
        ("file.writealltext(", .write, 1), ("file.writeallbytes(", .write, 1), ("appendfilesync(", .write, 1),
        ("truncatesync(", .truncate, 0), ("truncate(", .truncate, 0), ("ftruncate(", .truncate, 0),
        ("unlinksync(", .delete, 0), ("unlink(", .delete, 0), ("os.remove(", .delete, 0), ("rmsync(", .delete, 0),
        ("file.delete(", .delete, 0), ("files.delete(", .delete, 0), ("os.removeall(", .delete, 0),
        ("removeitem(", .delete, 0), ("deletefile(", .delete, 0), ("file.unlink(", .delete, 0),
    ]
    static let matcher = MultiMatcher(walks + writes.map(\.0))
    static let upward: Set<String> = ["..", "../", "../..", "../../", "../../..", "../../../", "..\\..", "..\\..\\"]

    struct Walk {
        var position: Int
        var root: String
        var rootIsDangerous: Bool
    }

    struct Hit {
        var walkPosition: Int
        var writePosition: Int
        var root: String
        var call: String
        var dangerous: Bool
    }

    /// Walk-then-write pairs in the added lines of one file.
    static func scan(_ lines: AddedLines) -> [Hit] {
        var hits: [Hit] = []
        var recent: [Walk] = []
        for position in lines.indices {
            let line = lines[position]
            guard line.text.count <= 16 * 1024 else { continue }
            let lower = ByteScan.lowercased(line.text)
            var walkHere: Walk?
            var writeHere: (call: String, kind: WriteKind, fixed: Bool)?
            matcher.scan(lower) { match in
                let needle = matcher.needles[match.needle]
                // Whole words at the start: `fs.readdirSync(` yes, `myreaddir(` no.
                if ByteScan.isIdentifierByte(needle[0]), match.start > lower.startIndex,
                    ByteScan.isIdentifierByte(lower[match.start - 1])
                {
                    return true
                }
                let end = match.start + needle.count
                if match.needle < walks.count {
                    if walkHere == nil {
                        let root = firstArgument(lower, from: end)
                        walkHere = Walk(position: position, root: root, rootIsDangerous: isDangerousRoot(root))
                    }
                } else if writeHere == nil {
                    let (call, kind, index) = writes[match.needle - walks.count]
                    let fixed = kind != .write || isFixedLiteral(argumentText(index, of: lower, from: end))
                    writeHere = (String(call.dropLast()), kind, fixed)
                }
                return true
            }
            if let walk = walkHere {
                recent.removeAll { $0.root == walk.root }
                recent.append(walk)
            }
            recent.removeAll { position - $0.position > 4 || line.number - lines[$0.position].number > 6 }
            guard let write = writeHere, !recent.isEmpty else { continue }
            // The most dangerous walk in reach decides.
            let walk = recent.first { $0.rootIsDangerous } ?? recent[recent.count - 1]
            if walk.rootIsDangerous || write.kind == .write && write.fixed {
                hits.append(Hit(walkPosition: walk.position, writePosition: position, root: walk.root, call: write.call,
                                dangerous: walk.rootIsDangerous))
                recent.removeAll()
            }
        }
        return hits
    }

    /// The first argument of a call whose `(` ends just before `from`, trimmed (up to 80 bytes).
    static func firstArgument(_ text: ArraySlice<UInt8>, from: Int) -> String {
        guard let range = argument(0, of: text, from: from) else { return "" }
        return ByteScan.text(text[range], limit: 80)
    }

    /// The root, the whole disk, a home folder or two or more folders up.
    static func isDangerousRoot(_ raw: String) -> Bool {
        var root = Substring(raw.strippingCharacters("\"'`"))
        // A glob starts where its first wildcard does: `/**/*` walks `/`, `../../**` walks `../../`.
        if let star = root.firstIndex(where: { $0 == "*" || $0 == "?" || $0 == "{" }) {
            let head = root[..<star]
            root = head.isEmpty || head == "/" ? head : head.hasSuffix("/") ? head.dropLast() : head
            if root.isEmpty, raw.strippingCharacters("\"'`").hasPrefix("/") { root = "/" }
        }
        if DestructiveOperationDetector.dangerousTargets.contains(String(root)) || upward.contains(String(root))
            || root.hasPrefix("../../") || root.hasPrefix("..\\..\\")
        {
            return true
        }
        let bytes = Array(raw.utf8)[...]
        return DestructiveOperationDetector.homeArguments.contains { ByteScan.contains(bytes, $0) }
    }

    /// The byte range of argument `index` of the call whose `(` ends just before `from`: commas at
    /// the top level split, brackets and quotes nest. Nil when the call closes before it.
    static func argument(_ index: Int, of text: ArraySlice<UInt8>, from: Int) -> Range<Int>? {
        var depth = 0
        var current = 0
        var start = from
        var i = from
        let end = min(text.endIndex, from + 512)
        while i < end {
            let byte = text[i]
            switch byte {
            case 0x22, 0x27, 0x60:
                var j = i + 1
                while j < end, text[j] != byte { j += text[j] == 0x5c ? 2 : 1 }
                i = j
            case 0x28, 0x5b, 0x7b: depth += 1
            case 0x29, 0x5d, 0x7d:
                if depth == 0 { return current == index ? trim(text, start..<i) : nil }
                depth -= 1
            case 0x2c where depth == 0:
                if current == index { return trim(text, start..<i) }
                current += 1
                start = i + 1
            default: break
            }
            i += 1
        }
        return current == index ? trim(text, start..<min(i, text.endIndex)) : nil
    }

    static func trim(_ text: ArraySlice<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, ByteScan.isSpace(text[lo]) { lo += 1 }
        while hi > lo, ByteScan.isSpace(text[hi - 1]) { hi -= 1 }
        return lo..<hi
    }
}

extension DestructiveWalk {
    /// Argument `index` of the call whose `(` ends just before `from`.
    static func argumentText(_ index: Int, of text: ArraySlice<UInt8>, from: Int) -> ArraySlice<UInt8>? {
        argument(index, of: text, from: from).map { text[$0] }
    }

    /// True when the argument is exactly one string literal (`'…'`, `"…"`, `b'…'`).
    static func isFixedLiteral(_ arg: ArraySlice<UInt8>?) -> Bool {
        guard var arg, arg.count >= 2 else { return false }
        if arg.first == 0x62 || arg.first == 0x42 { arg = arg.dropFirst() }  // b'…'
        guard let quote = arg.first, quote == 0x22 || quote == 0x27 || quote == 0x60, arg.last == quote else { return false }
        let literals = ByteScan.stringLiterals(arg)
        return literals.count == 1 && literals[0].upperBound == arg.endIndex - 1 && !(quote == 0x60 && ByteScan.contains(arg, ByteScan.bytes("${")))
    }
}
