import CustodyCore
import Foundation
import Yams

/// A small roster reader for the gateway: the `people:` list of roster.yaml (DESIGN.md, "File
/// formats") into ``Roster``.
///
/// Kept here so the gateway can start before the audit module's roster loader is merged; it reads
/// the same fields and rejects entries without an id.
package enum RosterFile {
    /// Reads and parses a roster file.
    ///
    /// - Throws: ``CustodyError`` with code `configuration` for a missing or malformed file.
    package static func load(path: String) throws -> Roster {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CustodyError(.configuration, "cannot read roster", location: path)
        }
        guard data.count <= 16 * 1024 * 1024 else { throw CustodyError(.configuration, "roster is too large", location: path) }
        return try parse(yaml: String(decoding: data, as: UTF8.self), source: path)
    }

    /// Parses roster YAML text.
    package static func parse(yaml text: String, source: String = "roster") throws -> Roster {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw CustodyError(.configuration, "not valid YAML", location: source)
        }
        guard let map = loaded as? [String: Any], let list = map["people"] as? [Any] else {
            throw CustodyError(.configuration, "expected a 'people:' list", location: source)
        }
        var people: [Person] = []
        var seen: Set<String> = []
        for (index, item) in list.enumerated() {
            let field = "\(source): people[\(index)]"
            guard let entry = item as? [String: Any] else { throw CustodyError(.configuration, "expected a map", location: field) }
            guard let id = entry["id"].map({ "\($0)" }), !id.isEmpty else {
                throw CustodyError(.configuration, "missing id", location: field)
            }
            guard seen.insert(id).inserted else { throw CustodyError(.configuration, "duplicate id '\(id)'", location: field) }
            var clearance: Clearance?
            if let raw = entry["clearance"] {
                guard let level = Clearance(rawValue: "\(raw)") else {
                    throw CustodyError(.configuration, "unknown clearance '\(raw)'", location: "\(field).clearance")
                }
                clearance = level
            }
            let active = entry["active"] as? [String: Any]
            people.append(
                Person(
                    id: id,
                    name: (entry["name"] as? String) ?? id,
                    emails: strings(entry["emails"]),
                    aliases: strings(entry["aliases"]),
                    keys: strings(entry["keys"]),
                    citizenship: strings(entry["citizenship"]).map { $0.uppercased() },
                    usPerson: entry["usPerson"] as? Bool,
                    clearance: clearance,
                    investigationTier: entry["investigationTier"].map { "\($0)" },
                    employer: entry["employer"] as? String,
                    location: entry["location"] as? String,
                    roles: strings(entry["roles"]),
                    activeFrom: active?["from"].map { "\($0)" },
                    activeUntil: active?["until"].map { "\($0)" }
                )
            )
        }
        return Roster(people: people)
    }

    private static func strings(_ value: Any?) -> [String] {
        if let list = value as? [Any] { return list.map { "\($0)" } }
        if let single = value as? String { return [single] }
        return []
    }
}
