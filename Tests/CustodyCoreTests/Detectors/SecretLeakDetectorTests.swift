import Testing

@testable import CustodyCore

struct SecretLeakDetectorTests {
    let detector = SecretLeakDetector()

    static let keyBody = """
        MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
        VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
        LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo
        """

    @Test(arguments: ["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"])
    func privateKeysInCodeAreHigh(_ kind: String) throws {
        let text = "-----BEGIN \(kind)-----\n\(Self.keyBody)\n-----END \(kind)-----"
        let findings = DetectorFixtures.scan(detector, "deploy/id_deploy", text)
        let finding = try #require(findings.with(SecretLeakDetector.privateKey).first)
        #expect(finding.severity == .medium || finding.severity == .high)
        let inCode = DetectorFixtures.scan(detector, "src/config.py", "KEY = '''" + text + "'''")
        #expect(inCode.with(SecretLeakDetector.privateKey).first?.severity == .high)
    }

    @Test func keyInJSONStringWithEscapedNewlines() {
        let json = "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\\n-----END PRIVATE KEY-----\\n\"}"
        let findings = DetectorFixtures.scan(detector, "src/service-account.js", json)
        #expect(findings.with(SecretLeakDetector.privateKey).first?.severity == .high)
    }

    @Test func testKeysAreLowAndExamplesInfo() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\n\(Self.keyBody)\n-----END RSA PRIVATE KEY-----"
        let test = DetectorFixtures.scan(detector, "crypto/x509/x509_test.cc", "static const char kKey[] = R\"(" + text)
        #expect(test.with(SecretLeakDetector.privateKey).first?.severity == .low)
        let example = DetectorFixtures.scan(detector, "src/config.py", "# Example key, not a real one:\n" + text)
        #expect(example.with(SecretLeakDetector.privateKey).first?.severity == .info)
        let placeholder = DetectorFixtures.scan(detector, "docs/ssh.md", "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----")
        #expect(placeholder.isEmpty)
    }

    @Test(arguments: [
        ("src/deploy.py", "AWS_ACCESS_KEY_ID = 'AKIA2E0A8F3B9C7D1QXZ'"),
        ("src/gh.js", "const token = 'ghp_4fK9xQ2mZ7pL1vB8nR3tY6wE0aS5dG7hJ2kL';"),
        ("src/slack.go", "const hook = \"https://hooks.slack.com/services/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\""),
        ("config/prod.rb", "Stripe.api_key = 'sk_live_51H8fK2LkQ9pZ7xV3mN6bC4dS'"),
        ("src/maps.swift", "let key = \"AIzaSyB3k9Lm2Qx7Vw5Rt8Yp1Zs4Nd6Fg0Hj2Kl\""),
        ("src/ci.sh", "export GITLAB_TOKEN=glpat-x7Kq2LmP9vR4tW8yZ1bN"),
        ("src/x.py", "client = Anthropic(api_key='sk-ant-api03-" + String(repeating: "aB3dE5fG7hJ9kL1mN", count: 6) + "')"),
    ])
    func tokensInCodeAreHigh(_ path: String, _ line: String) throws {
        let findings = DetectorFixtures.scan(detector, path, line)
        let finding = try #require(findings.with(SecretLeakDetector.token).first, "\(path)")
        #expect(finding.severity == .high)
        // The secret is masked.
        #expect(finding.evidence.count < line.count + 80)
        #expect(!finding.evidence.contains("4fK9xQ2mZ7pL1vB8nR3tY6wE0aS5dG7hJ2kL"))
    }

    @Test(arguments: [
        ("docs/aws.md", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
        ("src/aws.py", "EXAMPLE_KEY = 'AKIAIOSFODNN7EXAMPLE'"),
        ("README.md", "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("src/x.js", "const t = 'ghp_' + process.env.SUFFIX;"),
        ("src/x.c", "#define AKIA_PREFIX \"AKIA\""),
        ("src/names.py", "MASKAIzaFooBarBazQuxQuuxCorgeGraultGarply = 1"),
    ])
    func examplesAndLookAlikesAreQuiet(_ path: String, _ line: String) {
        let findings = DetectorFixtures.scan(detector, path, line)
        #expect(findings.allSatisfy { $0.severity <= .low }, "\(path): \(findings.map(\.evidence))")
    }

    @Test func megabyteMinifiedLineCompletes() {
        _ = DetectorFixtures.scan(detector, "src/app.js", bytes: DetectorFixtures.megabyteLine)
    }
}
