/// Classifies repository paths for the build, CI, binary and dependency detectors: which files
/// are build scripts, CI workflows, manifests, lockfiles, test data, and which parts of a code
/// base are security-sensitive (auth, crypto, sandboxing).
///
/// Paths come from the audited repository and are hostile; classification only looks at bytes
/// of the name and never touches the file system.
package enum BuildFiles {
    /// The role a file plays in building, testing or shipping the software.
    package enum Role: String, Hashable, Sendable, CaseIterable {
        case autoconf  // configure, configure.ac, *.m4, Makefile.am
        case cmake  // CMakeLists.txt, *.cmake
        case make  // Makefile, *.mk, GNUmakefile
        case meson  // meson.build
        case cargoBuildScript  // build.rs
        case pythonSetup  // setup.py, setup.cfg
        case gradle  // build.gradle(.kts), settings.gradle
        case swiftPackage  // Package.swift
        case npmManifest  // package.json
        case shellScript  // *.sh, *.bash
        case ciWorkflow  // .github/workflows/*.yml, .gitlab-ci.yml, …
        case manifest  // other dependency manifests
        case lockfile
        case other
    }

    /// Source languages the build detectors tell apart.
    package enum Language: String, Hashable, Sendable {
        case c, python, javascript, go, java, swift, php, ruby, rust, shell, cmake, autoconf, make, yaml, csharp
        case powershell, dockerfile, other
    }

    /// Package ecosystems whose manifests the dependency detector reads.
    package enum Ecosystem: String, Hashable, Sendable, CaseIterable {
        case npm, pypi, go, cargo, swiftpm, maven
    }

    /// The role of `path`.
    package static func role(of path: String) -> Role { PathFacts.of(path).role }

    static func workOutRole(of path: String) -> Role {
        let name = fileName(path)
        let lowerName = name.lowercased()
        let lowerPath = path.lowercased()
        if isWorkflow(lowerPath) { return .ciWorkflow }
        if lockfileNames.contains(lowerName) { return .lockfile }
        switch lowerName {
        case "configure", "configure.ac", "configure.in", "makefile.am", "makefile.in", "aclocal.m4",
            "autogen.sh", "bootstrap":
            return .autoconf
        case "cmakelists.txt": return .cmake
        case "makefile", "gnumakefile": return .make
        case "meson.build", "meson_options.txt", "meson.options": return .meson
        case "build.rs": return .cargoBuildScript
        case "setup.py", "setup.cfg": return .pythonSetup
        case "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts": return .gradle
        case "package.swift": return .swiftPackage
        case "package.json": return .npmManifest
        case "requirements.txt", "pyproject.toml", "go.mod", "cargo.toml", "pom.xml", "pipfile":
            return .manifest
        default: break
        }
        if lowerName.hasPrefix("requirements") && lowerName.hasSuffix(".txt") { return .manifest }
        if lowerName.hasPrefix("package@swift") && lowerName.hasSuffix(".swift") { return .swiftPackage }
        let ext = fileExtension(lowerName)
        switch ext {
        case "m4", "ac", "am": return .autoconf
        case "cmake": return .cmake
        case "mk", "mak": return .make
        case "sh", "bash", "ksh", "zsh": return .shellScript
        default: return .other
        }
    }

    /// Whether the file takes part in building the software (its shell runs on builders' machines).
    package static func isBuildScript(_ role: Role) -> Bool {
        switch role {
        case .autoconf, .cmake, .make, .meson, .cargoBuildScript, .pythonSetup, .gradle, .swiftPackage,
            .npmManifest:
            true
        default: false
        }
    }

    /// The ecosystem of a dependency manifest, or nil.
    package static func ecosystem(ofManifest path: String) -> Ecosystem? { PathFacts.of(path).ecosystem }

    static func workOutEcosystem(ofManifest path: String) -> Ecosystem? {
        let lowerName = fileName(path).lowercased()
        switch lowerName {
        case "package.json": return .npm
        case "pyproject.toml", "setup.py", "pipfile": return .pypi
        case "go.mod": return .go
        case "cargo.toml": return .cargo
        case "package.swift": return .swiftpm
        case "pom.xml": return .maven
        default:
            if lowerName.hasPrefix("requirements") && lowerName.hasSuffix(".txt") { return .pypi }
            return nil
        }
    }

    static let lockfileNames: Set<String> = [
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "cargo.lock", "go.sum",
        "package.resolved", "poetry.lock", "pipfile.lock", "gemfile.lock", "composer.lock",
    ]

    /// Whether the path is a CI configuration file.
    static func isWorkflow(_ lowerPath: String) -> Bool {
        if lowerPath.hasPrefix(".github/workflows/") || lowerPath.contains("/.github/workflows/") {
            return lowerPath.hasSuffix(".yml") || lowerPath.hasSuffix(".yaml")
        }
        let name = fileName(lowerPath)
        if name == "action.yml" || name == "action.yaml" { return true }
        return name == ".gitlab-ci.yml" || name == ".travis.yml" || name == "azure-pipelines.yml"
            || name == "bitbucket-pipelines.yml" || name == "jenkinsfile" || name == "appveyor.yml"
            || lowerPath.hasSuffix(".circleci/config.yml") || lowerPath.hasSuffix(".buildkite/pipeline.yml")
    }

    /// Whether the path lies in a test tree (tests/, test/, testdata/, fixtures/, spec/, …).
    package static func isTestPath(_ path: String) -> Bool { PathFacts.of(path).isTest }

    static func workOutIsTestPath(_ path: String) -> Bool {
        let lower = path.lowercased()
        for component in lower.split(separator: "/").dropLast() {
            switch component {
            case "test", "tests", "testdata", "testing", "fixtures", "fixture", "spec", "specs", "__tests__",
                "testfiles", "test-data", "test_data", "testcases", "vectors", "wycheproof", "corpus", "fuzz":
                return true
            default:
                if component.hasSuffix("tests") || component.hasSuffix("_test") || component.hasPrefix("test_") {
                    return true
                }
            }
        }
        let name = fileName(lower)
        return name.hasPrefix("test_") || name.contains("_test.") || name.contains(".test.")
            || name.contains("_tests.") || name.contains(".spec.") || name.contains("tests.")
    }

    /// Whether the path lies in vendored or generated third-party code.
    package static func isVendoredPath(_ path: String) -> Bool { PathFacts.of(path).isVendored }

    static func workOutIsVendoredPath(_ path: String) -> Bool {
        let lower = path.lowercased()
        for component in lower.split(separator: "/").dropLast() {
            switch component {
            case "vendor", "vendored", "third_party", "third-party", "thirdparty", "node_modules", "external",
                "deps", "3rdparty":
                return true
            default: continue
            }
        }
        return lower.hasSuffix(".min.js")
    }

    /// Security-sensitive areas a path touches, judged by its folder and file names.
    package static func sensitiveAreas(of path: String) -> Set<SensitiveArea> { PathFacts.of(path).sensitiveAreas }

    static func workOutSensitiveAreas(of path: String, role: Role, touchesSandbox: Bool) -> Set<SensitiveArea> {
        var out = Set<SensitiveArea>()
        if role == .ciWorkflow { out.insert(.ci) }
        if isBuildScript(role) || role == .shellScript && path.lowercased().contains("build") { out.insert(.build) }
        if role == .manifest || role == .lockfile || role == .npmManifest || role == .swiftPackage {
            out.insert(.dependencies)
        }
        let lower = path.lowercased()
        let name = fileName(lower)
        if name.contains("install") || name == "package.json" || name == "setup.py" || name.hasSuffix(".spec")
            || name == "postinst" || name == "preinst" || lower.contains("debian/")
        {
            out.insert(.installScripts)
        }
        for word in ["auth", "login", "passwd", "password", "session", "pam", "sshd", "credential", "token", "oauth",
            "acl", "permission", "privilege", "sudo"]
        where lower.contains(word) {
            out.insert(.auth)
            break
        }
        for word in ["crypt", "cipher", "ssl", "tls", "x509", "cert", "rsa", "ecdsa", "ed25519", "aes", "sha",
            "hmac", "sign", "verify", "random", "rng", "kex", "hash"]
        where lower.contains(word) {
            out.insert(.crypto)
            break
        }
        if touchesSandbox { out.insert(.sandbox) }
        return out
    }

    /// Whether ``sensitiveAreas(of:)`` holds `.sandbox`, without working out the other areas.
    static func touchesSandbox(_ path: String) -> Bool { PathFacts.of(path).touchesSandbox }

    static func workOutTouchesSandbox(_ path: String) -> Bool {
        let lower = path.lowercased()
        for word in ["sandbox", "seccomp", "landlock", "pledge", "capsicum", "jail", "seatbelt", "apparmor",
            "selinux"]
        where lower.contains(word) {
            return true
        }
        return false
    }

    /// The source language of a path, from its extension or name.
    package static func language(of path: String) -> Language { PathFacts.of(path).language }

    static func workOutLanguage(of path: String) -> Language {
        let lowerName = fileName(path).lowercased()
        switch lowerName {
        case "makefile", "gnumakefile": return .make
        case "cmakelists.txt": return .cmake
        case "configure": return .shell
        case "dockerfile": return .dockerfile
        default: break
        }
        switch fileExtension(lowerName) {
        case "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "m", "mm": return .c
        case "py", "pyw": return .python
        case "js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts": return .javascript
        case "go": return .go
        case "java", "kt", "kts", "scala", "groovy", "gradle": return .java
        case "swift": return .swift
        case "php", "phtml": return .php
        case "rb", "rake", "gemspec": return .ruby
        case "rs": return .rust
        case "sh", "bash", "zsh", "ksh": return .shell
        case "cmake": return .cmake
        case "m4", "ac", "am": return .autoconf
        case "mk", "mak": return .make
        case "yml", "yaml": return .yaml
        case "cs": return .csharp
        case "ps1", "psm1": return .powershell
        default: return .other
        }
    }

    /// The last component of a slash-separated path.
    package static func fileName(_ path: String) -> String {
        if let slash = path.lastIndex(of: "/") { return String(path[path.index(after: slash)...]) }
        return path
    }

    /// The extension (lowercase, without dot) of a file name, or "".
    package static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}

/// A security-sensitive area that a change touches; raises a commit's risk.
package enum SensitiveArea: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case build
    case ci
    case installScripts = "install-scripts"
    case dependencies
    case auth
    case crypto
    case sandbox

    package static func < (lhs: SensitiveArea, rhs: SensitiveArea) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
