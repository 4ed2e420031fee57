/// Finds invisible Unicode in added lines: bidirectional controls (Trojan Source), zero-width
/// and filler characters, and tag or variation-selector runs that can carry a hidden payload.
///
/// Everything is byte-level: lines without a byte ≥ 0x80 are skipped after one word-at-a-time
/// pass. Bidi controls in documentation and translation catalogues are reported at low severity;
/// joiners inside emoji or non-Latin text are normal writing and are not reported.
struct HiddenUnicodeDetector: Detector {
    static let bidi = DetectorRule(
        id: "CUST-HIDDEN-UNICODE-001",
        name: "BidiControlInSource",
        category: .hiddenUnicode,
        severity: .high,
        confidence: .high,
        summary:
            "This line contains invisible characters that make the code look different from what the computer runs.",
        help:
            "Bidirectional control characters (U+202A–U+202E, U+2066–U+2069) reorder how text is displayed, so a reviewer can read a comment where the compiler sees code (the Trojan Source attack). An override left open at the end of a line is the attack's signature. Check the line in a hex viewer."
    )
    static let invisible = DetectorRule(
        id: "CUST-HIDDEN-UNICODE-002",
        name: "InvisibleCharacterInCode",
        category: .hiddenUnicode,
        severity: .medium,
        confidence: .medium,
        summary:
            "This line contains characters that take no space on screen, so two names that look the same can be different.",
        help:
            "Zero-width spaces and joiners, word joiners, soft hyphens and Hangul fillers are invisible. Inside an identifier they create a second variable that looks identical to the first; Hangul fillers are valid identifier letters in JavaScript and make an invisible variable."
    )
    static let payload = DetectorRule(
        id: "CUST-HIDDEN-UNICODE-003",
        name: "InvisibleEncodedPayload",
        category: .hiddenUnicode,
        severity: .high,
        confidence: .high,
        summary: "This line hides data in invisible characters that a program can read back and run.",
        help:
            "Unicode tag characters (U+E0000–U+E007F) and runs of variation selectors render as nothing but each can encode one byte. Attacks use them to hide code in a string that looks empty, and to hide instructions from human reviewers of text read by AI tools."
    )

    var rules: [DetectorRule] { [Self.bidi, Self.invisible, Self.payload] }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        var cap = FindingCap()
        for position in change.addedLines.indices {
            let line = change.addedLines[position]
            guard ByteScan.hasNonASCII(line.text) else { continue }
            scanLine(line, change: change, traits: traits, context: context, cap: &cap, into: &findings)
        }
    }

    private struct LineState {
        var bidi: [ScalarAt] = []
        var openBidi = 0
        var invisibles: [ScalarAt] = []
        var invisibleInIdentifier = false
        var payloadRun = 0
        var longestRun = 0
        var payloadKinds: Set<String> = []
        var flagTags = false
    }

    private func scanLine(
        _ line: AddedLine,
        change: FileChange,
        traits: FileTraits,
        context: DetectionContext,
        cap: inout FindingCap,
        into findings: inout [Finding]
    ) {
        var state = LineState()
        var previous: UInt32 = 0
        var previousPrevious: UInt32 = 0
        var pendingJoiner: ScalarAt?
        let text = line.text
        UTF8Scan.forEachScalar(in: text) { scalar in
            let v = scalar.value
            // A joiner is judged once the next scalar is known.
            if let joiner = pendingJoiner {
                pendingJoiner = nil
                let natural =
                    UTF8Scan.isNonLatinLetterOrSymbol(previousPrevious) || UTF8Scan.isNonLatinLetterOrSymbol(v)
                if !natural {
                    state.invisibles.append(joiner)
                    if isIdentifierScalar(previousPrevious) && isIdentifierScalar(v) {
                        state.invisibleInIdentifier = true
                    }
                }
            }
            switch v {
            case 0x202a...0x202d, 0x2066...0x2068:
                state.bidi.append(scalar)
                state.openBidi += 1
            case 0x202e:
                state.bidi.append(scalar)
                state.openBidi += 1
            case 0x202c, 0x2069:
                state.bidi.append(scalar)
                state.openBidi = max(0, state.openBidi - 1)
            case 0x200e, 0x200f, 0x061c:
                // Direction marks: harmless in text; in code they still hide something.
                if traits.language.isCode && !traits.isLocalization { state.bidi.append(scalar) }
            case 0x200c, 0x200d:
                pendingJoiner = scalar
            case 0x115f, 0x1160, 0x3164, 0xffa0:
                // Hangul fillers are letters: a name made of them is an invisible variable.
                state.invisibles.append(scalar)
                if traits.language.isCode { state.invisibleInIdentifier = true }
            case 0x200b, 0x2060...0x2064, 0x180e, 0x034f, 0x17b4, 0x17b5:
                state.invisibles.append(scalar)
                if isIdentifierScalar(previous) {
                    state.invisibleInIdentifier = true
                }
            case 0x00ad:
                if traits.language.isCode { state.invisibles.append(scalar) }
            case 0xfeff:
                if !(line.number == 1 && scalar.index == text.startIndex) { state.invisibles.append(scalar) }
            case 0xe0000...0xe007f:
                if state.flagTags {
                    // Subdivision flags (England, Scotland, Wales) are U+1F3F4 followed by tags.
                    if v == 0xe007f { state.flagTags = false }
                } else {
                    state.payloadKinds.insert("tag characters")
                    state.payloadRun += 1
                    state.longestRun = max(state.longestRun, state.payloadRun)
                }
            case 0xfe00...0xfe0f, 0xe0100...0xe01ef:
                state.payloadRun += 1
                if state.payloadRun >= 4 { state.payloadKinds.insert("variation selectors") }
                state.longestRun = max(state.longestRun, state.payloadRun)
            default:
                state.payloadRun = 0
            }
            if v == 0x1f3f4 {
                state.flagTags = true
            } else if !(0xe0000...0xe007f).contains(v) {
                state.flagTags = false
            }
            previousPrevious = previous
            previous = v
        }
        if let joiner = pendingJoiner, !UTF8Scan.isNonLatinLetterOrSymbol(previousPrevious) {
            state.invisibles.append(joiner)
        }
        report(state, line: line, change: change, traits: traits, context: context, cap: &cap, into: &findings)
    }

    private func isIdentifierScalar(_ value: UInt32) -> Bool {
        value < 0x80 ? ByteScan.isIdentifierByte(UInt8(value)) : (value >= 0xc0 && value != 0xfeff)
    }

    private func report(
        _ state: LineState,
        line: AddedLine,
        change: FileChange,
        traits: FileTraits,
        context: DetectionContext,
        cap: inout FindingCap,
        into findings: inout [Finding]
    ) {
        let isCode = traits.language.isCode && !traits.isDocumentation
        if !state.bidi.isEmpty, cap.allow(Self.bidi) {
            let controls = state.bidi.filter { $0.value != 0x200e && $0.value != 0x200f && $0.value != 0x061c }
            var severity: Severity
            if isCode && !traits.isLocalization {
                severity = controls.isEmpty ? .medium : (state.openBidi > 0 ? .critical : .high)
                if traits.isTest || traits.isVendored { severity = severity.lowered }
            } else {
                severity = traits.isLocalization ? .info : .low
            }
            let open = state.openBidi > 0 ? " An override is still open at the end of the line." : ""
            findings.append(
                Finding(
                    rule: Self.bidi,
                    commit: context.commit,
                    change: change,
                    lines: [line],
                    evidence: "Line \(line.number) has \(describe(state.bidi, in: line.text)).\(open)",
                    severity: severity
                )
            )
        }
        if !state.invisibles.isEmpty, cap.allow(Self.invisible) {
            var severity: Severity = isCode ? (state.invisibleInIdentifier ? .high : .medium) : .low
            if traits.isLocalization { severity = .info }
            if isCode && (traits.isTest || traits.isVendored) { severity = severity.lowered }
            let where_ = state.invisibleInIdentifier ? " inside a name" : ""
            findings.append(
                Finding(
                    rule: Self.invisible,
                    commit: context.commit,
                    change: change,
                    lines: [line],
                    evidence: "Line \(line.number) has \(describe(state.invisibles, in: line.text))\(where_).",
                    severity: severity,
                    confidence: state.invisibleInIdentifier ? .high : .medium
                )
            )
        }
        if !state.payloadKinds.isEmpty, cap.allow(Self.payload) {
            var severity: Severity = isCode && state.longestRun >= 16 ? .critical : .high
            if traits.isTest { severity = severity.lowered }
            let kinds = state.payloadKinds.sorted().joined(separator: " and ")
            findings.append(
                Finding(
                    rule: Self.payload,
                    commit: context.commit,
                    change: change,
                    lines: [line],
                    evidence:
                        "Line \(line.number) has a run of \(state.longestRun) invisible \(kinds), enough to encode \(state.longestRun) bytes.",
                    severity: severity
                )
            )
        }
    }

    private func describe(_ scalars: [ScalarAt], in text: ArraySlice<UInt8>) -> String {
        var parts: [String] = []
        for scalar in scalars.prefix(4) {
            let column = text[text.startIndex..<scalar.index].count + 1
            parts.append("\(UTF8Scan.codePoint(scalar.value)) \(Self.name(of: scalar.value)) at byte \(column)")
        }
        if scalars.count > 4 { parts.append("\(scalars.count - 4) more") }
        return parts.joined(separator: ", ")
    }

    static func name(of value: UInt32) -> String {
        switch value {
        case 0x202a: "LEFT-TO-RIGHT EMBEDDING"
        case 0x202b: "RIGHT-TO-LEFT EMBEDDING"
        case 0x202c: "POP DIRECTIONAL FORMATTING"
        case 0x202d: "LEFT-TO-RIGHT OVERRIDE"
        case 0x202e: "RIGHT-TO-LEFT OVERRIDE"
        case 0x2066: "LEFT-TO-RIGHT ISOLATE"
        case 0x2067: "RIGHT-TO-LEFT ISOLATE"
        case 0x2068: "FIRST STRONG ISOLATE"
        case 0x2069: "POP DIRECTIONAL ISOLATE"
        case 0x200e: "LEFT-TO-RIGHT MARK"
        case 0x200f: "RIGHT-TO-LEFT MARK"
        case 0x061c: "ARABIC LETTER MARK"
        case 0x200b: "ZERO WIDTH SPACE"
        case 0x200c: "ZERO WIDTH NON-JOINER"
        case 0x200d: "ZERO WIDTH JOINER"
        case 0x2060: "WORD JOINER"
        case 0x2061...0x2064: "INVISIBLE OPERATOR"
        case 0xfeff: "ZERO WIDTH NO-BREAK SPACE"
        case 0x00ad: "SOFT HYPHEN"
        case 0x3164, 0xffa0, 0x115f, 0x1160: "HANGUL FILLER"
        default: "INVISIBLE CHARACTER"
        }
    }
}
