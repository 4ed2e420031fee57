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

/// Maps raw (name, email) pairs to roster people: by email (case-insensitive), then by alias,
/// then through an auditor-supplied mailmap; and signing keys to people.
///
/// The audited repository's own `.mailmap` is never read; an auditor-supplied mailmap may be
/// given explicitly. Nothing is guessed: an identity that matches no rule is `unknown`.
///
/// ```swift
/// let resolver = IdentityResolver(roster: roster, mailmap: try Mailmap.load(path: "people.mailmap"))
/// let who = resolver.resolve(name: "J. Doe", email: "JANE@Vendor.example")   // .email → jdoe
/// ```
package struct IdentityResolver: Sendable {
    package let roster: Roster
    package let mailmap: Mailmap?
    private let byEmail: [String: Int]
    private let byAlias: [String: Int]
    private let byKey: [SSHPublicKey: Int]
    private let byFingerprint: [String: Int]

    package init(roster: Roster, mailmap: Mailmap? = nil) {
        self.roster = roster
        self.mailmap = mailmap
        var byEmail: [String: Int] = [:]
        var byAlias: [String: Int] = [:]
        var byKey: [SSHPublicKey: Int] = [:]
        var byFingerprint: [String: Int] = [:]
        for (index, person) in roster.people.enumerated() {
            for email in person.emails { byEmail[email.lowercased()] = byEmail[email.lowercased()] ?? index }
            for alias in person.aliases { byAlias[alias.lowercased()] = byAlias[alias.lowercased()] ?? index }
            for line in person.keys {
                guard let key = SSHPublicKey(line: line) else { continue }
                byKey[key] = byKey[key] ?? index
                byFingerprint[key.fingerprint] = byFingerprint[key.fingerprint] ?? index
            }
        }
        self.byEmail = byEmail
        self.byAlias = byAlias
        self.byKey = byKey
        self.byFingerprint = byFingerprint
    }

    /// Resolves one raw identity: roster email, then roster alias (email or name), then the
    /// auditor's mailmap followed by the same two rules; otherwise unknown.
    package func resolve(name: String, email: String) -> ResolvedIdentity {
        if let (index, method) = match(name: name, email: email) {
            return ResolvedIdentity(name: name, email: email, person: roster.people[index], method: method)
        }
        if let mailmap, let mapped = mailmap.map(name: name, email: email),
            let (index, _) = match(name: mapped.name, email: mapped.email)
        {
            return ResolvedIdentity(name: name, email: email, person: roster.people[index], method: .mailmap)
        }
        return ResolvedIdentity(name: name, email: email, person: nil, method: .unknown)
    }

    /// The person whose roster key matches `key`: an OpenSSH public key line (comment ignored)
    /// or a `SHA256:…` fingerprint as `ssh-keygen -l` and git print it. Nil when none does.
    ///
    /// This is the hook signature verification uses to name the signer.
    package func person(forKey key: String) -> Person? {
        if key.hasPrefix("SHA256:") {
            return byFingerprint[key].map { roster.people[$0] }
        }
        guard let parsed = SSHPublicKey(line: key) else { return nil }
        return byKey[parsed].map { roster.people[$0] }
    }

    /// Resolves a signing key to an identity with method `.key` (or unknown).
    package func resolve(key: String, name: String = "", email: String = "") -> ResolvedIdentity {
        let person = person(forKey: key)
        return ResolvedIdentity(name: name, email: email, person: person, method: person == nil ? .unknown : .key)
    }

    private func match(name: String, email: String) -> (Int, ResolutionMethod)? {
        let lowered = email.lowercased()
        if let index = byEmail[lowered] { return (index, .email) }
        if let index = byAlias[lowered] ?? byAlias[name.lowercased()] { return (index, .alias) }
        return nil
    }
}
