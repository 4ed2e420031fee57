/// Finds binary and compressed files added to or changed in the source and test trees whose
/// content is not what it claims: executables, contents that do not match the file name, data
/// with shell text or markers hidden inside (the xz-utils "corrupt test file" that carried the
/// backdoor), and opaque high-entropy blobs.
///
/// Reads each candidate blob once, bounded (``OpaqueBinaryDetector/readLimit``), through the
/// context's blob source (one `git cat-file --batch` stream in an audit). Text files are never read.
struct OpaqueBinaryDetector: Detector {
    static let executable = DetectorRule(
        id: "CUST-BINARY-001",
        name: "ExecutableInSourceTree",
        category: .opaqueBinary,
        severity: .medium,
        confidence: .high,
        summary: "A ready-to-run program file was put into the source code, where nobody can review what it does.",
        help: "Compiled programs and libraries (ELF, PE, Mach-O) cannot be read by reviewers and are not built from the reviewed sources. High in test trees (where the xz-utils payload hid), critical when the file's name pretends to be something else."
    )
    static let magicMismatch = DetectorRule(
        id: "CUST-BINARY-002",
        name: "ContentDoesNotMatchName",
        category: .opaqueBinary,
        severity: .medium,
        confidence: .high,
        summary: "A file's contents are not what its name says, which is a way to slip data past reviewers.",
        help: "The first bytes of a file identify its format (PNG, JPEG, ZIP, xz…). Custody compares them with the file's extension."
    )
    static let hiddenPayload = DetectorRule(
        id: "CUST-BINARY-003",
        name: "PayloadInsideBinary",
        category: .opaqueBinary,
        severity: .critical,
        confidence: .high,
        summary: "A binary data file hides script text or a program inside it, as the xz-utils backdoor did in its test files.",
        help: "Shell commands, payload markers (####Hello####) or an embedded executable inside a file that should be pure data mean the data is a container for something else. Check which build step reads it."
    )
    static let compressedTestFile = DetectorRule(
        id: "CUST-BINARY-004",
        name: "CompressedFileInTestTree",
        category: .opaqueBinary,
        severity: .low,
        confidence: .medium,
        summary: "A compressed or archive file was added to or changed in the test files; its contents cannot be reviewed in the diff.",
        help: "Test files are rarely reviewed, and compressed ones cannot be read at all. Higher when an existing file is replaced."
    )
    static let opaqueData = DetectorRule(
        id: "CUST-BINARY-005",
        name: "OpaqueHighEntropyData",
        category: .opaqueBinary,
        severity: .medium,
        confidence: .low,
        summary: "A file of unreadable, random-looking data with no known format was added; it could be encrypted or compressed content.",
        help: "Shannon entropy above 7.2 bits per byte and no recognizable header. Lower in test trees, where random test vectors are common."
    )

    var rules: [DetectorRule] {
        [Self.executable, Self.magicMismatch, Self.hiddenPayload, Self.compressedTestFile, Self.opaqueData]
    }

    static let readLimit = 1 << 20

    enum Format: String {
        case png, jpeg, gif, pdf, zip, gzip, xz, lzma, bzip2, zstd, sevenZip = "7z", ico, bmp, webp, wasm, javaClass
        case tiff, woff, woff2, otf, ttf, ogg, sqlite, tar, elf, pe, machO = "mach-o", lz4, rar
        /// `!<arch>`: a static library of compiled objects (or a .deb package).
        case arArchive = "ar archive"
    }

    static let extensionFormats: [String: [Format]] = [
        "png": [.png], "jpg": [.jpeg], "jpeg": [.jpeg], "gif": [.gif], "pdf": [.pdf],
        "zip": [.zip], "jar": [.zip], "war": [.zip], "apk": [.zip], "whl": [.zip], "docx": [.zip], "xlsx": [.zip],
        "pptx": [.zip], "odt": [.zip], "nupkg": [.zip], "aar": [.zip], "xpi": [.zip], "ipa": [.zip], "egg": [.zip],
        "gz": [.gzip], "tgz": [.gzip], "xz": [.xz], "txz": [.xz], "lzma": [.lzma], "bz2": [.bzip2], "tbz2": [.bzip2],
        "zst": [.zstd], "7z": [.sevenZip], "ico": [.ico], "bmp": [.bmp], "webp": [.webp], "wasm": [.wasm],
        "class": [.javaClass], "tif": [.tiff], "tiff": [.tiff], "woff": [.woff], "woff2": [.woff2], "otf": [.otf],
        "ttf": [.ttf, .otf], "ogg": [.ogg], "sqlite": [.sqlite], "sqlite3": [.sqlite], "tar": [.tar],
        "so": [.elf], "o": [.elf, .machO], "exe": [.pe], "dll": [.pe], "dylib": [.machO], "lz4": [.lz4], "rar": [.rar],
        "a": [.arArchive], "lib": [.arArchive, .pe], "deb": [.arArchive],
    ]

    static let compressedExtensions: Set<String> = ["xz", "txz", "lzma", "gz", "tgz", "bz2", "tbz2", "zst", "7z", "zip",
        "lz", "lz4", "z", "tar", "rar", "br", "lzo", "jar", "whl"]

    static let textExtensions: Set<String> = ["c", "h", "cc", "cpp", "hpp", "py", "js", "ts", "go", "java", "swift",
        "rb", "php", "rs", "sh", "txt", "md", "json", "yml", "yaml", "toml", "xml", "html", "css", "m4", "ac", "am",
        "cmake", "mk", "in", "cfg", "ini", "conf", "svg", "csv", "kt", "cs", "pl", "lua", "rst"]

    /// Extensions whose files are read even when git did not mark them binary.
    static func isCandidate(_ change: FileChange) -> Bool {
        if change.isBinary { return true }
        let ext = PathFacts.of(change.path).fileExtension
        if textExtensions.contains(ext) { return false }
        if extensionFormats[ext] != nil || compressedExtensions.contains(ext) { return true }
        return ["bin", "dat", "raw", "blob", "img", "dump"].contains(ext) || (change.addedLines.isEmpty && ext.isEmpty)
    }

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.kind != .delete, let blob = change.newBlob, Self.isCandidate(change),
            let bytes = context.blobs.read(blob, limit: Self.readLimit), !bytes.isEmpty
        else { return }
        let path = change.path
        let facts = PathFacts.of(path)
        let ext = facts.fileExtension
        let isTest = facts.isTest
        let format = Self.detectFormat(bytes)
        let expected = Self.extensionFormats[ext]
        // Text is the content detectors' business: only data that is binary is judged here.
        let hasNUL = bytes.prefix(8000).contains(0)
        guard format != nil || hasNUL || expected != nil else { return }
        let pathText = BuildText.printable(path.utf8, limit: 120)
        func add(_ rule: DetectorRule, _ evidence: String, severity: Severity? = nil, extra: String) {
            findings.append(Finding(
                rule: rule, commit: context.commit, change: change, lines: [],
                evidence: evidence, severity: severity, fingerprintExtra: extra + "|" + (change.newBlob?.description ?? "")
            ))
        }

        // 1. Executables.
        // A static library (an `ar` archive of object files) is compiled code like an executable.
        let isExecutable = format.map { [.elf, .pe, .machO, .arArchive].contains($0) } ?? false
        if let format, isExecutable {
            let disguised = expected.map { !$0.contains(format) } ?? Self.textExtensions.contains(ext)
            let kind = format == .arArchive ? "static library (an ar archive of compiled code)" : "\(format.rawValue) executable"
            add(Self.executable,
                "\(pathText) is a \(kind) (\(bytes.count) bytes read)\(disguised ? " although its name says ." + ext : "").",
                severity: disguised ? .critical : (isTest ? .high : .medium), extra: "exe")
        }
        // 2. Magic vs name.
        if let expected, format == nil || !expected.contains(format!) {
            if !isExecutable {
                add(Self.magicMismatch,
                    "\(pathText) is named .\(ext) but starts with \(BuildText.printable(bytes.prefix(8), limit: 40))" + (format.map { " (\($0.rawValue) data)" } ?? " (no \(ext) header)") + ".",
                    severity: isTest && format == nil && Self.compressedExtensions.contains(ext) ? .low : nil, extra: "magic")
            }
        } else if Self.textExtensions.contains(ext), bytes.prefix(8000).contains(0), format == nil {
            add(Self.magicMismatch, "\(pathText) has a text file's name but contains binary data.", extra: "text")
        }
        // 3. Hidden payloads.
        if isExecutable { return }
        // Script words inside a file that is text apart from a few binary bytes (test data of a
        // protocol tool, say) are its content, not a hidden payload.
        let markers = Self.isMostlyText(bytes) ? [] : Self.payloadMarkers(bytes)
        let embedded = Self.embeddedExecutable(bytes)
        if !markers.isEmpty || embedded != nil {
            var parts: [String] = []
            if !markers.isEmpty { parts.append("script text or markers inside: " + markers.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")) }
            if let embedded { parts.append("an executable header at byte \(embedded)") }
            add(Self.hiddenPayload, "\(pathText) (\(format?.rawValue ?? "unknown format")): " + parts.joined(separator: "; ") + ".", extra: "payload")
            return
        }
        // 4. Compressed files in test trees.
        let isCompressed = format.map { [.gzip, .xz, .lzma, .bzip2, .zstd, .sevenZip, .zip, .lz4, .rar, .tar].contains($0) } ?? Self.compressedExtensions.contains(ext)
        if isTest, isCompressed {
            let replaced = change.kind == .modify
            add(Self.compressedTestFile,
                "\(pathText) is \(format?.rawValue ?? ext) data \(replaced ? "that replaces an existing test file" : "added to the test tree").",
                severity: replaced ? .medium : nil, extra: "test")
            return
        }
        // 5. Opaque data.
        if format == nil, expected == nil, bytes.count >= 512, !Self.textExtensions.contains(ext) || bytes.prefix(8000).contains(0) {
            let entropy = Self.entropy(bytes.prefix(1 << 16))
            if entropy >= 7.2 {
                let rounded = Double(Int(entropy * 100)) / 100
                add(Self.opaqueData, "\(pathText): \(rounded) bits of entropy per byte over \(min(bytes.count, 1 << 16)) bytes and no known header.",
                    severity: isTest ? .low : nil, extra: "entropy")
            }
        }
    }

    // MARK: Formats

    static func detectFormat(_ b: [UInt8]) -> Format? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + prefix.count && b[offset..<(offset + prefix.count)].elementsEqual(prefix)
        }
        if starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) { return .png }
        if starts([0xff, 0xd8, 0xff]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06]) || starts([0x50, 0x4b, 0x07, 0x08]) { return .zip }
        if starts([0x1f, 0x8b]) { return .gzip }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if starts([0x5d, 0x00, 0x00]) { return .lzma }
        if starts(Array("BZh".utf8)) { return .bzip2 }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if starts([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) { return .sevenZip }
        if starts([0x04, 0x22, 0x4d, 0x18]) { return .lz4 }
        if starts(Array("Rar!".utf8)) { return .rar }
        if starts(Array("!<arch>\n".utf8)) { return .arArchive }
        if starts([0x7f, 0x45, 0x4c, 0x46]), b.count > 6, b[4] == 1 || b[4] == 2, b[5] == 1 || b[5] == 2 { return .elf }
        if starts(Array("MZ".utf8)), b.count > 0x40 {
            let offset = Int(b[0x3c]) | Int(b[0x3d]) << 8 | Int(b[0x3e]) << 16 | Int(b[0x3f]) << 24
            if offset > 0, starts([0x50, 0x45, 0, 0], at: offset) { return .pe }
        }
        if starts([0xcf, 0xfa, 0xed, 0xfe]) || starts([0xce, 0xfa, 0xed, 0xfe]) || starts([0xfe, 0xed, 0xfa, 0xcf])
            || starts([0xfe, 0xed, 0xfa, 0xce])
        {
            return .machO
        }
        if starts([0xca, 0xfe, 0xba, 0xbe]) { return .javaClass }
        if starts([0x00, 0x00, 0x01, 0x00]) { return .ico }
        if starts(Array("BM".utf8)) { return .bmp }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts([0x00, 0x61, 0x73, 0x6d]) { return .wasm }
        if starts(Array("II*\0".utf8)) || starts(Array("MM\0*".utf8)) { return .tiff }
        if starts(Array("wOFF".utf8)) { return .woff }
        if starts(Array("wOF2".utf8)) { return .woff2 }
        if starts(Array("OTTO".utf8)) { return .otf }
        if starts([0x00, 0x01, 0x00, 0x00]) || starts(Array("true".utf8)) { return .ttf }
        if starts(Array("OggS".utf8)) { return .ogg }
        if starts(Array("SQLite format 3\0".utf8)) { return .sqlite }
        if starts(Array("ustar".utf8), at: 257) { return .tar }
        return nil
    }

    // MARK: Content

    /// Shannon entropy in bits per byte.
    static func entropy(_ bytes: some Collection<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        for byte in bytes {
            counts[Int(byte)] += 1
            total += 1
        }
        guard total > 0 else { return 0 }
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / Double(total)
            h -= p * log2(p)
        }
        return h
    }

    /// log2 without Foundation: ln(x) / ln(2).
    private static func log2(_ x: Double) -> Double {
        ln(x) / 0.6931471805599453
    }

    private static func ln(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        // Reduce to m * 2^e with m in [1, 2), then atanh series for ln(m).
        var m = x
        var e = 0.0
        while m >= 2 {
            m /= 2
            e += 1
        }
        while m < 1 {
            m *= 2
            e -= 1
        }
        let y = (m - 1) / (m + 1)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var k = 1.0
        for _ in 0..<20 {
            sum += term / k
            term *= y2
            k += 2
        }
        return 2 * sum + e * 0.6931471805599453
    }

    private static let markerWords: [[UInt8]] = ["#!/bin/", "/bin/sh", "/bin/bash", "eval ", "| sh", "head -c", "tail -c",
        "/dev/null", "$(", "export ", " then", "srcdir", "ld_preload", "curl ", "wget ", "base64 ", "chmod +x",
        "; do", "${", "exec ", "rm -rf", "xz -d", "| bash", "#include", "system(", "powershell"].map(BuildText.fold)
    /// The marker words found in one pass (every word has at least two bytes, as `LiteralSet` needs).
    private static let markerSet = LiteralSet(markerWords)

    /// Printable runs inside binary data that carry shell text or payload markers.
    /// True when at least 85% of the first 64 KiB are printable ASCII or whitespace.
    static func isMostlyText(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(1 << 16)
        guard !sample.isEmpty else { return false }
        var text = 0
        for byte in sample where (0x20...0x7e).contains(byte) || byte == 0x09 || byte == 0x0a || byte == 0x0d {
            text += 1
        }
        return text * 100 >= sample.count * 85
    }

    static func payloadMarkers(_ bytes: [UInt8]) -> [String] {
        var found: [String] = []
        var runStart = -1
        func judge(_ range: Range<Int>) {
            guard range.count >= 12 else { return }
            // Undo the common tab/space and -/_ swap before looking.
            let run = bytes[range].map { b -> UInt8 in
                switch b {
                case 0x09: return 0x20
                case UInt8(ascii: "_"): return UInt8(ascii: "-")
                default: return b
                }
            }
            if let marker = hashMarker(run) {
                found.append(marker)
            }
            var words: [String] = []
            let hits = markerSet.found(in: run)
            for (index, word) in markerWords.enumerated() where hits[index] {
                words.append(String(decoding: word, as: UTF8.self))
            }
            if words.count >= 2, range.count >= 20 { found.append(contentsOf: words) }
        }
        for i in 0..<bytes.count {
            let b = bytes[i]
            let printable = (b >= 0x20 && b < 0x7f) || b == 0x09 || b == 0x0a
            if printable {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                judge(runStart..<i)
                runStart = -1
                if found.count > 8 { break }
            }
        }
        if runStart >= 0 { judge(runStart..<bytes.count) }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// `####Hello####`-style markers: four or more '#', letters or digits, four or more '#'.
    private static func hashMarker(_ run: [UInt8]) -> String? {
        var i = 0
        while i < run.count {
            guard run[i] == UInt8(ascii: "#") else {
                i += 1
                continue
            }
            var j = i
            while j < run.count, run[j] == UInt8(ascii: "#") { j += 1 }
            let leading = j - i
            let wordStart = j
            while j < run.count, BuildText.isIdentifierByte(run[j]) { j += 1 }
            let wordLength = j - wordStart
            var k = j
            while k < run.count, run[k] == UInt8(ascii: "#") { k += 1 }
            if leading >= 4, k - j >= 4, wordLength >= 3, wordLength <= 16 {
                return String(decoding: run[i..<k], as: UTF8.self)
            }
            i = max(j, i + 1)
        }
        return nil
    }

    /// Offset of an ELF header inside the data (not at its start), if any.
    static func embeddedExecutable(_ bytes: [UInt8]) -> Int? {
        guard bytes.count > 64 else { return nil }
        var i = 1
        while i + 20 < bytes.count {
            if bytes[i] == 0x7f, bytes[i + 1] == 0x45, bytes[i + 2] == 0x4c, bytes[i + 3] == 0x46,
                bytes[i + 4] == 1 || bytes[i + 4] == 2, bytes[i + 5] == 1 || bytes[i + 5] == 2, bytes[i + 6] == 1
            {
                return i
            }
            i += 1
        }
        return nil
    }
}
