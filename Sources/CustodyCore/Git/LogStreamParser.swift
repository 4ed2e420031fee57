#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file changes of one commit as read from the diff stream.
struct ParsedDiff: Sendable {
    var commit: ObjectID
    var changes: [FileChange]
    /// Patch sections with added lines that could not be matched to a raw entry (should not happen).
    var unmatchedSections: Int
}

/// Incremental byte parser for the output of
/// `git log -z --format=%x00%x00C%H --raw -p -U0 --full-index --no-abbrev` (see ``HistoryReader``).
///
/// The stream, per commit: a marker `NUL NUL 'C' <hex id> NUL` (and a newline), the `--raw`
/// entries (`:<old mode> <new mode> <old id> <new id> <status> NUL <path> NUL [<path> NUL]`, paths
/// exactly as stored, never quoted), a NUL, then the patch. Paths come only from the raw entries;
/// each patch section is matched to its raw entry by the blob ids of its `index` line, so a
/// quoted or ambiguous `diff --git` line never matters. Inside a hunk, lines are framed by the
/// counts of the `@@ -a,b +c,d @@` header, so file content (NUL bytes, lines that look like
/// headers, `\r`) can never be mistaken for structure. Lines longer than ``lineLimit`` are cut
/// (the rest is skipped without being buffered) and a file keeps at most ``fileByteLimit`` bytes
/// and ``fileLineLimit`` added lines; line numbers stay exact.
struct LogStreamParser {
    static let lineLimit = 1 << 20
    static let fileByteLimit = 64 << 20
    static let fileLineLimit = 4 << 20

    private struct RawEntry {
        var status: UInt8
        var oldMode: UInt32
        var newMode: UInt32
        var oldID: ObjectID?
        var newID: ObjectID?
        var oldPath: String?
        var newPath: String?
        var expectedSections: Int
        var seenSections = 0
        var isBinary = false
        var truncated = false
        var added = AddedLines()
    }

    private enum State {
        case marker
        case raw
        case patch
        case hunk(minus: Int, plus: Int)
        /// Skipping the rest of a long hunk line; then back to the hunk with these counts.
        case skipLine(minus: Int, plus: Int)
    }

    private var pending: [UInt8] = []
    private var state = State.marker
    private var commit: ObjectID?
    private var entries: [RawEntry] = []
    private var cursor = 0
    private var current: Int?
    private var nextNewLine = 0
    private var unmatched = 0
    private var sectionHasLines = false
    private let emit: (ParsedDiff) -> Void

    init(emit: @escaping (ParsedDiff) -> Void) {
        self.emit = emit
    }

    /// The commit whose output started but did not end (after a failed process).
    var unfinishedCommit: ObjectID? { commit }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        pending.append(contentsOf: chunk)
        let consumed = parse(final: false)
        if consumed > 0 { pending.removeFirst(consumed) }
    }

    /// Ends the stream. When `complete` is false (git failed) the last commit is not emitted.
    mutating func finish(complete: Bool) {
        let consumed = parse(final: true)
        if consumed > 0 { pending.removeFirst(consumed) }
        if complete { endCommit() }
    }

    private mutating func endCommit() {
        guard let id = commit else { return }
        finishSection()
        var changes: [FileChange] = []
        changes.reserveCapacity(entries.count)
        for entry in entries {
            var change = FileChange(
                kind: Self.kind(entry.status),
                oldPath: entry.oldPath,
                newPath: entry.newPath,
                oldBlob: entry.oldID,
                newBlob: entry.newID,
                oldMode: entry.oldMode,
                newMode: entry.newMode,
                isBinary: entry.isBinary,
                addedLines: entry.added
            )
            change.addedLinesTruncated = entry.truncated
            changes.append(change)
        }
        emit(ParsedDiff(commit: id, changes: changes, unmatchedSections: unmatched))
        commit = nil
        entries = []
        cursor = 0
        current = nil
        unmatched = 0
    }

    static func kind(_ status: UInt8) -> FileChangeKind {
        switch status {
        case UInt8(ascii: "A"): .add
        case UInt8(ascii: "D"): .delete
        case UInt8(ascii: "R"): .rename
        case UInt8(ascii: "C"): .copy
        case UInt8(ascii: "T"): .typeChange
        default: .modify
        }
    }

    /// Parses as much of `pending` as possible; returns the bytes consumed.
    private mutating func parse(final: Bool) -> Int {
        let bytes = pending
        return bytes.withUnsafeBufferPointer { buffer -> Int in
            var p = 0
            let n = buffer.count
            guard let base = buffer.baseAddress else { return 0 }

            func find(_ byte: UInt8, from: Int) -> Int? {
                guard from < n else { return nil }
                guard let hit = memchr(base + from, Int32(byte), n - from) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            func isMarker(_ at: Int) -> Bool? {
                // NUL NUL 'C'
                if at + 3 > n { return final ? false : nil }
                return buffer[at] == 0 && buffer[at + 1] == 0 && buffer[at + 2] == UInt8(ascii: "C")
            }

            loop: while p < n {
                switch state {
                case .marker:
                    guard let marker = isMarker(p) else { break loop }
                    guard marker else {
                        // Unknown bytes before a marker: skip a line.
                        guard let nl = find(0x0a, from: p) else { if final { p = n }; break loop }
                        p = nl + 1
                        continue
                    }
                    guard let end = find(0, from: p + 3) else { if final { p = n }; break loop }
                    commit = ObjectID(hex: UnsafeBufferPointer(rebasing: buffer[(p + 3)..<end]))
                    entries = []
                    cursor = 0
                    current = nil
                    unmatched = 0
                    sectionHasLines = false
                    p = end + 1
                    state = .raw
                case .raw:
                    let c = buffer[p]
                    if c == 0x0a {
                        p += 1
                    } else if c == UInt8(ascii: ":") {
                        guard let headerEnd = find(0, from: p) else { break loop }
                        guard let pathEnd = find(0, from: headerEnd + 1) else { break loop }
                        let header = UnsafeBufferPointer(rebasing: buffer[(p + 1)..<headerEnd])
                        let status = Self.status(header)
                        var secondPathEnd: Int?
                        if status == UInt8(ascii: "R") || status == UInt8(ascii: "C") {
                            guard let e = find(0, from: pathEnd + 1) else { break loop }
                            secondPathEnd = e
                        }
                        let path1 = String(decoding: UnsafeBufferPointer(rebasing: buffer[(headerEnd + 1)..<pathEnd]), as: UTF8.self)
                        var path2: String?
                        if let e = secondPathEnd {
                            path2 = String(decoding: UnsafeBufferPointer(rebasing: buffer[(pathEnd + 1)..<e]), as: UTF8.self)
                        }
                        entries.append(Self.rawEntry(header, status: status, path1: path1, path2: path2))
                        p = (secondPathEnd ?? pathEnd) + 1
                    } else if c == 0 {
                        guard let marker = isMarker(p) else { break loop }
                        if marker {
                            endCommit()
                            state = .marker
                        } else {
                            p += 1
                            state = .patch
                        }
                    } else {
                        // A message line (for example git's octopus remerge warning): skip it.
                        guard let nl = find(0x0a, from: p) else { if final { p = n }; break loop }
                        p = nl + 1
                    }
                case .patch:
                    if buffer[p] == 0 {
                        guard let marker = isMarker(p) else { break loop }
                        if marker {
                            endCommit()
                            state = .marker
                        } else {
                            p += 1
                        }
                        continue
                    }
                    guard let nl = find(0x0a, from: p) else { if final { p = n }; break loop }
                    let line = UnsafeBufferPointer(rebasing: buffer[p..<nl])
                    p = nl + 1
                    patchLine(line)
                case .hunk(var minus, var plus):
                    if minus <= 0 && plus <= 0 {
                        state = .patch
                        continue
                    }
                    let c = buffer[p]
                    guard c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: " ") || c == UInt8(ascii: "\\") else {
                        // The counts did not match (should not happen): back to headers.
                        state = .patch
                        continue
                    }
                    let nl = find(0x0a, from: p)
                    let lineEnd: Int
                    var cut = false
                    if let nl {
                        lineEnd = nl
                    } else if n - p > Self.lineLimit + 1 {
                        lineEnd = p + 1 + Self.lineLimit
                        cut = true
                    } else if final {
                        lineEnd = n
                    } else {
                        break loop
                    }
                    switch c {
                    case UInt8(ascii: "+"):
                        addLine(UnsafeBufferPointer(rebasing: buffer[(p + 1)..<min(lineEnd, p + 1 + Self.lineLimit)]))
                        plus -= 1
                    case UInt8(ascii: "-"):
                        minus -= 1
                    case UInt8(ascii: " "):
                        minus -= 1
                        plus -= 1
                        nextNewLine += 1
                    default:
                        break
                    }
                    if cut {
                        p = lineEnd
                        state = .skipLine(minus: minus, plus: plus)
                    } else {
                        p = min(lineEnd + 1, n)
                        state = .hunk(minus: minus, plus: plus)
                    }
                case .skipLine(let minus, let plus):
                    if let nl = find(0x0a, from: p) {
                        p = nl + 1
                        state = .hunk(minus: minus, plus: plus)
                    } else {
                        p = n
                    }
                }
            }
            return p
        }
    }

    private static func status(_ header: UnsafeBufferPointer<UInt8>) -> UInt8 {
        // "<old mode> <new mode> <old id> <new id> <status><score>"
        guard let lastSpace = header.lastIndex(of: 0x20), lastSpace + 1 < header.count else { return UInt8(ascii: "M") }
        return header[lastSpace + 1]
    }

    private static func rawEntry(_ header: UnsafeBufferPointer<UInt8>, status: UInt8, path1: String, path2: String?) -> RawEntry {
        let fields = header.split(separator: 0x20, omittingEmptySubsequences: true)
        func mode(_ i: Int) -> UInt32 {
            guard i < fields.count else { return 0 }
            var v: UInt32 = 0
            for c in fields[i] where c >= 0x30 && c <= 0x37 { v = v &* 8 &+ UInt32(c - 0x30) }
            return v
        }
        func id(_ i: Int) -> ObjectID? {
            guard i < fields.count, let id = ObjectID(hex: fields[i]), !id.isZero else { return nil }
            return id
        }
        var entry = RawEntry(
            status: status,
            oldMode: mode(0),
            newMode: mode(1),
            oldID: id(2),
            newID: id(3),
            oldPath: path1,
            newPath: path1,
            expectedSections: status == UInt8(ascii: "T") ? 2 : 1
        )
        switch status {
        case UInt8(ascii: "A"): entry.oldPath = nil
        case UInt8(ascii: "D"): entry.newPath = nil
        case UInt8(ascii: "R"), UInt8(ascii: "C"): entry.newPath = path2
        default: break
        }
        return entry
    }

    private mutating func patchLine(_ line: UnsafeBufferPointer<UInt8>) {
        guard let first = line.first else { return }
        switch first {
        case UInt8(ascii: "d") where line.starts(with: "diff --git ".utf8):
            finishSection()
            current = nil
            sectionHasLines = false
        case UInt8(ascii: "i") where line.starts(with: "index ".utf8):
            matchIndexLine(line[6...])
        case UInt8(ascii: "B") where line.starts(with: "Binary files ".utf8):
            if let current { entries[current].isBinary = true }
        case UInt8(ascii: "G") where line.starts(with: "GIT binary patch".utf8):
            if let current { entries[current].isBinary = true }
        case UInt8(ascii: "@") where line.starts(with: "@@ ".utf8):
            let (minus, plus, newStart) = Self.hunkHeader(line)
            nextNewLine = newStart
            state = .hunk(minus: minus, plus: plus)
        default:
            break
        }
    }

    private mutating func finishSection() {
        if current == nil && sectionHasLines { unmatched += 1 }
    }

    /// `index <old>..<new>[ <mode>]`: finds the raw entry with these blobs.
    private mutating func matchIndexLine(_ rest: Slice<UnsafeBufferPointer<UInt8>>) {
        let end = rest.firstIndex(of: 0x20) ?? rest.endIndex
        let ids = rest[rest.startIndex..<end]
        guard let dots = ids.firstIndex(of: UInt8(ascii: ".")), dots + 1 < ids.endIndex,
            ids[dots + 1] == UInt8(ascii: ".")
        else { return }
        let old = ObjectID(hex: ids[ids.startIndex..<dots])
        let new = ObjectID(hex: ids[(dots + 2)...])
        let oldID = old.flatMap { $0.isZero ? nil : $0 }
        let newID = new.flatMap { $0.isZero ? nil : $0 }
        var i = cursor
        while i < entries.count {
            let e = entries[i]
            if e.seenSections < e.expectedSections {
                let exact = e.oldID == oldID && e.newID == newID
                let typeHalf =
                    e.status == UInt8(ascii: "T")
                    && ((oldID == e.oldID && newID == nil) || (oldID == nil && newID == e.newID))
                if exact || typeHalf {
                    entries[i].seenSections += 1
                    current = i
                    while cursor < entries.count && entries[cursor].seenSections >= entries[cursor].expectedSections {
                        cursor += 1
                    }
                    return
                }
            }
            i += 1
        }
        current = nil
    }

    private mutating func addLine(_ text: UnsafeBufferPointer<UInt8>) {
        sectionHasLines = true
        let number = nextNewLine
        nextNewLine += 1
        guard let current else { return }
        if entries[current].added.count >= Self.fileLineLimit {
            entries[current].truncated = true
            return
        }
        if entries[current].added.byteCount + text.count > Self.fileByteLimit {
            entries[current].truncated = true
            entries[current].added.append(number: number, text: EmptyCollection())
        } else {
            if text.count >= Self.lineLimit { entries[current].truncated = true }
            entries[current].added.append(number: number, text: text)
        }
    }

    /// `@@ -a[,b] +c[,d] @@`: (b, d, c), counts default to 1.
    static func hunkHeader(_ line: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int) {
        var i = 3
        func number() -> Int {
            var v = 0
            while i < line.count, line[i] >= 0x30, line[i] <= 0x39 {
                v = min(v &* 10 &+ Int(line[i] - 0x30), Int(Int32.max))
                i += 1
            }
            return v
        }
        guard i < line.count, line[i] == UInt8(ascii: "-") else { return (0, 0, 0) }
        i += 1
        _ = number()
        var minus = 1
        if i < line.count, line[i] == UInt8(ascii: ",") {
            i += 1
            minus = number()
        }
        while i < line.count, line[i] == 0x20 { i += 1 }
        guard i < line.count, line[i] == UInt8(ascii: "+") else { return (minus, 0, 0) }
        i += 1
        let start = number()
        var plus = 1
        if i < line.count, line[i] == UInt8(ascii: ",") {
            i += 1
            plus = number()
        }
        return (minus, plus, start)
    }
}
