/// Counts findings per rule within one file change so that one noisy file cannot flood a report.
struct FindingCap {
    /// The most findings of one rule reported for one file change.
    static let perRule = 8

    private var counts: [String: Int] = [:]

    /// True when one more finding of `rule` may be reported; counts it.
    mutating func allow(_ rule: DetectorRule) -> Bool {
        let count = counts[rule.id, default: 0]
        counts[rule.id] = count + 1
        return count < FindingCap.perRule
    }
}

extension AddedLines {
    /// The lines from `index - before` to `index + after`, clamped to the change.
    func window(around index: Int, before: Int, after: Int) -> Range<Int> {
        Swift.max(startIndex, index - before)..<Swift.min(endIndex, index + after + 1)
    }
}
