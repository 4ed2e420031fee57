import CustodyCore
import Testing

@testable import CustodyEscort

struct EscortPolicyTests {
    let escort = Person(id: "esc", name: "E", citizenship: ["US"], usPerson: true, clearance: .secret, roles: ["escort"])
    let foreign = Person(id: "eng", name: "F", citizenship: ["DE"], usPerson: false, roles: ["developer"])
    let unknownStatus = Person(id: "u", name: "U", roles: ["escort"])

    @Test func safeDefaultNeedsUSPersonWithRoleEscort() {
        let policy = EscortPolicy.safeDefault
        #expect(policy.needsEscort.matches(foreign))
        #expect(policy.needsEscort.matches(escort))
        #expect(policy.mayEscort(escort, engineer: foreign))
        #expect(!policy.mayEscort(escort, engineer: escort))
        #expect(!policy.mayEscort(foreign, engineer: escort))
        #expect(!policy.mayEscort(unknownStatus, engineer: foreign))
        #expect(policy.runWithoutApproval.isEmpty)
        #expect(!policy.runsWithoutApproval(.readOnly, opaque: false))
    }

    @Test func parsesPredicatesAndSettings() throws {
        let policy = try EscortPolicy.parse(yaml: """
            escort:
              needsEscort: { any: [ { usPerson: false }, { citizenship: { anyOf: [cn, RU] } } ] }
              mayEscort: { usPerson: true, clearance: { atLeast: secret }, roles: { has: escort }, not: { citizenship: { anyOf: [CN] } } }
              runWithoutApproval: [read-only, unknown]
              idleSeconds: 5
              maxMinutes: 2
            """)
        #expect(policy.needsEscort.matches(foreign))
        #expect(!policy.needsEscort.matches(escort))
        #expect(policy.mayEscort(escort, engineer: foreign))
        var lowClearance = escort
        lowClearance.clearance = .confidential
        #expect(!policy.mayEscort(lowClearance, engineer: foreign))
        #expect(policy.runWithoutApproval == [.readOnly])
        #expect(policy.idleTimeout == .seconds(5))
        #expect(policy.maximumLength == .seconds(120))
    }

    @Test(arguments: [
        "mayEscort: { clearance: { atLeast: ultra } }",
        "mayEscort: { shoeSize: 9 }",
        "runWithoutApproval: [harmless]",
        "idleMinutes: -1",
        "needsEscort: sometimes",
        "[not, a, map]",
    ])
    func rejectsBadPolicies(_ text: String) {
        #expect(throws: CustodyError.self) { try EscortPolicy.parse(yaml: text) }
    }

    @Test func terminalTextNeutralizesEscapesAndBidi() {
        let shown = TerminalText.neutralize(Array("ls\u{1B}[2J\u{202E}x\n".utf8) + [0xFF])
        #expect(shown == "ls^[[2J<U+202E>x\\n\u{FFFD}")
    }
}
