/// One problem in a roster file, named by file, line and field.
///
/// `description` reads like a compiler diagnostic:
/// `roster.yaml:12: people[3].clearance: "secrt" is not one of none, confidential, secret, top-secret`.
package struct RosterIssue: Hashable, Sendable, CustomStringConvertible {
    /// The file as the user named it.
    package var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    package var line: Int
    /// 1-based column for CSV input, nil for YAML.
    package var column: Int?
    /// The field, such as `people[3].clearance` or `clearance (column 8)`.
    package var field: String
    package var message: String

    package init(file: String, line: Int, column: Int? = nil, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line` or `file:line:column`.
    package var location: String {
        var out = file
        if line > 0 { out += ":\(line)" }
        if let column { out += ":\(column)" }
        return out
    }

    package var description: String {
        field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }

    /// The issue as the core's one error type (a configuration error, exit code 2).
    package var error: CustodyError {
        CustodyError(.configuration, field.isEmpty ? message : "\(field): \(message)", location: location)
    }
}

/// A roster with everything wrong in it: thrown by ``RosterLoader`` when validation fails.
package struct RosterValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    package var issues: [RosterIssue]

    package init(issues: [RosterIssue]) {
        self.issues = issues
    }

    /// The first issue, one line; ``issues`` has them all.
    package var description: String {
        guard let first = issues.first else { return "roster is invalid" }
        if issues.count == 1 { return first.description }
        return "\(first.description) (and \(issues.count - 1) more)"
    }

    /// The first issue as a configuration error (exit code 2).
    package var error: CustodyError {
        issues.first?.error ?? CustodyError(.configuration, "roster is invalid")
    }
}
