import CustodyCore
import Foundation
import Yams

/// Who needs an escort, who may escort them, which risk classes run without approval, and how
/// long a session may idle or last.
///
/// ```yaml
/// escort:
///   needsEscort: { not: { roles: { has: escort } } }
///   mayEscort: { usPerson: true, clearance: { atLeast: secret }, roles: { has: escort } }
///   runWithoutApproval: [read-only]
///   idleMinutes: 15
///   maxMinutes: 240
/// ```
package struct EscortPolicy: Hashable, Sendable {
    package var needsEscort: PersonPredicate
    package var mayEscort: PersonPredicate
    /// Risk classes that run as soon as they are shown. `unknown` is never accepted here.
    package var runWithoutApproval: Set<RiskClass>
    package var idleTimeout: Duration
    package var maximumLength: Duration

    package init(
        needsEscort: PersonPredicate = .everyone,
        mayEscort: PersonPredicate = .all([.usPerson(true), .hasRole("escort")]),
        runWithoutApproval: Set<RiskClass> = [],
        idleTimeout: Duration = .seconds(30 * 60),
        maximumLength: Duration = .seconds(8 * 3600)
    ) {
        self.needsEscort = needsEscort
        self.mayEscort = mayEscort
        self.runWithoutApproval = runWithoutApproval.subtracting([.unknown])
        self.idleTimeout = idleTimeout
        self.maximumLength = maximumLength
    }

    /// The safe default: every engineer needs an escort, an escort is a US person with the role
    /// `escort`, and every line waits for approval.
    package static let safeDefault = EscortPolicy()

    /// Whether `escort` may supervise `engineer`: eligible by policy and not the same person.
    package func mayEscort(_ escort: Person, engineer: Person) -> Bool {
        escort.id != engineer.id && mayEscort.matches(escort)
    }

    /// Whether a line of this class may run without the escort's approval. Opaque items never do.
    package func runsWithoutApproval(_ riskClass: RiskClass, opaque: Bool) -> Bool {
        !opaque && riskClass != .unknown && runWithoutApproval.contains(riskClass)
    }

    /// Parses a policy file. The settings may sit at the top level or under an `escort:` key.
    ///
    /// - Throws: ``CustodyError`` with code `configuration`.
    package static func parse(yaml text: String, source: String = "policy") throws -> EscortPolicy {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw CustodyError(.configuration, "not valid YAML", location: source)
        }
        guard var map = loaded as? [String: Any] else {
            throw CustodyError(.configuration, "expected a map", location: source)
        }
        if let inner = map["escort"] as? [String: Any] { map = inner }
        var policy = EscortPolicy()
        if let value = map["needsEscort"] { policy.needsEscort = try PersonPredicate.parse(value, field: "\(source): needsEscort") }
        if let value = map["mayEscort"] { policy.mayEscort = try PersonPredicate.parse(value, field: "\(source): mayEscort") }
        if let value = map["runWithoutApproval"] {
            guard let list = value as? [Any] else {
                throw CustodyError(.configuration, "must be a list of risk classes", location: "\(source): runWithoutApproval")
            }
            var classes: Set<RiskClass> = []
            for item in list {
                guard let riskClass = RiskClass(rawValue: "\(item)") else {
                    throw CustodyError(.configuration, "unknown risk class '\(item)'", location: "\(source): runWithoutApproval")
                }
                classes.insert(riskClass)
            }
            policy.runWithoutApproval = classes.subtracting([.unknown])
        }
        if let minutes = try number(map["idleMinutes"], "\(source): idleMinutes") { policy.idleTimeout = .milliseconds(Int(minutes * 60_000)) }
        if let seconds = try number(map["idleSeconds"], "\(source): idleSeconds") { policy.idleTimeout = .milliseconds(Int(seconds * 1000)) }
        if let minutes = try number(map["maxMinutes"], "\(source): maxMinutes") { policy.maximumLength = .milliseconds(Int(minutes * 60_000)) }
        if let seconds = try number(map["maxSeconds"], "\(source): maxSeconds") { policy.maximumLength = .milliseconds(Int(seconds * 1000)) }
        return policy
    }

    private static func number(_ value: Any?, _ field: String) throws -> Double? {
        guard let value else { return nil }
        if let int = value as? Int, int > 0 { return Double(int) }
        if let double = value as? Double, double > 0 { return double }
        throw CustodyError(.configuration, "must be a positive number", location: field)
    }
}
