import Foundation

/// Which refs an audit starts from.
package enum RefSelection: Hashable, Sendable {
    /// `refs/heads/*` and `refs/tags/*` (the default).
    case branchesAndTags
    /// Every ref, including `refs/pull/*`, `refs/remotes/*` and `refs/stash`; notes are excluded.
    case allRefs
    /// A revision range as `git rev-list` takes it (`--rev RANGE`), e.g. `v1.0..main` or `main`.
    case range(String)
}

/// What ``GitRepository/readHistory(_:consumer:)`` reads and how many git processes it uses.
package struct HistoryOptions: Sendable {
    package var refs: RefSelection
    /// Number of git processes run and parsed concurrently; the result never depends on it.
    package var jobs: Int
    /// Commits already audited: not read again.
    package var excluding: Set<ObjectID>
    /// Prove in-process that a merge is exactly its automatic merge (``MergeVerifier``) before
    /// asking git to re-merge it. On by default; off sends every merge to `--remerge-diff` (the
    /// same added lines, slower: tests and `custody debug read-history --remerge-all` compare).
    package var verifyMerges = true

    package init(refs: RefSelection = .branchesAndTags, jobs: Int? = nil, excluding: Set<ObjectID> = []) {
        self.refs = refs
        self.jobs = max(1, jobs ?? HistoryOptions.defaultJobs)
        self.excluding = excluding
    }

    /// The number of active processors.
    package static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// A ref and the commit it points to (tags are peeled to their commit).
package struct RefTip: Hashable, Sendable, Codable {
    package var name: String
    package var tip: String

    package init(name: String, tip: String) {
        self.name = name
        self.tip = tip
    }
}

/// What a history read covered and what it could not read.
package struct HistorySummary: Sendable {
    package var refs: [RefTip]
    /// Commits handed to the consumer.
    package var commitCount: Int
    /// What could not be read; non-empty means the audit is incomplete (exit code 3).
    package var problems: [ReadProblem]
    /// Merges with no path that differs from every parent (nothing of their own to show),
    /// merges proven in-process to be their automatic merge (nothing to show either), merges
    /// whose re-merge was redone in-process (``MergeVerifier``: what `--remerge-diff` shows,
    /// computed here), and merges re-merged by git with `--remerge-diff`.
    package var mergesWithoutOwnPaths = 0
    package var mergesVerified = 0
    package var mergesRedone = 0
    package var mergesRemerged = 0

    package init(refs: [RefTip], commitCount: Int, problems: [ReadProblem]) {
        self.refs = refs
        self.commitCount = commitCount
        self.problems = problems
    }
}
