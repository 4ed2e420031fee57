/// A security clearance level, ordered from `none` to `topSecret`.
package enum Clearance: String, CaseIterable, Comparable, Hashable, Sendable, Codable {
    case none
    case confidential
    case secret
    case topSecret = "top-secret"

    private var rank: Int { Clearance.allCases.firstIndex(of: self) ?? 0 }

    package static func < (lhs: Clearance, rhs: Clearance) -> Bool { lhs.rank < rhs.rank }
}

/// A person on the organization's roster. Citizenship, clearance, employer and vetting come
/// only from here, never inferred from names, languages or time zones.
package struct Person: Hashable, Sendable, Codable {
    package var id: String
    package var name: String
    package var emails: [String]
    /// Other names or emails this person commits under.
    package var aliases: [String]
    /// OpenSSH public key lines ("ssh-ed25519 AAAA… comment"): commit signing and gateway login.
    package var keys: [String]
    /// ISO 3166 alpha-2 codes.
    package var citizenship: [String]
    package var usPerson: Bool?
    package var clearance: Clearance?
    package var investigationTier: String?
    package var employer: String?
    package var location: String?
    package var roles: [String]
    /// Active dates as `YYYY-MM-DD` strings.
    package var activeFrom: String?
    package var activeUntil: String?

    package init(
        id: String,
        name: String,
        emails: [String] = [],
        aliases: [String] = [],
        keys: [String] = [],
        citizenship: [String] = [],
        usPerson: Bool? = nil,
        clearance: Clearance? = nil,
        investigationTier: String? = nil,
        employer: String? = nil,
        location: String? = nil,
        roles: [String] = [],
        activeFrom: String? = nil,
        activeUntil: String? = nil
    ) {
        self.id = id
        self.name = name
        self.emails = emails
        self.aliases = aliases
        self.keys = keys
        self.citizenship = citizenship
        self.usPerson = usPerson
        self.clearance = clearance
        self.investigationTier = investigationTier
        self.employer = employer
        self.location = location
        self.roles = roles
        self.activeFrom = activeFrom
        self.activeUntil = activeUntil
    }
}

/// The organization's roster: the people it vouches for.
package struct Roster: Hashable, Sendable, Codable {
    package var people: [Person]

    package init(people: [Person] = []) {
        self.people = people
    }

    package func person(id: String) -> Person? {
        people.first { $0.id == id }
    }
}
