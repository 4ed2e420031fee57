/// One rule a detector can report: a stable id (`CUST-<CATEGORY>-NNN`), its category, default
/// severity and confidence, and the plain sentence that opens every finding of the rule.
package struct DetectorRule: Hashable, Sendable {
    package var id: String
    /// Short UpperCamelCase name for SARIF (`BidiControlInSource`).
    package var name: String
    package var category: FindingCategory
    package var severity: Severity
    package var confidence: Confidence
    /// One plain sentence a non-programmer understands.
    package var summary: String
    /// A longer help text: what it catches, why it matters, how to check.
    package var help: String

    package init(
        id: String,
        name: String,
        category: FindingCategory,
        severity: Severity,
        confidence: Confidence,
        summary: String,
        help: String
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.severity = severity
        self.confidence = confidence
        self.summary = summary
        self.help = help
    }
}

/// What a detector sees besides the change itself.
package struct DetectionContext: Sendable {
    package var commit: Commit
    /// Reads changed blobs, bounded (one `git cat-file --batch` stream in an audit).
    package var blobs: any BlobSource
    package var explainer: Explainer

    /// What each changed path says about its file, worked out once per commit for every detector
    /// (the suite fills it; a context made elsewhere works it out on demand).
    var pathTraits: [String: FileTraits] = [:]

    /// Which detectors' literals occur in each changed file's added text (see ``LiteralGates``),
    /// worked out once per file by the suite when every path of the commit is distinct; a
    /// detector asks ``gates(for:)``, which works them out on demand otherwise.
    var literalGates: [String: LiteralGates] = [:]

    /// The build role of each changed path (several build detectors ask), filled by the suite.
    var buildRoles: [String: BuildFiles.Role] = [:]

    /// What detectors worked out from whole blobs in earlier commits (the suite's own memos).
    let memos: DetectorMemos

    package init(commit: Commit, blobs: any BlobSource, explainer: Explainer = Explainer()) {
        self.init(commit: commit, blobs: blobs, explainer: explainer, memos: DetectorMemos())
    }

    init(commit: Commit, blobs: any BlobSource, explainer: Explainer, memos: DetectorMemos) {
        self.commit = commit
        self.blobs = blobs
        self.explainer = explainer
        self.memos = memos
    }

    /// The traits of a changed file's path.
    func traits(for change: FileChange) -> FileTraits {
        let path = change.path
        return pathTraits[path] ?? PathFacts.of(path).traits
    }
}

/// Finds one kind of hidden or malicious element in a commit's changes.
///
/// Detectors are values, stateless and `Sendable`; the suite calls them concurrently on different
/// commits. Each appends findings; it never throws for bad input (bad input is data).
package protocol Detector: Sendable {
    /// Every rule this detector can report.
    var rules: [DetectorRule] { get }

    /// Scans one changed file of the commit.
    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding])

    /// Scans the commit as a whole (identity anomalies, message-level checks). Default: nothing.
    func scanCommit(context: DetectionContext, into findings: inout [Finding])
}

extension Detector {
    package func scanCommit(context: DetectionContext, into findings: inout [Finding]) {}
}
