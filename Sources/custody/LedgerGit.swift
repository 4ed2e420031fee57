import CustodyLedger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs git for the review and attest commands: no shell, no pager, no external diff or textconv
/// drivers, the user's and system git configuration ignored, output bounded.
enum LedgerGit {
    struct Output {
        let status: Int32
        let stdout: [UInt8]
        let truncated: Bool
    }

    static func run(repository: String, _ arguments: [String], limit: Int = 4 << 20) throws -> Output {
        let git = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].first { FileIO.exists($0) } ?? "git"
        let argv = [git, "-C", repository, "--no-pager", "-c", "core.pager=cat", "-c", "diff.external=",
                    "-c", "core.fsmonitor=false"] + arguments
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw CLIFailure(code: CustodyExit.incomplete, message: "cannot create a pipe for git") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let env = ["PATH=/usr/bin:/bin:/usr/local/bin", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
                   "HOME=/nonexistent", "LC_ALL=C", "GIT_TERMINAL_PROMPT=0"]
        let cEnv = env.map { strdup($0) } + [nil]
        defer { cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = git.hasPrefix("/")
            ? posix_spawn(&pid, git, &actions, nil, cArgs, cEnv) : posix_spawnp(&pid, git, &actions, nil, cArgs, cEnv)
        close(pipeFDs[1])
        guard spawned == 0 else {
            close(pipeFDs[0])
            throw CLIFailure(code: CustodyExit.incomplete, message: "cannot run git")
        }
        var out: [UInt8] = []
        var truncated = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(pipeFDs[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if out.count < limit { out += buffer[..<min(n, limit - out.count)] } else { truncated = true }
            if out.count >= limit { truncated = true }
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Output(status: (status >> 8) & 0xff, stdout: out, truncated: truncated)
    }

    /// The full object ID of `revision` as a commit (or tree with `kind: "tree"`).
    static func resolve(repository: String, _ revision: String, kind: String = "commit") throws -> String {
        guard !revision.hasPrefix("-") else { throw CLIFailure(code: CustodyExit.usage, message: "revision may not start with '-'") }
        let result = try run(repository: repository, ["rev-parse", "--verify", "--quiet", "--end-of-options", "\(revision)^{\(kind)}"])
        let text = String(decoding: result.stdout, as: UTF8.self).filter { !$0.isWhitespace }
        guard result.status == 0, text.utf8.count == 40 || text.utf8.count == 64, HexCoding.decode(text) != nil else {
            throw CLIFailure(code: CustodyExit.incomplete, message: "cannot resolve \(revision) in \(repository)")
        }
        return text
    }
}
