import Foundation
import Yams

/// Reads `roster.yaml` (DESIGN.md format) and validates it.
///
/// Every problem is named by file, line and field:
/// `roster.yaml:12: people[3].clearance: "secrt" is not one of none, confidential, secret, top-secret`.
///
/// ```swift
/// let roster = try RosterLoader.load(path: "roster.yaml")
/// ```
package enum RosterLoader {
    /// The largest roster file read (bounded parsing).
    package static let maximumFileSize = 64 << 20

    /// YAML keys of a person and the canonical field they fill (`active` is a nested mapping).
    private static let yamlKeys: [String: String] = {
        var keys: [String: String] = [:]
        for name in RosterValidator.fieldNames where name != "activeFrom" && name != "activeUntil" {
            keys[name] = name
        }
        return keys
    }()

    /// Loads and validates a roster file.
    ///
    /// - Throws: ``RosterValidationError`` listing every issue, or ``CustodyError`` (`.io`)
    ///   when the file cannot be read.
    package static func load(path: String) throws -> Roster {
        let bytes = try readFile(path)
        return try parse(bytes, file: path)
    }

    /// Parses and validates roster YAML text; `file` names it in messages.
    package static func parse(_ bytes: [UInt8], file: String) throws -> Roster {
        let (roster, issues) = check(bytes, file: file)
        guard issues.isEmpty, let roster else { throw RosterValidationError(issues: issues) }
        return roster
    }

    /// Parses and validates roster YAML text; returns the roster (nil when unreadable) and every
    /// issue found.
    package static func check(_ bytes: [UInt8], file: String) -> (roster: Roster?, issues: [RosterIssue]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (nil, [RosterIssue(file: file, line: 0, field: "", message: "is not valid UTF-8")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return (nil, [yamlIssue(error, file: file)])
        } catch {
            return (nil, [RosterIssue(file: file, line: 0, field: "", message: "is not valid YAML")])
        }
        guard let root, case .mapping(let top) = root else {
            return (nil, [RosterIssue(file: file, line: 1, field: "", message: "must be a mapping with a 'people' list")])
        }
        var issues: [RosterIssue] = []
        var peopleNode: Node?
        for (key, value) in top {
            let name = key.string ?? ""
            if name == "people" {
                peopleNode = value
            } else {
                issues.append(
                    RosterIssue(file: file, line: line(key), field: name, message: "is not a roster field (expected 'people')")
                )
            }
        }
        guard let peopleNode else {
            issues.append(RosterIssue(file: file, line: line(root), field: "people", message: "is required"))
            return (nil, issues)
        }
        var raw: [RawRosterPerson] = []
        if case .sequence(let sequence) = peopleNode {
            for (index, node) in sequence.enumerated() {
                raw.append(person(node, index: index, file: file, issues: &issues))
            }
        } else if peopleNode.null == nil {
            issues.append(RosterIssue(file: file, line: line(peopleNode), field: "people", message: "must be a list"))
        }
        let (roster, validationIssues) = RosterValidator(file: file).validate(raw)
        issues += validationIssues
        issues.sort { ($0.line, $0.field) < ($1.line, $1.field) }
        return (roster, issues)
    }

    private static func person(_ node: Node, index: Int, file: String, issues: inout [RosterIssue]) -> RawRosterPerson {
        let label = "people[\(index)]"
        var raw = RawRosterPerson(line: line(node), label: label)
        guard case .mapping(let mapping) = node else {
            issues.append(RosterIssue(file: file, line: line(node), field: label, message: "must be a mapping"))
            return raw
        }
        for (key, value) in mapping {
            let name = key.string ?? ""
            if name == "active" {
                active(value, label: label, file: file, into: &raw, issues: &issues)
            } else if let canonical = yamlKeys[name] {
                raw.fields[canonical] = field(value, label: "\(label).\(name)", file: file, issues: &issues)
            } else {
                issues.append(
                    RosterIssue(
                        file: file,
                        line: line(key),
                        field: "\(label).\(TerminalText.neutralize(name))",
                        message: "is not a roster field (expected one of "
                            + (yamlKeys.keys.sorted() + ["active"]).joined(separator: ", ") + ")"
                    )
                )
            }
        }
        return raw
    }

    private static func active(
        _ node: Node,
        label: String,
        file: String,
        into raw: inout RawRosterPerson,
        issues: inout [RosterIssue]
    ) {
        guard case .mapping(let mapping) = node else {
            issues.append(
                RosterIssue(file: file, line: line(node), field: "\(label).active", message: "must be { from: …, until: … }")
            )
            return
        }
        for (key, value) in mapping {
            let name = key.string ?? ""
            let fieldLabel = "\(label).active.\(TerminalText.neutralize(name))"
            switch name {
            case "from": raw.fields["activeFrom"] = field(value, label: fieldLabel, file: file, issues: &issues)
            case "until": raw.fields["activeUntil"] = field(value, label: fieldLabel, file: file, issues: &issues)
            default:
                issues.append(
                    RosterIssue(file: file, line: line(key), field: fieldLabel, message: "is not 'from' or 'until'")
                )
            }
        }
    }

    private static func field(_ node: Node, label: String, file: String, issues: inout [RosterIssue]) -> RawRosterField {
        let at = line(node)
        switch node {
        case .scalar(let scalar):
            if node.null != nil, scalar.style == .plain { return RawRosterField(value: .empty, line: at, label: label) }
            if scalar.style == .plain, let bool = node.bool, ["true", "false"].contains(scalar.string.lowercased()) {
                return RawRosterField(value: .bool(bool), line: at, label: label)
            }
            return RawRosterField(value: .string(scalar.string), line: at, label: label)
        case .sequence(let sequence):
            var values: [String] = []
            for item in sequence {
                if case .scalar(let scalar) = item {
                    values.append(scalar.string)
                } else {
                    issues.append(RosterIssue(file: file, line: line(item), field: label, message: "list items must be text"))
                }
            }
            return RawRosterField(value: .list(values), line: at, label: label)
        case .mapping, .alias:
            issues.append(RosterIssue(file: file, line: at, field: label, message: "must be text or a list of text"))
            return RawRosterField(value: .empty, line: at, label: label)
        }
    }

    private static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    private static func yamlIssue(_ error: YamlError, file: String) -> RosterIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return RosterIssue(file: file, line: mark.line, field: "", message: "is not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { TerminalText.neutralize($0) }.joined(separator: ", ")
            return RosterIssue(file: file, line: context.mark.line, field: "", message: "key listed twice: \(keys)")
        default:
            return RosterIssue(file: file, line: 0, field: "", message: "is not valid YAML")
        }
    }

    /// Reads a whole file, bounded by ``maximumFileSize``.
    package static func readFile(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CustodyError(.configuration, "cannot read \(TerminalText.neutralize(path))")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumFileSize + 1)) ?? Data()
        guard data.count <= maximumFileSize else {
            throw CustodyError(.configuration, "\(TerminalText.neutralize(path)) is larger than \(maximumFileSize >> 20) MiB")
        }
        return Array(data)
    }
}
