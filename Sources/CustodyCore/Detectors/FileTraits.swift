/// The language of a file, guessed from its path (extension or well-known name).
enum SourceLanguage: Sendable, Equatable {
    case c, cpp, python, javascript, typescript, go, java, kotlin, swift, php, ruby, shell, perl
    case powershell, rust, csharp, lua
    case yaml, json, toml, xml, markdown, text, css, html, cmake, make, m4
    case other

    /// True for languages whose line comments start with `#`.
    var hashComments: Bool {
        switch self {
        case .python, .shell, .ruby, .perl, .powershell, .yaml, .toml, .cmake, .make: true
        default: false
        }
    }

    /// True for languages whose line comments start with `//`.
    var slashComments: Bool {
        switch self {
        case .c, .cpp, .javascript, .typescript, .go, .java, .kotlin, .swift, .php, .rust, .csharp, .css: true
        default: false
        }
    }

    /// True for programming and scripting languages (code that runs).
    var isCode: Bool {
        switch self {
        case .c, .cpp, .python, .javascript, .typescript, .go, .java, .kotlin, .swift, .php, .ruby, .shell,
            .perl, .powershell, .rust, .csharp, .lua, .cmake, .make, .m4:
            true
        default: false
        }
    }
}

/// What a path says about a file: its language and whether it is a test, documentation,
/// vendored or minified code, a lockfile, or a translation catalogue.
struct FileTraits: Sendable {
    var language: SourceLanguage
    var isTest: Bool
    var isDocumentation: Bool
    var isVendored: Bool
    var isMinified: Bool
    var isLockfile: Bool
    var isLocalization: Bool

    /// Code that runs, outside tests, docs and vendored copies.
    var isProductionCode: Bool { language.isCode && !isTest && !isDocumentation && !isVendored && !isMinified }

    init(path: String) {
        let lower = path.lowercased()
        let name = lower.split(separator: "/").last.map(String.init) ?? lower
        let ext: String = {
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
            return String(name[name.index(after: dot)...])
        }()
        language = FileTraits.language(name: name, ext: ext)
        let components = lower.split(separator: "/").dropLast().map(String.init)
        let testDirs = Self.testDirs
        isTest =
            components.contains { testDirs.contains($0) || $0.hasSuffix("tests") || $0.hasSuffix("test") }
            || name.contains("_test.") || name.contains(".test.")
            || name.contains("_tests.") || name.contains(".spec.") || name.contains("_spec.")
            || name.hasSuffix("tests.swift") || name.hasSuffix("test.java") || name.hasSuffix("test.cc")
            || name.hasSuffix("_test.go") || name.contains("vectors") || name.contains("testdata")
            || name.hasPrefix("test")
        isDocumentation =
            Self.docExts.contains(ext)
            || components.contains { $0 == "doc" || $0 == "docs" || $0 == "documentation" || $0 == "man" }
            || name == "readme" || name == "changelog" || name == "news" || name == "install" || name == "faq"
        isVendored = components.contains {
            $0 == "vendor" || $0 == "vendored" || $0 == "third_party" || $0 == "thirdparty"
                || $0 == "third-party" || $0 == "node_modules" || $0 == "external" || $0 == "deps"
        }
        isMinified = name.contains(".min.") || name.hasSuffix("-min.js") || name.hasSuffix(".bundle.js")
        isLockfile = Self.lockfileNames.contains(name)
        isLocalization = Self.localizationExts.contains(ext) || components.contains { $0 == "locales" || $0 == "locale" || $0 == "i18n" || $0 == "l10n" || $0 == "translations" || $0.hasSuffix(".lproj") }
    }

    // Built once (they were built on every call: a tenth of the detectors' time on tmux).
    private static let testDirs: Set<String> = [
            "test", "tests", "testing", "testdata", "test-data", "test_data", "testcases", "spec", "specs",
            "__tests__", "fixtures", "fixture", "testvectors", "test_vectors", "vectors", "unittests",
            "unittest", "regress", "regression", "t", "examples", "example", "samples", "sample", "benchmarks",
            "fuzz", "corpus", "mocks", "wycheproof",
        ]
    private static let docExts: Set<String> = ["md", "markdown", "rst", "txt", "adoc", "asciidoc", "org", "tex", "texi", "1", "3", "5", "8", "html", "htm", "pod", "rdoc"]
    private static let lockfileNames: [String] = [
            "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "cargo.lock", "go.sum", "poetry.lock",
            "pipfile.lock", "gemfile.lock", "composer.lock", "package.resolved", "npm-shrinkwrap.json",
            "uv.lock",
        ]
    private static let localizationExts: [String] = ["po", "pot", "strings", "stringsdict", "xliff", "xlf", "resx", "arb", "properties", "ftl"]

    private static func language(name: String, ext: String) -> SourceLanguage {
        switch name {
        case "makefile", "gnumakefile", "makefile.am", "makefile.in": return .make
        case "cmakelists.txt": return .cmake
        case "configure.ac", "configure.in": return .m4
        case "dockerfile", "containerfile", "configure", "bootstrap", "autogen.sh": return .shell
        case ".bashrc", ".profile", ".zshrc", ".bash_profile": return .shell
        case "gemfile", "rakefile", "podfile": return .ruby
        default: break
        }
        switch ext {
        case "c", "h": return .c
        case "cc", "cpp", "cxx", "hpp", "hh", "hxx", "c++", "ipp", "inl", "m", "mm": return .cpp
        case "py", "pyw", "pyi", "pyx": return .python
        case "js", "mjs", "cjs", "jsx": return .javascript
        case "ts", "tsx", "mts", "cts": return .typescript
        case "go": return .go
        case "java": return .java
        case "kt", "kts", "scala", "groovy", "gradle": return .kotlin
        case "swift": return .swift
        case "php", "phtml", "inc": return .php
        case "rb", "rake", "gemspec", "ru": return .ruby
        case "sh", "bash", "zsh", "ksh", "fish", "command", "bats": return .shell
        case "pl", "pm", "t": return .perl
        case "ps1", "psm1", "psd1", "bat", "cmd": return .powershell
        case "rs": return .rust
        case "cs": return .csharp
        case "lua": return .lua
        case "yml", "yaml": return .yaml
        case "json", "jsonc": return .json
        case "toml": return .toml
        case "xml", "plist", "svg", "xib", "storyboard": return .xml
        case "md", "markdown", "rst", "adoc", "asciidoc", "org": return .markdown
        case "txt", "text", "1", "3", "5", "8", "texi", "tex": return .text
        case "css", "scss", "less", "sass": return .css
        case "html", "htm", "vue", "svelte", "erb": return .html
        case "cmake": return .cmake
        case "mk", "mak": return .make
        case "m4", "ac": return .m4
        default: return .other
        }
    }
}

/// Heuristics to tell code from comments on one line, without a full lexer.
enum CommentHeuristics {
    /// The index where a line comment starts on this line (outside string literals), or the
    /// line's end index when there is none.
    static func commentStart(_ line: ArraySlice<UInt8>, language: SourceLanguage) -> Int {
        let first = ByteScan.firstNonBlank(line)
        if first < line.endIndex {
            let byte = line[first]
            let next: UInt8 = first + 1 < line.endIndex ? line[first + 1] : 0
            if byte == 0x2f && (next == 0x2f || next == 0x2a) { return first }  // // or /*
            if byte == 0x2a && (next == 0x20 || next == 0x2f || next == 0) && !language.hashComments {
                return first  // " * " inside a block comment
            }
            if byte == 0x23 && (language.hashComments || language == .php) && next != 0x21 { return first }
            if byte == 0x3c && next == 0x21 { return first }  // <!--
            if byte == 0x2d && next == 0x2d && (language == .lua || language == .other) { return first }
            if byte == 0x64 && language == .m4, line[first...].starts(with: ByteScan.bytes("dnl ")) { return first }
        }
        var quote: UInt8 = 0
        var i = first
        while i < line.endIndex {
            let byte = line[i]
            if quote != 0 {
                if byte == 0x5c {
                    i += 2
                    continue
                }
                if byte == quote { quote = 0 }
            } else if byte == 0x22 || byte == 0x27 || byte == 0x60 {
                quote = byte
            } else if byte == 0x2f, language.slashComments, i + 1 < line.endIndex, line[i + 1] == 0x2f {
                // Not "://" of a URL.
                if i == line.startIndex || line[i - 1] != 0x3a { return i }
            } else if byte == 0x23, language.hashComments, i == line.startIndex || ByteScan.isSpace(line[i - 1]) {
                // A `#` after a blank: a comment in hash languages (not `$#` or `${#x}` in shell).
                return i
            }
            i += 1
        }
        return line.endIndex
    }

    /// True when the whole line is a comment.
    static func isCommentLine(_ line: ArraySlice<UInt8>, language: SourceLanguage) -> Bool {
        commentStart(line, language: language) == ByteScan.firstNonBlank(line)
            && ByteScan.firstNonBlank(line) < line.endIndex
    }

    /// The code part of a line: everything before a line comment.
    static func code(_ line: ArraySlice<UInt8>, language: SourceLanguage) -> ArraySlice<UInt8> {
        line[line.startIndex..<commentStart(line, language: language)]
    }
}

extension Severity {
    /// One step less severe (info stays info).
    var lowered: Severity {
        switch self {
        case .critical: .high
        case .high: .medium
        case .medium: .low
        case .low, .info: .info
        }
    }
}
