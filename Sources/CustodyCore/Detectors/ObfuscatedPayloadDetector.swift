/// Finds encoded blobs in code and judges them by what they decode to: long base64 or hex
/// literals, runs of `\x41`/`\101`/`\u0041` escapes, and character-code lists
/// (`String.fromCharCode(…)`, `chr(…)+chr(…)`, `bytes([…])`).
///
/// A blob that decodes to compressed data, an executable, or text with words of code is a
/// finding; random bytes (keys, hashes, test vectors) are not, except a very long opaque blob in
/// production code. Data URIs, lockfiles, minified and vendored files are skipped.
struct ObfuscatedPayloadDetector: Detector {
    static let encodedBlob = DetectorRule(
        id: "CUST-OBFUSCATED-PAYLOAD-001",
        name: "EncodedBlobInCode",
        category: .obfuscatedPayload,
        severity: .high,
        confidence: .medium,
        summary: "This line hides a block of data in encoded form, so a reviewer cannot read what it contains.",
        help:
            "Long base64 or hex strings in code are how payloads are smuggled past review. Custody decodes the blob and says what is inside: compressed data, an executable, or text that contains code are the dangerous cases."
    )
    static let escapedText = DetectorRule(
        id: "CUST-OBFUSCATED-PAYLOAD-002",
        name: "EscapedTextInCode",
        category: .obfuscatedPayload,
        severity: .medium,
        confidence: .medium,
        summary:
            "This line spells out text as numeric codes instead of letters, which hides what the text says.",
        help:
            "Writing readable text as hex or octal escapes or as character codes has no purpose except to keep it unreadable; it is a common way to hide a command, a URL or a function name such as eval."
    )
    static let opaqueBlob = DetectorRule(
        id: "CUST-OBFUSCATED-PAYLOAD-003",
        name: "LongOpaqueLiteral",
        category: .obfuscatedPayload,
        severity: .low,
        confidence: .low,
        summary: "This line adds a very long block of unreadable data to the program's code.",
        help:
            "A long high-entropy literal in production code may be a key, an image or a hidden payload; someone should know why it is there."
    )

    var rules: [DetectorRule] { [Self.encodedBlob, Self.escapedText, Self.opaqueBlob] }

    static let dataURI = ByteScan.bytes(";base64,")
    static let charCodeMarkers: [[UInt8]] = [
        "fromcharcode(", "chr(", "[char]", "bytes([", "bytearray([", "new byte[]", "new char[]", "[]byte{",
        "string(bytes:", "pack('c*'", "pack(\"c*\"", ".chr", "char(", "string.char(",
    ].map { Array($0.utf8) }
    static let charCodeMatcher = MultiMatcher(bytes: charCodeMarkers, caseInsensitive: true)

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        if traits.isLockfile || traits.isMinified || traits.isVendored { return }
        if traits.language == .json || traits.language == .xml || traits.language == .css { return }
        var cap = FindingCap()
        for position in change.addedLines.indices {
            let line = change.addedLines[position]
            let text = line.text
            // A minified line in a file not named as such: skip long blobs, keep char codes.
            let isHuge = text.count > 64 * 1024
            if !isHuge { scanRuns(line, change: change, traits: traits, context: context, cap: &cap, into: &findings) }
            if ByteScan.contains(text, [0x5c]) {
                scanEscapes(line, change: change, traits: traits, context: context, cap: &cap, into: &findings)
            }
            if traits.language.isCode {
                scanCharCodes(line, change: change, traits: traits, context: context, cap: &cap, into: &findings)
            }
        }
    }

    // MARK: base64 and hex runs

    private func scanRuns(
        _ line: AddedLine, change: FileChange, traits: FileTraits, context: DetectionContext,
        cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let text = line.text
        guard text.count >= 64 else { return }
        var i = text.startIndex
        while i < text.endIndex {
            guard Self.isBase64Byte(text[i]) else {
                i += 1
                continue
            }
            var j = i
            var upper = 0
            var lower = 0
            var digits = 0
            var hexOnly = true
            while j < text.endIndex, Self.isBase64Byte(text[j]) {
                let b = text[j]
                if b >= 0x41 && b <= 0x5a { upper += 1 } else if b >= 0x61 && b <= 0x7a { lower += 1 } else if ByteScan.isDigit(b) { digits += 1 }
                if !ByteScan.isHexDigit(b) { hexOnly = false }
                j += 1
            }
            defer { i = j }
            let run = text[i..<j]
            guard run.count >= 64 else { continue }
            // data:image/png;base64,… in docs, CSS, HTML and code.
            if i >= text.startIndex + Self.dataURI.count,
                text[(i - Self.dataURI.count)..<i].elementsEqual(Self.dataURI)
            {
                continue
            }
            let content: PayloadAnalysis.Content
            let encoding: String
            if hexOnly && run.count % 2 == 0 && digits > 0 {
                encoding = "hex"
                content = PayloadAnalysis.classify(PayloadAnalysis.decodeHex(run))
            } else {
                guard run.count >= 80, upper > 0, lower > 0, digits > 0,
                    ByteScan.entropy(run.prefix(4096)) >= 4.5
                else { continue }
                encoding = "base64"
                content = PayloadAnalysis.classify(PayloadAnalysis.decodeBase64(run))
            }
            report(
                content, encoding: encoding, length: run.count, line: line, change: change, traits: traits,
                context: context, cap: &cap, into: &findings)
        }
    }

    @inline(__always)
    static func isBase64Byte(_ b: UInt8) -> Bool {
        ByteScan.isIdentifierByte(b) && b != 0x24 || b == 0x2b || b == 0x2f || b == 0x3d || b == 0x2d
    }

    private func report(
        _ content: PayloadAnalysis.Content, encoding: String, length: Int, line: AddedLine, change: FileChange,
        traits: FileTraits, context: DetectionContext, cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let rule: DetectorRule
        var severity: Severity
        switch content {
        case .executableText, .compressed, .executable:
            rule = Self.encodedBlob
            severity = traits.isProductionCode ? .high : (traits.isTest ? .medium : .low)
            if traits.isDocumentation { severity = .low }
        case .text:
            guard traits.isProductionCode, length >= 256 else { return }
            rule = Self.opaqueBlob
            severity = .low
        case .opaque:
            guard traits.isProductionCode, length >= 2048 else { return }
            rule = Self.opaqueBlob
            severity = .low
        }
        guard cap.allow(rule) else { return }
        findings.append(
            Finding(
                rule: rule,
                commit: context.commit,
                change: change,
                lines: [line],
                evidence:
                    "Line \(line.number) has \(length) characters of \(encoding) that decode to \(PayloadAnalysis.describe(content)).",
                severity: severity
            )
        )
    }

    // MARK: escapes

    private func scanEscapes(
        _ line: AddedLine, change: FileChange, traits: FileTraits, context: DetectionContext,
        cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let text = line.text
        var decoded: [UInt8] = []
        var best: [UInt8] = []
        var count = 0
        var bestCount = 0
        var i = text.startIndex
        func flush() {
            if count > bestCount {
                best = decoded
                bestCount = count
            }
            decoded.removeAll(keepingCapacity: true)
            count = 0
        }
        while i < text.endIndex {
            guard text[i] == 0x5c, i + 1 < text.endIndex else {
                if count > 0 && !ByteScan.isSpace(text[i]) && text[i] != 0x22 && text[i] != 0x27 && text[i] != 0x2b {
                    flush()
                }
                i += 1
                continue
            }
            let kind = text[i + 1]
            if (kind == 0x78 || kind == 0x58), i + 3 < text.endIndex, let h = ByteScan.hexValue(text[i + 2]),
                let l = ByteScan.hexValue(text[i + 3])
            {
                decoded.append(h << 4 | l)
                count += 1
                i += 4
            } else if kind == 0x75, i + 5 < text.endIndex,
                let a = ByteScan.hexValue(text[i + 2]), let b = ByteScan.hexValue(text[i + 3]),
                let c = ByteScan.hexValue(text[i + 4]), let d = ByteScan.hexValue(text[i + 5])
            {
                let value = UInt32(a) << 12 | UInt32(b) << 8 | UInt32(c) << 4 | UInt32(d)
                decoded.append(value < 0x80 ? UInt8(value) : 0xff)
                count += 1
                i += 6
            } else if kind >= 0x30 && kind <= 0x37, i + 3 < text.endIndex,
                (0x30...0x37).contains(text[i + 2]), (0x30...0x37).contains(text[i + 3])
            {
                let value = Int(kind - 0x30) * 64 + Int(text[i + 2] - 0x30) * 8 + Int(text[i + 3] - 0x30)
                decoded.append(UInt8(truncatingIfNeeded: value))
                count += 1
                i += 4
            } else {
                flush()
                i += 2
            }
            if decoded.count >= PayloadAnalysis.decodeLimit { break }
        }
        flush()
        guard bestCount >= 4 else { return }
        let content = PayloadAnalysis.classify(best)
        var severity: Severity
        switch content {
        case .executableText, .compressed, .executable:
            severity = traits.isProductionCode ? .high : .medium
            if traits.isDocumentation { severity = .low }
            if bestCount < 8, case .compressed = content { return }
            if bestCount < 8, case .executable = content { return }
        case .text:
            guard bestCount >= 12 else { return }
            severity = traits.isProductionCode ? .medium : .low
            if traits.isTest || traits.isDocumentation { return }
        case .opaque:
            return
        }
        guard cap.allow(Self.escapedText) else { return }
        let preview = String(decoding: best.prefix(60).map { $0 >= 0x20 && $0 < 0x7f ? $0 : 0x2e }, as: UTF8.self)
        findings.append(
            Finding(
                rule: Self.escapedText,
                commit: context.commit,
                change: change,
                lines: [line],
                evidence:
                    "Line \(line.number) has \(bestCount) escaped characters that decode to \(PayloadAnalysis.describe(content)): \"\(preview)\".",
                severity: severity
            )
        )
    }

    // MARK: character codes

    private func scanCharCodes(
        _ line: AddedLine, change: FileChange, traits: FileTraits, context: DetectionContext,
        cap: inout FindingCap, into findings: inout [Finding]
    ) {
        let text = line.text
        guard ByteScan.contains(text, [0x28]) || ByteScan.contains(text, [0x5b]) || ByteScan.contains(text, [0x7b])
        else { return }
        // The markers are lowercase and the matcher folds ASCII case: the same test as on `lower`.
        guard Self.charCodeMatcher.matchesAny(text) else { return }
        let lower = ByteScan.lowercased(text)
        guard let marker = Self.charCodeMarkers.first(where: { ByteScan.contains(lower, $0) }) else { return }
        // Collect the numbers that follow the first marker (decimal or 0x), allowing separators.
        guard let start = ByteScan.find(marker, in: lower) else { return }
        var values: [UInt8] = []
        var i = start + marker.count
        var sawNonPrintable = false
        while i < lower.endIndex, values.count < 4096 {
            let b = lower[i]
            if ByteScan.isDigit(b) {
                var value = 0
                var j = i
                if b == 0x30, j + 1 < lower.endIndex, lower[j + 1] == 0x78 {
                    j += 2
                    while j < lower.endIndex, let v = ByteScan.hexValue(lower[j]), value < 0x10000 {
                        value = value * 16 + Int(v)
                        j += 1
                    }
                } else {
                    while j < lower.endIndex, ByteScan.isDigit(lower[j]), value < 0x10000 {
                        value = value * 10 + Int(lower[j] - 0x30)
                        j += 1
                    }
                }
                if value > 0x7e || (value < 0x20 && value != 0x0a && value != 0x09) { sawNonPrintable = true }
                values.append(UInt8(truncatingIfNeeded: value))
                i = j
            } else if b == 0x2c || ByteScan.isSpace(b) || b == 0x29 || b == 0x28 || b == 0x2b || b == 0x2e
                || b == 0x5b || b == 0x5d || b == 0x7b || b == 0x7d
                || ByteScan.isIdentifierByte(b) && Self.isChrContinuation(lower, at: i)
            {
                i += 1
            } else {
                break
            }
        }
        guard values.count >= 6, !sawNonPrintable else { return }
        let content = PayloadAnalysis.classify(values)
        var severity: Severity = traits.isProductionCode ? .medium : .low
        if case .executableText = content { severity = traits.isProductionCode ? .high : .medium }
        guard cap.allow(Self.escapedText) else { return }
        let preview = String(decoding: values.prefix(60), as: UTF8.self)
        findings.append(
            Finding(
                rule: Self.escapedText,
                commit: context.commit,
                change: change,
                lines: [line],
                evidence:
                    "Line \(line.number) builds text from \(values.count) character codes after '\(String(decoding: marker, as: UTF8.self))' that spell \"\(preview)\" (\(PayloadAnalysis.describe(content))).",
                severity: severity
            )
        )
    }

    /// Inside `chr(104)+chr(116)…` the letters of the next `chr` are separators too.
    private static func isChrContinuation(_ lower: ArraySlice<UInt8>, at i: Int) -> Bool {
        let rest = lower[i...]
        return rest.starts(with: [0x63, 0x68, 0x72]) || rest.starts(with: [0x68, 0x72]) || rest.starts(with: [0x72])
            || rest.starts(with: ByteScan.bytes("char"))
            || rest.starts(with: ByteScan.bytes("har")) || rest.starts(with: ByteScan.bytes("ar"))
    }
}
