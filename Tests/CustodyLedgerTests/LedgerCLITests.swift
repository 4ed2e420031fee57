import CustodyLedger
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `custody keygen` and `custody ledger …` end to end: output, files and exit codes.
@Suite(.serialized) struct LedgerCLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func custody(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let binary = try #require(CrashTests.custodyBinary(), "build the custody executable first")
        let dir = TestPaths.scratch("cli-io")
        defer { TestPaths.remove(dir) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, dir + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, dir + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env: [String: String] = ["PATH": "/usr/bin:/bin", "HOME": dir]
        for (k, v) in environment { env[k] = v }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, binary, &actions, nil, argv, envp) == 0 else { throw LedgerError(.io, "spawn failed") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let out = String(decoding: try FileIO.read(dir + "/out") ?? [], as: UTF8.self)
        let err = String(decoding: try FileIO.read(dir + "/err") ?? [], as: UTF8.self)
        return Run(status: (status >> 8) & 0xff, stdout: out, stderr: err)
    }

    @Test func keygenWritesAPrivateKeyOnlyTheOwnerCanRead() throws {
        let dir = TestPaths.scratch("cli")
        defer { TestPaths.remove(dir) }
        let run = try Self.custody(["keygen", "--name", "ledger.example.invalid/prod", "--output", dir + "/keys/ledger"])
        #expect(run.status == 0, "\(run.stderr)")
        var info = stat()
        #expect(stat(dir + "/keys/ledger.key", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let skey = String(decoding: try #require(try FileIO.read(dir + "/keys/ledger.key")), as: UTF8.self)
        let vkey = String(decoding: try #require(try FileIO.read(dir + "/keys/ledger.vkey")), as: UTF8.self)
        #expect(skey.hasPrefix("PRIVATE+KEY+ledger.example.invalid/prod+"))
        let signer = try NoteSigner(skey: String(skey.dropLast()))
        #expect(signer.verifier.vkey + "\n" == vkey)
        // It refuses to overwrite a key.
        let again = try Self.custody(["keygen", "--name", "x", "--output", dir + "/keys/ledger"])
        #expect(again.status == 2)
    }

    @Test func verifyShowProofAndTheirExitCodes() throws {
        let dir = TestPaths.scratch("cli")
        defer { TestPaths.remove(dir) }
        let signer = try NoteSigner(name: "ledger.example.invalid/cli", seed: [UInt8](repeating: 12, count: 32))
        try FileIO.writeAtomically(Array(signer.verifier.vkey.utf8), to: dir + "/ledger.vkey", sync: false)
        let ledger = try Ledger.open(directory: dir + "/ws/ledger", signer: signer, options: .init(durable: false))
        for i in 1...20 { try ledger.append(LedgerWriterTests.event(i)) }
        try ledger.checkpoint()
        ledger.close()

        // The default directory is <workspace>/ledger, with the workspace from $CUSTODY_HOME.
        let ok = try Self.custody(["ledger", "verify", "--key", dir + "/ledger.vkey"], environment: ["CUSTODY_HOME": dir + "/ws"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("ok: ledger.example.invalid/cli size 21"))
        let show = try Self.custody(["ledger", "show", dir + "/ws/ledger", "--key", dir + "/ledger.vkey", "--last", "2"])
        #expect(show.status == 0 && show.stdout.contains("size: 21") && show.stdout.contains("20: {"))
        let proof = try Self.custody(["ledger", "proof", "7", "--workspace", dir + "/ws", "--key", signer.verifier.vkey])
        #expect(proof.status == 0)
        let receipt = try TlogProof(parsing: Array(proof.stdout.utf8))
        try receipt.verify(entry: try LedgerReader(directory: dir + "/ws/ledger", key: signer.verifier).entry(7), key: signer.verifier)

        // Exit 2: a bad key file.
        try FileIO.writeAtomically(Array("nonsense+1234+abc".utf8), to: dir + "/bad.vkey", sync: false)
        #expect(try Self.custody(["ledger", "verify", dir + "/ws/ledger", "--key", dir + "/bad.vkey"]).status == 2)
        // Exit 3: no ledger there.
        #expect(try Self.custody(["ledger", "verify", dir + "/nowhere", "--key", dir + "/ledger.vkey"]).status == 3)
        // Exit 1: tampering, named on one line.
        var tile = try #require(try FileIO.read(dir + "/ws/ledger/tile/entries/000.p/21"))
        tile[40] ^= 4
        try FileIO.writeAtomically(tile, to: dir + "/ws/ledger/tile/entries/000.p/21", sync: false)
        let bad = try Self.custody(["ledger", "verify", dir + "/ws/ledger", "--key", dir + "/ledger.vkey"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("custody: ledger verification failed: entry 0 (tile/entries/000.p/21)"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
    }

    @Test func theTesseraLogVerifiesFromTheCommandLine() throws {
        let run = try Self.custody(["ledger", "verify", TestPaths.tesseraLog, "--key", TesseraLogTests.vkey])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("size 15") && run.stdout.contains("17 checkpoints"))
    }
}
