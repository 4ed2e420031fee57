import Testing

@testable import CustodyCore

struct DependencyRiskDetectorTests {
    let detector = DependencyRiskDetector()

    static let eventStream = """
        {
          "name": "event-stream",
          "version": "3.3.5",
          "description": "construct pipes of streams of events",
          "scripts": {
            "test": "node test/index.js"
          },
          "dependencies": {
            "duplexer": "~0.1.1",
            "from": "~0",
            "map-stream": "~0.1.0",
            "pause-stream": "0.0.11",
            "split": "0.3",
            "stream-combiner": "~0.0.4",
            "through": "~2.3.1"
          }
        }

        """

    @Test func newDependencyAddedByAMaintainer() throws {
        let after = Self.eventStream.replacingOnce("\"duplexer\": \"~0.1.1\",\n", with: "\"duplexer\": \"~0.1.1\",\n    \"flatmap-stream\": \"^0.1.0\",\n")
            .replacingOnce("\"version\": \"3.3.5\"", with: "\"version\": \"3.3.6\"")
        let findings = BuildDetectorFixtures.scan(detector, path: "package.json", old: Self.eventStream, new: after)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.ruleID == "CUST-DEP-001")
        #expect(finding.category == .dependencyRisk)
        #expect(finding.excerpt.contains("flatmap-stream"))
        #expect(finding.startLine == 10)
    }

    @Test func versionBumpsStayQuiet() {
        let after = Self.eventStream.replacingOnce("\"through\": \"~2.3.1\"", with: "\"through\": \"~2.3.8\"")
            .replacingOnce("\"split\": \"0.3\"", with: "\"split\": \"^1.0.1\"")
        #expect(BuildDetectorFixtures.scan(detector, path: "package.json", old: Self.eventStream, new: after).isEmpty)
    }

    @Test func preinstallHookThatStartsAProgram() throws {
        // The shape of the hijacked ua-parser-js / coa releases (rewritten).
        let after = Self.eventStream.replacingOnce(
            "\"test\": \"node test/index.js\"\n",
            with: "\"test\": \"node test/index.js\",\n    \"preinstall\": \"start /B node compile.js & node compile.js\"\n")
        let findings = BuildDetectorFixtures.scan(detector, path: "package.json", old: Self.eventStream, new: after)
        let finding = try #require(findings.first { $0.ruleID == "CUST-DEP-004" })
        #expect(finding.severity == .high)
        #expect(finding.startLine == 7)
    }

    @Test func plainPostinstallIsMediumAndPrepareLow() {
        let after = Self.eventStream.replacingOnce(
            "\"test\": \"node test/index.js\"\n",
            with: "\"test\": \"node test/index.js\",\n    \"postinstall\": \"node-gyp rebuild\",\n    \"prepare\": \"tsc -p .\"\n")
        let findings = BuildDetectorFixtures.scan(detector, path: "package.json", old: Self.eventStream, new: after)
        #expect(findings.first { $0.excerpt.contains("postinstall") }?.severity == .medium)
        #expect(findings.first { $0.excerpt.contains("prepare") }?.severity == .low)
    }

    @Test(arguments: [
        ("package.json", "{\n  \"dependencies\": {\n    \"express\": \"^4.19.0\"\n  }\n}\n", "{\n  \"dependencies\": {\n    \"express\": \"^4.19.0\",\n    \"crossenv\": \"^1.0.0\"\n  }\n}\n", "cross-env"),
        ("requirements.txt", "requests==2.32.3\n", "requests==2.32.3\ncolourama==0.4.6\n", "colorama"),
        ("requirements-dev.txt", "pytest==8.2.0\n", "pytest==8.2.0\npython3-dateutil==2.9.0\n", "python-dateutil"),
        ("Cargo.toml", "[package]\nname = \"demo\"\n\n[dependencies]\nserde = \"1\"\n", "[package]\nname = \"demo\"\n\n[dependencies]\nserde = \"1\"\ntokoi = \"1.38\"\n", "tokio"),
        ("go.mod", "module example.com/demo\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n)\n", "module example.com/demo\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n\tgithub.com/sirupsne/logrus v1.9.3\n)\n", "logrus"),
        ("pom.xml", "<project>\n<dependencies>\n</dependencies>\n</project>\n", "<project>\n<dependencies>\n  <dependency>\n    <groupId>com.google</groupId>\n    <artifactId>guavaa</artifactId>\n    <version>33.0.0</version>\n  </dependency>\n</dependencies>\n</project>\n", "guava"),
    ])
    func namesOneEditAwayFromPopularPackages(_ path: String, _ old: String, _ new: String, _ imitated: String) throws {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: old, new: new)
        let finding = try #require(findings.first { $0.ruleID == "CUST-DEP-003" }, "\(findings.map(\.ruleID))")
        #expect(finding.severity == .high)
        #expect(finding.evidence.contains(imitated))
    }

    @Test func popularNamesAndTheirKnownNeighboursAreNotTyposquats() {
        #expect(PopularPackages.imitated("preact", in: .npm) == nil)
        #expect(PopularPackages.imitated("react", in: .npm) == nil)
        #expect(PopularPackages.imitated("python_dateutil", in: .pypi) == nil)
        #expect(PopularPackages.imitated("left-pad-ng", in: .npm) == nil)
        #expect(PopularPackages.imitated("loadsh", in: .npm) == "lodash")
        #expect(PopularPackages.imitated("through", in: .npm) == nil)
        #expect(PopularPackages.imitated("yargs2", in: .npm) == nil)
    }

    @Test(arguments: [
        ("package.json", "{\n  \"dependencies\": {\n  }\n}\n", "{\n  \"dependencies\": {\n    \"left-pad\": \"github:someone/left-pad#main\"\n  }\n}\n"),
        ("requirements.txt", "flask==3.0.0\n", "flask==3.0.0\ngit+https://github.com/someone/itsdangerous.git@main#egg=itsdangerous\n"),
        ("Cargo.toml", "[dependencies]\nserde = \"1\"\n", "[dependencies]\nserde = \"1\"\nring = { git = \"https://github.com/someone/ring\", branch = \"fix\" }\n"),
        ("go.mod", "module m\n\nrequire golang.org/x/crypto v0.24.0\n", "module m\n\nrequire golang.org/x/crypto v0.24.0\n\nreplace golang.org/x/crypto => github.com/someone/crypto v0.0.0-20240101000000-abcdef123456\n"),
        ("Package.swift", "let package = Package(name: \"x\", dependencies: [\n])\n", "let package = Package(name: \"x\", dependencies: [\n    .package(url: \"https://github.com/someone/swift-nio.git\", branch: \"main\"),\n])\n"),
        ("pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\n  \"httpx>=0.27\",\n]\n", "[project]\nname = \"x\"\ndependencies = [\n  \"httpx>=0.27\",\n  \"pkg @ https://files.example.net/pkg-1.0.tar.gz\",\n]\n"),
    ])
    func dependenciesFromUnusualSources(_ path: String, _ old: String, _ new: String) throws {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: old, new: new)
        #expect(findings.contains { $0.ruleID == "CUST-DEP-002" && $0.severity == .medium }, "\(findings.map(\.ruleID))")
    }

    @Test func swiftPackagesPinnedByVersionAreOrdinary() {
        let old = "let package = Package(name: \"x\", dependencies: [\n])\n"
        let new = "let package = Package(name: \"x\", dependencies: [\n    .package(url: \"https://github.com/apple/swift-nio.git\", from: \"2.81.0\"),\n])\n"
        let findings = BuildDetectorFixtures.scan(detector, path: "Package.swift", old: old, new: new)
        #expect(findings.map(\.ruleID) == ["CUST-DEP-001"])
        #expect(findings.first?.severity == .low)
    }

    // MARK: Lockfiles

    static let lockBefore = """
        {
          "name": "demo",
          "lockfileVersion": 3,
          "packages": {
            "node_modules/chalk": {
              "version": "5.3.0",
              "resolved": "https://registry.npmjs.org/chalk/-/chalk-5.3.0.tgz",
              "integrity": "sha512-dLitG79d+GV1Nb/VYcCDFivJeK1hiukt9QjRNVOsUtTy1rR1YJsmpGGTZ3qJos+uw7WmWF4wUwBd9jxjocFC2w=="
            },
            "node_modules/debug": {
              "version": "4.3.5",
              "resolved": "https://registry.npmjs.org/debug/-/debug-4.3.5.tgz",
              "integrity": "sha512-pt0bNEmneDIvdL1Xsd9oDQ/wrQRkXDT4AUWlNZNPKvW5x/jyO9VFXkJUP07vQ2upmw5PlaITaPKc31jK13V+jg=="
            }
          }
        }

        """

    @Test func lockfileHashChangedWithoutAVersionChange() throws {
        let after = Self.lockBefore.replacingOnce(
            "sha512-pt0bNEmneDIvdL1Xsd9oDQ/wrQRkXDT4AUWlNZNPKvW5x/jyO9VFXkJUP07vQ2upmw5PlaITaPKc31jK13V+jg==",
            with: "sha512-AAAAbNEmneDIvdL1Xsd9oDQ/wrQRkXDT4AUWlNZNPKvW5x/jyO9VFXkJUP07vQ2upmw5PlaITaPKc31jK13V+jg==")
        let findings = BuildDetectorFixtures.scan(detector, path: "package-lock.json", old: Self.lockBefore, new: after)
        let finding = try #require(findings.first)
        #expect(finding.ruleID == "CUST-DEP-005")
        #expect(finding.evidence.contains("node_modules/debug@4.3.5") || finding.evidence.contains("debug@4.3.5"))
        #expect(finding.startLine == 13)
    }

    @Test func lockfileUpdateThatChangesVersionsStaysQuiet() {
        let after = Self.lockBefore
            .replacingOnce("\"version\": \"4.3.5\"", with: "\"version\": \"4.3.6\"")
            .replacingOnce("debug-4.3.5.tgz", with: "debug-4.3.6.tgz")
            .replacingOnce("sha512-pt0bNEmneDIvdL1Xsd9oDQ", with: "sha512-ZZ0bNEmneDIvdL1Xsd9oDQ")
        #expect(BuildDetectorFixtures.scan(detector, path: "package-lock.json", old: Self.lockBefore, new: after).isEmpty)
    }

    @Test func otherLockfiles() {
        let cargoBefore = "[[package]]\nname = \"serde\"\nversion = \"1.0.203\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"7253ab4de971e72fb7be983802300c30b5a7f0c2e56fab8abfc6a214307c0094\"\n"
        let cargoAfter = cargoBefore.replacingOnce("7253ab4de9", with: "0000ab4de9")
        #expect(BuildDetectorFixtures.scan(detector, path: "Cargo.lock", old: cargoBefore, new: cargoAfter).map(\.ruleID) == ["CUST-DEP-005"])
        let sumBefore = "golang.org/x/crypto v0.24.0 h1:mnl8DM0o513X8fdIkmyFE/5hTYxbwYOjDS/+rK6qpRI=\ngolang.org/x/crypto v0.24.0/go.mod h1:Z1PMYSOR5nyMcyAVAIQSKCDwalqy85Aqn1x3Ws4L5DM=\n"
        let sumAfter = sumBefore.replacingOnce("mnl8DM0o", with: "XXl8DM0o")
        #expect(BuildDetectorFixtures.scan(detector, path: "go.sum", old: sumBefore, new: sumAfter).map(\.ruleID) == ["CUST-DEP-005"])
        let sumUpdate = sumBefore.replacingOnce("v0.24.0 h1:mnl8", with: "v0.25.0 h1:QQl8")
        #expect(BuildDetectorFixtures.scan(detector, path: "go.sum", old: sumBefore, new: sumUpdate).isEmpty)
    }
}
