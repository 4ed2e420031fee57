import CustodyCore
import Testing

@Suite struct IdentityResolverTests {
    static let roster = Roster(people: [
        Person(
            id: "jdoe",
            name: "Jane Doe",
            emails: ["Jane.Doe@Vendor.example"],
            aliases: ["jd-laptop@localhost", "J. Doe"],
            keys: [RosterLoaderTests.aliceKey]
        ),
        Person(id: "bob", name: "Bob", emails: ["bob@vendor.example"]),
    ])

    @Test func emailIsCaseInsensitive() {
        let resolver = IdentityResolver(roster: Self.roster)
        let identity = resolver.resolve(name: "whoever", email: "JANE.DOE@vendor.EXAMPLE")
        #expect(identity.person?.id == "jdoe")
        #expect(identity.method == .email)
        #expect(identity.name == "whoever")
    }

    @Test func aliasesMatchEmailOrName() {
        let resolver = IdentityResolver(roster: Self.roster)
        #expect(resolver.resolve(name: "x", email: "JD-laptop@localhost").method == .alias)
        #expect(resolver.resolve(name: "j. doe", email: "other@else.example").person?.id == "jdoe")
    }

    @Test func unknownsAreNeverGuessed() {
        let resolver = IdentityResolver(roster: Self.roster)
        for (name, email) in [
            ("Jane Doe", "jane@evil.example"),  // same display name, other email: not matched
            ("Bob", "bob@vendor.example.evil"),
            ("", ""),
            ("\u{1b}[2J\u{202E}Bob", "bob\u{200B}@vendor.example"),  // hostile look-alike
        ] {
            let identity = resolver.resolve(name: name, email: email)
            #expect(identity.person == nil)
            #expect(identity.method == .unknown)
        }
    }

    @Test func auditorMailmapMapsToRosterPeople() throws {
        let mailmap = try Mailmap(
            parsing: Array(
                """
                # comment line
                Jane Doe <jane.doe@vendor.example> <jane@old-laptop.local>
                <bob@vendor.example> Robert <robert@home.example>   # trailing comment
                Just A Name <someone@x.example>

                """.utf8
            ),
            file: "people.mailmap"
        )
        #expect(mailmap.entries.count == 3)
        let resolver = IdentityResolver(roster: Self.roster, mailmap: mailmap)
        let jane = resolver.resolve(name: "jane", email: "JANE@old-laptop.local")
        #expect(jane.person?.id == "jdoe")
        #expect(jane.method == .mailmap)
        #expect(resolver.resolve(name: "robert", email: "robert@home.example").person?.id == "bob")
        // The entry names a commit name: another name with that email does not match.
        #expect(resolver.resolve(name: "Mallory", email: "robert@home.example").person == nil)
        // Direct roster matches win over the mailmap.
        #expect(resolver.resolve(name: "x", email: "bob@vendor.example").method == .email)
        // Without the mailmap the same identity is unknown.
        #expect(IdentityResolver(roster: Self.roster).resolve(name: "jane", email: "jane@old-laptop.local").person == nil)
    }

    @Test func malformedMailmapNamesTheLine() {
        #expect(throws: CustodyError.self) {
            try Mailmap(parsing: Array("ok <a@b> <c@d>\nbroken <no-close\n".utf8), file: "m.map")
        }
        do {
            _ = try Mailmap(parsing: Array("ok <a@b> <c@d>\nbroken <no-close\n".utf8), file: "m.map")
        } catch let error as CustodyError {
            #expect(error.location == "m.map:2")
            #expect(error.code == .configuration)
        } catch {}
    }

    @Test func keysResolveByLineOrFingerprint() {
        let resolver = IdentityResolver(roster: Self.roster)
        let keyWithOtherComment =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFatU7EOd7TUgItMwnLe/yI+pj6CAhRL/fLiXj3HH+2 other comment"
        #expect(resolver.person(forKey: keyWithOtherComment)?.id == "jdoe")
        #expect(resolver.person(forKey: "SHA256:WBSqsenXp0ilAXHBq3Y6WwGo4YuowE5NYmvsbfxiEDg")?.id == "jdoe")
        #expect(resolver.resolve(key: "SHA256:WBSqsenXp0ilAXHBq3Y6WwGo4YuowE5NYmvsbfxiEDg").method == .key)
        #expect(resolver.person(forKey: "SHA256:AAAA") == nil)
        #expect(resolver.resolve(key: "garbage").method == .unknown)
    }
}
