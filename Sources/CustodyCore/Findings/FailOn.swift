/// The `--fail-on SEVERITY` threshold: the audit or gate exits 1 when any finding (after the
/// baseline) is at or above it.
///
/// ```swift
/// let failOn = try FailOn(parsing: "high")
/// let exitCode = failOn.shouldFail(kept) ? 1 : 0
/// ```
package struct FailOn: Hashable, Sendable {
    /// The lowest severity that fails; nil never fails (`none`).
    package var threshold: Severity?

    package init(threshold: Severity?) {
        self.threshold = threshold
    }

    /// Parses `critical`, `high`, `medium`, `low`, `info` or `none` (any case).
    ///
    /// - Throws: ``CustodyError`` with code `usage` for anything else.
    package init(parsing text: String) throws {
        let lower = text.lowercased()
        if lower == "none" || lower == "never" {
            self.threshold = nil
            return
        }
        guard let severity = Severity(rawValue: lower) else {
            throw CustodyError(
                .usage,
                "unknown severity '\(String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f && $0 != "'" }.prefix(40)))' for --fail-on (expected critical, high, medium, low, info or none)"
            )
        }
        self.threshold = severity
    }

    /// The default used when `--fail-on` is not given: high.
    package static let `default` = FailOn(threshold: .high)

    /// The findings at or above the threshold.
    package func failing(_ findings: [Finding]) -> [Finding] {
        guard let threshold else { return [] }
        return findings.filter { $0.severity >= threshold }
    }

    /// Whether any finding is at or above the threshold.
    package func shouldFail(_ findings: [Finding]) -> Bool {
        guard let threshold else { return false }
        return findings.contains { $0.severity >= threshold }
    }
}
