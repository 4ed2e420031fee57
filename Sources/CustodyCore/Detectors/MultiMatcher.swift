/// Finds many literals in one pass over a line (Aho–Corasick over bytes).
///
/// The automaton is built once (in a `static let`) from the needles; a scan costs one table
/// lookup per byte whatever the number of needles, so detectors can keep long lists of markers
/// without slowing down. ASCII case is folded when `caseInsensitive` is set. No backtracking.
struct MultiMatcher: Sendable {
    let needles: [[UInt8]]
    private let classOf: [UInt16]
    private let classCount: Int
    /// The transition table, one row of `classCount` entries per state. Each entry is the next
    /// state's row offset (`state * classCount`) shifted left by one, with the low bit set when
    /// some needle ends in that state: the hot loop does one table load per byte and touches
    /// the output lists only on a match.
    private let transitions: [Int32]
    /// For each state, the needles that end there (own output followed by fail-link outputs),
    /// flattened: `outputList[outputStart[s]..<outputStart[s + 1]]`, so the hot loop touches no
    /// nested array.
    private let outputStart: [Int32]
    private let outputList: [Int32]
    private let needleLengths: [Int]

    /// One occurrence of a needle.
    struct Match: Sendable {
        var needle: Int
        /// Start index in the scanned slice.
        var start: Int
    }

    init(_ needles: [String], caseInsensitive: Bool = true) {
        self.init(bytes: needles.map { Array($0.utf8) }, caseInsensitive: caseInsensitive)
    }

    /// - Parameter ignoring: bytes the scan steps over as if they were not there (no needle may
    ///   hold one); match starts are then not meaningful, only which needles occur.
    init(bytes needles: [[UInt8]], caseInsensitive: Bool = true, ignoring: [UInt8] = []) {
        let fold: (UInt8) -> UInt8 = { b in caseInsensitive && b >= 0x41 && b <= 0x5a ? b | 0x20 : b }
        var classOf = [UInt16](repeating: 0, count: 256)
        var classCount = 1
        for needle in needles {
            for b in needle where classOf[Int(fold(b))] == 0 {
                classOf[Int(fold(b))] = UInt16(classCount)
                classCount += 1
            }
        }
        if caseInsensitive {
            for upper in UInt8(0x41)...UInt8(0x5a) { classOf[Int(upper)] = classOf[Int(upper | 0x20)] }
        }
        // Ignored bytes get a class of their own whose every transition stays in its state.
        let ignoredClass = ignoring.isEmpty ? -1 : classCount
        if !ignoring.isEmpty {
            precondition(ignoring.allSatisfy { classOf[Int($0)] == 0 }, "MultiMatcher: a needle holds an ignored byte")
            for b in ignoring { classOf[Int(b)] = UInt16(classCount) }
            classCount += 1
        }
        // Trie.
        var goto: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var outputs: [[Int32]] = [[]]
        for (index, needle) in needles.enumerated() where !needle.isEmpty {
            var state = 0
            for b in needle {
                let c = Int(classOf[Int(fold(b))])
                if goto[state][c] < 0 {
                    goto.append([Int32](repeating: -1, count: classCount))
                    outputs.append([])
                    goto[state][c] = Int32(goto.count - 1)
                }
                state = Int(goto[state][c])
            }
            outputs[state].append(Int32(index))
        }
        // Breadth-first fail links, turned into a full transition table.
        var fail = [Int](repeating: 0, count: goto.count)
        var table = [Int32](repeating: 0, count: goto.count * classCount)
        var queue: [Int] = []
        for c in 0..<classCount {
            let s = goto[0][c]
            if s > 0 {
                table[c] = s
                fail[Int(s)] = 0
                queue.append(Int(s))
            } else {
                table[c] = 0
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputs[state].append(contentsOf: outputs[fail[state]])
            for c in 0..<classCount {
                let s = goto[state][c]
                if s > 0 {
                    fail[Int(s)] = Int(table[fail[state] * classCount + c])
                    table[state * classCount + c] = s
                    queue.append(Int(s))
                } else {
                    table[state * classCount + c] = table[fail[state] * classCount + c]
                }
            }
        }
        self.needles = needles
        self.classOf = classOf
        self.classCount = classCount
        precondition(goto.count * classCount < Int(Int32.max) / 2, "MultiMatcher: too many needles")
        if ignoredClass >= 0 {
            for state in 0..<goto.count { table[state * classCount + ignoredClass] = Int32(state) }
        }
        self.transitions = table.indices.map { k in
            let next = Int(table[k])
            // Staying put on an ignored byte finds nothing new.
            let found = !outputs[next].isEmpty && k % classCount != ignoredClass
            return Int32(next * classCount) << 1 | (found ? 1 : 0)
        }
        var start: [Int32] = [0]
        var list: [Int32] = []
        for out in outputs {
            list.append(contentsOf: out)
            start.append(Int32(list.count))
        }
        self.outputStart = start
        self.outputList = list
        self.needleLengths = needles.map(\.count)
    }

    /// Calls `body` for every occurrence, in order of end position; stop by returning false.
    ///
    /// - Complexity: O(n + matches).
    func scan(_ text: ArraySlice<UInt8>, _ body: (Match) -> Bool) {
        let base = text.startIndex
        text.withUnsafeBufferPointer { bytes in
            scan(bytes) { match in body(Match(needle: match.needle, start: base + match.start)) }
        }
    }

    /// ``scan(_:_:)`` over a buffer: match starts are offsets in it.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Match) -> Bool) {
        transitions.withUnsafeBufferPointer { table in
            classOf.withUnsafeBufferPointer { classes in
                var row = 0
                let width = classCount
                for i in 0..<bytes.count {
                    let entry = Int(table[row &+ Int(classes[Int(bytes[i])])])
                    row = entry >> 1
                    if entry & 1 != 0 {
                        let state = row / width
                        let lo = Int(outputStart[state])
                        let hi = Int(outputStart[state &+ 1])
                        for k in lo..<hi {
                            let n = Int(outputList[k])
                            if !body(Match(needle: n, start: i + 1 - needleLengths[n])) { return }
                        }
                    }
                }
            }
        }
    }

    /// True when any needle occurs.
    func matchesAny(_ text: ArraySlice<UInt8>) -> Bool {
        text.withUnsafeBufferPointer { bytes in
            transitions.withUnsafeBufferPointer { table in
                classOf.withUnsafeBufferPointer { classes in
                    var row = 0
                    for i in 0..<bytes.count {
                        let entry = Int(table[row &+ Int(classes[Int(bytes[i])])])
                        if entry & 1 != 0 { return true }
                        row = entry >> 1
                    }
                    return false
                }
            }
        }
    }

    /// For each state, the union of `masks[needle]` over the needles that end there (for
    /// ``union(of:in:all:)``; `masks` has one entry per needle).
    func stateMasks(_ masks: [UInt32]) -> [UInt32] {
        (0..<(outputStart.count - 1)).map { state in
            var mask: UInt32 = 0
            for k in Int(outputStart[state])..<Int(outputStart[state + 1]) { mask |= masks[Int(outputList[k])] }
            return mask
        }
    }

    /// The union of the masks of every needle that occurs in `text`, with `stateMasks` from
    /// ``stateMasks(_:)``; stops as soon as it is `all`. One table load per byte and one mask
    /// per match: no output list and no callback (the literal gates' pass over every file).
    func union(of stateMasks: [UInt32], in text: ArraySlice<UInt8>, all: UInt32) -> UInt32 {
        text.withUnsafeBufferPointer { bytes in
            transitions.withUnsafeBufferPointer { table in
                classOf.withUnsafeBufferPointer { classes in
                    stateMasks.withUnsafeBufferPointer { masks in
                        var row = 0
                        var union: UInt32 = 0
                        let width = classCount
                        for i in 0..<bytes.count {
                            let entry = Int(table[row &+ Int(classes[Int(bytes[i])])])
                            row = entry >> 1
                            if entry & 1 != 0 {
                                union |= masks[row / width]
                                if union == all { return union }
                            }
                        }
                        return union
                    }
                }
            }
        }
    }

    /// All occurrences, at most `limit`.
    func matches(in text: ArraySlice<UInt8>, limit: Int = 256) -> [Match] {
        var out: [Match] = []
        scan(text) { match in
            out.append(match)
            return out.count < limit
        }
        return out
    }
}
