/// Writes a roster as `roster.yaml` text that ``RosterLoader`` reads back to the same roster.
///
/// Every text value is double-quoted with YAML escapes, so control and invisible characters
/// stay visible in the file.
package enum RosterYAMLWriter {
    package static func render(_ roster: Roster, comment: String? = nil) -> String {
        var out = ""
        if let comment { out += "# " + TerminalText.neutralize(comment) + "\n" }
        out += "people:\n"
        for person in roster.people {
            out += "  - id: \(quote(person.id))\n"
            out += "    name: \(quote(person.name))\n"
            func list(_ key: String, _ values: [String]) {
                guard !values.isEmpty else { return }
                out += "    \(key): [" + values.map(quote).joined(separator: ", ") + "]\n"
            }
            func scalar(_ key: String, _ value: String?) {
                guard let value else { return }
                out += "    \(key): \(quote(value))\n"
            }
            list("emails", person.emails)
            list("aliases", person.aliases)
            list("keys", person.keys)
            list("citizenship", person.citizenship)
            if let usPerson = person.usPerson { out += "    usPerson: \(usPerson)\n" }
            scalar("clearance", person.clearance?.rawValue)
            scalar("investigationTier", person.investigationTier)
            scalar("employer", person.employer)
            scalar("location", person.location)
            list("roles", person.roles)
            var active: [String] = []
            if let from = person.activeFrom { active.append("from: \(quote(from))") }
            if let until = person.activeUntil { active.append("until: \(quote(until))") }
            if !active.isEmpty { out += "    active: { " + active.joined(separator: ", ") + " }\n" }
        }
        return out
    }

    /// A YAML double-quoted scalar.
    package static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if TerminalText.needsEscaping(scalar) {
                    out += scalar.value <= 0xFF ? "\\x" + hex(scalar.value, 2)
                        : scalar.value <= 0xFFFF ? "\\u" + hex(scalar.value, 4) : "\\U" + hex(scalar.value, 8)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, _ width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
