import Foundation

/// Commit-level identity anomalies: author ≠ committer, bot names without the bot's identity,
/// author and commit dates far apart, dates in the future.
///
/// Anomalies that need the history of an identity (time zone pattern, stopped signing, one
/// email under several names) are found by ``IdentityAnomalyAnalyzer`` in one pass over the
/// ordered commits; the signer check needs verified signatures and is done there too.
package struct IdentityAnomalyDetector: Detector {
    /// Dates later than `now + futureSlack` are "in the future".
    package var now: Int64
    package var futureSlackSeconds: Int64 = 86_400
    /// Author and commit dates further apart than this are reported.
    package var maxDateGapSeconds: Int64 = 30 * 86_400

    package init(now: Int64 = IdentityAnomalyDetector.currentTime()) {
        self.now = now
    }

    /// Every identity-anomaly rule, including those ``IdentityAnomalyAnalyzer`` reports, so
    /// that SARIF's rule list is complete.
    package var rules: [DetectorRule] { IdentityAnomalyRules.all }

    package func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {}

    package func scanCommit(context: DetectionContext, into findings: inout [Finding]) {
        let commit = context.commit
        let author = commit.author
        let committer = commit.committer
        if author.email.lowercased() != committer.email.lowercased() {
            let webFlow = committer.email.lowercased() == "noreply@github.com"
            findings.append(
                Finding(
                    rule: IdentityAnomalyRules.authorIsNotCommitter,
                    commit: commit,
                    change: nil,
                    lines: [],
                    evidence: "author \(Self.stamp(author)); committer \(Self.stamp(committer))"
                        + (webFlow ? " (GitHub's web interface committed it)" : ""),
                    severity: webFlow ? .info : nil
                )
            )
        }
        for (role, stamp) in [("author", author), ("committer", committer)] {
            if let problem = BotIdentity.problem(name: stamp.name, email: stamp.email) {
                findings.append(
                    Finding(
                        rule: IdentityAnomalyRules.botNameWithoutBotIdentity,
                        commit: commit,
                        change: nil,
                        lines: [],
                        evidence: "\(role) \(Self.stamp(stamp)): \(problem)",
                        fingerprintExtra: commit.id.description + role
                    )
                )
            }
        }
        let gap = committer.time - author.time
        if abs(gap) > maxDateGapSeconds {
            let days = abs(gap) / 86_400
            let direction = gap < 0 ? "after" : "before"
            findings.append(
                Finding(
                    rule: IdentityAnomalyRules.datesFarApart,
                    commit: commit,
                    change: nil,
                    lines: [],
                    evidence: "the author date is \(days) days \(direction) the commit date",
                    severity: gap < 0 ? .medium : nil
                )
            )
        }
        let latest = max(author.time, committer.time)
        if latest > now + futureSlackSeconds {
            let which = author.time > now + futureSlackSeconds ? "author date" : "commit date"
            findings.append(
                Finding(
                    rule: IdentityAnomalyRules.futureDate,
                    commit: commit,
                    change: nil,
                    lines: [],
                    evidence: "the \(which) is \(PolicyDate.format(latest)), \((latest - now) / 86_400) days after the audit ran"
                )
            )
        }
    }

    static func stamp(_ stamp: GitPersonStamp) -> String {
        "\(stamp.name) <\(stamp.email)>"
    }

    package static func currentTime() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}

/// Known bot names and the identities they really commit with.
enum BotIdentity {
    /// Bots known by name without a `[bot]` suffix, with their accepted emails.
    static let known: [String: [String]] = [
        "dependabot": ["49699333+dependabot[bot]@users.noreply.github.com", "support@dependabot.com"],
        "dependabot-preview": ["27856297+dependabot-preview[bot]@users.noreply.github.com", "support@dependabot.com"],
        "renovate": ["29139614+renovate[bot]@users.noreply.github.com", "bot@renovateapp.com"],
        "renovate bot": ["29139614+renovate[bot]@users.noreply.github.com", "bot@renovateapp.com"],
        "github-actions": ["41898282+github-actions[bot]@users.noreply.github.com", "action@github.com"],
        "github actions": ["41898282+github-actions[bot]@users.noreply.github.com", "action@github.com"],
    ]

    /// Why the identity is a bot name with a non-bot email, or nil when it is fine.
    static func problem(name: String, email: String) -> String? {
        let lowerName = name.lowercased().trimmed
        let lowerEmail = email.lowercased().trimmed
        var login = lowerName
        if lowerName.hasSuffix("[bot]") {
            login = String(lowerName.dropLast(5))
        } else if known[lowerName] == nil {
            return nil
        }
        if let accepted = known[login], accepted.contains(lowerEmail) { return nil }
        // GitHub App identities: "<id>+<login>[bot]@users.noreply.github.com" or "<login>[bot]@…".
        let suffix = "[bot]@users.noreply.github.com"
        if lowerEmail.hasSuffix(suffix) {
            var local = Substring(lowerEmail.dropLast(suffix.count))
            if let plus = local.firstIndex(of: "+"), local[..<plus].allSatisfy(\.isNumber) {
                local = local[local.index(after: plus)...]
            }
            if local == login.replacingOccurrences(of: " ", with: "-") { return nil }
            return "the email belongs to another GitHub bot account"
        }
        return "a bot named like this commits as <…+\(login)[bot]@users.noreply.github.com>, not with this email"
    }
}
