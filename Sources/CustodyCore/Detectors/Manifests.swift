/// Bounded, line-based readers for dependency manifests and lockfiles of npm, PyPI, Go, Cargo,
/// SwiftPM and Maven. They never evaluate anything (setup.py and Package.swift are read as text)
/// and tolerate malformed input by returning what they could read.
enum Manifests {
    /// One declared dependency.
    struct Dependency: Hashable, Sendable {
        var name: String
        /// The version requirement or source text as written.
        var spec: String
        /// 1-based line in the manifest where it is declared.
        var line: Int
    }

    /// One npm lifecycle script (`preinstall`, `postinstall`, …).
    struct Script: Hashable, Sendable {
        var name: String
        var command: String
        var line: Int
    }

    /// What kind of source a dependency comes from.
    enum Source: String {
        case registry
        case git
        case url
        case path
        case fork
    }

    static func source(of spec: String, ecosystem: BuildFiles.Ecosystem) -> Source {
        let lower = spec.lowercased()
        switch ecosystem {
        case .swiftpm:
            // Every SwiftPM package is a git URL; only branches, revisions and paths are unusual.
            if lower.contains("path:") { return .path }
            if lower.contains("branch:") || lower.contains("revision:") || lower.contains(".revision(") || lower.contains(".branch(") {
                return .git
            }
            return .registry
        case .go:
            if lower.hasPrefix("replace ") {
                let target = lower.components(after: "=>")?.trimmingSpaces ?? ""
                return target.hasPrefix(".") || target.hasPrefix("/") ? .path : .fork
            }
            return .registry
        default:
            break
        }
        if lower.contains("git+") || lower.contains("git =") || lower.contains("git=") || lower.contains("github:")
            || lower.contains("gitlab:") || lower.contains("bitbucket:") || lower.hasSuffix(".git") || lower.contains(".git\"")
            || lower.contains("branch:") || lower.contains("revision:") || lower.contains("branch =") || lower.contains("rev =")
        {
            return .git
        }
        if lower.contains("file:") || lower.contains("path =") || lower.contains("path:") || lower.contains("link:") {
            return .path
        }
        if lower.contains("http://") || lower.contains("https://") {
            return .url
        }
        // npm "user/repo" shorthand.
        let trimmed = lower.trimmingQuotes
        if trimmed.contains("/"), !trimmed.contains(" "), !trimmed.hasPrefix("@"), !trimmed.hasPrefix("npm:"),
            trimmed.first.map({ !$0.isNumber && $0 != "^" && $0 != "~" && $0 != ">" && $0 != "<" && $0 != "=" }) == true
        {
            return .git
        }
        return .registry
    }

    static let lifecycleScripts: Set<String> = ["preinstall", "install", "postinstall", "preuninstall", "postuninstall",
        "prepare", "prepublish", "preprepare", "postprepare"]

    // MARK: Dispatch

    static func dependencies(_ bytes: [UInt8], ecosystem: BuildFiles.Ecosystem, fileName: String) -> [Dependency] {
        let lines = BuildText.lines(bytes, limit: 100_000).map { String(decoding: $0.prefix(2000), as: UTF8.self) }
        switch ecosystem {
        case .npm: return npm(lines).dependencies
        case .pypi:
            let lower = fileName.lowercased()
            if lower == "setup.py" { return setupPy(lines) }
            if lower == "pyproject.toml" || lower == "pipfile" { return tomlDependencies(lines, pyproject: true) }
            return requirements(lines)
        case .go: return goMod(lines)
        case .cargo: return tomlDependencies(lines, pyproject: false)
        case .swiftpm: return packageSwift(bytes)
        case .maven: return pom(lines)
        }
    }

    // MARK: npm

    static func npm(_ lines: [String]) -> (dependencies: [Dependency], scripts: [Script]) {
        var deps: [Dependency] = []
        var scripts: [Script] = []
        var stack: [String] = []
        let sections: Set<String> = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingSpaces
            if let (key, rest) = jsonKey(trimmed) {
                if rest.hasPrefix("{") && !rest.contains("}") {
                    stack.append(key)
                    continue
                }
                if let parent = stack.last, stack.count == 1 {
                    let value = rest.trimmingQuotes
                    if sections.contains(parent) {
                        deps.append(Dependency(name: key, spec: value, line: index + 1))
                    } else if parent == "scripts" {
                        scripts.append(Script(name: key, command: value, line: index + 1))
                    }
                }
            } else if trimmed.hasPrefix("}") {
                if !stack.isEmpty { stack.removeLast() }
            }
        }
        return (deps, scripts)
    }

    /// `"key": rest` → (key, rest without trailing comma).
    private static func jsonKey(_ line: String) -> (String, String)? {
        guard line.hasPrefix("\""), let close = line.dropFirst().firstIndex(of: "\"") else { return nil }
        let key = String(line[line.index(after: line.startIndex)..<close])
        var rest = line[line.index(after: close)...].trimmingSpaces
        guard rest.hasPrefix(":") else { return nil }
        rest = String(rest.dropFirst()).trimmingSpaces
        if rest.hasSuffix(",") { rest = String(rest.dropLast()) }
        return (key, rest)
    }

    // MARK: PyPI

    static func requirements(_ lines: [String]) -> [Dependency] {
        var out: [Dependency] = []
        for (index, raw) in lines.enumerated() {
            var line = raw.trimmingSpaces
            if let hash = line.firstRange(of: " #") { line = String(line[..<hash.lowerBound]) }
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("-e ") || line.hasPrefix("--editable") || line.hasPrefix("git+") || line.hasPrefix("http") {
                let name = line.components(after: "#egg=") ?? line
                out.append(Dependency(name: name, spec: line, line: index + 1))
                continue
            }
            if line.hasPrefix("-") { continue }
            let name = String(line.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
            guard !name.isEmpty else { continue }
            out.append(Dependency(name: name, spec: String(line.dropFirst(name.count)).trimmingSpaces, line: index + 1))
        }
        return out
    }

    static func setupPy(_ lines: [String]) -> [Dependency] {
        var out: [Dependency] = []
        var inList = false
        for (index, line) in lines.enumerated() {
            if line.contains("install_requires") || line.contains("setup_requires") { inList = true }
            guard inList else { continue }
            for quoted in line.quotedStrings {
                let name = String(quoted.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
                if !name.isEmpty { out.append(Dependency(name: name, spec: String(quoted.dropFirst(name.count)), line: index + 1)) }
            }
            if line.contains("]") { inList = false }
        }
        return out
    }

    /// Cargo.toml tables and pyproject.toml (PEP 621 lists and Poetry tables).
    static func tomlDependencies(_ lines: [String], pyproject: Bool) -> [Dependency] {
        var out: [Dependency] = []
        var table = ""
        var inArray = false
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingSpaces
            if line.hasPrefix("[") && !inArray {
                table = line.trimmingCharacters("[] ").lowercased()
                if !pyproject, table.hasPrefix("dependencies.") || table.contains("dependencies.") {
                    let name = String(table.split(separator: ".").last ?? "")
                    out.append(Dependency(name: name, spec: "table", line: index + 1))
                }
                continue
            }
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if pyproject {
                if table == "project" || table == "project.optional-dependencies" || table == "build-system" {
                    if line.hasPrefix("dependencies") || line.hasPrefix("requires") || table == "project.optional-dependencies" {
                        if line.contains("[") { inArray = !line.contains("]") }
                    }
                    if inArray || line.contains("[") {
                        for quoted in line.quotedStrings {
                            let name = String(quoted.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
                            if !name.isEmpty { out.append(Dependency(name: name, spec: String(quoted.dropFirst(name.count)), line: index + 1)) }
                        }
                    }
                    if line.contains("]") { inArray = false }
                    continue
                }
                if table.hasSuffix("dependencies") || table == "packages" || table == "dev-packages" {
                    if let eq = line.firstIndex(of: "=") {
                        let name = line[..<eq].trimmingSpaces.trimmingQuotes
                        if name != "python" { out.append(Dependency(name: name, spec: String(line[line.index(after: eq)...]).trimmingSpaces, line: index + 1)) }
                    }
                }
                continue
            }
            if table == "dependencies" || table == "dev-dependencies" || table == "build-dependencies"
                || table == "workspace.dependencies" || (table.hasPrefix("target.") && table.hasSuffix("dependencies"))
            {
                if let eq = line.firstIndex(of: "=") {
                    let name = line[..<eq].trimmingSpaces.trimmingQuotes
                    out.append(Dependency(name: name, spec: String(line[line.index(after: eq)...]).trimmingSpaces, line: index + 1))
                }
            } else if table.contains("dependencies."), let eq = line.firstIndex(of: "="), let last = out.indices.last {
                out[last].spec += " " + line[..<eq].trimmingSpaces + " = " + line[line.index(after: eq)...].trimmingSpaces
            }
        }
        return out
    }

    // MARK: Go

    static func goMod(_ lines: [String]) -> [Dependency] {
        var out: [Dependency] = []
        var block = ""
        for (index, raw) in lines.enumerated() {
            var line = raw.trimmingSpaces
            if let comment = line.firstRange(of: "//") { line = String(line[..<comment.lowerBound]).trimmingSpaces }
            if line == ")" {
                block = ""
                continue
            }
            if line.hasSuffix("(") {
                block = String(line.dropLast()).trimmingSpaces
                continue
            }
            var directive = block
            var rest = line
            for keyword in ["require ", "replace "] where line.hasPrefix(keyword) {
                directive = String(keyword.dropLast())
                rest = String(line.dropFirst(keyword.count)).trimmingSpaces
            }
            let parts = rest.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let name = parts.first else { continue }
            if directive == "require" {
                out.append(Dependency(name: name, spec: parts.dropFirst().joined(separator: " "), line: index + 1))
            } else if directive == "replace" {
                out.append(Dependency(name: "replace " + name, spec: "replace " + parts.dropFirst().joined(separator: " "), line: index + 1))
            }
        }
        return out
    }

    // MARK: SwiftPM

    static func packageSwift(_ bytes: [UInt8]) -> [Dependency] {
        var out: [Dependency] = []
        let needle = Array(".package(".utf8)
        var from = 0
        var line = 1
        var lineCursor = 0
        while let at = BuildText.firstFolded(bytes, needle, from: from) {
            while lineCursor < at {
                if bytes[lineCursor] == 0x0a { line += 1 }
                lineCursor += 1
            }
            var end = at + needle.count
            var depth = 0
            while end < bytes.count, end - at < 2000 {
                if bytes[end] == UInt8(ascii: "(") { depth += 1 }
                if bytes[end] == UInt8(ascii: ")") {
                    if depth == 0 { break }
                    depth -= 1
                }
                end += 1
            }
            let text = String(decoding: bytes[(at + needle.count)..<min(end, bytes.count)], as: UTF8.self)
            from = end
            let strings = text.quotedStrings
            if let url = strings.first(where: { $0.contains("/") }) {
                var name = String(url.split(separator: "/").last ?? "")
                if name.hasSuffix(".git") { name = String(name.dropLast(4)) }
                var spec = text.replacingNewlines
                if text.contains("path:") { spec = "path: " + spec }
                out.append(Dependency(name: name, spec: spec, line: line))
            }
        }
        return out
    }

    // MARK: Maven

    static func pom(_ lines: [String]) -> [Dependency] {
        var out: [Dependency] = []
        var inDependency = false
        var group = ""
        var artifact = ""
        var version = ""
        var startLine = 0
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingSpaces
            if line.hasPrefix("<dependency>") || line.hasPrefix("<plugin>") {
                inDependency = true
                group = ""
                artifact = ""
                version = ""
                startLine = index + 1
            }
            if inDependency {
                if let value = line.xmlValue("groupId") { group = value }
                if let value = line.xmlValue("artifactId") { artifact = value }
                if let value = line.xmlValue("version") { version = value }
            }
            if line.hasPrefix("</dependency>") || line.hasPrefix("</plugin>") {
                inDependency = false
                if !artifact.isEmpty { out.append(Dependency(name: group.isEmpty ? artifact : group + ":" + artifact, spec: version, line: startLine)) }
            }
            if let url = line.xmlValue("url"), url.hasPrefix("http://") {
                out.append(Dependency(name: "repository " + url, spec: url, line: index + 1))
            }
        }
        return out
    }

    // MARK: Lockfiles

    /// Integrity data of a lockfile: "name@version" → hash (or resolved revision).
    static func lockEntries(_ bytes: [UInt8], fileName: String) -> [String: (hash: String, line: Int)] {
        let lines = BuildText.lines(bytes, limit: 500_000).map { String(decoding: $0.prefix(4000), as: UTF8.self) }
        var out: [String: (String, Int)] = [:]
        switch fileName.lowercased() {
        case "package-lock.json", "npm-shrinkwrap.json":
            var name = ""
            var version = ""
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingSpaces
                if let (key, rest) = jsonKey(line) {
                    if rest.hasPrefix("{") {
                        name = key
                        if let range = key.ranges(of: "node_modules/").last { name = String(key[range.upperBound...]) }
                        version = ""
                    } else if key == "version" {
                        version = rest.trimmingQuotes
                    } else if key == "integrity", !name.isEmpty {
                        out[name + "@" + version] = (rest.trimmingQuotes, index + 1)
                    }
                }
            }
        case "yarn.lock":
            var key = ""
            var version = ""
            for (index, raw) in lines.enumerated() {
                if !raw.hasPrefix(" "), raw.hasSuffix(":") {
                    let first = raw.dropLast().split(separator: ",").first.map(String.init) ?? ""
                    let spec = first.trimmingQuotes
                    key = String(spec[..<(spec.dropFirst().firstIndex(of: "@") ?? spec.endIndex)])
                    version = ""
                    continue
                }
                let line = raw.trimmingSpaces
                if line.hasPrefix("version ") { version = String(line.dropFirst(8)).trimmingQuotes }
                if line.hasPrefix("integrity ") { out[key + "@" + version] = (String(line.dropFirst(10)), index + 1) }
                if line.hasPrefix("resolved "), out[key + "@" + version] == nil, let hash = line.components(after: "#") {
                    out[key + "@" + version] = (hash.trimmingQuotes, index + 1)
                }
            }
        case "cargo.lock", "poetry.lock":
            var name = ""
            var version = ""
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingSpaces
                if line == "[[package]]" {
                    name = ""
                    version = ""
                }
                if line.hasPrefix("name = ") { name = String(line.dropFirst(7)).trimmingQuotes }
                if line.hasPrefix("version = ") { version = String(line.dropFirst(10)).trimmingQuotes }
                if line.hasPrefix("checksum = ") { out[name + "@" + version] = (String(line.dropFirst(11)).trimmingQuotes, index + 1) }
            }
        case "go.sum":
            for (index, raw) in lines.enumerated() {
                let parts = raw.split(separator: " ")
                if parts.count == 3 { out[parts[0] + "@" + parts[1]] = (String(parts[2]), index + 1) }
            }
        case "package.resolved":
            var identity = ""
            var revision = ""
            var revisionLine = 0
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingSpaces
                if let (key, rest) = jsonKey(line) {
                    if key == "identity" || key == "package" { identity = rest.trimmingQuotes }
                    if key == "revision" {
                        revision = rest.trimmingQuotes
                        revisionLine = index + 1
                    }
                    if key == "version", !identity.isEmpty, !rest.hasPrefix("null") {
                        out[identity + "@" + rest.trimmingQuotes] = (revision, revisionLine)
                    }
                }
            }
        default:
            break
        }
        return out
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    fileprivate var trimmingQuotes: String {
        var s = Substring(self.trimmingSpaces)
        if s.hasSuffix(",") { s = s.dropLast() }
        while let f = s.first, f == "\"" || f == "'" { s = s.dropFirst() }
        while let l = s.last, l == "\"" || l == "'" { s = s.dropLast() }
        return String(s)
    }

    fileprivate func trimmingCharacters(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }

    fileprivate func components(after marker: String) -> String? {
        guard let range = self.firstRange(of: marker) else { return nil }
        return String(self[range.upperBound...])
    }

    fileprivate var replacingNewlines: String {
        String(self.map { $0 == "\n" || $0 == "\t" ? " " : $0 })
    }

    /// Texts between double quotes on the line (no escapes), at most 50.
    fileprivate var quotedStrings: [String] {
        var out: [String] = []
        var current: String?
        for c in self {
            if c == "\"" || c == "'" {
                if let done = current {
                    out.append(done)
                    current = nil
                    if out.count >= 50 { break }
                } else {
                    current = ""
                }
            } else if current != nil {
                current!.append(c)
            }
        }
        return out
    }

    fileprivate func xmlValue(_ tag: String) -> String? {
        guard let open = self.firstRange(of: "<" + tag + ">"), let close = self.firstRange(of: "</" + tag + ">"),
            open.upperBound <= close.lowerBound
        else { return nil }
        return String(self[open.upperBound..<close.lowerBound]).trimmingSpaces
    }
}
