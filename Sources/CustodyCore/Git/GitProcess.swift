import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place git is spawned: read-only, no pager, no external diff, no textconv, no user or
/// system configuration, no replace objects, `LC_ALL=C`, arguments as an argv array (never a shell).
///
/// Every command gets the same safety prefix (``safetyArguments``) and a clean environment
/// (``environment``): nothing from the caller's environment leaks in except `PATH`, `HOME`,
/// `TMPDIR` and `GLIBC_TUNABLES` (after custody's own malloc setting), so a `GIT_DIR` set by a
/// hook, a user's `~/.gitconfig` or `/etc/gitconfig` never change what is read. When ``gitDirectory`` is set, git runs with `--git-dir` on that directory
/// and `core.bare=true`, and in that directory: git still looks for `.gitattributes` in the
/// subdirectories of its working directory even in a bare repository, so a child started in
/// the auditor's checkout would take the audited code's own `src/.gitattributes` (`-diff`
/// hides a file's changes as binary). The repository's `info/grafts` (which rewrites parents
/// and can hide commits) is never read (`GIT_GRAFT_FILE=/dev/null`); its `config` and
/// `info/attributes` are kept away from the history reader's diffs by a private git directory
/// (``HistoryReader``).
///
/// Standard output is read as raw bytes in large chunks; standard error is read concurrently
/// (kept up to 64 KiB) and standard input is written from another thread, so pipes never deadlock.
///
/// ```swift
/// let git = try GitProcess(gitDirectory: "/repo/.git")
/// let out = try git.run(["rev-list", "--max-parents=0", "HEAD"])
/// ```
package struct GitProcess: Sendable {
    /// Absolute path of the git executable.
    package let executable: String
    /// The repository's git directory (absolute), or nil to run without one (validation).
    package var gitDirectory: String?
    /// Extra environment variables (for example `GIT_OBJECT_DIRECTORY` for a scratch object store).
    package var extraEnvironment: [String: String] = [:]

    /// Bytes of standard error kept per process.
    static let standardErrorLimit = 64 * 1024

    /// Finds git on `PATH`.
    ///
    /// - Throws: ``CustodyError`` with code `.gitUnavailable` when git cannot be found.
    package init(gitDirectory: String? = nil, executable: String? = nil) throws {
        guard let found = executable ?? GitProcess.locate() else {
            throw CustodyError(.gitUnavailable, "git is not installed or not on PATH")
        }
        self.executable = found
        self.gitDirectory = gitDirectory
    }

    /// The first executable `git` on `PATH`.
    static func locate() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = String(directory) + "/git"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Options that come before every git subcommand.
    package static let safetyArguments: [String] = [
        "--no-optional-locks", "--no-pager", "--no-replace-objects", "--literal-pathspecs",
        "-c", "core.quotepath=off",
        "-c", "diff.external=",
        "-c", "core.fsmonitor=false",
        "-c", "core.attributesFile=/dev/null",
        "-c", "core.useReplaceRefs=false",
        "-c", "diff.noprefix=false",
        "-c", "diff.mnemonicPrefix=false",
        "-c", "diff.relative=false",
        "-c", "diff.algorithm=myers",
        "-c", "diff.indentHeuristic=true",
        "-c", "diff.renameLimit=1000",
        "-c", "diff.ignoreSubmodules=none",
        "-c", "diff.submodule=short",
        "-c", "log.showSignature=false",
        "-c", "log.mailmap=false",
        "-c", "log.showRoot=true",
        "-c", "color.ui=never",
        "-c", "gc.auto=0",
        "-c", "maintenance.auto=false",
        // The repository's commit-graph file is a cache git trusts for parents: a tampered one
        // hides commits from the walk (tested). Parents come from the commit objects only.
        "-c", "core.commitGraph=false",
        "-c", "i18n.logOutputEncoding=UTF-8",
        "-c", "advice.graftFileDeprecated=false",
        // A partial clone would otherwise fetch missing objects over the network (and write them).
        "-c", "protocol.allow=never",
    ]

    /// Options added to every `diff`, `log` and `diff-tree` call.
    package static let diffSafetyArguments: [String] = ["--no-ext-diff", "--no-textconv", "--no-color", "-O/dev/null"]

    /// Keeps glibc's heap instead of trimming it (see ``environment``); other C libraries ignore it.
    static let mallocTunables = "glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864"

    /// The whole child environment.
    package var environment: [String: String] {
        let parent = ProcessInfo.processInfo.environment
        var env: [String: String] = [
            "PATH": parent["PATH"] ?? "/usr/bin:/bin",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_ATTR_NOSYSTEM": "1",
            // The repository's own `info/grafts` would change parents and hide commits.
            "GIT_GRAFT_FILE": "/dev/null",
            "GIT_ASKPASS": "/bin/false",
            "SSH_ASKPASS": "/bin/false",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "LC_ALL": "C",
            "LANG": "C",
        ]
        // glibc's malloc gives the top of its heap back to the kernel whenever 128 KiB are free
        // there, and a short-lived git process that never frees a large mapped block (which is
        // what raises that threshold) trims and faults the same pages in again thousands of
        // times: on tmux the eight log pieces took 560,000 page faults and about 1 s more CPU
        // than one process, 160,000 and a few percent more with the heap kept. Peak memory is
        // unchanged (git frees what it is done with; the pages are reused, not returned). The
        // caller's own tunables come after ours, so they win.
        env["GLIBC_TUNABLES"] = [Self.mallocTunables, parent["GLIBC_TUNABLES"]].compactMap { $0 }
            .filter { !$0.isEmpty }.joined(separator: ":")
        if let home = parent["HOME"] { env["HOME"] = home }
        if let tmp = parent["TMPDIR"] { env["TMPDIR"] = tmp }
        // Inside a pre-receive hook the pushed objects are still in quarantine; git tells its
        // children where with these variables. Passing them through lets `custody gate` read the
        // new commits (reads only; objects are never written).
        for name in ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"] {
            if let value = parent[name] { env[name] = value }
        }
        env.merge(extraEnvironment) { $1 }
        // git runs in the git directory (see ``GitProcess``): object paths relative to ours
        // are made absolute (git's own quarantine paths already are).
        if gitDirectory != nil {
            for name in ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"] {
                // A quoted entry (a path with a colon) is left as git wrote it.
                guard let value = env[name], !value.contains("\"") else { continue }
                env[name] = value.split(separator: ":", omittingEmptySubsequences: false)
                    .map { Self.absolute(String($0)) }.joined(separator: ":")
            }
        }
        return env
    }

    /// `path` made absolute against the current directory (unchanged when absolute or empty).
    static func absolute(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"),
            let here = getcwd(nil, 0)
        else { return path }
        defer { free(here) }
        return String(cString: here) + "/" + path
    }

    /// The full argv (after the executable) for a subcommand.
    package func argv(_ arguments: [String]) -> [String] {
        var out = GitProcess.safetyArguments
        if let gitDirectory {
            out += ["--git-dir=" + gitDirectory, "-c", "core.bare=true"]
        }
        return out + arguments
    }

    /// The result of a finished git command.
    package struct Output: Sendable {
        package var status: Int32
        package var standardOutput: [UInt8]
        package var standardError: [UInt8]
        package var succeeded: Bool { status == 0 }
        /// The first line of standard error, made safe for a one-line message.
        package var errorLine: String { GitProcess.firstLine(standardError) }
    }

    /// Runs git to completion and returns its output.
    ///
    /// - Parameters:
    ///   - arguments: the subcommand and its arguments (after the safety prefix).
    ///   - input: bytes written to standard input (from another thread), or nil for `/dev/null`.
    ///   - outputLimit: standard output beyond this many bytes is read and dropped.
    /// - Throws: ``CustodyError`` `.gitUnavailable` when git cannot be started.
    package func run(_ arguments: [String], input: [UInt8]? = nil, outputLimit: Int = Int.max) throws -> Output {
        var collected: [UInt8] = []
        let (status, stderr) = try stream(arguments, input: input) { chunk in
            let room = outputLimit - collected.count
            if room > 0 { collected.append(contentsOf: chunk.prefix(room)) }
            return true
        }
        return Output(status: status, standardOutput: collected, standardError: stderr)
    }

    /// Runs git and hands standard output to `body` chunk by chunk (up to `chunkSize` bytes each).
    ///
    /// Returning false from `body` stops reading: the process is killed. Standard error is read
    /// concurrently.
    /// - Returns: the exit status (128 + signal when killed) and the first 64 KiB of standard error.
    package func stream(
        _ arguments: [String],
        input: [UInt8]? = nil,
        chunkSize: Int = 1 << 20,
        _ body: (UnsafeRawBufferPointer) throws -> Bool
    ) throws -> (status: Int32, standardError: [UInt8]) {
        let child = try RunningGit(process: self, arguments: arguments, keepStandardInput: input != nil)
        if let input {
            let writer = child.standardInputWriter(input)
            defer { writer.join() }
            return try child.drain(chunkSize: chunkSize, body)
        }
        return try child.drain(chunkSize: chunkSize, body)
    }

    /// A long-lived git process with open standard input and output (for `cat-file --batch`).
    package func start(_ arguments: [String]) throws -> RunningGit {
        try RunningGit(process: self, arguments: arguments, keepStandardInput: true)
    }

    /// The first line of some bytes, with control characters shown as `?`, at most 300 bytes.
    package static func firstLine(_ bytes: [UInt8]) -> String {
        var line = bytes.prefix { $0 != 0x0a }.prefix(300).map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }
        while line.last == UInt8(ascii: " ") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}

/// `pipe2(2)`, which Glibc's Swift overlay does not export: pipes must be close-on-exec from
/// birth, or a child spawned concurrently by another worker could inherit a write end and keep
/// a pipe open forever.
@_silgen_name("pipe2")
private func custodyPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// `posix_spawn_file_actions_addchdir_np(3)` (glibc 2.29), which Glibc's Swift overlay does not
/// export either: the child starts in another directory without a `chdir` in ours.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func custodySpawnAddChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32

/// One spawned git process: its pid, a socket for standard input, pipes for output and error.
///
/// Not shareable: one thread drives it (``GitBlobReader`` guards its instance with a mutex).
package final class RunningGit: @unchecked Sendable {  // fds used by one owner at a time
    let pid: pid_t
    private(set) var standardInput: Int32
    let standardOutput: Int32
    private let errorCollector: ErrorCollector
    private var exited: Int32?

    init(process: GitProcess, arguments: [String], keepStandardInput: Bool) throws {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        var inPair: [Int32] = [-1, -1]
        guard custodyPipe2(&outPipe, Int32(O_CLOEXEC)) == 0 else {
            throw CustodyError(.gitUnavailable, "cannot create a pipe for git")
        }
        guard custodyPipe2(&errPipe, Int32(O_CLOEXEC)) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw CustodyError(.gitUnavailable, "cannot create a pipe for git")
        }
        // A 1 MiB pipe (F_SETPIPE_SZ; Linux allows it unprivileged) instead of 64 KiB: git
        // blocks, and both sides switch, far less often while a history streams through.
        // Failure only leaves the default size.
        #if os(Linux)
            let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ, which Glibc's Swift overlay does not export
            _ = fcntl(outPipe[0], setPipeSize, Int32(1 << 20))
        #endif
        if keepStandardInput {
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &inPair) == 0
            else {
                for fd in outPipe + errPipe { close(fd) }
                throw CustodyError(.gitUnavailable, "cannot create a socket for git")
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if keepStandardInput {
            posix_spawn_file_actions_adddup2(&actions, inPair[1], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // In the git directory, not the caller's (see ``GitProcess``): no `.gitattributes` of a
        // checkout is within reach. Without a git directory (`-C PATH` to find one), paths are
        // the caller's and so is the directory.
        if let directory = process.gitDirectory, custodySpawnAddChdir(&actions, directory) != 0 {
            for fd in outPipe + errPipe { close(fd) }
            if keepStandardInput { for fd in inPair { close(fd) } }
            throw CustodyError(.gitUnavailable, "cannot prepare to run git in \(directory)")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = [process.executable] + process.argv(arguments)
        let envp = process.environment.map { "\($0.key)=\($0.value)" }.sorted()
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvp: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in cEnvp { free(p) }
        }
        var childPID: pid_t = 0
        let rc = posix_spawn(&childPID, process.executable, &actions, &attributes, &cArgv, &cEnvp)
        close(outPipe[1])
        close(errPipe[1])
        if keepStandardInput { close(inPair[1]) }
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            if keepStandardInput { close(inPair[0]) }
            throw CustodyError(.gitUnavailable, "cannot run git (\(String(cString: strerror(rc))))")
        }
        pid = childPID
        standardOutput = outPipe[0]
        standardInput = keepStandardInput ? inPair[0] : -1
        errorCollector = ErrorCollector(fd: errPipe[0])
    }

    deinit {
        if exited == nil { _ = finish(kill: true) }
    }

    /// Writes all bytes to standard input; false if git closed it.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        guard standardInput >= 0 else { return false }
        return bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let n = send(standardInput, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Closes standard input (git sees end of file).
    func closeStandardInput() {
        if standardInput >= 0 {
            close(standardInput)
            standardInput = -1
        }
    }

    /// Starts a thread that writes `bytes` to standard input, then closes it.
    func standardInputWriter(_ bytes: [UInt8]) -> ThreadJoin {
        let fd = standardInput
        standardInput = -1
        return ThreadJoin {
            var offset = 0
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                while offset < buffer.count {
                    let n = send(fd, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += n
                }
            }
            close(fd)
        }
    }

    /// Reads up to `count` bytes from standard output; 0 at end of file.
    func readSome(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = read(standardOutput, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            return max(n, 0)
        }
    }

    /// Reads standard output to its end in chunks, then waits for the process.
    func drain(
        chunkSize: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Bool
    ) throws -> (status: Int32, standardError: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var keepGoing = true
        do {
            while keepGoing {
                let n = readSome(into: buffer)
                if n == 0 { break }
                keepGoing = try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
        } catch {
            _ = finish(kill: true)
            throw error
        }
        let status = finish(kill: !keepGoing)
        return (status, errorCollector.bytes())
    }

    /// Closes everything and reaps the child; returns its exit status (128 + signal if killed).
    @discardableResult
    func finish(kill shouldKill: Bool = false) -> Int32 {
        if let exited { return exited }
        closeStandardInput()
        if shouldKill { kill(pid, SIGKILL) }
        close(standardOutput)
        errorCollector.join()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let result: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exited = result
        return result
    }

    /// Standard error collected so far (complete after ``finish(kill:)``).
    var standardError: [UInt8] { errorCollector.bytes() }
}

/// Reads a file descriptor to its end on its own thread, keeping the first 64 KiB.
final class ErrorCollector: @unchecked Sendable {  // `data` is written by the thread, read after join
    private var data: [UInt8] = []
    private var thread: ThreadJoin?

    init(fd: Int32) {
        thread = nil
        thread = ThreadJoin { [self] in
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let room = GitProcess.standardErrorLimit - data.count
                if room > 0 { data.append(contentsOf: buffer[0..<min(n, room)]) }
            }
            close(fd)
        }
    }

    func join() { thread?.join() }

    func bytes() -> [UInt8] {
        join()
        return data
    }
}

/// A thread running one closure, that can be waited for (idempotent).
final class ThreadJoin: @unchecked Sendable {  // `done` is guarded by the condition lock
    private let condition = NSCondition()
    private var done = false

    init(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            condition.lock()
            done = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    func join() {
        condition.lock()
        while !done { condition.wait() }
        condition.unlock()
    }
}
