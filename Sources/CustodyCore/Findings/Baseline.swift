import Foundation
import Yams

/// Findings an auditor has reviewed and accepted, kept in a file outside the audited repository
/// (`--baseline FILE`): each entry is a finding fingerprint with the reason and the reviewer.
///
/// Only this file suppresses findings. Comments inside the audited code (`# nosec`,
/// `// custody:ignore`, `NOLINT`) never do: the code under audit must not be able to hide itself.
///
/// ```yaml
/// version: 1
/// entries:
///   - fingerprint: 3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d
///     rule: CUST-CI-003
///     path: .github/workflows/ci.yml
///     reason: First-party action, pinned by policy review 2026-01.
///     reviewer: jdoe
///     date: 2026-01-15
/// ```
///
/// JSON with the same fields is accepted too.
package struct Baseline: Hashable, Sendable, Codable {
    /// One accepted finding.
    package struct Entry: Hashable, Sendable, Codable {
        package var fingerprint: String
        package var reason: String
        package var reviewer: String
        /// The rule id, for the reader (not used for matching).
        package var rule: String?
        package var path: String?
        /// When it was accepted (free text, usually YYYY-MM-DD).
        package var date: String?

        package init(fingerprint: String, reason: String, reviewer: String, rule: String? = nil, path: String? = nil, date: String? = nil) {
            self.fingerprint = fingerprint
            self.reason = reason
            self.reviewer = reviewer
            self.rule = rule
            self.path = path
            self.date = date
        }
    }

    package var version: Int
    package var entries: [Entry]

    package init(version: Int = 1, entries: [Entry] = []) {
        self.version = version
        self.entries = entries
    }

    /// The most bytes read from a baseline file.
    package static let sizeLimit = 16 << 20

    /// Parses and validates baseline text (YAML or JSON).
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - source: the file name for error locations.
    /// - Throws: ``CustodyError`` with code `configuration` naming the file and the entry.
    package static func parse(_ text: String, source: String) throws -> Baseline {
        let baseline: Baseline
        do {
            baseline = try YAMLDecoder().decode(Baseline.self, from: text)
        } catch let error as DecodingError {
            throw CustodyError(.configuration, "baseline is not valid: \(describe(error))", location: source)
        } catch {
            throw CustodyError(.configuration, "baseline is not valid YAML or JSON", location: source)
        }
        guard baseline.version == 1 else {
            throw CustodyError(.configuration, "unsupported baseline version \(baseline.version) (expected 1)", location: source)
        }
        var seen = Set<String>()
        for (index, entry) in baseline.entries.enumerated() {
            let where_ = "\(source): entry \(index + 1)"
            let fingerprint = entry.fingerprint.lowercased()
            guard fingerprint.utf8.count == 32, fingerprint.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                throw CustodyError(.configuration, "fingerprint must be 32 hexadecimal digits", location: where_)
            }
            guard !entry.reason.allSatisfy(\.isWhitespace) else {
                throw CustodyError(.configuration, "every baseline entry needs a reason", location: where_)
            }
            guard !entry.reviewer.allSatisfy(\.isWhitespace) else {
                throw CustodyError(.configuration, "every baseline entry needs a reviewer", location: where_)
            }
            guard seen.insert(fingerprint).inserted else {
                throw CustodyError(.configuration, "fingerprint \(fingerprint) is listed twice", location: where_)
            }
        }
        var normalized = baseline
        for index in normalized.entries.indices {
            normalized.entries[index].fingerprint = normalized.entries[index].fingerprint.lowercased()
        }
        return normalized
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            let path = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            return "missing field \(path)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "unexpected content" : "wrong value at \(path)"
        @unknown default:
            return "unexpected content"
        }
    }

    /// Loads a baseline file, refusing one that lies inside the audited repository.
    ///
    /// - Parameters:
    ///   - path: the baseline file.
    ///   - auditedRepository: the repository's work tree or git directory, if known.
    /// - Throws: ``CustodyError`` `configuration` when the file is missing, too large, invalid,
    ///   or inside the audited repository.
    package static func load(path: String, auditedRepository: String? = nil) throws -> Baseline {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        if let repository = auditedRepository {
            let root = URL(fileURLWithPath: repository).standardizedFileURL.resolvingSymlinksInPath().path
            let file = url.path
            if file == root || file.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
                throw CustodyError(
                    .configuration,
                    "the baseline must be kept outside the audited repository, or the code under audit could suppress its own findings",
                    location: path
                )
            }
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CustodyError(.configuration, "cannot read the baseline file", location: path)
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: sizeLimit + 1)) ?? Data()
        guard data.count <= sizeLimit else {
            throw CustodyError(.configuration, "the baseline file is larger than 16 MiB", location: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CustodyError(.configuration, "the baseline file is not UTF-8", location: path)
        }
        return try parse(text, source: path)
    }

    /// A finding the baseline suppressed, with the entry that accepted it.
    package struct Suppressed: Hashable, Sendable {
        package var finding: Finding
        package var entry: Entry
    }

    /// Splits findings into those still reported and those the baseline accepted.
    ///
    /// Matching is by fingerprint only; nothing in the finding's text or the audited code is
    /// consulted.
    package func apply(_ findings: [Finding]) -> (kept: [Finding], suppressed: [Suppressed]) {
        let byFingerprint = Dictionary(entries.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
        var kept: [Finding] = []
        var suppressed: [Suppressed] = []
        for finding in findings {
            if let entry = byFingerprint[finding.fingerprint.lowercased()] {
                suppressed.append(Suppressed(finding: finding, entry: entry))
            } else {
                kept.append(finding)
            }
        }
        return (kept, suppressed)
    }

    /// Entries that matched none of the findings (stale acceptances the auditor may remove).
    package func unused(by findings: [Finding]) -> [Entry] {
        let present = Set(findings.map { $0.fingerprint.lowercased() })
        return entries.filter { !present.contains($0.fingerprint) }
    }

    /// A draft baseline accepting every finding, for an auditor to edit (reasons must be filled).
    package static func draft(accepting findings: [Finding], reviewer: String, reason: String, date: String? = nil) -> Baseline {
        var seen = Set<String>()
        var entries: [Entry] = []
        for finding in findings where seen.insert(finding.fingerprint).inserted {
            entries.append(Entry(fingerprint: finding.fingerprint, reason: reason, reviewer: reviewer, rule: finding.ruleID, path: finding.path, date: date))
        }
        return Baseline(entries: entries)
    }

    /// The baseline as YAML text.
    package func yaml() throws -> String {
        try YAMLEncoder().encode(self)
    }
}
