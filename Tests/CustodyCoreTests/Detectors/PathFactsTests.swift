import Testing

@testable import CustodyCore

/// The path facts the detectors share are remembered per path: what they answer must be what
/// working each one out again answers, for ordinary and hostile paths, however often asked.
struct PathFactsTests {
    static let paths = [
        "configure", "configure.ac", "src/Makefile.am", "m4/ax_check.m4", "CMakeLists.txt", "cmake/Find.cmake",
        ".github/workflows/ci.yml", "sub/.github/workflows/release.YAML", "action.yml", ".gitlab-ci.yml",
        "package.json", "web/package-lock.json", "requirements-dev.txt", "Package.swift", "Package@swift-5.9.swift",
        "go.mod", "Cargo.toml", "pom.xml", "setup.py", "build.rs", "meson.build", "scripts/install.sh",
        "debian/postinst", "src/auth/session.c", "crypto/sha256.c", "sandbox/seccomp-bpf.c", "tests/vectors/x.bin",
        "third_party/zlib/inflate.c", "web/app.min.js", "docs/README.md", "tmux.1", "po/de.po", "LICENSE",
        ".bashrc", "A/B/C.D.E", "noext", ".hidden", "dir.with.dots/file", "UPPER/CASE.C", "",
        "evil/\u{202E}gnp.sh", "x/\u{1b}[31m.py", "über/straße.rb", "e\u{301}/cafe\u{301}.js", "caf\u{e9}.js",
        String(repeating: "deep/", count: 400) + "file.c",
    ]

    @Test func rememberedFactsAreTheWorkedOutOnes() {
        for _ in 0..<3 {
            for path in Self.paths {
                let facts = PathFacts.of(path)
                #expect(facts.role == BuildFiles.workOutRole(of: path), "\(path)")
                #expect(facts.language == BuildFiles.workOutLanguage(of: path), "\(path)")
                #expect(facts.ecosystem == BuildFiles.workOutEcosystem(ofManifest: path), "\(path)")
                #expect(facts.isTest == BuildFiles.workOutIsTestPath(path), "\(path)")
                #expect(facts.isVendored == BuildFiles.workOutIsVendoredPath(path), "\(path)")
                #expect(facts.touchesSandbox == BuildFiles.workOutTouchesSandbox(path), "\(path)")
                #expect(
                    facts.sensitiveAreas
                        == BuildFiles.workOutSensitiveAreas(
                            of: path, role: BuildFiles.workOutRole(of: path),
                            touchesSandbox: BuildFiles.workOutTouchesSandbox(path)), "\(path)")
                let traits = FileTraits(path: path)
                #expect(facts.traits.language == traits.language, "\(path)")
                #expect(facts.traits.isTest == traits.isTest && facts.traits.isDocumentation == traits.isDocumentation)
                #expect(facts.traits.isVendored == traits.isVendored && facts.traits.isMinified == traits.isMinified)
                #expect(facts.traits.isLockfile == traits.isLockfile && facts.traits.isLocalization == traits.isLocalization)
                // The public entry points answer from the same facts.
                #expect(BuildFiles.role(of: path) == facts.role)
                #expect(BuildFiles.sensitiveAreas(of: path) == facts.sensitiveAreas)
            }
        }
    }

    @Test func knownPathsHaveTheirRoles() {
        #expect(BuildFiles.role(of: "configure.ac") == .autoconf)
        #expect(BuildFiles.role(of: ".github/workflows/ci.yml") == .ciWorkflow)
        #expect(BuildFiles.role(of: "web/package-lock.json") == .lockfile)
        #expect(BuildFiles.ecosystem(ofManifest: "requirements-dev.txt") == .pypi)
        #expect(BuildFiles.touchesSandbox("sandbox/seccomp-bpf.c"))
        #expect(BuildFiles.sensitiveAreas(of: "sandbox/seccomp-bpf.c").contains(.sandbox))
        #expect(BuildFiles.sensitiveAreas(of: ".github/workflows/ci.yml").contains(.ci))
        #expect(BuildFiles.sensitiveAreas(of: "src/auth/session.c").contains(.auth))
        #expect(BuildFiles.isTestPath("tests/vectors/x.bin"))
        #expect(BuildFiles.isVendoredPath("third_party/zlib/inflate.c"))
        #expect(PathFacts.of("UPPER/CASE.C").fileExtension == "c")
        #expect(PathFacts.of("UPPER/CASE.C").lowerName == "case.c")
    }
}
