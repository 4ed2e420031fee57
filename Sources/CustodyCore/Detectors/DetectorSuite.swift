import Foundation
import Synchronization

/// Runs every registered detector over one commit.
///
/// This is the one entry point the audit, the gate and the review queue call.
package struct DetectorSuite: Sendable {
    package var detectors: [any Detector]
    package var explainer: Explainer
    /// Shared by every commit this suite (and its copies) scans.
    let memos = DetectorMemos()
    /// A commit whose changed files add at least this many bytes between them has its files
    /// scanned on several threads (see ``scan(_:blobs:)``).
    package var splitBytes = 256 << 10
    /// The threads such a commit's files are scanned on, at most (the audit gives its `--jobs`).
    package var threads = HistoryOptions.defaultJobs

    package init(detectors: [any Detector] = DetectorRegistry.all, explainer: Explainer = Explainer()) {
        self.detectors = detectors
        self.explainer = explainer
    }

    /// Scans the changes of `commit` and returns the findings, in a stable order: detector by
    /// detector, each one's commit-wide findings and then its findings file by file.
    ///
    /// A commit that adds at least ``splitBytes`` in two or more files (a vendored library, a
    /// generated `configure` and its caches) has its files scanned on up to ``threads`` threads,
    /// largest first, the calling thread among them. Detectors are stateless values and see each
    /// file alone, so the findings and their order are those of a scan on one thread; only the
    /// time changes. One such commit at the end of an audit would otherwise keep one core busy
    /// while the other waits.
    package func scan(_ commit: Commit, blobs: some BlobSource) -> [Finding] {
        var context = DetectionContext(commit: commit, blobs: blobs, explainer: explainer, memos: memos)
        var distinctPaths = true
        for change in commit.changes {
            let path = change.path
            if context.pathTraits[path] == nil {
                let facts = PathFacts.of(path)
                context.pathTraits[path] = facts.traits
                context.buildRoles[path] = facts.role
            } else {
                distinctPaths = false
            }
        }
        // One pass over each file's added text for the literal gates of every detector.
        if distinctPaths {
            for change in commit.changes where change.newPath != nil && !change.addedLines.isEmpty {
                context.literalGates[change.path] = LiteralGates(change.addedLines.storage[...])
            }
        }
        var findings: [Finding] = []
        guard let perFile = scanFilesConcurrently(context) else {
            for detector in detectors {
                detector.scanCommit(context: context, into: &findings)
                for change in commit.changes {
                    detector.scan(change, context: context, into: &findings)
                }
            }
            return findings
        }
        for (d, detector) in detectors.enumerated() {
            detector.scanCommit(context: context, into: &findings)
            for file in perFile { findings += file[d] }
        }
        return findings
    }

    /// For each change of a large commit, each detector's findings on it (indexed by detector);
    /// nil when the commit is small or one thread is all there is.
    private func scanFilesConcurrently(_ context: DetectionContext) -> [[[Finding]]]? {
        let changes = context.commit.changes
        guard threads > 1, changes.count > 1 else { return nil }
        var total = 0
        var sized = 0
        for change in changes where change.addedLines.byteCount > 0 {
            total += change.addedLines.byteCount
            sized += 1
        }
        guard sized > 1, total >= splitBytes else { return nil }
        // Largest first, so that the last file taken is a small one.
        let order = changes.indices.sorted {
            (changes[$0].addedLines.byteCount, $1) > (changes[$1].addedLines.byteCount, $0)
        }
        let shared = Mutex<(next: Int, results: [[[Finding]]])>((0, Array(repeating: [], count: changes.count)))
        let detectors = self.detectors
        DispatchQueue.concurrentPerform(iterations: min(threads, sized)) { _ in
            while true {
                let taken: Int? = shared.withLock { state in
                    guard state.next < order.count else { return nil }
                    defer { state.next += 1 }
                    return order[state.next]
                }
                guard let index = taken else { return }
                let change = changes[index]
                let found = detectors.map { detector in
                    var own: [Finding] = []
                    detector.scan(change, context: context, into: &own)
                    return own
                }
                shared.withLock { $0.results[index] = found }
            }
        }
        return shared.withLock { $0.results }
    }
}
