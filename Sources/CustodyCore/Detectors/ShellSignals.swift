/// What a line of build-script shell (or build code calling out to programs) does, judged from its
/// bytes: downloads, decodes or decompresses, carves bytes out of files, scrambles bytes, runs
/// text as code, or reads test data. Used by build-tampering, CI and dependency detectors.
struct ShellSignals: OptionSet, Hashable, Sendable {
    let rawValue: UInt16

    static let download = ShellSignals(rawValue: 1 << 0)
    static let decode = ShellSignals(rawValue: 1 << 1)
    static let carve = ShellSignals(rawValue: 1 << 2)
    static let execute = ShellSignals(rawValue: 1 << 3)
    static let scramble = ShellSignals(rawValue: 1 << 4)
    static let testData = ShellSignals(rawValue: 1 << 5)
    static let pipeToShell = ShellSignals(rawValue: 1 << 6)
    static let sendsEnvironment = ShellSignals(rawValue: 1 << 7)
    /// Decompression that feeds tar: unpacking an archive, normal in build files.
    static let unpacksArchive = ShellSignals(rawValue: 1 << 8)

    /// Plain words for each signal, for evidence text.
    var words: [String] {
        var out: [String] = []
        if contains(.download) { out.append("downloads") }
        if contains(.decode) { out.append("decodes or decompresses data") }
        if contains(.carve) { out.append("cuts bytes out of files") }
        if contains(.scramble) { out.append("swaps characters to unscramble hidden data") }
        if contains(.testData) { out.append("reads test or binary data files") }
        if contains(.execute) { out.append("runs text as code") }
        if contains(.pipeToShell) { out.append("pipes a download into a shell") }
        if contains(.sendsEnvironment) { out.append("sends the environment to a server") }
        return out
    }

    private static func fold(_ list: [String]) -> [[UInt8]] { list.map(BuildText.fold) }

    private static let downloads = fold([
        "curl ", "curl\t", "wget ", "invoke-webrequest", "invoke-restmethod", "downloadstring(", "downloadfile(",
        "urlopen(", "urllib.request", "requests.get(", "http.get(", "https.get(", "reqwest::", "ureq::get",
        "net/http", "urlsession", "new url(", "fetch('http", "fetch(\"http", "bitsadmin", "certutil -urlcache",
        "/dev/tcp/", "nc -e", "file(download",
    ])
    private static let decodes = fold([
        "base64 -d", "base64 --decode", "base64 -d", "b64decode", "xxd -r", "openssl enc -d", "uudecode",
        "atob(", "frombase64string", "'base64')", "\"base64\")", "zlib.decompress", "gunzip", "xz -d", "xz -c -d",
        "xz -dc", "unxz", "xzcat", "lzma -d", "gzip -d", "gzip -cd", "zcat", "bzip2 -d", "bunzip2", "-d 2>/dev/null",
        "string.fromcharcode", "codecs.decode(", "marshal.loads", "pickle.loads", "base64.standard.decode",
        "base64::decode", "hex::decode",
    ])
    private static let carves = fold([
        "head -c", "tail -c", "dd if=", "dd skip", " skip=", "cut -b", "grep -a", "sed \"r\\n\"", "sed 'r\\n'",
        "od -a", "head --bytes", "tail --bytes",
    ])
    private static let executes = fold([
        "eval ", "eval\t", "eval \"", "eval(", "eval $", "exec(", "sh -c", "bash -c", "source <(", ". <(",
        "os.system(", "subprocess.", "child_process", "execsync(", "spawnsync(", "command::new(", "exec.command(",
        "runtime.getruntime().exec", "processbuilder(", "new function(", "python -c", "perl -e", "node -e",
        "powershell -e", "iex ", "invoke-expression", "start /b",
    ])
    private static let pipes = fold(["| sh", "|sh", "| bash", "|bash", "| sudo sh", "| sudo bash", "| zsh", "| python",
        "|python", "| perl", "| node", "bash <(", "sh <(", "| iex", "|iex", "| sudo -e sh"])
    private static let testDataRefs = fold([
        "tests/files/", "test/files/", "testdata/", "tests/data/", "fixtures/", ".xz", ".lzma", ".bin\"", ".bin ",
        ".dat\"", ".dat ", "$srcdir/tests", "tests/",
    ])
    private enum Group: Int, CaseIterable {
        case download, decode, carve, execute, pipe, testData, environment, http
    }

    private static let grouped: [(Group, [[UInt8]])] = [
        (.download, downloads), (.decode, decodes), (.carve, carves), (.execute, executes), (.pipe, pipes),
        (.testData, testDataRefs), (.environment, environmentDumps), (.http, [BuildText.fold("http")]),
    ]
    private static let table = LiteralSet(grouped.flatMap(\.1))
    private static let groupOf: [Group] = grouped.flatMap { group, list in list.map { _ in group } }

    /// Blanks that ``of(_:)`` folds to one space.
    private static let blanks: [UInt8] = [0x20, 0x09, 0x0b, 0x0c, 0x0d]

    /// Every literal of the table with its blanks dropped, searched with blanks stepped over: a
    /// line without a match holds none of the literals after blank folding either.
    private static let literalsWithoutBlanks = MultiMatcher(
        bytes: grouped.flatMap(\.1).map { $0.filter { !blanks.contains($0) } }, caseInsensitive: true, ignoring: blanks)

    /// The environment literals alike (``mayDumpEnvironment(_:)``).
    private static let environmentWithoutBlanks = MultiMatcher(
        bytes: environmentDumps.map { $0.filter { !blanks.contains($0) } }, caseInsensitive: true, ignoring: blanks)

    /// False proves that no line of `text` (one line, or several run together) has the
    /// ``sendsEnvironment`` signal: it needs one of the environment literals.
    static func mayDumpEnvironment(_ text: ArraySlice<UInt8>) -> Bool {
        environmentWithoutBlanks.matchesAny(text)
    }

    /// Whether `tr` (any case) is followed by a blank somewhere: ``isCharacterSwap(_:)`` needs it.
    private static func hasTrCommand(_ line: ArraySlice<UInt8>) -> Bool {
        var i = line.startIndex
        let end = line.endIndex
        while i + 2 < end {
            if line[i + 1] | 0x20 == UInt8(ascii: "r"), line[i] | 0x20 == UInt8(ascii: "t"), blanks.contains(line[i + 2]) {
                return true
            }
            i += 1
        }
        return false
    }

    private static let environmentDumps = fold(["$(env)", "`env`", "$(printenv)", "`printenv`", "env |", "printenv |",
        "toJSON(secrets)", "process.env)", "os.environ)", "$(set)", "$(git remote -v)"])

    /// Signals in one line.
    static func of(_ line: some Collection<UInt8>) -> ShellSignals {
        if let slice = line as? ArraySlice<UInt8> { return of(slice) }
        return of(ArraySlice(line))
    }

    /// Signals in one line.
    static func of(_ line: ArraySlice<UInt8>) -> ShellSignals {
        // Most lines of a build file hold no literal at all, even with blanks stepped over (a
        // superset of the blank-folded match below), and no `tr` before a blank: nothing to fold.
        guard literalsWithoutBlanks.matchesAny(line) || hasTrCommand(line) else { return [] }
        // Fold runs of spaces and tabs (and other odd blanks) to one space, so unusual
        // whitespace does not hide a command.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.count)
        var lastWasSpace = false
        for byte in line {
            let isBlank = byte == 0x20 || byte == 0x09 || byte == 0x0b || byte == 0x0c || byte == 0x0d
            if isBlank {
                if !lastWasSpace { bytes.append(0x20) }
                lastWasSpace = true
            } else {
                bytes.append(byte)
                lastWasSpace = false
            }
        }
        let hits = table.found(in: bytes)
        var groupHit = [Bool](repeating: false, count: Group.allCases.count)
        for (index, hit) in hits.enumerated() where hit {
            let group = groupOf[index]
            if group == .pipe, !hasWord(bytes, table.literals[index]) { continue }
            if group == .download, commandWords.contains(table.literals[index]), !runsCommand(bytes, table.literals[index]) {
                continue
            }
            // `skip=` carves only as dd's operand (automake's test driver counts `skip=` results).
            if group == .carve, table.literals[index] == skipOperand, BuildText.firstFolded(bytes, BuildText.fold("dd ")) == nil {
                continue
            }
            groupHit[group.rawValue] = true
        }
        var out: ShellSignals = []
        if groupHit[Group.download.rawValue] { out.insert(.download) }
        if groupHit[Group.decode.rawValue] { out.insert(.decode) }
        if groupHit[Group.carve.rawValue] { out.insert(.carve) }
        if groupHit[Group.execute.rawValue] { out.insert(.execute) }
        if groupHit[Group.pipe.rawValue] {
            out.insert(.execute)
            if out.contains(.download) { out.insert(.pipeToShell) }
        }
        if groupHit[Group.testData.rawValue] { out.insert(.testData) }
        if out.contains(.download) || groupHit[Group.http.rawValue], groupHit[Group.environment.rawValue] {
            out.insert(.sendsEnvironment)
        }
        if isCharacterSwap(bytes) { out.insert(.scramble) }
        if out.contains(.decode), BuildText.containsFolded(bytes, BuildText.fold("| tar ")) { out.insert(.unpacksArchive) }
        return out
    }

    private static let skipOperand = BuildText.fold(" skip=")

    /// Downloaders named by a bare command word, which prose also uses ("the curl project").
    private static let commandWords: Set<[UInt8]> = Set(fold(["curl ", "curl\t", "wget "]))

    /// Whether `word` (`curl `) occurs as a command: at the start of a word (not `libcurl `,
    /// not `README.curl `) and followed by an option, a URL, a variable or a quoted argument.
    private static func runsCommand(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        var from = 0
        while let at = BuildText.firstFolded(bytes, word, from: from) {
            from = at + 1
            if at > 0 {
                let before = bytes[at - 1]
                guard before == 0x20 || before == 0x22 || before == 0x27 || before == 0x60 || before == 0x28
                    || before == 0x3b || before == 0x7c || before == 0x26 || before == 0x2f || before == 0x3d
                    || before == 0x7b || before == 0x5b || before == 0x24
                else { continue }
            }
            var i = at + word.count
            while i < bytes.count, bytes[i] == 0x20 { i += 1 }
            guard i < bytes.count else { continue }
            let next = bytes[i]
            if next == 0x2d || next == 0x24 || next == 0x22 || next == 0x27 || next == 0x60 || next == 0x7b { return true }
            // A URL as the first argument.
            var j = i
            while j < bytes.count, bytes[j] != 0x20, j - i < 16 {
                if bytes[j] == 0x3a, j + 2 < bytes.count, bytes[j + 1] == 0x2f, bytes[j + 2] == 0x2f { return true }
                j += 1
            }
        }
        return false
    }

    /// Whether `needle` occurs with no identifier byte right after it (`| sh` but not `| sha256sum`).
    private static func hasWord(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        var from = 0
        while let at = BuildText.firstFolded(bytes, needle, from: from) {
            let end = at + needle.count
            if end >= bytes.count || !BuildText.isIdentifierByte(bytes[end]) || !BuildText.isIdentifierByte(needle[needle.count - 1]) {
                return true
            }
            from = at + 1
        }
        return false
    }

    // MARK: tr that swaps characters

    /// Whether the line runs `tr SET1 SET2` where both sets hold the same characters in a
    /// different order: a substitution cipher (xz-utils' build-to-host.m4 used `tr "\t \-_" " \t_\-"`).
    static func isCharacterSwap(_ bytes: [UInt8]) -> Bool {
        var from = 0
        while let at = BuildText.firstFolded(bytes, BuildText.fold("tr "), from: from) {
            from = at + 3
            if at > 0, BuildText.isIdentifierByte(bytes[at - 1]) || bytes[at - 1] == UInt8(ascii: "-") { continue }
            var i = at + 3
            var sets: [[UInt8]] = []
            while sets.count < 2, i < bytes.count {
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                guard i < bytes.count else { break }
                let c = bytes[i]
                if c == UInt8(ascii: "-") && sets.isEmpty { break }  // options such as -d, -s
                var raw: [UInt8] = []
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    var j = i + 1
                    while j < bytes.count, bytes[j] != c {
                        if bytes[j] == UInt8(ascii: "\\"), j + 1 < bytes.count {
                            raw.append(bytes[j])
                            j += 1
                        }
                        raw.append(bytes[j])
                        j += 1
                    }
                    i = j + 1
                } else {
                    var j = i
                    while j < bytes.count, !BuildText.isSpace(bytes[j]), bytes[j] != UInt8(ascii: "|"),
                        bytes[j] != UInt8(ascii: ";"), bytes[j] != UInt8(ascii: ")")
                    {
                        raw.append(bytes[j])
                        j += 1
                    }
                    i = j
                }
                sets.append(expandTrSet(raw))
            }
            guard sets.count == 2, sets[0].count >= 2, sets[0].count == sets[1].count, sets[0] != sets[1] else { continue }
            if sets[0].sorted() == sets[1].sorted() { return true }
        }
        return false
    }

    private static func expandTrSet(_ raw: [UInt8]) -> [UInt8] {
        var chars: [UInt8] = []
        var i = 0
        while i < raw.count {
            var c = raw[i]
            if c == UInt8(ascii: "\\"), i + 1 < raw.count {
                switch raw[i + 1] {
                case UInt8(ascii: "t"): c = 0x09
                case UInt8(ascii: "n"): c = 0x0a
                case UInt8(ascii: "r"): c = 0x0d
                default: c = raw[i + 1]
                }
                i += 2
            } else {
                i += 1
            }
            if i + 1 < raw.count, raw[i] == UInt8(ascii: "-"), c < raw[i + 1], raw[i + 1] != UInt8(ascii: "\\") {
                let end = raw[i + 1]
                if end - c > 200 { return [] }
                for x in c...end { chars.append(x) }
                i += 2
                continue
            }
            chars.append(c)
            if chars.count > 512 { return [] }
        }
        return chars
    }
}
