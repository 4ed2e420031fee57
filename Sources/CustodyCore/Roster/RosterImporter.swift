/// Imports an HR export (`custody roster import FILE.csv`) into a roster.
///
/// The CSV has a header row with the roster's fields as columns (any order, case and `_`/`-`/space
/// ignored): `id, name, emails, aliases, keys, citizenship, usPerson, clearance, investigationTier,
/// employer, location, roles, activeFrom, activeUntil`. List fields hold several values separated
/// by `;`. Every error names the line and column.
///
/// ```swift
/// let roster = try RosterImporter.importCSV(bytes, file: "hr.csv")
/// let yaml = RosterYAMLWriter.render(roster)
/// ```
package enum RosterImporter {
    /// Parses and validates CSV; returns the roster and every issue.
    package static func check(_ bytes: [UInt8], file: String) -> (roster: Roster?, issues: [RosterIssue]) {
        let records: [CSVParser.Record]
        do {
            records = try CSVParser.parse(bytes)
        } catch {
            return (nil, [RosterIssue(file: file, line: error.line, column: error.column, field: "", message: error.message)])
        }
        guard let header = records.first else {
            return (nil, [RosterIssue(file: file, line: 1, field: "", message: "is empty (expected a header row)")])
        }
        var issues: [RosterIssue] = []
        var columns: [String?] = []
        var seen: Set<String> = []
        let known = Dictionary(uniqueKeysWithValues: RosterValidator.fieldNames.map { (normalize($0), $0) })
        for field in header.fields {
            let name = known[normalize(field.text)]
            if let name, seen.contains(name) {
                issues.append(
                    RosterIssue(file: file, line: field.line, column: field.column, field: name, message: "column listed twice")
                )
                columns.append(nil)
            } else if let name {
                seen.insert(name)
                columns.append(name)
            } else {
                issues.append(
                    RosterIssue(
                        file: file,
                        line: field.line,
                        column: field.column,
                        field: "column \(field.number)",
                        message: "\"\(TerminalText.neutralize(field.text))\" is not a roster field (expected one of "
                            + RosterValidator.fieldNames.joined(separator: ", ") + ")"
                    )
                )
                columns.append(nil)
            }
        }
        for required in ["id", "name"] where !seen.contains(required) {
            issues.append(RosterIssue(file: file, line: header.line, field: required, message: "column is required"))
        }
        guard issues.isEmpty else { return (nil, issues) }

        var raw: [RawRosterPerson] = []
        for record in records.dropFirst() {
            if record.fields.count != columns.count {
                let last = record.fields.last
                issues.append(
                    RosterIssue(
                        file: file,
                        line: record.line,
                        column: last?.column,
                        field: "",
                        message: "has \(record.fields.count) fields but the header has \(columns.count)"
                    )
                )
                continue
            }
            var person = RawRosterPerson(line: record.line, label: "row \(raw.count + 1)")
            for (field, name) in zip(record.fields, columns) {
                guard let name else { continue }
                let label = "\(name) (column \(field.number))"
                let value: RawRosterField.Value
                if field.text.trimmedASCIIWhitespace.isEmpty {
                    value = .empty
                } else if RosterValidator.listFields.contains(name) {
                    value = .list(field.text.split(separator: ";").map { String($0) })
                } else {
                    value = .string(field.text)
                }
                person.fields[name] = RawRosterField(value: value, line: field.line, column: field.column, label: label)
            }
            raw.append(person)
        }
        let (roster, validation) = RosterValidator(file: file).validate(raw)
        issues += validation
        issues.sort { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }
        return (roster, issues)
    }

    /// Parses and validates CSV.
    ///
    /// - Throws: ``RosterValidationError`` listing every issue.
    package static func importCSV(_ bytes: [UInt8], file: String) throws -> Roster {
        let (roster, issues) = check(bytes, file: file)
        guard issues.isEmpty, let roster else { throw RosterValidationError(issues: issues) }
        return roster
    }

    private static func normalize(_ name: String) -> String {
        String(name.trimmedASCIIWhitespace.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
    }
}
