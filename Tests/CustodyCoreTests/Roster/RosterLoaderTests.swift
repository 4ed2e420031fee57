import CustodyCore
import Foundation
import Testing

@Suite struct RosterLoaderTests {
    static let aliceKey =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFatU7EOd7TUgItMwnLe/yI+pj6CAhRL/fLiXj3HH+2 alice@laptop"

    func load(_ yaml: String, file: String = "roster.yaml") -> (Roster?, [RosterIssue]) {
        RosterLoader.check(Array(yaml.utf8), file: file)
    }

    @Test func readsEveryField() throws {
        let yaml = """
            people:
              - id: jdoe
                name: Jane Doe
                emails: [jane.doe@vendor.example, 1234+jdoe@users.noreply.github.com]
                aliases: [J. Doe]
                keys: ["\(Self.aliceKey)"]
                citizenship: [US]
                usPerson: true
                clearance: secret
                investigationTier: T5
                employer: Vendor Inc
                location: US
                roles: [developer, reviewer]
                active: { from: 2019-03-01, until: 2030-01-31 }
            """
        let (roster, issues) = load(yaml)
        #expect(issues.isEmpty)
        let person = try #require(roster?.people.first)
        #expect(person.id == "jdoe")
        #expect(person.name == "Jane Doe")
        #expect(person.emails == ["jane.doe@vendor.example", "1234+jdoe@users.noreply.github.com"])
        #expect(person.aliases == ["J. Doe"])
        #expect(person.keys == [Self.aliceKey])
        #expect(person.citizenship == ["US"])
        #expect(person.usPerson == true)
        #expect(person.clearance == .secret)
        #expect(person.investigationTier == "T5")
        #expect(person.employer == "Vendor Inc")
        #expect(person.location == "US")
        #expect(person.roles == ["developer", "reviewer"])
        #expect(person.activeFrom == "2019-03-01")
        #expect(person.activeUntil == "2030-01-31")
    }

    @Test func theExampleRosterLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let roster = try RosterLoader.load(path: root.appendingPathComponent("examples/roster.yaml").path)
        #expect(roster.people.map(\.id) == ["adavis", "bnakamura", "cokafor"])
        let csv = try RosterLoader.readFile(root.appendingPathComponent("examples/roster.csv").path)
        let imported = try RosterImporter.importCSV(csv, file: "roster.csv")
        #expect(imported.people.map(\.id) == roster.people.map(\.id))
        #expect(imported.people[1] == roster.people[1])
    }

    @Test func unknownClearanceNamesFileLineAndField() {
        let yaml = """
            people:
              - id: a
                name: A
              - id: b
                name: B
              - id: c
                name: C
              - id: d
                name: D
                clearance: secrt
            """
        let (_, issues) = load(yaml)
        #expect(issues.map(\.description) == [
            #"roster.yaml:10: people[3].clearance: "secrt" is not one of none, confidential, secret, top-secret"#
        ])
    }

    @Test func listsEveryProblemWithItsLine() {
        let yaml = """
            people:
              - id: a
                name: A
                emails: [a@x.example, not-an-email]
                citizenship: [us, USA, DE]
                usPerson: maybe
                keys: ["ssh-ed25519 AAAA", "hello world"]
                active: { from: 2023-02-30 }
              - id: a
                name: Second A
                emails: [A@X.example]
                colour: blue
              - name: No Id
            """
        let (_, issues) = load(yaml)
        let text = issues.map(\.description)
        #expect(text.contains(#"roster.yaml:4: people[0].emails: "not-an-email" is not an email address"#))
        #expect(text.contains { $0.hasPrefix(#"roster.yaml:5: people[0].citizenship: "us" is not an ISO 3166"#) })
        #expect(text.contains { $0.hasPrefix(#"roster.yaml:5: people[0].citizenship: "USA" is not an ISO 3166"#) })
        #expect(text.contains(#"roster.yaml:6: people[0].usPerson: "maybe" is not true or false"#))
        #expect(text.contains { $0.hasPrefix(#"roster.yaml:7: people[0].keys: "ssh-ed25519 AAAA" is not an OpenSSH"#) })
        #expect(text.contains { $0.hasPrefix(#"roster.yaml:7: people[0].keys: "hello world" is not an OpenSSH"#) })
        #expect(text.contains(#"roster.yaml:8: people[0].active.from: "2023-02-30" is not a date in the form YYYY-MM-DD"#))
        #expect(text.contains(#"roster.yaml:9: people[1].id: "a" is already used on line 2"#))
        #expect(text.contains(#"roster.yaml:11: people[1].emails: "A@X.example" is already listed for "a" on line 4"#))
        #expect(text.contains { $0.hasPrefix("roster.yaml:12: people[1].colour: is not a roster field") })
        #expect(text.contains("roster.yaml:13: people[2].id: is required"))
        #expect(issues.count == 11)
    }

    @Test func rejectsBrokenYAMLWithALine() {
        let (_, issues) = load("people:\n  - id: a\n    name: [unclosed\n")
        #expect(issues.count == 1)
        #expect(issues.first?.description.hasPrefix("roster.yaml:") == true)
        #expect(issues.first?.line ?? 0 >= 3)
    }

    @Test func rejectsDuplicateKeys() {
        let (_, issues) = load("people:\n  - id: a\n    name: A\n    name: B\n")
        #expect(issues.count == 1)
        #expect(issues.first?.description.contains("key listed twice: name") == true)
    }

    @Test func requiresPeople() {
        #expect(load("staff: []\n").1.map(\.description).contains("roster.yaml:1: people: is required"))
        #expect(load("[]").1.map(\.description) == ["roster.yaml:1: must be a mapping with a 'people' list"])
    }

    @Test func throwsAConfigurationError() {
        #expect(throws: RosterValidationError.self) {
            try RosterLoader.parse(Array("people:\n  - id: x\n".utf8), file: "r.yaml")
        }
        do {
            _ = try RosterLoader.parse(Array("people:\n  - id: x\n".utf8), file: "r.yaml")
        } catch let error as RosterValidationError {
            #expect(error.error.code == .configuration)
            #expect(error.error.description == "r.yaml:2: people[0].name: is required")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("2024-13-01", false), ("2024-1-01", false),
        ("1900-02-29", false), ("2000-02-29", true), ("2024-04-31", false), ("abcd-01-01", false),
    ])
    func dates(text: String, valid: Bool) {
        #expect(RosterValidator.isDate(text) == valid)
    }

    @Test func sshKeysAreCheckedAndFingerprinted() throws {
        let key = try #require(SSHPublicKey(line: Self.aliceKey))
        #expect(key.type == "ssh-ed25519")
        #expect(key.comment == "alice@laptop")
        // ssh-keygen -lf prints this fingerprint for the key above.
        #expect(key.fingerprint == "SHA256:WBSqsenXp0ilAXHBq3Y6WwGo4YuowE5NYmvsbfxiEDg")
        #expect(SSHPublicKey.problem(with: "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDFatU7EOd7TUgItMwnLe/yI+pj6CAhRL/fLiXj3HH+2")
            != nil)
        #expect(SSHPublicKey.problem(with: "ssh-ed25519 !!!!") != nil)
        #expect(SSHPublicKey.problem(with: "ssh-foo AAAA") != nil)
    }

    @Test func writerRoundTripsHostileText() throws {
        let person = Person(
            id: "x1",
            name: "Eve \u{1b}[31m\u{202E}\"quoted\"\\ \u{7}",
            emails: ["eve@x.example"],
            citizenship: ["FR"],
            usPerson: false,
            clearance: .confidential,
            employer: "Quote \"Co\": Inc # not a comment",
            roles: ["developer"],
            activeFrom: "2020-01-01"
        )
        let yaml = RosterYAMLWriter.render(Roster(people: [person]), comment: "test")
        #expect(!yaml.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x202E })
        let back = try RosterLoader.parse(Array(yaml.utf8), file: "out.yaml")
        #expect(back.people == [person])
    }
}
