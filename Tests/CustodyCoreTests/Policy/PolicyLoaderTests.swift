import CustodyCore
import Testing

@Suite struct PolicyLoaderTests {
    static let designExample = """
        rules:
          - id: restricted-authors
            description: Foreign-adversary nationals may not author code for DoD systems.
            who: { citizenship: { anyOf: [CN, RU, IR, KP] } }
            forbid: author
            paths: ["**"]
            since: 2025-08-27
            severity: critical
          - id: escorted-review
            who: { usPerson: false }
            require: review
            reviewer: { usPerson: true, clearance: { atLeast: secret }, roles: { has: reviewer } }
          - id: unknown-identity
            who: unknown
            severity: high
          - id: signed-commits
            require: signature
            since: 2024-01-01
        """

    @Test func parsesTheDesignExample() throws {
        let policy = try PolicyLoader.parse(Self.designExample, file: "policy.yaml")
        #expect(policy.rules.map(\.id) == ["restricted-authors", "escorted-review", "unknown-identity", "signed-commits"])
        let restricted = policy.rules[0]
        #expect(restricted.who == .citizenshipAnyOf(["CN", "RU", "IR", "KP"]))
        #expect(restricted.action == .forbidAuthor)
        #expect(restricted.paths.map(\.pattern) == ["**"])
        #expect(restricted.since == PolicyDate.parse("2025-08-27"))
        #expect(restricted.severity == .critical)
        #expect(restricted.location == "policy.yaml:2")
        #expect(
            policy.rules[1].action
                == .requireReview(reviewer: .all([.usPerson(true), .clearanceAtLeast(.secret), .rolesHas(["reviewer"])]))
        )
        #expect(policy.rules[2].who == .unknown)
        #expect(policy.rules[2].action == .report)
        #expect(policy.rules[3].action == .requireSignature)
        #expect(policy.rules[3].who == .everyone)
    }

    @Test(arguments: [
        ("rules:\n  - id: a\n    forbids: author\n", "policy.yaml:3: rule 'a': unknown key 'forbids'"),
        ("rules:\n  - id: a\n    forbid: reviewer\n", "policy.yaml:3: rule 'a': 'forbid' must be 'author' or 'commit'"),
        ("rules:\n  - id: a\n    since: 2025-13-01\n", "policy.yaml:3: rule 'a': 'since' must be a date such as 2025-08-27 or 2025-08-27T12:00:00Z"),
        ("rules:\n  - id: a\n    who: { clearance: { atLeast: cosmic } }\n", "policy.yaml:3: rule 'a': clearance must be one of none, confidential, secret, top-secret"),
        ("rules:\n  - id: a\n    require: review\n", "policy.yaml:3: rule 'a': 'require: review' needs a 'reviewer' predicate"),
        ("rules:\n  - id: a\n  - id: a\n", "policy.yaml:3: rule 'a': rule id 'a' is used twice"),
        ("rules:\n  - description: x\n", "policy.yaml:2: a rule has no 'id'"),
        ("rules:\n  - id: a\n    who: { citizen: [CN] }\n", "policy.yaml:3: rule 'a': unknown predicate key 'citizen'"),
        ("rules: [\n", "policy.yaml:2: invalid YAML: did not find expected node content"),
    ])
    func errorsNameFileLineAndRule(text: String, expected: String) {
        do {
            _ = try PolicyLoader.parse(text, file: "policy.yaml")
            Issue.record("expected an error")
        } catch let error as CustodyError {
            #expect(error.code == .configuration)
            #expect(error.description == expected)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func predicatesCombine() throws {
        let text = """
            rules:
              - id: p
                who:
                  any:
                    - unknown
                    - all: [{ citizenship: { noneOf: [US] } }, { not: { employer: [Vendor Inc] } }]
                    - { location: CN, roles: { has: [developer] } }
            """
        let rule = try PolicyLoader.parse(text).rules[0]
        #expect(rule.who.matches(nil))
        #expect(rule.who.matches(TestRoster.bob))
        #expect(!rule.who.matches(TestRoster.alice))
        var foreignVendor = TestRoster.bob
        foreignVendor.employer = "Vendor Inc"
        foreignVendor.location = "DE"
        #expect(!rule.who.matches(foreignVendor))
    }

    @Test func datesAndDurations() {
        #expect(PolicyDate.parse("1970-01-01") == 0)
        #expect(PolicyDate.parse("2025-08-27") == 1_756_252_800)
        #expect(PolicyDate.parse("2024-02-29T12:30:00Z") == 1_709_209_800)
        #expect(PolicyDate.parse("2023-02-29") == nil)
        #expect(PolicyDate.format(1_756_252_800) == "2025-08-27")
        #expect(PolicyDate.parseDuration("7d") == 604_800)
        #expect(PolicyDate.parseDuration("48h") == 172_800)
        #expect(PolicyDate.parseDuration("x") == nil)
    }
}

@Suite struct PathGlobTests {
    @Test(arguments: [
        ("**", "a/b/c.c", true),
        ("src/**", "src/a/b.c", true),
        ("src/**", "srcx/a.c", false),
        ("src/", "src/a/b.c", true),
        ("src/*.c", "src/a.c", true),
        ("src/*.c", "src/a/b.c", false),
        ("src/**/*.c", "src/a.c", true),
        ("src/**/*.c", "src/x/y/a.c", true),
        ("src/**/*.c", "src/x/y/a.h", false),
        ("**/auth/**", "lib/auth/login.c", true),
        ("**/auth/**", "auth/login.c", true),
        ("**/auth/**", "lib/author/x.c", false),
        ("a?c", "abc", true),
        ("a?c", "a/c", false),
        ("*.yml", ".github/ci.yml", false),
        ("**/*.yml", ".github/workflows/ci.yml", true),
        ("docs/readme.md", "docs/readme.md", true),
        ("docs/readme.md", "docs/readme.mdx", false),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(PathGlob(pattern).matches(path) == expected)
    }

    @Test func pathologicalPatternStaysFast() {
        // Exponential in a backtracking matcher; linear here.
        let pattern = PathGlob(String(repeating: "*a", count: 40) + "b")
        let path = String(repeating: "a", count: 4000)
        #expect(!pattern.matches(path))
    }
}
