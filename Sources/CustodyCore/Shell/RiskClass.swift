/// How risky a command line is, ordered from harmless to unknown. A line gets the highest class
/// of its parts. Raw values are the identifiers used in JSON as `riskClass`.
package enum RiskClass: String, CaseIterable, Comparable, Hashable, Sendable, Codable {
    case readOnly = "read-only"
    case writesFiles = "writes-files"
    case changesConfig = "changes-config"
    case changesIdentityOrPrivilege = "changes-identity-or-privilege"
    case networkEgress = "network-egress"
    case destructive = "destructive"
    case runsOpaqueCode = "runs-opaque-code"
    case unknown = "unknown"

    package var rank: Int { RiskClass.allCases.firstIndex(of: self) ?? 0 }

    package static func < (lhs: RiskClass, rhs: RiskClass) -> Bool { lhs.rank < rhs.rank }
}
