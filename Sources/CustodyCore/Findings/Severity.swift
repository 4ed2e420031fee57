/// How bad a finding is, from `info` to `critical`. Ordered: `critical` is the greatest.
package enum Severity: String, CaseIterable, Comparable, Hashable, Sendable, Codable {
    case info
    case low
    case medium
    case high
    case critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// How sure a detector is that a finding is what it says.
package enum Confidence: String, CaseIterable, Comparable, Hashable, Sendable, Codable {
    case low
    case medium
    case high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    package static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }
}
