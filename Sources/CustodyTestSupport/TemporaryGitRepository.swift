import Foundation

/// A real git repository in a temporary folder, built by a test from a script of commits.
///
/// git runs with no system or global configuration, so the machine's settings never change
/// what a test sees. Authors, committers and dates are set per commit.
///
/// ```swift
/// let repo = try TemporaryGitRepository()
/// try repo.write("a.c", "int main(void) { return 0; }\n")
/// let id = try repo.commit("Add a.c", author: .init(name: "Jane", email: "jane@example.com"))
/// ```
package final class TemporaryGitRepository: @unchecked Sendable {  // used from one test at a time
    package struct Signature: Sendable {
        package var name: String
        package var email: String
        /// `git` date form, for example "1700000000 +0000".
        package var date: String

        package init(name: String, email: String, date: String = "1700000000 +0000") {
            self.name = name
            self.email = email
            self.date = date
        }
    }

    package let url: URL
    package var path: String { url.path }
    private let home: URL

    /// Creates and initializes a repository (default branch `main`).
    package init(bare: Bool = false) throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("custody-test-\(UUID().uuidString)")
        url = base.appendingPathComponent("repo")
        home = base.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var args = ["init", "-q", "-b", "main"]
        if bare { args.append("--bare") }
        try git(args)
    }

    deinit {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    /// The environment every git call here runs with.
    package var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "LANG": "C",
            "LC_ALL": "C",
            "TZ": "UTC",
        ]
    }

    /// Runs git in the repository and returns its standard output as bytes.
    @discardableResult
    package func git(_ arguments: [String], env extra: [String: String] = [:], stdin: [UInt8]? = nil) throws -> [UInt8]
    {
        try Self.run(
            "/usr/bin/env",
            ["git", "-C", url.path] + arguments,
            environment: environment.merging(extra) { $1 },
            stdin: stdin
        )
    }

    /// Runs git and returns trimmed standard output as a string.
    package func gitString(_ arguments: [String]) throws -> String {
        String(decoding: try git(arguments), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a file (creating folders) with the given bytes.
    package func write(_ relativePath: String, bytes: [UInt8], executable: Bool = false) throws {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try Data(bytes).write(to: file)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
    }

    /// Writes a UTF-8 text file.
    package func write(_ relativePath: String, _ text: String, executable: Bool = false) throws {
        try write(relativePath, bytes: Array(text.utf8), executable: executable)
    }

    package func remove(_ relativePath: String) throws {
        try git(["rm", "-q", "-r", "--", relativePath])
    }

    package func move(_ from: String, _ to: String) throws {
        let target = url.appendingPathComponent(to).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try git(["mv", "--", from, to])
    }

    /// Stages everything and commits; returns the new commit id (hex).
    @discardableResult
    package func commit(
        _ message: String,
        author: Signature,
        committer: Signature? = nil,
        allowEmpty: Bool = false,
        extraArguments: [String] = []
    ) throws -> String {
        try git(["add", "-A"])
        let committer = committer ?? author
        var args = ["commit", "-q", "--no-verify", "-F", "-"]
        if allowEmpty { args.append("--allow-empty") }
        args += extraArguments
        try git(args, env: Self.identityEnvironment(author: author, committer: committer), stdin: Array(message.utf8))
        return try gitString(["rev-parse", "HEAD"])
    }

    /// Merges `branch` into the current branch without committing, leaving conflicts if any.
    ///
    /// A merge that stops on conflicts is expected (the caller resolves them and commits); any
    /// other failure throws.
    package func mergeNoCommit(_ branch: String, as signature: Signature = Signature(name: "Merger", email: "merger@example.com")) throws {
        do {
            try git(
                ["merge", "--no-commit", "--no-ff", "-q", branch],
                env: Self.identityEnvironment(author: signature, committer: signature)
            )
        } catch let failure as ProcessFailure {
            let unmerged = try gitString(["diff", "--name-only", "--diff-filter=U"])
            if unmerged.isEmpty { throw failure }
        }
    }

    /// The environment that sets author and committer for one git call.
    package static func identityEnvironment(author: Signature, committer: Signature) -> [String: String] {
        [
            "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email, "GIT_AUTHOR_DATE": author.date,
            "GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": committer.date,
        ]
    }

    /// A snapshot of every file under the repository folder (including `.git`): path → bytes.
    package func snapshot() throws -> [String: Data] {
        var out: [String: Data] = [:]
        let root = url.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[relative] = FileManager.default.contents(atPath: full) ?? Data()
            } else {
                out[relative + "/"] = Data()
            }
        }
        return out
    }

    /// Runs a program and returns standard output; throws with standard error on failure.
    @discardableResult
    package static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: [UInt8]? = nil,
        currentDirectory: String? = nil
    ) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so that neither fills and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProcessFailure(
                command: ([executable] + arguments).joined(separator: " "),
                status: process.terminationStatus,
                standardError: String(decoding: errData, as: UTF8.self)
            )
        }
        return Array(outData)
    }
}

/// A program run by a test exited non-zero.
package struct ProcessFailure: Error, CustomStringConvertible {
    package var command: String
    package var status: Int32
    package var standardError: String
    package var description: String { "\(command) exited \(status): \(standardError)" }
}
