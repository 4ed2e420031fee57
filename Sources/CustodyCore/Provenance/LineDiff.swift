/// A line diff over hashed lines (Myers' O(ND) greedy algorithm after trimming the common
/// prefix and suffix), used by the replay engine to diff a merge's conflict-resolved file
/// against its first parent in-process instead of one `git diff` per merge.
///
/// Lines are compared by the whitespace-free hash the replay keeps, so it behaves like
/// `git diff -w`. When the two sides differ by more than `maximumEdits` lines the middle is
/// treated as replaced (no matches); the replay's moved-line rule then still finds long lines.
enum LineDiff {
    static let maximumEdits = 2_000

    /// For each line of `b`, the index of the line of `a` it is matched with, or -1 (added).
    static func matches(_ a: [UInt64], _ b: [UInt64], maximumEdits: Int = LineDiff.maximumEdits) -> [Int32] {
        var out = [Int32](repeating: -1, count: b.count)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] {
            out[prefix] = Int32(prefix)
            prefix += 1
        }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            out[b.count - 1 - suffix] = Int32(a.count - 1 - suffix)
            suffix += 1
        }
        let n = a.count - prefix - suffix
        let m = b.count - prefix - suffix
        guard n > 0, m > 0 else { return out }
        let limit = min(n + m, maximumEdits)
        // v[k + offset] = furthest x on diagonal k; trace[d] = the window -d-1…d+1 before step d.
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found = false
        search: for d in 0...limit {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[prefix + x] == b[prefix + y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return out }
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let window = trace[d]
            func at(_ k: Int) -> Int { window[k + d + 1] }
            let k = x - y
            let previousK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let previousX = at(previousK)
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                out[prefix + y] = Int32(prefix + x)
            }
            if d > 0 {
                x = previousX
                y = previousY
            }
        }
        return out
    }
}
