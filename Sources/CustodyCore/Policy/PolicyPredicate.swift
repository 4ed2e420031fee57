/// A test over a roster person, written in `policy.yaml` under `who:` or `reviewer:`.
///
/// Attribute tests (`citizenship`, `usPerson`, `clearance`, `employer`, `location`, `roles`) are
/// false for an identity that is not on the roster and for an attribute the roster does not
/// record; `unknown` is true only for identities not on the roster. `not` inverts, so
/// `not: { usPerson: true }` also selects unknown identities and people whose status is not
/// recorded. Values come only from the roster, never from names or time zones.
package indirect enum PolicyPredicate: Hashable, Sendable {
    /// Everyone, on the roster or not.
    case everyone
    /// Identities not on the roster.
    case unknown
    case citizenshipAnyOf([String])
    case citizenshipNoneOf([String])
    case usPerson(Bool)
    case clearanceAtLeast(Clearance)
    case employerAnyOf([String])
    case locationAnyOf([String])
    case rolesHas([String])
    case all([PolicyPredicate])
    case any([PolicyPredicate])
    case not(PolicyPredicate)

    /// Whether the person (nil for an identity not on the roster) satisfies the predicate.
    package func matches(_ person: Person?) -> Bool {
        switch self {
        case .everyone:
            return true
        case .unknown:
            return person == nil
        case .citizenshipAnyOf(let codes):
            guard let person, !person.citizenship.isEmpty else { return false }
            return person.citizenship.contains { code in codes.contains { $0.caseInsensitiveEquals(code) } }
        case .citizenshipNoneOf(let codes):
            guard let person, !person.citizenship.isEmpty else { return false }
            return !person.citizenship.contains { code in codes.contains { $0.caseInsensitiveEquals(code) } }
        case .usPerson(let expected):
            guard let value = person?.usPerson else { return false }
            return value == expected
        case .clearanceAtLeast(let level):
            guard let value = person?.clearance else { return false }
            return value >= level
        case .employerAnyOf(let names):
            guard let value = person?.employer else { return false }
            return names.contains { $0.caseInsensitiveEquals(value) }
        case .locationAnyOf(let names):
            guard let value = person?.location else { return false }
            return names.contains { $0.caseInsensitiveEquals(value) }
        case .rolesHas(let roles):
            guard let person else { return false }
            return roles.allSatisfy { role in person.roles.contains { $0.caseInsensitiveEquals(role) } }
        case .all(let parts):
            return parts.allSatisfy { $0.matches(person) }
        case .any(let parts):
            return parts.contains { $0.matches(person) }
        case .not(let inner):
            return !inner.matches(person)
        }
    }

    /// The predicate in plain words, for violation text ("a US person with clearance secret or higher").
    package var plainDescription: String {
        switch self {
        case .everyone: return "anyone"
        case .unknown: return "someone not on the roster"
        case .citizenshipAnyOf(let codes): return "a citizen of \(codes.joined(separator: " or "))"
        case .citizenshipNoneOf(let codes): return "someone who is not a citizen of \(codes.joined(separator: ", "))"
        case .usPerson(let value): return value ? "a US person" : "someone who is not a US person"
        case .clearanceAtLeast(let level): return "someone cleared \(level.rawValue) or higher"
        case .employerAnyOf(let names): return "an employee of \(names.joined(separator: " or "))"
        case .locationAnyOf(let names): return "someone located in \(names.joined(separator: " or "))"
        case .rolesHas(let roles): return "someone with the role \(roles.joined(separator: " and "))"
        case .all(let parts): return parts.map(\.plainDescription).joined(separator: ", and ")
        case .any(let parts): return parts.map(\.plainDescription).joined(separator: ", or ")
        case .not(let inner): return "not (\(inner.plainDescription))"
        }
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.lowercased() == other.lowercased()
    }
}
