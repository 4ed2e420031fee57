import Crypto

extension Finding {
    /// The most bytes of source kept in an excerpt.
    package static let excerptLimit = 240

    /// Builds a finding of `rule` on lines of `change` in `commit`.
    ///
    /// The fingerprint hashes the rule, the path and the flagged lines' text with whitespace
    /// folded, so it stays the same when lines shift elsewhere in the file.
    ///
    /// - Parameters:
    ///   - rule: the rule reported.
    ///   - commit: the commit that introduced the lines.
    ///   - change: the file change; nil for commit-level findings.
    ///   - lines: the flagged added lines (may be empty).
    ///   - explanation: one plain sentence; defaults to the rule's summary.
    ///   - evidence: what was seen, for the reader who wants the detail.
    ///   - severity: overrides the rule's default severity.
    ///   - confidence: overrides the rule's default confidence.
    package init(
        rule: DetectorRule,
        commit: Commit,
        change: FileChange?,
        lines: [AddedLine],
        explanation: String? = nil,
        evidence: String,
        severity: Severity? = nil,
        confidence: Confidence? = nil,
        fingerprintExtra: String = ""
    ) {
        var excerptBytes: [UInt8] = []
        for line in lines.prefix(3) {
            if !excerptBytes.isEmpty { excerptBytes.append(UInt8(ascii: "\n")) }
            excerptBytes.append(contentsOf: line.text.prefix(Finding.excerptLimit))
            if excerptBytes.count >= Finding.excerptLimit { break }
        }
        let path = change?.path
        self.init(
            ruleID: rule.id,
            category: rule.category,
            severity: severity ?? rule.severity,
            confidence: confidence ?? rule.confidence,
            commit: commit.id.description,
            path: path,
            startLine: lines.first?.number,
            endLine: lines.last?.number,
            excerpt: String(decoding: excerptBytes.prefix(Finding.excerptLimit * 2), as: UTF8.self),
            explanation: explanation ?? rule.summary,
            evidence: evidence,
            fingerprint: Finding.fingerprint(
                ruleID: rule.id,
                path: path ?? "",
                lines: lines.map(\.text),
                extra: fingerprintExtra.isEmpty && lines.isEmpty ? commit.id.description : fingerprintExtra
            )
        )
    }

    /// A stable fingerprint: SHA-256 over rule id, path and the lines' text with whitespace
    /// folded, as 32 hex digits.
    package static func fingerprint(
        ruleID: String,
        path: String,
        lines: [ArraySlice<UInt8>],
        extra: String = ""
    ) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(ruleID.utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(path.utf8))
        for line in lines {
            hasher.update(data: [0])
            var folded: [UInt8] = []
            folded.reserveCapacity(line.count)
            var pendingSpace = false
            for byte in line {
                if byte == 0x20 || byte == 0x09 || byte == 0x0d {
                    pendingSpace = !folded.isEmpty
                } else {
                    if pendingSpace { folded.append(0x20) }
                    pendingSpace = false
                    folded.append(byte)
                }
            }
            hasher.update(data: folded)
        }
        hasher.update(data: [0])
        hasher.update(data: Array(extra.utf8))
        let digest = Array(hasher.finalize())
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest.prefix(16) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
