import CustodyCore

/// A small predicate over roster attributes, used by the escort policy to say who needs an escort
/// and who may escort.
///
/// This is a minimal evaluator kept inside CustodyEscort until the policy module's predicate
/// language is merged; it covers `usPerson`, `roles: {has}`, `clearance: {atLeast}`,
/// `citizenship: {anyOf | noneOf}`, `employer`, `all`, `any`, `not`, `everyone` and `nobody`.
/// Several keys in one YAML map must all hold.
package indirect enum PersonPredicate: Hashable, Sendable {
    case everyone
    case nobody
    case usPerson(Bool)
    case hasRole(String)
    case clearanceAtLeast(Clearance)
    case citizenshipAnyOf([String])
    case citizenshipNoneOf([String])
    case employer(String)
    case all([PersonPredicate])
    case any([PersonPredicate])
    case not(PersonPredicate)

    /// Whether `person` satisfies the predicate. Missing roster attributes never satisfy a
    /// positive test (an unknown clearance is below every level; unknown US-person status is not
    /// a US person).
    package func matches(_ person: Person) -> Bool {
        switch self {
        case .everyone: true
        case .nobody: false
        case .usPerson(let wanted): person.usPerson == wanted
        case .hasRole(let role): person.roles.contains(role)
        case .clearanceAtLeast(let level): person.clearance.map { $0 >= level } ?? false
        case .citizenshipAnyOf(let codes): person.citizenship.contains { codes.contains($0.uppercased()) }
        case .citizenshipNoneOf(let codes):
            !person.citizenship.isEmpty && !person.citizenship.contains { codes.contains($0.uppercased()) }
        case .employer(let name): person.employer == name
        case .all(let parts): parts.allSatisfy { $0.matches(person) }
        case .any(let parts): parts.contains { $0.matches(person) }
        case .not(let inner): !inner.matches(person)
        }
    }

    /// Builds a predicate from a decoded YAML value (`[String: Any]`, `String` or `[Any]`).
    ///
    /// - Throws: ``CustodyError`` with code `configuration` naming the field that is wrong.
    package static func parse(_ value: Any, field: String) throws -> PersonPredicate {
        if let word = value as? String {
            switch word {
            case "everyone", "all", "any": return .everyone
            case "nobody", "none": return .nobody
            default: throw CustodyError(.configuration, "unknown predicate '\(word)'", location: field)
            }
        }
        if let list = value as? [Any] {
            return .all(try list.enumerated().map { try parse($1, field: "\(field)[\($0)]") })
        }
        guard let map = value as? [String: Any] else {
            throw CustodyError(.configuration, "a predicate must be a map", location: field)
        }
        var parts: [PersonPredicate] = []
        for key in map.keys.sorted() {
            let item = map[key]!
            let where_ = "\(field).\(key)"
            switch key {
            case "usPerson":
                guard let flag = item as? Bool else { throw CustodyError(.configuration, "must be true or false", location: where_) }
                parts.append(.usPerson(flag))
            case "roles":
                let sub = try submap(item, where_)
                guard let role = sub["has"] as? String else { throw CustodyError(.configuration, "expected { has: ROLE }", location: where_) }
                parts.append(.hasRole(role))
            case "clearance":
                let sub = try submap(item, where_)
                guard let raw = sub["atLeast"] as? String, let level = Clearance(rawValue: raw) else {
                    throw CustodyError(.configuration, "expected { atLeast: none|confidential|secret|top-secret }", location: where_)
                }
                parts.append(.clearanceAtLeast(level))
            case "citizenship":
                let sub = try submap(item, where_)
                if let codes = sub["anyOf"] as? [Any] {
                    parts.append(.citizenshipAnyOf(codes.map { "\($0)".uppercased() }))
                } else if let codes = sub["noneOf"] as? [Any] {
                    parts.append(.citizenshipNoneOf(codes.map { "\($0)".uppercased() }))
                } else {
                    throw CustodyError(.configuration, "expected { anyOf: [..] } or { noneOf: [..] }", location: where_)
                }
            case "employer":
                guard let name = item as? String else { throw CustodyError(.configuration, "must be a string", location: where_) }
                parts.append(.employer(name))
            case "all", "any":
                guard let list = item as? [Any] else { throw CustodyError(.configuration, "must be a list", location: where_) }
                let inner = try list.enumerated().map { try parse($1, field: "\(where_)[\($0)]") }
                parts.append(key == "all" ? .all(inner) : .any(inner))
            case "not":
                parts.append(.not(try parse(item, field: where_)))
            default:
                throw CustodyError(.configuration, "unknown predicate key '\(key)'", location: where_)
            }
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private static func submap(_ value: Any, _ field: String) throws -> [String: Any] {
        guard let map = value as? [String: Any] else { throw CustodyError(.configuration, "must be a map", location: field) }
        return map
    }
}
