/// The detector catalogue's categories, with exactly the catalogue's names as raw values.
package enum FindingCategory: String, CaseIterable, Hashable, Sendable, Codable {
    case hiddenUnicode = "hidden-unicode"
    case confusableIdentifier = "confusable-identifier"
    case obfuscatedPayload = "obfuscated-payload"
    case decodeAndExecute = "decode-and-execute"
    case hiddenTrigger = "hidden-trigger"
    case networkIndicator = "network-indicator"
    case buildTampering = "build-tampering"
    case securityCheckSabotage = "security-check-sabotage"
    case opaqueBinary = "opaque-binary"
    case timeOrGeoBomb = "time-or-geo-bomb"
    case destructiveOperation = "destructive-operation"
    case persistence = "persistence"
    case secretLeak = "secret-leak"
    case ciWorkflowRisk = "ci-workflow-risk"
    case dependencyRisk = "dependency-risk"
    case identityAnomaly = "identity-anomaly"
}
