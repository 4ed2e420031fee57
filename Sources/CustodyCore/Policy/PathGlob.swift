/// A path pattern with `**`, `*` and `?`, matched against repository-relative paths.
///
/// `*` matches any run of bytes inside one path segment, `?` one byte other than `/`, `**`
/// any run including `/`, and `**/` zero or more whole folders (so `src/**/x.c` matches
/// `src/x.c`). A pattern ending in `/` covers everything under that folder. Patterns match the
/// whole path from the repository root; there is no implicit "any depth".
///
/// Matching simulates the pattern as a small automaton over the path's bytes, so it takes
/// time proportional to path length × pattern length and never backtracks.
package struct PathGlob: Hashable, Sendable, CustomStringConvertible {
    enum Token: Hashable, Sendable {
        case byte(UInt8)
        case oneByte
        case segmentRun
        case anyRun
        case anyFolders
    }

    package let pattern: String
    let tokens: [Token]

    /// Compiles a pattern; never fails (every byte that is not a wildcard is literal).
    package init(_ pattern: String) {
        self.pattern = pattern
        var bytes = Array(pattern.utf8)
        while bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
        if bytes.last == UInt8(ascii: "/") { bytes += Array("**".utf8) }
        var tokens: [Token] = []
        var index = 0
        let star = UInt8(ascii: "*")
        let slash = UInt8(ascii: "/")
        while index < bytes.count {
            let byte = bytes[index]
            if byte == star {
                if index + 1 < bytes.count, bytes[index + 1] == star {
                    var end = index + 2
                    while end < bytes.count, bytes[end] == star { end += 1 }
                    let atSegmentStart = index == 0 || bytes[index - 1] == slash
                    if atSegmentStart, end < bytes.count, bytes[end] == slash {
                        tokens.append(.anyFolders)
                        index = end + 1
                    } else {
                        tokens.append(.anyRun)
                        index = end
                    }
                } else {
                    tokens.append(.segmentRun)
                    index += 1
                }
            } else if byte == UInt8(ascii: "?") {
                tokens.append(.oneByte)
                index += 1
            } else {
                tokens.append(.byte(byte))
                index += 1
            }
        }
        self.tokens = tokens
    }

    package var description: String { pattern }

    /// True when `path` (relative, `/`-separated) matches the whole pattern.
    ///
    /// - Complexity: O(path length × pattern length).
    package func matches(_ path: some Collection<UInt8>) -> Bool {
        // State 2*i: before token i; state 2*i+1: inside an `anyFolders` token i (mid-segment).
        let count = tokens.count
        var current = [Bool](repeating: false, count: 2 * count + 2)
        var next = current
        add(0, to: &current)
        let slash = UInt8(ascii: "/")
        for byte in path {
            for i in next.indices { next[i] = false }
            var any = false
            for state in 0..<(2 * count + 2) where current[state] {
                let i = state / 2
                guard i < count else { continue }
                let inside = state % 2 == 1
                switch tokens[i] {
                case .byte(let expected):
                    if byte == expected { add(2 * (i + 1), to: &next); any = true }
                case .oneByte:
                    if byte != slash { add(2 * (i + 1), to: &next); any = true }
                case .segmentRun:
                    if byte != slash { add(2 * i, to: &next); any = true }
                case .anyRun:
                    add(2 * i, to: &next); any = true
                case .anyFolders:
                    if byte == slash {
                        if inside { add(2 * i, to: &next); any = true }
                    } else {
                        add(2 * i + 1, to: &next); any = true
                    }
                }
            }
            if !any { return false }
            swap(&current, &next)
        }
        return current[2 * count]
    }

    package func matches(_ path: String) -> Bool { matches(path.utf8) }

    /// Adds a state and everything reachable from it without reading a byte.
    private func add(_ state: Int, to set: inout [Bool]) {
        var state = state
        while true {
            if set[state] { return }
            set[state] = true
            let i = state / 2
            guard state % 2 == 0, i < tokens.count else { return }
            switch tokens[i] {
            case .segmentRun, .anyRun, .anyFolders: state = 2 * (i + 1)
            default: return
            }
        }
    }
}
