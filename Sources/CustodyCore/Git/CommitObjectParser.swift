/// Parses a raw commit object (as `git cat-file commit` prints it) into a ``Commit`` without
/// changes: parents, author, committer, subject, body, trailers and signature kind.
///
/// The rules follow git's own (`split_ident_line`, `format_subject`, `trailer.c`) so that the
/// result matches `git show --format=%an/%ae/%at/%s/%b/%(trailers)`; names, emails and messages
/// are decoded with replacement of invalid UTF-8. The signature kind comes from the armor of the
/// `gpgsig`/`gpgsig-sha256` header, never from running gpg.
enum CommitObjectParser {
    /// Message bodies are cut to this many bytes (trailers are parsed from the whole message).
    static let bodyLimit = 1 << 20
    /// At most this many trailers are kept per commit.
    static let trailerLimit = 256

    static func parse(id: ObjectID, _ bytes: ArraySlice<UInt8>) -> Commit {
        var parents: [ObjectID] = []
        var author = GitPersonStamp(name: "", email: "", time: 0, utcOffsetMinutes: 0)
        var committer = author
        var signature = CommitSignatureKind.none
        var index = bytes.startIndex
        let end = bytes.endIndex
        var messageStart = end
        var lastKey: ArraySlice<UInt8> = []
        while index < end {
            let lineEnd = bytes[index...].firstIndex(of: 0x0a) ?? end
            let line = bytes[index..<lineEnd]
            let next = lineEnd < end ? lineEnd + 1 : end
            if line.isEmpty {
                messageStart = next
                break
            }
            if line.first == 0x20 {  // continuation of a multi-line header (gpgsig, mergetag)
                index = next
                continue
            }
            let space = line.firstIndex(of: 0x20) ?? line.endIndex
            let key = line[line.startIndex..<space]
            let value = space < line.endIndex ? line[(space + 1)...] : []
            lastKey = key
            if key.elementsEqual("parent".utf8) {
                if let parent = ObjectID(hex: value) { parents.append(parent) }
            } else if key.elementsEqual("author".utf8) {
                author = parsePerson(value)
            } else if key.elementsEqual("committer".utf8) {
                committer = parsePerson(value)
            } else if key.elementsEqual("gpgsig".utf8) || key.elementsEqual("gpgsig-sha256".utf8) {
                signature = signatureKind(value)
            }
            index = next
        }
        _ = lastKey
        let message = bytes[messageStart..<end]
        let (subject, body) = subjectAndBody(message)
        return Commit(
            id: id,
            parents: parents,
            author: author,
            committer: committer,
            subject: subject,
            body: body,
            trailers: trailers(message),
            signature: signature
        )
    }

    /// The kind of signature from the first line of its armor.
    static func signatureKind(_ firstLine: ArraySlice<UInt8>) -> CommitSignatureKind {
        if firstLine.starts(with: "-----BEGIN PGP SIGNATURE".utf8) || firstLine.starts(with: "-----BEGIN PGP MESSAGE".utf8) {
            return .gpg
        }
        if firstLine.starts(with: "-----BEGIN SSH SIGNATURE".utf8) { return .ssh }
        if firstLine.starts(with: "-----BEGIN SIGNED MESSAGE".utf8) { return .x509 }
        return .unknown
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// `Name <email> 1700000000 +0100`, split as git's `split_ident_line` does.
    static func parsePerson(_ line: ArraySlice<UInt8>) -> GitPersonStamp {
        guard let lt = line.firstIndex(of: UInt8(ascii: "<")) else {
            return GitPersonStamp(name: decode(line), email: "", time: 0, utcOffsetMinutes: 0)
        }
        var nameEnd = lt
        while nameEnd > line.startIndex && isSpace(line[nameEnd - 1]) { nameEnd -= 1 }
        let name = line[line.startIndex..<nameEnd]
        guard let gt = line[(lt + 1)...].firstIndex(of: UInt8(ascii: ">")) else {
            return GitPersonStamp(name: decode(name), email: decode(line[(lt + 1)...]), time: 0, utcOffsetMinutes: 0)
        }
        let email = line[(lt + 1)..<gt]
        let lastGT = line.lastIndex(of: UInt8(ascii: ">")) ?? gt
        var cursor = lastGT + 1
        while cursor < line.endIndex && isSpace(line[cursor]) { cursor += 1 }
        var time: Int64 = 0
        var digits = 0
        while cursor < line.endIndex && isDigit(line[cursor]) {
            let (m, o1) = time.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(line[cursor] - 0x30))
            time = (o1 || o2) ? Int64.max : a
            cursor += 1
            digits += 1
        }
        var offset = 0
        if digits > 0 {
            while cursor < line.endIndex && isSpace(line[cursor]) { cursor += 1 }
            if cursor < line.endIndex && (line[cursor] == UInt8(ascii: "+") || line[cursor] == UInt8(ascii: "-")) {
                let negative = line[cursor] == UInt8(ascii: "-")
                var value = 0
                var count = 0
                var i = cursor + 1
                while i < line.endIndex && isDigit(line[i]) && count < 9 {
                    value = value * 10 + Int(line[i] - 0x30)
                    i += 1
                    count += 1
                }
                if count > 0 {
                    let minutes = (value / 100) * 60 + value % 100
                    offset = negative ? -minutes : minutes
                }
            }
        }
        return GitPersonStamp(name: decode(name), email: decode(email), time: time, utcOffsetMinutes: offset)
    }

    static func decode(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Splits a message into its lines (without the newline), with their start indices.
    static func lines(_ message: ArraySlice<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var index = message.startIndex
        while index < message.endIndex {
            let lineEnd = message[index...].firstIndex(of: 0x0a) ?? message.endIndex
            out.append(index..<lineEnd)
            index = lineEnd + 1
        }
        return out
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(isSpace) }

    static func trimmedTrailing(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = line.endIndex
        while end > line.startIndex && isSpace(line[end - 1]) { end -= 1 }
        return line[line.startIndex..<end]
    }

    static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = line.startIndex
        while start < line.endIndex && isSpace(line[start]) { start += 1 }
        return trimmedTrailing(line[start...])
    }

    /// git's `%s` (first paragraph, lines joined by spaces) and `%b` (the rest, after blank lines).
    static func subjectAndBody(_ message: ArraySlice<UInt8>) -> (String, String) {
        let all = lines(message)
        var i = 0
        while i < all.count && isBlank(message[all[i]]) { i += 1 }
        var subject: [UInt8] = []
        while i < all.count && !isBlank(message[all[i]]) {
            if !subject.isEmpty { subject.append(0x20) }
            subject.append(contentsOf: trimmedTrailing(message[all[i]]))
            i += 1
        }
        while i < all.count && isBlank(message[all[i]]) { i += 1 }
        let bodyStart = i < all.count ? all[i].lowerBound : message.endIndex
        let body = message[bodyStart...].prefix(bodyLimit)
        return (decode(subject), decode(body))
    }

    /// The position of the trailer separator (`:`) when the line looks like `Token: value`.
    static func separatorIndex(_ line: ArraySlice<UInt8>) -> Int? {
        var whitespaceFound = false
        for i in line.indices {
            let c = line[i]
            if c == UInt8(ascii: ":") { return i > line.startIndex ? i : nil }
            let isToken = (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7a) || c == UInt8(ascii: "-")
            if !whitespaceFound && isToken { continue }
            if i != line.startIndex && (c == 0x20 || c == 0x09) {
                whitespaceFound = true
                continue
            }
            return nil
        }
        return nil
    }

    /// Trailers of the message, found as git's `trailer.c` finds them (`%(trailers:only,unfold)`):
    /// the message is cut at a `---` patch line and before trailing comment, blank and old
    /// `Conflicts:` lines; the trailer block is the last paragraph (never the title) made only of
    /// trailers, or with a git-generated one (`Signed-off-by: `) and at least 25% trailers.
    static func trailers(_ message: ArraySlice<UInt8>) -> [Trailer] {
        let all = lines(message)
        // Lines as half-open ranges that include their newline, as git's buffer walk sees them.
        var patchStart = all.count
        for (i, r) in all.enumerated() {
            let line = message[r]
            if line.starts(with: "---".utf8) {
                let next = line.count > 3 ? line[line.startIndex + 3] : (r.upperBound < message.endIndex ? 0x0a : 0)
                if isSpace(next) {
                    patchStart = i
                    break
                }
            }
        }
        // ignore_non_trailer: trailing comments, blank lines and an old "Conflicts:" block.
        var boc: Int?
        var inConflicts = false
        for i in 0..<patchStart {
            let line = message[all[i]]
            if line.first == UInt8(ascii: "#") || line.isEmpty {
                if boc == nil { boc = i }
            } else if line.elementsEqual("Conflicts:".utf8) {
                inConflicts = true
                if boc == nil { boc = i }
            } else if inConflicts && line.first == 0x09 {
                // a path in the conflicts block
            } else if boc != nil {
                boc = nil
                inConflicts = false
            }
        }
        let end = boc ?? patchStart
        // The first paragraph is the title and cannot hold trailers.
        var endOfTitle = 0
        while endOfTitle < end {
            let line = message[all[endOfTitle]]
            if line.first == UInt8(ascii: "#") {
                endOfTitle += 1
                continue
            }
            if isBlank(line) { break }
            endOfTitle += 1
        }
        var onlySpaces = true
        var recognizedPrefix = false
        var trailerLines = 0
        var nonTrailerLines = 0
        var possibleContinuation = 0
        var start: Int?
        var i = end - 1
        scan: while i >= endOfTitle && i >= 0 {
            let line = message[all[i]]
            defer { i -= 1 }
            if line.first == UInt8(ascii: "#") {
                nonTrailerLines += possibleContinuation
                possibleContinuation = 0
                continue
            }
            if isBlank(line) {
                if onlySpaces { continue }
                nonTrailerLines += possibleContinuation
                if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) || (trailerLines > 0 && nonTrailerLines == 0) {
                    start = i + 1
                }
                break scan
            }
            onlySpaces = false
            if line.starts(with: "Signed-off-by: ".utf8) || line.starts(with: "(cherry picked from commit ".utf8) {
                trailerLines += 1
                possibleContinuation = 0
                recognizedPrefix = true
                continue
            }
            if let first = line.first, !isSpace(first), separatorIndex(line) != nil {
                trailerLines += 1
                possibleContinuation = 0
            } else if let first = line.first, isSpace(first) {
                possibleContinuation += 1
            } else {
                nonTrailerLines += 1 + possibleContinuation
                possibleContinuation = 0
            }
        }
        guard let start, start < end else { return [] }

        var out: [Trailer] = []
        var currentKey: ArraySlice<UInt8>?
        var currentValue: [UInt8] = []
        var inItem = false
        func flush() {
            if let key = currentKey, out.count < trailerLimit {
                out.append(Trailer(key: decode(trimmed(key)), value: decode(trimmed(currentValue[...]))))
            }
            currentKey = nil
            currentValue = []
            inItem = false
        }
        for j in start..<end {
            let line = message[all[j]]
            if line.first == UInt8(ascii: "#") { continue }
            if let c = line.first, isSpace(c), inItem {
                if currentKey != nil {
                    let part = trimmed(line)
                    if !part.isEmpty {
                        currentValue.append(0x20)
                        currentValue.append(contentsOf: part)
                    }
                }
                continue
            }
            flush()
            inItem = true
            if let sep = separatorIndex(line) {
                currentKey = line[line.startIndex..<sep]
                currentValue = Array(trimmed(line[(sep + 1)...]))
            }
        }
        flush()
        return out
    }
}
