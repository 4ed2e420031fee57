/// The shared literal prefilter of the line-oriented detectors: one pass over a file's added
/// text finds which detectors' trigger literals occur anywhere in it, so a detector skips its
/// per-line work for a file that holds none of them.
///
/// Sound by construction: the pass runs over the concatenation of the file's added lines, and a
/// literal found in one line is found in the concatenation (a literal that straddles two lines
/// is a harmless false alarm: the detector then scans as before). The matching ignores ASCII
/// case for every literal, a superset of the detectors' own matching (case-sensitive or not,
/// on the line as written or lowercased). A gate says "maybe"; only its absence is used.
struct LiteralGates: Sendable, Equatable {
    /// One gate per detector loop that reports nothing on a line without one of its literals.
    enum Gate: Int, CaseIterable, Sendable {
        case secretLeak, destructiveOperation, destructiveWalk, persistence, hiddenTrigger, network, timeOrGeoBomb
        case decodeAndExecute
    }

    private(set) var bits: UInt32 = 0

    /// Every gate open: what a detector assumes when it has no precomputed gates.
    static let allOpen = LiteralGates(bits: (1 << UInt32(Gate.allCases.count)) - 1)

    private init(bits: UInt32) { self.bits = bits }

    /// Finds the gates whose literals occur in `text` (a file's added lines, concatenated).
    init(_ text: ArraySlice<UInt8>) {
        let table = Self.table
        bits = table.matcher.union(of: table.stateBits, in: text, all: Self.allOpen.bits)
    }

    func contains(_ gate: Gate) -> Bool { bits & (1 << UInt32(gate.rawValue)) != 0 }

    /// The literals of each gate, taken from the detectors' own matchers so they cannot drift.
    static func literals(of gate: Gate) -> [[UInt8]] {
        switch gate {
        case .secretLeak:
            SecretLeakDetector.tokenMatcher.needles + [SecretLeakDetector.keyBegin, SecretLeakDetector.putty]
        case .destructiveOperation: DestructiveOperationDetector.prefilter.needles
        case .destructiveWalk: DestructiveWalk.matcher.needles
        case .persistence: PersistenceDetector.matcher.needles
        case .hiddenTrigger: HiddenTriggerDetector.matcher.needles
        case .network: NetworkIndicatorDetector.matcher.needles
        case .timeOrGeoBomb: TimeOrGeoBombDetector.matcher.needles
        case .decodeAndExecute: DecodeAndExecuteDetector.matcher.needles
        }
    }

    private struct Table: Sendable {
        var matcher: MultiMatcher
        /// For each state of `matcher`, the gates the needles ending there open.
        var stateBits: [UInt32]
    }

    private static let table: Table = {
        var index: [[UInt8]: Int] = [:]
        var needles: [[UInt8]] = []
        var bits: [UInt32] = []
        for gate in Gate.allCases {
            for literal in literals(of: gate) where !literal.isEmpty {
                let folded = literal.map(BuildText.lower)
                if let existing = index[folded] {
                    bits[existing] |= 1 << UInt32(gate.rawValue)
                } else {
                    index[folded] = needles.count
                    needles.append(folded)
                    bits.append(1 << UInt32(gate.rawValue))
                }
            }
        }
        let matcher = MultiMatcher(bytes: needles, caseInsensitive: true)
        return Table(matcher: matcher, stateBits: matcher.stateMasks(bits))
    }()
}

extension DetectionContext {
    /// The literal gates of a change's added text: worked out once per file by the suite (when
    /// the commit's paths are unique), or here on demand.
    func gates(for change: FileChange) -> LiteralGates {
        if let cached = literalGates[change.path] { return cached }
        return LiteralGates(change.addedLines.storage[...])
    }
}

extension DetectionContext {
    /// The build role of a changed path: worked out once per commit by the suite, or here.
    func buildRole(of path: String) -> BuildFiles.Role {
        buildRoles[path] ?? BuildFiles.role(of: path)
    }
}

extension ByteScan {
    /// True when a digit, a dot and a digit follow each other somewhere (an IPv4 address needs it).
    static func hasDottedDigits(_ text: ArraySlice<UInt8>) -> Bool {
        var i = text.startIndex
        let end = text.endIndex
        while i + 2 < end {
            if text[i + 1] == 0x2e, isDigit(text[i]), isDigit(text[i + 2]) { return true }
            i += 1
        }
        return false
    }
}
