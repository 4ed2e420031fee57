/// Identity anomalies that need an identity's history: a sudden change of UTC offset pattern,
/// an identity that stops signing, a signer who is not the author, one email under several
/// names and one name under several emails.
///
/// ``Detector/scanCommit(context:into:)`` sees one commit at a time, so the audit calls this
/// once after reading the history (and the gate calls it on the history up to the new commits
/// plus the new commits, keeping only findings on new commits):
///
/// ```swift
/// let extra = IdentityAnomalyAnalyzer(resolver: resolver)
///     .analyze(commits: commitsInHistoryOrder, signatures: checksByCommit)
/// ```
///
/// Identities are grouped by roster person when the resolver knows them, else by email.
package struct IdentityAnomalyAnalyzer: Sendable {
    package var resolver: IdentityResolver?
    /// Commits needed before an identity's time zone pattern counts as established.
    package var baselineCommits = 5
    /// Consecutive commits with a new offset before the change is reported.
    package var changeRun = 3
    /// Offsets within this many minutes of a known one count as the same (daylight saving).
    package var offsetToleranceMinutes = 60
    /// Signed commits in a row before an unsigned one is reported.
    package var signedRun = 3

    package init(resolver: IdentityResolver? = nil) {
        self.resolver = resolver
    }

    /// - Parameters:
    ///   - commits: the history, in any order (sorted by commit date here, ties kept in input order).
    ///   - signatures: verified signature checks by commit (for the signer rule); may be empty.
    /// - Returns: findings, in history order.
    package func analyze(commits: [Commit], signatures: [ObjectID: SignatureCheck] = [:]) -> [Finding] {
        let ordered = commits.enumerated().sorted {
            ($0.element.committer.time, $0.offset) < ($1.element.committer.time, $1.offset)
        }.map(\.element)
        var findings: [(Int, Finding)] = []
        var position: [ObjectID: Int] = [:]
        for (i, c) in ordered.enumerated() { position[c.id] = i }

        var byIdentity: [String: [Commit]] = [:]
        var identityOrder: [String] = []
        var emailNames: [String: [(String, Commit)]] = [:]
        var nameEmails: [String: [(String, Commit)]] = [:]
        var emailOrder: [String] = []
        var nameOrder: [String] = []
        for commit in ordered {
            let key = identityKey(commit.author)
            if byIdentity[key] == nil { identityOrder.append(key) }
            byIdentity[key, default: []].append(commit)
            let email = commit.author.email.lowercased()
            let name = Self.normalizeName(commit.author.name)
            if !email.isEmpty, !name.isEmpty {
                if emailNames[email] == nil { emailOrder.append(email) }
                if !(emailNames[email]?.contains { $0.0 == name } ?? false) { emailNames[email, default: []].append((name, commit)) }
                if nameEmails[name] == nil { nameOrder.append(name) }
                if !(nameEmails[name]?.contains { $0.0 == email } ?? false) { nameEmails[name, default: []].append((email, commit)) }
            }
            if let check = signatures[commit.id], check.status == .verified, let signer = check.signerPersonID {
                let author = resolver?.resolve(name: commit.author.name, email: commit.author.email).person
                if author?.id != signer {
                    let who = author.map { "\($0.name) (\($0.id))" } ?? "\(commit.author.name) <\(commit.author.email)>"
                    findings.append((position[commit.id] ?? 0, Finding(
                        rule: IdentityAnomalyRules.signerIsNotAuthor, commit: commit, change: nil, lines: [],
                        evidence: "author \(who); \(check.detail)"
                    )))
                }
            }
        }
        for key in identityOrder {
            let list = byIdentity[key] ?? []
            timeZoneChanges(list, into: &findings, position: position)
            signingStops(list, into: &findings, position: position)
        }
        for email in emailOrder {
            guard let names = emailNames[email], names.count > 1 else { continue }
            let shown = names.prefix(10).map { "\"\($0.0)\"" }.joined(separator: ", ")
            findings.append((position[names[1].1.id] ?? 0, Finding(
                rule: IdentityAnomalyRules.emailUnderSeveralNames, commit: names[1].1, change: nil, lines: [],
                evidence: "<\(email)> is used with \(names.count) names: \(shown)",
                fingerprintExtra: "email:" + email
            )))
        }
        for name in nameOrder {
            guard let emails = nameEmails[name], emails.count > 1 else { continue }
            let shown = emails.prefix(10).map { "<\($0.0)>" }.joined(separator: ", ")
            findings.append((position[emails[1].1.id] ?? 0, Finding(
                rule: IdentityAnomalyRules.nameUnderSeveralEmails, commit: emails[1].1, change: nil, lines: [],
                evidence: "\"\(name)\" is used with \(emails.count) emails: \(shown)",
                fingerprintExtra: "name:" + name
            )))
        }
        return findings.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
    }

    /// The same analysis over the audit's stored commit records (what a report covers,
    /// including commits read by earlier runs). Signer checks are not available from records.
    package func analyze(history: [AuditedCommit]) -> [Finding] {
        analyze(commits: history.compactMap { PolicyAuditPass.commit($0, paths: []) })
    }

    private func identityKey(_ stamp: GitPersonStamp) -> String {
        if let person = resolver?.resolve(name: stamp.name, email: stamp.email).person { return "person:" + person.id }
        return "email:" + stamp.email.lowercased()
    }

    private func timeZoneChanges(_ list: [Commit], into findings: inout [(Int, Finding)], position: [ObjectID: Int]) {
        guard list.count >= baselineCommits + changeRun else { return }
        var known = Set(list.prefix(baselineCommits).map(\.author.utcOffsetMinutes))
        var run: [Commit] = []
        func isKnown(_ offset: Int) -> Bool { known.contains { abs($0 - offset) <= offsetToleranceMinutes } }
        for commit in list.dropFirst(baselineCommits) {
            let offset = commit.author.utcOffsetMinutes
            if isKnown(offset) {
                run = []
                continue
            }
            if let first = run.first, abs(first.author.utcOffsetMinutes - offset) > offsetToleranceMinutes {
                run = []
            }
            run.append(commit)
            if run.count == changeRun, let first = run.first {
                let before = known.sorted().map(Self.offsetText).joined(separator: ", ")
                findings.append((position[first.id] ?? 0, Finding(
                    rule: IdentityAnomalyRules.timeZoneChange, commit: first, change: nil, lines: [],
                    evidence: "\(first.author.name) <\(first.author.email)> used UTC offsets \(before) and then \(changeRun) commits in a row at \(Self.offsetText(offset))"
                )))
                known.insert(offset)
                run = []
            }
        }
    }

    private func signingStops(_ list: [Commit], into findings: inout [(Int, Finding)], position: [ObjectID: Int]) {
        var signedInRow = 0
        for commit in list {
            if commit.signature != .none {
                signedInRow += 1
            } else {
                if signedInRow >= signedRun {
                    findings.append((position[commit.id] ?? 0, Finding(
                        rule: IdentityAnomalyRules.stoppedSigning, commit: commit, change: nil, lines: [],
                        evidence: "\(commit.author.name) <\(commit.author.email)> signed the previous \(signedInRow) commits; this one is not signed"
                    )))
                }
                signedInRow = 0
            }
        }
    }

    static func offsetText(_ minutes: Int) -> String {
        let sign = minutes < 0 ? "-" : "+"
        let m = abs(minutes)
        let h = m / 60, r = m % 60
        return sign + (h < 10 ? "0" : "") + String(h) + (r < 10 ? "0" : "") + String(r)
    }

    static func normalizeName(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
