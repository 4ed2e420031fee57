/// Finds names in code that mix Latin letters with Cyrillic or Greek look-alikes (`pаypal` with a
/// Cyrillic `а`), or that are spelled entirely in look-alike letters, so that two names that read
/// the same are different names.
///
/// Only lines with non-ASCII bytes are examined; string literals and comments are skipped (mixed
/// scripts in prose are usually typing slips, not attacks). Greek letters used as maths symbols
/// (`Δt`, `α`) are not look-alikes and are not reported.
struct ConfusableIdentifierDetector: Detector {
    static let mixed = DetectorRule(
        id: "CUST-CONFUSABLE-IDENTIFIER-001",
        name: "MixedScriptIdentifier",
        category: .confusableIdentifier,
        severity: .high,
        confidence: .high,
        summary:
            "This line uses a name spelled with foreign letters that look like English ones, so it can pass for a different name.",
        help:
            "A Cyrillic 'а' or a Greek 'ο' looks exactly like the Latin letter. Mixed into a name, it makes a new variable or function that a reviewer reads as an existing one, which can shadow a security check."
    )
    static let wholeScript = DetectorRule(
        id: "CUST-CONFUSABLE-IDENTIFIER-002",
        name: "LookalikeScriptIdentifier",
        category: .confusableIdentifier,
        severity: .medium,
        confidence: .medium,
        summary:
            "This line uses a name written entirely in foreign letters that look like English ones.",
        help:
            "A name such as 'сосо' written in Cyrillic looks like the Latin 'coco' but is a different name to the compiler."
    )

    var rules: [DetectorRule] { [Self.mixed, Self.wholeScript] }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        guard traits.language.isCode, !traits.isDocumentation, !traits.isLocalization else { return }
        var cap = FindingCap()
        for position in change.addedLines.indices {
            let line = change.addedLines[position]
            guard ByteScan.hasNonASCII(line.text) else { continue }
            let code = CommentHeuristics.code(line.text, language: traits.language)
            let strings = ByteScan.stringLiterals(code)
            var tokens: [Token] = []
            var current = Token()
            var stringIndex = 0
            UTF8Scan.forEachScalar(in: code) { scalar in
                while stringIndex < strings.count, strings[stringIndex].upperBound < scalar.index { stringIndex += 1 }
                let inString =
                    stringIndex < strings.count && strings[stringIndex].contains(scalar.index)
                let kind = inString ? .none : Self.classify(scalar.value)
                if kind == .none {
                    if current.length > 0 { tokens.append(current) }
                    current = Token()
                } else {
                    if current.length == 0 { current.start = scalar.index }
                    current.add(kind, scalar: scalar)
                }
            }
            if current.length > 0 { tokens.append(current) }
            for token in tokens {
                let name = ByteScan.text(code[token.start..<token.end], limit: 80)
                if token.latin > 0 && (token.lookalike > 0 || token.fullwidth > 0) {
                    guard cap.allow(Self.mixed) else { continue }
                    findings.append(
                        Finding(
                            rule: Self.mixed,
                            commit: context.commit,
                            change: change,
                            lines: [line],
                            evidence:
                                "The name '\(name)' on line \(line.number) mixes Latin letters with \(token.scripts): \(token.foreignPoints.joined(separator: ", ")).",
                            severity: traits.isTest || traits.isVendored ? .medium : .high
                        )
                    )
                } else if token.latin == 0, token.lookalike >= 2, token.otherForeign == 0 {
                    guard cap.allow(Self.wholeScript) else { continue }
                    findings.append(
                        Finding(
                            rule: Self.wholeScript,
                            commit: context.commit,
                            change: change,
                            lines: [line],
                            evidence:
                                "The name '\(name)' on line \(line.number) is spelled only with \(token.scripts) letters that look Latin: \(token.foreignPoints.joined(separator: ", ")).",
                            severity: traits.isTest ? .low : .medium
                        )
                    )
                }
            }
        }
    }

    enum Kind { case none, latin, digit, lookalikeCyrillic, lookalikeGreek, fullwidth, otherForeign }

    struct Token {
        var start = 0
        var end = 0
        var length = 0
        var latin = 0
        var lookalike = 0
        var fullwidth = 0
        var otherForeign = 0
        var cyrillic = false
        var greek = false
        var foreignPoints: [String] = []

        mutating func add(_ kind: Kind, scalar: ScalarAt) {
            length += 1
            end = scalar.index + scalar.length
            switch kind {
            case .latin: latin += 1
            case .lookalikeCyrillic, .lookalikeGreek:
                lookalike += 1
                if kind == .lookalikeCyrillic { cyrillic = true } else { greek = true }
                if foreignPoints.count < 4 { foreignPoints.append(UTF8Scan.codePoint(scalar.value)) }
            case .fullwidth:
                fullwidth += 1
                if foreignPoints.count < 4 { foreignPoints.append(UTF8Scan.codePoint(scalar.value)) }
            case .otherForeign: otherForeign += 1
            case .digit, .none: break
            }
        }

        var scripts: String {
            if fullwidth > 0 && lookalike == 0 { return "full-width letters" }
            switch (cyrillic, greek) {
            case (true, true): return "Cyrillic and Greek"
            case (true, false): return "Cyrillic"
            case (false, true): return "Greek"
            default: return "foreign"
            }
        }
    }

    static let cyrillicLookalikes: Set<UInt32> = [
        0x0430, 0x0435, 0x043e, 0x0440, 0x0441, 0x0443, 0x0445, 0x0456, 0x0458, 0x0455, 0x0501, 0x051b, 0x051d,
        0x04bb, 0x04cf, 0x0410, 0x0412, 0x0415, 0x041a, 0x041c, 0x041d, 0x041e, 0x0420, 0x0421, 0x0422, 0x0425,
        0x0406, 0x0408, 0x0405, 0x04ae, 0x0432, 0x043a, 0x043c, 0x043d, 0x0442, 0x044c,
    ]
    static let greekLookalikes: Set<UInt32> = [
        0x03bf, 0x03b1, 0x03bd, 0x03b9, 0x03ba, 0x03c1, 0x03c5, 0x0391, 0x0392, 0x0395, 0x0396, 0x0397, 0x0399,
        0x039a, 0x039c, 0x039d, 0x039f, 0x03a1, 0x03a4, 0x03a5, 0x03a7,
    ]

    static func classify(_ value: UInt32) -> Kind {
        if value < 0x80 {
            let byte = UInt8(value)
            if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a { return .latin }
            if ByteScan.isDigit(byte) || byte == 0x5f || byte == 0x24 { return .digit }
            return .none
        }
        if (0xc0...0x24f).contains(value) && value != 0xd7 && value != 0xf7 { return .latin }
        if cyrillicLookalikes.contains(value) { return .lookalikeCyrillic }
        if greekLookalikes.contains(value) { return .lookalikeGreek }
        if (0xff21...0xff3a).contains(value) || (0xff41...0xff5a).contains(value) { return .fullwidth }
        if (0x0370...0x052f).contains(value) { return .otherForeign }
        // Other letters of other scripts (CJK, Arabic, …): part of a name, not a look-alike.
        if value >= 0x0530 && !(0x2000...0x2bff).contains(value) && !(0x3000...0x303f).contains(value)
            && !(0xfe00...0xfe0f).contains(value) && value != 0xfeff && !(0x1f000...0x1faff).contains(value)
        {
            return .otherForeign
        }
        return .none
    }
}
