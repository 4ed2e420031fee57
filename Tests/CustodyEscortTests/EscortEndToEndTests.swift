import CustodyCore
import Foundation
import Testing

/// Runs EndToEnd/escort_e2e.py: the built `custody escort serve` against the real OpenSSH client,
/// with an engineer and an escort driven at once through pexpect. Each scenario starts and kills
/// its own gateway on 127.0.0.1 with a free port.
@Suite(.serialized)
struct EscortEndToEndTests {
    static let scenarios = [
        "waits_then_approved", "denied", "readonly", "obfuscated", "escort_leaves", "self_escort",
        "unknown_key", "recording", "fullscreen", "client_killed", "idle_timeout", "concurrent",
        "inactive", "forwarding", "auth_attempts", "max_length", "chunks", "flood",
    ]

    @Test(arguments: scenarios)
    func scenario(_ name: String) throws {
        let environment = try #require(EndToEndEnvironment.current, "needs ssh, ssh-keygen, python3 with pexpect, and a built custody")
        let readOnly = Explainer().explain("ls /").riskClass == .readOnly
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", environment.script, "--custody", environment.custody, "--scenario", name,
                             "--expect-readonly", readOnly ? "yes" : "no"]
        var env = ProcessInfo.processInfo.environment
        env["ESCORT_E2E_SESSIONS"] = env["ESCORT_E2E_SESSIONS"] ?? "50"
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 240, execute: killer)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        killer.cancel()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("PASS \(name)"), "\(output)")
    }
}

struct EndToEndEnvironment {
    var script: String
    var custody: String

    static let current: EndToEndEnvironment? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("Tests/CustodyEscortTests/EndToEnd/escort_e2e.py").path
        // The custody binary sits next to the test bundle in the build folder.
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var custody: String?
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("custody").path
            if FileManager.default.isExecutableFile(atPath: candidate) { custody = candidate; break }
            directory.deleteLastPathComponent()
        }
        if custody == nil {
            for candidate in [".build/debug/custody", ".build/release/custody"].map({ root.appendingPathComponent($0).path })
            where FileManager.default.isExecutableFile(atPath: candidate) {
                custody = candidate
                break
            }
        }
        guard let custody, FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh") else { return nil }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import pexpect"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return nil }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { return nil }
        return EndToEndEnvironment(script: script, custody: custody)
    }()
}
