/// An auditor-supplied mailmap (git's `.mailmap` format), mapping the identities people
/// committed under to their proper name and email.
///
/// The audited repository's own `.mailmap` is never read: anyone who can commit could use it to
/// pass as someone else. Only a file the auditor names with `--mailmap FILE` is used.
///
/// Supported line forms (as in gitmailmap(5)); `#` starts a comment:
/// ```
/// Proper Name <commit@email>
/// <proper@email> <commit@email>
/// Proper Name <proper@email> <commit@email>
/// Proper Name <proper@email> Commit Name <commit@email>
/// ```
/// Emails match case-insensitively; names match case-insensitively.
package struct Mailmap: Hashable, Sendable {
    package struct Entry: Hashable, Sendable {
        package var properName: String?
        package var properEmail: String?
        /// Only this commit name matches when set; otherwise any name with the email.
        package var commitName: String?
        package var commitEmail: String
        package var line: Int
    }

    package private(set) var entries: [Entry]
    private var byEmail: [String: [Int]]

    package init(entries: [Entry] = []) {
        self.entries = []
        self.byEmail = [:]
        for entry in entries { add(entry) }
    }

    private mutating func add(_ entry: Entry) {
        byEmail[entry.commitEmail.lowercased(), default: []].append(entries.count)
        entries.append(entry)
    }

    /// Parses mailmap text; `file` names it in errors.
    ///
    /// - Throws: ``CustodyError`` (`.configuration`) naming the file and line of a malformed entry.
    package init(parsing bytes: [UInt8], file: String) throws {
        self.init()
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(decoding: rawLine, as: UTF8.self)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            guard let entry = Self.parseLine(line, number: lineNumber) else {
                throw CustodyError(
                    .configuration,
                    "not a mailmap line (expected \"Proper Name <proper@email> <commit@email>\")",
                    location: "\(file):\(lineNumber)"
                )
            }
            add(entry)
        }
    }

    /// Loads a mailmap file given by the auditor.
    package static func load(path: String) throws -> Mailmap {
        try Mailmap(parsing: try RosterLoader.readFile(path), file: path)
    }

    /// The proper (name, email) for a raw identity, or nil when no entry matches.
    package func map(name: String, email: String) -> (name: String, email: String)? {
        guard let candidates = byEmail[email.lowercased()] else { return nil }
        let loweredName = name.lowercased()
        // An entry naming the commit name wins over one that matches any name (as git does).
        var match: Entry?
        for index in candidates {
            let entry = entries[index]
            if let commitName = entry.commitName {
                if commitName.lowercased() == loweredName {
                    match = entry
                    break
                }
            } else if match == nil {
                match = entry
            }
        }
        guard let match else { return nil }
        return (match.properName ?? name, match.properEmail ?? email)
    }

    private static func parseLine(_ line: Substring, number: Int) -> Entry? {
        // Split into (name, <email>) pairs: text before each '<', email up to '>'.
        var pairs: [(name: String?, email: String)] = []
        var rest = line[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let name = rest[..<open].trimmingSpaces
            let email = rest[rest.index(after: open)..<close].trimmingSpaces
            pairs.append((name.isEmpty ? nil : String(name), String(email)))
            rest = rest[rest.index(after: close)...]
        }
        guard rest.trimmingSpaces.isEmpty else { return nil }
        switch pairs.count {
        case 1:
            guard let name = pairs[0].name, !pairs[0].email.isEmpty else { return nil }
            return Entry(properName: name, properEmail: nil, commitName: nil, commitEmail: pairs[0].email, line: number)
        case 2:
            guard !pairs[1].email.isEmpty else { return nil }
            return Entry(
                properName: pairs[0].name,
                properEmail: pairs[0].email.isEmpty ? nil : pairs[0].email,
                commitName: pairs[1].name,
                commitEmail: pairs[1].email,
                line: number
            )
        default:
            return nil
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return s
    }
}
