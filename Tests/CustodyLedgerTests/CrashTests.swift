import CustodyLedger
import CustodyTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A writer killed with SIGKILL at random moments leaves a log that verifies and accepts the next append.
@Suite(.serialized) struct CrashTests {
    /// The built `custody` executable next to the test bundle.
    static func custodyBinary() -> String? {
        var candidates: [String] = []
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 {
            var dir = FileIO.dirname(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
            // …/debug/custodyPackageTests.xctest or …/debug/custodyPackageTests.xctest/Contents/MacOS/…
            for _ in 0..<4 {
                candidates.append(dir + "/custody")
                dir = FileIO.dirname(dir)
            }
        }
        #endif
        candidates.append(TestPaths.packageRoot + "/.build/debug/custody")
        return candidates.first { FileIO.exists($0) && !FileIO.isDirectory($0) }
    }

    /// Spawns `custody ledger append-test`, lets it append for `milliseconds` after its first
    /// completed append, kills it, returns its output.
    static func runAndKill(binary: String, arguments: [String], milliseconds: Int) throws -> (output: [UInt8], killed: Bool) {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw LedgerError(.io, "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        close(pipeFDs[1])
        guard status == 0 else {
            close(pipeFDs[0])
            throw LedgerError(.io, "cannot spawn \(binary): \(status)")
        }
        // Read output while the child runs, then kill it at the chosen moment.
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // The moment counts from the child's first completed append, not from the spawn, so a
        // slow start on a loaded machine does not leave the child killed before it wrote anything
        // (at most 60 s are allowed for the start).
        var deadline = monotonicMilliseconds() + 60_000
        var started = false
        while monotonicMilliseconds() < deadline {
            var poller = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, deadline - monotonicMilliseconds())))
            if ready > 0 {
                let n = read(pipeFDs[0], &buffer, buffer.count)
                if n <= 0 { break }
                output += buffer[..<n]
                if !started, output.contains(0x0a) {
                    started = true
                    deadline = monotonicMilliseconds() + milliseconds
                }
            }
        }
        let killed = kill(pid, SIGKILL) == 0
        var waitStatus: Int32 = 0
        waitpid(pid, &waitStatus, 0)
        while true {
            let n = read(pipeFDs[0], &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[..<n]
        }
        close(pipeFDs[0])
        return (output, killed)
    }

    static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }

    /// The last complete line of the child's output as an index.
    static func lastIndex(_ output: [UInt8]) -> UInt64? {
        let lines = output.split(separator: 0x0a, omittingEmptySubsequences: false)
        // The final element is an incomplete line (or empty after the last newline).
        for line in lines.dropLast().reversed() {
            if let value = UInt64(String(decoding: line, as: UTF8.self)) { return value }
        }
        return nil
    }

    @Test func killedWritersLeaveAVerifiableLogThatAcceptsTheNextAppend() throws {
        let binary = try #require(Self.custodyBinary(), "build the custody executable first (swift build --build-tests)")
        let dir = TestPaths.scratch("crash")
        defer { TestPaths.remove(dir) }
        let signer = try NoteSigner(name: "ledger.example.invalid/custody/crash", seed: [UInt8](repeating: 11, count: 32))
        let keyFile = dir + "/ledger.key"
        try FileIO.writeAtomically(Array(signer.skey.utf8), to: keyFile, sync: false, mode: 0o600)
        var generator = SplitMix(seed: 2026)
        var completed: UInt64 = 0  // entries whose append returned in some child
        var kills = 0
        var appended: UInt64 = 0
        var log = ""
        for round in 0..<30 {
            if round % 10 == 0 {  // three logs of ten kills each keep the verification work small
                log = dir + "/log\(round / 10)"
                completed = 0
            }
            let every = [1, 3, 7, 100][round % 4]
            var arguments = [
                "ledger", "append-test", log, "--key", keyFile, "--checkpoint-every", String(every), "--size", "300",
                "--delay-microseconds", "1000",
            ]
            if round % 3 != 0 { arguments.append("--no-sync") }
            let wait = 120 + Int(generator.next() % 250)
            let (output, killed) = try Self.runAndKill(binary: binary, arguments: arguments, milliseconds: wait)
            if killed { kills += 1 }
            if let last = Self.lastIndex(output) {
                appended += last + 1 - min(completed, last + 1)
                completed = max(completed, last + 1)
            }

            // The killed log verifies as it is (up to its last checkpoint; the rest is unsealed).
            if FileIO.exists(log + "/checkpoint") {
                let result = try LedgerVerifier.verify(directory: log, key: signer.verifier)
                #expect(result.custodyRecords)
                #expect(result.size + UInt64(result.unsealed) >= completed, "round \(round): an appended entry was lost")
            }
            // The next writer recovers every completed append and appends one more.
            let ledger = try Ledger.open(directory: log, signer: signer, options: .init(durable: false))
            #expect(ledger.size >= completed, "round \(round): recovery lost entries")
            completed = try ledger.append(LedgerWriterTests.event(round)) + 1
            try ledger.checkpoint()
            ledger.close()
            if round % 10 == 9 {
                let result = try LedgerVerifier.verify(directory: log, key: signer.verifier)
                #expect(result.size == completed && result.unsealed == 0)
            }
        }
        #expect(kills >= 25)
        #expect(appended > 200, "the children appended too little to exercise the log")
    }
}
