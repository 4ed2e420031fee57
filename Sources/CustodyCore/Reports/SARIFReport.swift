import Foundation

/// Renders an ``AuditReport`` as SARIF 2.1.0 for code-scanning tools (GitHub code scanning,
/// SARIF viewers).
///
/// One run per audit. Every detector rule is listed in `tool.driver.rules` with its plain
/// explanation as help text; each finding is a result at the path and lines of the commit that
/// introduced it, with the commit, author and person in `properties`. GitHub's limits are met by
/// truncating with a note in the run's properties, never by failing.
///
/// ```swift
/// let bytes = try SARIFReport.render(report)
/// ```
package enum SARIFReport {
    /// GitHub keeps at most 25,000 results per run.
    package static let maximumResults = 25_000
    /// Message texts are cut at this many characters (GitHub shows far less).
    package static let maximumMessageLength = 4_000
    package static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// The report as SARIF JSON bytes.
    ///
    /// - Parameters:
    ///   - report: the audit report.
    ///   - rules: the rules to list; defaults to every registered detector rule.
    ///   - extraRules: rules of other sources (policy rules) as (id, name, summary, help, severity, tag).
    ///   - extraResults: results of other sources (policy violations).
    package static func render(
        _ report: AuditReport,
        rules: [DetectorRule] = DetectorRegistry.rules,
        extraRules: [SARIFRule] = [],
        extraResults: [SARIFExtraResult] = [],
        maximumResults: Int = SARIFReport.maximumResults
    ) throws -> [UInt8] {
        var sarifRules = rules.map(SARIFRule.init(rule:))
        var known = Set(sarifRules.map(\.id))
        // Findings of rules that are not registered (older stores) still get a rule entry.
        for finding in report.findings where !known.contains(finding.ruleID) {
            known.insert(finding.ruleID)
            sarifRules.append(
                SARIFRule(
                    id: finding.ruleID,
                    name: finding.ruleID,
                    summary: finding.explanation,
                    help: finding.explanation,
                    severity: finding.severity,
                    category: finding.category.rawValue
                )
            )
        }
        // Policy violations are results of rules of their own (`policy/<rule id>`).
        var extraRules = extraRules
        var extraResults = extraResults
        for violation in report.violations ?? [] {
            let id = "policy/" + violation.ruleID
            if !extraRules.contains(where: { $0.id == id }) {
                extraRules.append(
                    SARIFRule(
                        id: id,
                        name: "PolicyRule",
                        summary: "A commit breaks the organization's policy rule '\(violation.ruleID)'.",
                        help: "The policy file given to the audit says who may change what and how; this rule was broken. "
                            + "Each result says what the rule required and what the commit shows.",
                        severity: violation.severity,
                        category: "policy"
                    )
                )
            }
            extraResults.append(
                SARIFExtraResult(
                    ruleID: id,
                    category: "policy",
                    severity: violation.severity,
                    message: violation.explanation + " Required: " + violation.required + ". Found: " + violation.found + ".",
                    commit: violation.commit,
                    path: violation.paths.first,
                    line: violation.paths.isEmpty ? nil : 1,
                    fingerprint: Finding.fingerprint(ruleID: id, path: violation.commit, lines: []),
                    authorName: nil,
                    authorEmail: nil,
                    person: violation.personID
                )
            )
        }
        for rule in extraRules where !known.contains(rule.id) {
            known.insert(rule.id)
            sarifRules.append(rule)
        }
        let ruleIndex = Dictionary(sarifRules.enumerated().map { ($0.element.id, $0.offset) }) { first, _ in first }

        var results: [Result] = []
        results.reserveCapacity(min(report.findings.count + extraResults.count, maximumResults))
        var commits: [String: AuditReport.FlaggedCommit] = [:]
        for commit in report.flaggedCommits ?? [] { commits[commit.id] = commit }
        for finding in report.findings {
            results.append(result(for: finding, ruleIndex: ruleIndex[finding.ruleID] ?? 0, commit: commits[finding.commit]))
        }
        for extra in extraResults {
            results.append(result(for: extra, ruleIndex: ruleIndex[extra.ruleID] ?? 0))
        }
        if let coverage = report.reviewCoverage {
            for i in results.indices {
                results[i].value.properties.reviewVerdict = reviewVerdict(coverage, commit: results[i].value.properties.commitSha)
            }
        }
        // Most severe first, so truncation keeps what matters.
        results.sort { $0.rank > $1.rank }
        var notes: [String] = []
        if results.count > maximumResults {
            notes.append(
                "Custody found \(results.count) results; only the \(maximumResults) most severe are included "
                    + "because code-scanning services accept no more per run. The JSON report has them all."
            )
            results.removeLast(results.count - maximumResults)
        }
        let tip = report.refs.first { $0.name == "HEAD" || $0.name.hasSuffix("/main") || $0.name.hasSuffix("/master") }
            ?? report.refs.first
        let log = Log(
            schema: schemaURI,
            version: "2.1.0",
            runs: [
                Run(
                    tool: Tool(
                        driver: Driver(
                            name: "custody",
                            semanticVersion: report.tool.version,
                            informationUri: nil,
                            rules: sarifRules.map(\.descriptor)
                        )
                    ),
                    versionControlProvenance: tip.map {
                        [
                            VersionControl(
                                repositoryUri: repositoryURI(report.repository.path),
                                revisionId: $0.tip,
                                branch: $0.name.hasPrefix("refs/heads/") ? String($0.name.dropFirst(11)) : nil
                            )
                        ]
                    },
                    results: results.map(\.value),
                    automationDetails: AutomationDetails(id: "custody/audit/"),
                    properties: RunProperties(
                        rootCommits: report.repository.rootCommits,
                        commitsAudited: report.counts.commits,
                        incomplete: report.isIncomplete,
                        notes: notes.isEmpty ? nil : notes,
                        reviewCoverage: report.reviewCoverage.map(RunCoverage.init)
                    )
                )
            ]
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = Array(try encoder.encode(log))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// SARIF levels: errors for critical and high, warnings for medium, notes below.
    package static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    /// GitHub's `security-severity` scale (0.1–10.0).
    package static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.5"
        }
    }

    static func truncated(_ text: String) -> String {
        guard text.count > maximumMessageLength else { return text }
        return String(text.prefix(maximumMessageLength - 1)) + "…"
    }

    private static func repositoryURI(_ path: String) -> String {
        if path.contains("://") { return path }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#")
        return "file://" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute)
    }

    /// Relative URIs as SARIF wants them: percent-encode what is not allowed in a path.
    static func artifactURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    private static func result(for finding: Finding, ruleIndex: Int, commit: AuditReport.FlaggedCommit?) -> Result {
        var message = finding.explanation
        if !finding.evidence.isEmpty { message += " " + finding.evidence }
        let line = max(finding.startLine ?? 1, 1)
        let endLine = max(finding.endLine ?? line, line)
        var fingerprints = ["custody/v1": finding.fingerprint]
        if finding.path != nil {
            let lineHash = LineHash.hashes(of: finding.excerpt).first ?? "c129715d7a2bc9a3:1"
            fingerprints["primaryLocationLineHash"] = lineHash
        }
        let location: Location =
            if let path = finding.path, !path.isEmpty {
                Location(
                    physicalLocation: PhysicalLocation(
                        artifactLocation: ArtifactLocation(uri: artifactURI(path)),
                        region: Region(startLine: line, endLine: endLine)
                    ),
                    logicalLocations: nil
                )
            } else {
                Location(
                    physicalLocation: nil,
                    logicalLocations: [LogicalLocation(name: finding.commit, kind: "commit")]
                )
            }
        return Result(
            rank: finding.severity.rankValue,
            value: ResultValue(
                ruleId: finding.ruleID,
                ruleIndex: ruleIndex,
                level: level(finding.severity),
                kind: "review",
                message: Message(text: truncated(message)),
                locations: [location],
                partialFingerprints: fingerprints,
                properties: ResultProperties(
                    commitSha: finding.commit,
                    category: finding.category.rawValue,
                    severity: finding.severity.rawValue,
                    confidence: finding.confidence.rawValue,
                    excerpt: truncated(finding.excerpt),
                    stillPresent: finding.stillPresent,
                    authorName: commit?.authorName,
                    authorEmail: commit?.authorEmail,
                    person: commit?.person,
                    securitySeverity: securitySeverity(finding.severity)
                )
            )
        )
    }

    private static func result(for extra: SARIFExtraResult, ruleIndex: Int) -> Result {
        let location: Location =
            if let path = extra.path, !path.isEmpty {
                Location(
                    physicalLocation: PhysicalLocation(
                        artifactLocation: ArtifactLocation(uri: artifactURI(path)),
                        region: Region(startLine: max(extra.line ?? 1, 1), endLine: max(extra.line ?? 1, 1))
                    ),
                    logicalLocations: nil
                )
            } else {
                Location(physicalLocation: nil, logicalLocations: [LogicalLocation(name: extra.commit, kind: "commit")])
            }
        return Result(
            rank: extra.severity.rankValue,
            value: ResultValue(
                ruleId: extra.ruleID,
                ruleIndex: ruleIndex,
                level: level(extra.severity),
                kind: "fail",
                message: Message(text: truncated(extra.message)),
                locations: [location],
                // No source line stands behind a violation: the line hash is taken over the
                // stable fingerprint so that code scanning can still track the alert.
                partialFingerprints: [
                    "custody/v1": extra.fingerprint,
                    "primaryLocationLineHash": LineHash.hashes(of: extra.fingerprint).first ?? "c129715d7a2bc9a3:1",
                ],
                properties: ResultProperties(
                    commitSha: extra.commit,
                    category: extra.category,
                    severity: extra.severity.rawValue,
                    confidence: nil,
                    excerpt: nil,
                    stillPresent: nil,
                    authorName: extra.authorName,
                    authorEmail: extra.authorEmail,
                    person: extra.person,
                    securitySeverity: securitySeverity(extra.severity)
                )
            )
        )
    }
}

/// A rule of another source than the detectors (policy rules), for `tool.driver.rules`.
package struct SARIFRule: Sendable, Hashable {
    package var id: String
    package var name: String
    package var summary: String
    package var help: String
    package var severity: Severity
    package var category: String

    package init(id: String, name: String, summary: String, help: String, severity: Severity, category: String) {
        self.id = id
        self.name = name
        self.summary = summary
        self.help = help
        self.severity = severity
        self.category = category
    }

    init(rule: DetectorRule) {
        self.init(
            id: rule.id,
            name: rule.name,
            summary: rule.summary,
            help: rule.help,
            severity: rule.severity,
            category: rule.category.rawValue
        )
    }

    var descriptor: SARIFReport.RuleDescriptor {
        SARIFReport.RuleDescriptor(
            id: id,
            name: String(name.prefix(255)),
            shortDescription: .init(text: String(summary.prefix(1_024))),
            fullDescription: .init(text: SARIFReport.truncated(summary)),
            help: .init(text: SARIFReport.truncated(help.isEmpty ? summary : help)),
            defaultConfiguration: .init(level: SARIFReport.level(severity)),
            properties: .init(
                tags: ["security", category],
                precision: "medium",
                securitySeverity: SARIFReport.securitySeverity(severity)
            )
        )
    }
}

/// A result of another source than the detectors (a policy violation).
package struct SARIFExtraResult: Sendable, Hashable {
    package var ruleID: String
    package var category: String
    package var severity: Severity
    package var message: String
    package var commit: String
    package var path: String?
    package var line: Int?
    package var fingerprint: String
    package var authorName: String?
    package var authorEmail: String?
    package var person: String?

    package init(
        ruleID: String,
        category: String,
        severity: Severity,
        message: String,
        commit: String,
        path: String? = nil,
        line: Int? = nil,
        fingerprint: String,
        authorName: String? = nil,
        authorEmail: String? = nil,
        person: String? = nil
    ) {
        self.ruleID = ruleID
        self.category = category
        self.severity = severity
        self.message = message
        self.commit = commit
        self.path = path
        self.line = line
        self.fingerprint = fingerprint
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.person = person
    }
}

extension Severity {
    fileprivate var rankValue: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
}

// The SARIF object model: only what Custody writes. Keys follow the SARIF spelling.
extension SARIFReport {
    struct Log: Encodable {
        var schema: String
        var version: String
        var runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var versionControlProvenance: [VersionControl]?
        var results: [ResultValue]
        var automationDetails: AutomationDetails
        var properties: RunProperties
    }

    struct Tool: Encodable { var driver: Driver }

    struct Driver: Encodable {
        var name: String
        var semanticVersion: String
        var informationUri: String?
        var rules: [RuleDescriptor]
    }

    struct Text: Encodable { var text: String }

    struct RuleDescriptor: Encodable {
        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text
        var help: Text
        var defaultConfiguration: Configuration
        var properties: RuleProperties
    }

    struct Configuration: Encodable { var level: String }

    struct RuleProperties: Encodable {
        var tags: [String]
        var precision: String
        var securitySeverity: String
        enum CodingKeys: String, CodingKey {
            case tags, precision
            case securitySeverity = "security-severity"
        }
    }

    struct VersionControl: Encodable {
        var repositoryUri: String
        var revisionId: String
        var branch: String?
    }

    struct AutomationDetails: Encodable { var id: String }

    struct RunProperties: Encodable {
        var rootCommits: [String]
        var commitsAudited: Int
        var incomplete: Bool
        var notes: [String]?
        var reviewCoverage: RunCoverage? = nil
    }

    struct Result {
        var rank: Int
        var value: ResultValue
    }

    struct ResultValue: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var kind: String
        var message: Text
        var locations: [Location]
        var partialFingerprints: [String: String]
        var properties: ResultProperties
    }

    typealias Message = Text

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation?
        var logicalLocations: [LogicalLocation]?
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }

    struct ArtifactLocation: Encodable { var uri: String }

    struct Region: Encodable {
        var startLine: Int
        var endLine: Int
    }

    struct LogicalLocation: Encodable {
        var name: String
        var kind: String
    }

    struct ResultProperties: Encodable {
        var commitSha: String
        var category: String
        var severity: String
        var confidence: String?
        var excerpt: String?
        var stillPresent: Bool?
        var authorName: String?
        var authorEmail: String?
        var person: String?
        var securitySeverity: String
        /// The latest counted review verdict on the commit ("cleared by jdoe, ledger entry 7").
        var reviewVerdict: String? = nil
        enum CodingKeys: String, CodingKey {
            case commitSha, category, severity, confidence, excerpt, stillPresent, authorName, authorEmail, person
            case reviewVerdict
            case securitySeverity = "security-severity"
        }
    }
}
