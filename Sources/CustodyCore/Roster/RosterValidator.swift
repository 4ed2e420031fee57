/// One field of a person as read from YAML or CSV, before validation, with where it was.
package struct RawRosterField: Sendable {
    package enum Value: Sendable {
        case string(String)
        case list([String])
        case bool(Bool)
        /// Present but empty or `null`.
        case empty
    }

    package var value: Value
    package var line: Int
    package var column: Int?
    /// The field's name as shown in messages (`people[3].clearance`, `clearance (column 8)`).
    package var label: String

    package init(value: Value, line: Int, column: Int? = nil, label: String) {
        self.value = value
        self.line = line
        self.column = column
        self.label = label
    }
}

/// One person as read from YAML or CSV: canonical field name → raw field.
package struct RawRosterPerson: Sendable {
    package var line: Int
    package var label: String
    package var fields: [String: RawRosterField]

    package init(line: Int, label: String, fields: [String: RawRosterField] = [:]) {
        self.line = line
        self.label = label
        self.fields = fields
    }
}

/// Turns raw people into a ``Roster`` and lists everything wrong with them.
///
/// Checks: required `id` and `name`; unique ids and emails (emails case-insensitively);
/// citizenship as ISO 3166 alpha-2 shape (two uppercase letters); a known clearance; dates as
/// valid `YYYY-MM-DD`; keys that look like OpenSSH public key lines; booleans for `usPerson`.
package struct RosterValidator: Sendable {
    /// Canonical field names, in roster order. CSV headers and YAML keys use these.
    package static let fieldNames = [
        "id", "name", "emails", "aliases", "keys", "citizenship", "usPerson", "clearance",
        "investigationTier", "employer", "location", "roles", "activeFrom", "activeUntil",
    ]

    package static let listFields: Set<String> = ["emails", "aliases", "keys", "citizenship", "roles"]

    package var file: String

    package init(file: String) {
        self.file = file
    }

    /// Validates `raw` and returns the roster and the issues found (the roster is only
    /// trustworthy when `issues` is empty).
    package func validate(_ raw: [RawRosterPerson]) -> (roster: Roster, issues: [RosterIssue]) {
        var issues: [RosterIssue] = []
        var people: [Person] = []
        var ids: [String: Int] = [:]
        var emails: [String: (id: String, line: Int)] = [:]

        func issue(_ field: RawRosterField, _ message: String) {
            issues.append(
                RosterIssue(file: file, line: field.line, column: field.column, field: field.label, message: message)
            )
        }

        for person in raw {
            func string(_ name: String, required: Bool = false) -> String? {
                guard let field = person.fields[name] else {
                    if required {
                        issues.append(
                            RosterIssue(
                                file: file,
                                line: person.line,
                                field: "\(person.label).\(name)",
                                message: "is required"
                            )
                        )
                    }
                    return nil
                }
                switch field.value {
                case .string(let value):
                    let trimmed = value.trimmedASCIIWhitespace
                    if trimmed.isEmpty, required { issue(field, "must not be empty") }
                    return trimmed.isEmpty ? nil : trimmed
                case .empty:
                    if required { issue(field, "must not be empty") }
                    return nil
                case .bool(let value):
                    return value ? "true" : "false"
                case .list:
                    issue(field, "must be a single value, not a list")
                    return nil
                }
            }

            func list(_ name: String) -> [String] {
                guard let field = person.fields[name] else { return [] }
                switch field.value {
                case .list(let values): return values.map(\.trimmedASCIIWhitespace).filter { !$0.isEmpty }
                case .string(let value):
                    let trimmed = value.trimmedASCIIWhitespace
                    return trimmed.isEmpty ? [] : [trimmed]
                case .empty: return []
                case .bool:
                    issue(field, "must be a list of text values")
                    return []
                }
            }

            let id = string("id", required: true) ?? ""
            let name = string("name", required: true) ?? ""
            if let field = person.fields["id"], !id.isEmpty {
                if !id.utf8.allSatisfy(Self.isIDByte) {
                    issue(field, "\(quoted(id)) may only contain letters, digits, '.', '_' and '-'")
                } else if let first = ids[id] {
                    issue(field, "\(quoted(id)) is already used on line \(first)")
                } else {
                    ids[id] = field.line
                }
            }

            let emailList = list("emails")
            if let field = person.fields["emails"] {
                for email in emailList {
                    if !Self.looksLikeEmail(email) {
                        issue(field, "\(quoted(email)) is not an email address")
                        continue
                    }
                    let key = email.lowercased()
                    if let first = emails[key] {
                        issue(field, "\(quoted(email)) is already listed for \(quoted(first.id)) on line \(first.line)")
                    } else {
                        emails[key] = (id, field.line)
                    }
                }
            }

            let citizenship = list("citizenship")
            if let field = person.fields["citizenship"] {
                for code in citizenship where !Self.isAlpha2(code) {
                    issue(field, "\(quoted(code)) is not an ISO 3166 alpha-2 country code (two capital letters, e.g. US)")
                }
            }

            var usPerson: Bool?
            if let field = person.fields["usPerson"] {
                switch field.value {
                case .bool(let value): usPerson = value
                case .empty: usPerson = nil
                case .string(let value):
                    switch value.trimmedASCIIWhitespace.lowercased() {
                    case "true", "yes", "y", "1": usPerson = true
                    case "false", "no", "n", "0": usPerson = false
                    case "": usPerson = nil
                    default: issue(field, "\(quoted(value)) is not true or false")
                    }
                case .list: issue(field, "must be true or false, not a list")
                }
            }

            var clearance: Clearance?
            if let value = string("clearance"), let field = person.fields["clearance"] {
                if let level = Clearance(rawValue: value) {
                    clearance = level
                } else {
                    let known = Clearance.allCases.map(\.rawValue).joined(separator: ", ")
                    issue(field, "\(quoted(value)) is not one of \(known)")
                }
            }

            let keys = list("keys")
            if let field = person.fields["keys"] {
                for key in keys where !GPGVerifier.isOpenPGPEntry(key) {  // OpenPGP: armored block or openpgp4fpr:
                    if let reason = SSHPublicKey.problem(with: key) {
                        issue(field, "\(quoted(String(key.prefix(40)))) is not an OpenSSH public key line: \(reason)")
                    }
                }
            }

            let roles = list("roles")
            if let field = person.fields["roles"] {
                for role in roles where !role.utf8.allSatisfy(Self.isRoleByte) {
                    issue(field, "\(quoted(role)) is not a role name (lowercase letters and '-')")
                }
            }

            let activeFrom = string("activeFrom")
            let activeUntil = string("activeUntil")
            for (value, fieldName) in [(activeFrom, "activeFrom"), (activeUntil, "activeUntil")] {
                if let value, let field = person.fields[fieldName], !Self.isDate(value) {
                    issue(field, "\(quoted(value)) is not a date in the form YYYY-MM-DD")
                }
            }
            if let from = activeFrom, let until = activeUntil, Self.isDate(from), Self.isDate(until), until < from,
                let field = person.fields["activeUntil"]
            {
                issue(field, "\(quoted(until)) is before the start date \(quoted(from))")
            }

            people.append(
                Person(
                    id: id,
                    name: name,
                    emails: emailList,
                    aliases: list("aliases"),
                    keys: keys,
                    citizenship: citizenship,
                    usPerson: usPerson,
                    clearance: clearance,
                    investigationTier: string("investigationTier"),
                    employer: string("employer"),
                    location: string("location"),
                    roles: roles,
                    activeFrom: activeFrom,
                    activeUntil: activeUntil
                )
            )
        }
        return (Roster(people: people), issues)
    }

    private func quoted(_ text: String) -> String {
        "\"" + TerminalText.neutralize(text) + "\""
    }

    private static func isIDByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    private static func isRoleByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || b == UInt8(ascii: "-")
    }

    /// One `@` with text on both sides and no spaces or angle brackets.
    package static func looksLikeEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { return false }
        return !bytes.contains { $0 <= 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 0x7F }
            && bytes.lastIndex(of: UInt8(ascii: "@")) == at
    }

    /// Two capital ASCII letters.
    package static func isAlpha2(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 2 && bytes.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    /// A real calendar date written `YYYY-MM-DD`.
    package static func isDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs and line breaks.
    var trimmedASCIIWhitespace: String {
        let scalars = unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
