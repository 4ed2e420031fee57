import Testing

@testable import CustodyCore

struct FailOnTests {
    func finding(_ severity: Severity) -> Finding {
        Finding(
            ruleID: "R", category: .dependencyRisk, severity: severity, confidence: .high, commit: "c", path: nil,
            startLine: nil, endLine: nil, excerpt: "", explanation: "", evidence: "", fingerprint: severity.rawValue
        )
    }

    @Test(arguments: [
        ("critical", [Severity.critical]),
        ("HIGH", [.critical, .high]),
        ("medium", [.critical, .high, .medium]),
        ("low", [.critical, .high, .medium, .low]),
        ("info", Severity.allCases.reversed()),
        ("none", []),
    ] as [(String, [Severity])])
    func thresholds(_ text: String, _ failing: [Severity]) throws {
        let failOn = try FailOn(parsing: text)
        let all = Severity.allCases.reversed().map(finding)
        #expect(failOn.failing(all).map(\.severity) == failing)
        #expect(failOn.shouldFail(all) == !failing.isEmpty)
        #expect(!failOn.shouldFail([]))
    }

    @Test func unknownSeverityIsAUsageError() {
        #expect(throws: CustodyError.self) { try FailOn(parsing: "severe") }
        do {
            _ = try FailOn(parsing: "bad\u{1b}[31m'")
        } catch let error as CustodyError {
            #expect(error.code == .usage)
            #expect(!error.description.contains("\u{1b}"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
