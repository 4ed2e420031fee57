/// Runs every registered detector over one commit.
///
/// This is the one entry point the audit, the gate and the review queue call. The detector
/// issue fills the registry; until then it finds nothing.
package struct DetectorSuite: Sendable {
    package init() {}

    /// Scans the changes of `commit` and returns the findings, in a stable order.
    package func scan(_ commit: Commit, blobs: some BlobSource) -> [Finding] {
        []
    }
}
