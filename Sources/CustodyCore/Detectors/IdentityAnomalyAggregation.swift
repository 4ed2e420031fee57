/// Folds per-commit identity anomalies that repeat for the same identity into one finding per
/// identity and rule, listing the commits, so that a maintainer who applies hundreds of patches
/// shows up once, not hundreds of times.
///
/// Grouping: "someone else committed it" by committer (the person who put the changes in),
/// the other per-commit rules by the identity they name (author, or the bot-named identity).
/// A group of one keeps its original finding. The folded finding sits on the group's first
/// commit, takes the group's highest severity, and has a fingerprint made of the rule and the
/// identity (stable while the group grows). Only the report is folded: the store keeps the
/// per-commit findings, so incremental runs fold again over the whole history.
package enum IdentityAnomalyAggregation {
    /// Rules folded by identity.
    package static let foldedRules: Set<String> = [
        IdentityAnomalyRules.authorIsNotCommitter.id,
        IdentityAnomalyRules.botNameWithoutBotIdentity.id,
        IdentityAnomalyRules.datesFarApart.id,
        IdentityAnomalyRules.futureDate.id,
    ]
    /// Commits named in a folded finding's evidence (all of them are in `relatedCommits`).
    package static let evidenceCommitLimit = 8

    /// - Parameters:
    ///   - findings: the report's findings, in report order.
    ///   - history: the audited commits (to find each commit's identities).
    ///   - resolver: groups identities by roster person when it knows them.
    /// - Returns: the findings with each repeating group replaced by one finding at the place of
    ///   its first member; everything else unchanged and in the same order.
    package static func fold(_ findings: [Finding], history: [AuditedCommit], resolver: IdentityResolver? = nil) -> [Finding] {
        guard findings.contains(where: { foldedRules.contains($0.ruleID) }) else { return findings }
        var byID: [String: AuditedCommit] = [:]
        byID.reserveCapacity(history.count)
        var position: [String: Int] = [:]
        for (i, record) in history.enumerated() {
            byID[record.id] = record
            position[record.id] = i
        }
        struct Group {
            var first: Int  // index in `findings`
            var members: [Int] = []
            var label: String
            var others: [String] = []  // the other side (authors a committer applied), distinct
        }
        var groups: [String: Group] = [:]
        var groupOf: [Int: String] = [:]
        for (i, finding) in findings.enumerated() where foldedRules.contains(finding.ruleID) {
            guard let record = byID[finding.commit] else { continue }
            let (key, label, other) = identity(of: finding, record: record, resolver: resolver)
            let groupKey = finding.ruleID + "\u{0}" + key
            groups[groupKey, default: Group(first: i, label: label)].members.append(i)
            if let other, groups[groupKey]!.others.count < 20, !groups[groupKey]!.others.contains(other) {
                groups[groupKey]!.others.append(other)
            }
            groupOf[i] = groupKey
        }
        var out: [Finding] = []
        out.reserveCapacity(findings.count)
        for (i, finding) in findings.enumerated() {
            guard let key = groupOf[i], let group = groups[key], group.members.count > 1 else {
                out.append(finding)
                continue
            }
            guard group.first == i else { continue }
            let members = group.members.map { findings[$0] }
                .sorted { (position[$0.commit] ?? Int.max, $0.commit) < (position[$1.commit] ?? Int.max, $1.commit) }
            var folded = members[0]
            folded.severity = members.map(\.severity).max() ?? folded.severity
            folded.relatedCommits = members.map(\.commit)
            let shown = members.prefix(evidenceCommitLimit).map { String($0.commit.prefix(12)) }.joined(separator: ", ")
            let more = members.count > evidenceCommitLimit ? " and \(members.count - evidenceCommitLimit) more" : ""
            let others = group.others.isEmpty ? "" : summary(of: group.others, rule: finding.ruleID)
            folded.evidence = "\(group.label): \(members.count) commits (\(shown)\(more))\(others). First: \(members[0].evidence)"
            folded.fingerprint = Finding.fingerprint(ruleID: finding.ruleID, path: "", lines: [], extra: "identity:" + key.split(separator: "\u{0}").last.map(String.init)!)
            out.append(folded)
        }
        return out
    }

    /// The identity a finding is about: key, label for the evidence, and the other identity.
    static func identity(of finding: Finding, record: AuditedCommit, resolver: IdentityResolver?) -> (String, String, String?) {
        func key(_ name: String, _ email: String) -> String {
            if let person = resolver?.resolve(name: name, email: email).person { return "person:" + person.id }
            return "email:" + email.lowercased()
        }
        let author = "\(record.authorName) <\(record.authorEmail)>"
        let committer = "\(record.committerName) <\(record.committerEmail)>"
        switch finding.ruleID {
        case IdentityAnomalyRules.authorIsNotCommitter.id:
            return (key(record.committerName, record.committerEmail), "committer \(committer) put in changes authored by others", author)
        case IdentityAnomalyRules.botNameWithoutBotIdentity.id:
            // The evidence starts with the role whose identity is bot-named.
            if finding.evidence.hasPrefix("committer ") {
                return ("committer:" + key(record.committerName, record.committerEmail), "committer \(committer)", nil)
            }
            return ("author:" + key(record.authorName, record.authorEmail), "author \(author)", nil)
        default:
            return (key(record.authorName, record.authorEmail), "author \(author)", nil)
        }
    }

    static func summary(of others: [String], rule: String) -> String {
        let shown = others.prefix(5).joined(separator: "; ")
        let more = others.count > 5 ? "; …" : ""
        return "; authors include \(shown)\(more)"
    }
}
