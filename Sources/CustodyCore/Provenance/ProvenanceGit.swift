import Foundation

/// Runs git for provenance with the same safety settings as the history reader: read-only
/// (`--no-optional-locks`), no pager, no system or global configuration, no replace objects,
/// `LC_ALL=C`, arguments as an argv array (never through a shell).
///
/// Kept small and local until `GitProcess` (Git/, owned by the history reader) is merged; the
/// environment and flags here follow GIT_API.md so switching is mechanical.
enum ProvenanceGit {
    static let safetyArguments = [
        "--no-optional-locks", "--no-pager", "-c", "core.quotePath=false", "-c", "diff.external=",
        "-c", "core.fsmonitor=false", "-c", "blame.ignoreRevsFile=", "-c", "blame.markIgnoredLines=false",
        "-c", "blame.markUnblamableLines=false", "-c", "core.hooksPath=/dev/null", "-c", "advice.graftFileDeprecated=false",
        // The audited repository's commit-graph file could give commits other parents.
        "-c", "core.commitGraph=false",
    ]

    /// Variables git sets for hooks so that objects still in quarantine (a push being
    /// checked by a pre-receive hook) can be read; passed through when present.
    static let quarantineVariables = ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"]

    /// The environment for git; `quarantine` passes the hook's object-directory variables
    /// through (only for reads of the audited repository, never for the workspace shim, so
    /// nothing is ever written into the audited repository's object store).
    static func environment(quarantine: Bool) -> [String: String] {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": "/nonexistent",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_NO_REPLACE_OBJECTS": "1",
            // The repository's own `info/grafts` would change parents and hide commits.
            "GIT_GRAFT_FILE": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "LC_ALL": "C",
            "LANG": "C",
        ]
        guard quarantine else { return env }
        let inherited = ProcessInfo.processInfo.environment
        for name in quarantineVariables { if let value = inherited[name] { env[name] = value } }
        return env
    }

    struct Failure: Error {
        var status: Int32
        var standardError: String
    }

    /// Runs `git -C directory <arguments>` to completion and returns standard output.
    ///
    /// - Throws: ``Failure`` when git exits non-zero; ``CustodyError`` (`gitUnavailable`) when it
    ///   cannot be started.
    static func run(
        in directory: String,
        _ arguments: [String],
        stdin: [UInt8]? = nil,
        quarantine: Bool = false,
        outputLimit: Int = 1 << 30,
        ownCommitGraph: Bool = false
    ) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // `ownCommitGraph`: the directory is custody's shim, whose commit-graph custody wrote.
        process.arguments = ["git", "-C", directory] + safetyArguments + (ownCommitGraph ? ["-c", "core.commitGraph=true"] : []) + arguments
        process.environment = environment(quarantine: quarantine)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CustodyError(.gitUnavailable, "git could not be started")
        }
        if let input, let stdin {
            let handle = input.fileHandleForWriting
            DispatchQueue.global().async {
                handle.write(Data(stdin))
                try? handle.close()
            }
        }
        let errorBox = ErrorBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        var output = [UInt8]()
        let reader = out.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            if output.count < outputLimit { output.append(contentsOf: chunk) }
        }
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(status: process.terminationStatus, standardError: String(decoding: errorBox.data.prefix(400), as: UTF8.self))
        }
        return output
    }

    /// Holds standard error read on another thread; written once before `group.wait()`.
    private final class ErrorBox: @unchecked Sendable {  // one writer, read after DispatchGroup.wait
        var data = Data()
    }
}
