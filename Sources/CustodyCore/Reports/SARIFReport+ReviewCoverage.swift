extension SARIFReport {
    /// Review coverage in `runs[0].properties.reviewCoverage`: counts only (the JSON report has
    /// every verdict); each result on a reviewed commit carries `properties.reviewVerdict`.
    struct RunCoverage: Encodable {
        var flaggedCommits: Int
        var reviewedCommits: Int
        var byVerdict: [String: Int]
        var byReviewer: [String: Int]
        var unreviewedCommits: Int
        var verdictsNotCounted: Int

        init(_ coverage: ReviewCoverage) {
            flaggedCommits = coverage.flaggedCommits
            reviewedCommits = coverage.reviewedCommits
            byVerdict = coverage.byVerdict
            byReviewer = coverage.byReviewer
            unreviewedCommits = coverage.unreviewed.count
            verdictsNotCounted = coverage.verdicts.filter { !$0.counted }.count
        }
    }

    /// "cleared by jdoe, ledger entry 7" for the latest counted verdict on `commit`, else nil.
    static func reviewVerdict(_ coverage: ReviewCoverage, commit: String) -> String? {
        guard let verdict = coverage.countedVerdict(on: commit) else { return nil }
        return "\(verdict.verdict) by \(verdict.reviewer), ledger entry \(verdict.ledgerEntry)"
    }
}
