/// How a raw git identity was matched to a person on the roster.
package enum ResolutionMethod: String, Hashable, Sendable, Codable {
    case email
    case alias
    case key
    case mailmap
    case unknown
}

/// A raw identity seen in git and the person it resolved to, if any.
package struct ResolvedIdentity: Hashable, Sendable {
    package var name: String
    package var email: String
    /// Nil when the identity is not on the roster: reported as unknown, never guessed.
    package var person: Person?
    package var method: ResolutionMethod

    package init(name: String, email: String, person: Person?, method: ResolutionMethod) {
        self.name = name
        self.email = email
        self.person = person
        self.method = method
    }
}

/// Maps raw (name, email) pairs to roster people: by email (case-insensitive), then by alias.
///
/// The audited repository's own `.mailmap` is never read; an auditor-supplied mailmap may be
/// given explicitly.
package struct IdentityResolver: Sendable {
    package let roster: Roster
    private let byEmail: [String: Int]
    private let byAlias: [String: Int]

    package init(roster: Roster) {
        self.roster = roster
        var byEmail: [String: Int] = [:]
        var byAlias: [String: Int] = [:]
        for (index, person) in roster.people.enumerated() {
            for email in person.emails { byEmail[email.lowercased()] = byEmail[email.lowercased()] ?? index }
            for alias in person.aliases { byAlias[alias.lowercased()] = byAlias[alias.lowercased()] ?? index }
        }
        self.byEmail = byEmail
        self.byAlias = byAlias
    }

    /// Resolves one raw identity.
    package func resolve(name: String, email: String) -> ResolvedIdentity {
        let lowered = email.lowercased()
        if let index = byEmail[lowered] {
            return ResolvedIdentity(name: name, email: email, person: roster.people[index], method: .email)
        }
        if let index = byAlias[lowered] ?? byAlias[name.lowercased()] {
            return ResolvedIdentity(name: name, email: email, person: roster.people[index], method: .alias)
        }
        return ResolvedIdentity(name: name, email: email, person: nil, method: .unknown)
    }
}
