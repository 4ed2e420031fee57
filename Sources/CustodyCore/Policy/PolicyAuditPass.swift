/// Evaluates the policy over every commit of an audit and puts the violations in the report.
///
/// A report pass (runs after the history is read and ordered), so it covers earlier runs'
/// commits too. Changed paths are read in one `git log --no-walk --name-only` stream only when a
/// rule has `paths`; signatures are checked from raw commit objects read through the audit's
/// `git cat-file --batch` reader when a rule requires them.
///
/// ```swift
/// var configuration = AuditConfiguration(...)
/// configuration.passes.append(PolicyAuditPass(policy: policy, recorded: verdicts))
/// ```
package struct PolicyAuditPass: AuditReportPass {
    package var policy: Policy
    package var recorded: [RecordedReview]
    package var gpg: GPGVerifier?

    package init(policy: Policy, recorded: [RecordedReview] = [], gpg: GPGVerifier? = nil) {
        self.policy = policy
        self.recorded = recorded
        self.gpg = gpg
    }

    package func apply(to report: inout AuditReport, context: AuditPassContext) throws {
        let needsPaths = policy.rules.contains { !$0.paths.isEmpty }
        let needsSignatures = policy.rules.contains { $0.action == .requireSignature }
        var paths: [String: [String]] = [:]
        if needsPaths, !context.commits.isEmpty {
            paths = try Self.changedPaths(context.commits.map(\.id), git: context.repository.process)
        }
        let verifier = SignatureVerifier(roster: context.resolver.roster, gpg: gpg)
        let reader = context.blobs as? GitBlobReader
        let collector = ReviewCollector(resolver: context.resolver, recorded: recorded)
        let evaluator = PolicyEvaluator(policy: policy)
        var violations: [Violation] = []
        for audited in context.commits {
            guard let commit = Self.commit(audited, paths: paths[audited.id] ?? []) else { continue }
            var check: SignatureCheck?
            if needsSignatures {
                if commit.signature == .none {
                    check = .unsigned
                } else if let raw = reader?.readObject(commit.id, limit: 1 << 22)?.bytes {
                    check = verifier.check(rawCommit: raw)
                } else {
                    check = SignatureCheck(kind: commit.signature, status: .notVerifiable, detail: "the commit object could not be read")
                }
            }
            violations += evaluator.evaluate(
                commit: commit,
                authorIdentity: context.resolver.resolve(name: commit.author.name, email: commit.author.email),
                committerIdentity: context.resolver.resolve(name: commit.committer.name, email: commit.committer.email),
                reviewers: collector.reviewers(of: commit),
                signature: check
            )
        }
        report.violations = violations
    }

    /// Rebuilds the parts of a ``Commit`` the policy reads from a stored ``AuditedCommit``.
    static func commit(_ a: AuditedCommit, paths: [String]) -> Commit? {
        guard let id = ObjectID(a.id) else { return nil }
        return Commit(
            id: id,
            parents: a.parents.compactMap { ObjectID($0) },
            author: GitPersonStamp(name: a.authorName, email: a.authorEmail, time: a.authorTime, utcOffsetMinutes: a.authorOffsetMinutes),
            committer: GitPersonStamp(name: a.committerName, email: a.committerEmail, time: a.committerTime, utcOffsetMinutes: a.committerOffsetMinutes),
            subject: a.subject,
            trailers: a.trailers.map { Trailer(key: $0.key, value: $0.value) },
            signature: a.signature,
            changes: paths.map { FileChange(kind: .modify, oldPath: $0, newPath: $0) }
        )
    }

    /// Paths each commit touched (both sides of renames), from one `git log --no-walk` stream.
    static func changedPaths(_ ids: [String], git: GitProcess) throws -> [String: [String]] {
        let input = Array(ids.joined(separator: "\n").utf8) + [0x0a]
        let output = try git.run(
            ["log", "--no-walk=unsorted", "--stdin", "--name-only", "-z", "--no-renames", "--diff-merges=first-parent", "--format=%x01%H"],
            input: input
        )
        var out: [String: [String]] = [:]
        var current: String?
        for field in output.standardOutput.split(separator: 0) {
            var f = field
            while f.first == 0x0a { f = f.dropFirst() }
            if f.first == 0x01 {
                let rest = f.dropFirst()
                let idPart = rest.prefix { $0 != 0x0a }
                current = String(decoding: idPart, as: UTF8.self)
                let after = rest.dropFirst(idPart.count).drop { $0 == 0x0a }
                if let current, !after.isEmpty { out[current, default: []].append(String(decoding: after, as: UTF8.self)) }
            } else if let current, !f.isEmpty {
                out[current, default: []].append(String(decoding: f, as: UTF8.self))
            }
        }
        return out
    }
}
