/// Runs every registered detector over one commit.
///
/// This is the one entry point the audit, the gate and the review queue call.
package struct DetectorSuite: Sendable {
    package var detectors: [any Detector]
    package var explainer: Explainer
    /// Shared by every commit this suite (and its copies) scans.
    let memos = DetectorMemos()

    package init(detectors: [any Detector] = DetectorRegistry.all, explainer: Explainer = Explainer()) {
        self.detectors = detectors
        self.explainer = explainer
    }

    /// Scans the changes of `commit` and returns the findings, in a stable order.
    package func scan(_ commit: Commit, blobs: some BlobSource) -> [Finding] {
        var context = DetectionContext(commit: commit, blobs: blobs, explainer: explainer, memos: memos)
        var distinctPaths = true
        for change in commit.changes {
            let path = change.path
            if context.pathTraits[path] == nil {
                context.pathTraits[path] = FileTraits(path: path)
                context.buildRoles[path] = BuildFiles.role(of: path)
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
        for detector in detectors {
            detector.scanCommit(context: context, into: &findings)
            for change in commit.changes {
                detector.scan(change, context: context, into: &findings)
            }
        }
        return findings
    }
}
