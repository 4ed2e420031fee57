import ArgumentParser
import CustodyCore
import CustodyStore
import Foundation

/// `custody provenance`: who wrote the code that exists at a revision.
struct ProvenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Show who wrote the code that exists today: shares of surviving lines by person and roster attribute.",
        discussion: """
            Every line at the revision is attributed to the commit that introduced it (whitespace-only \
            changes ignored, moves and copies inside a file followed). Results are cached by blob in the \
            workspace, so a re-run after a few new commits is fast. The repository is only read.
            """
    )

    @Argument(help: "The repository (default: the current directory).")
    var path: String = "."

    @Option(name: .customLong("rev"), help: "The revision to attribute (default: HEAD).")
    var revision: String = "HEAD"

    @Option(help: "Only files under this folder or path of the repository.")
    var only: String?

    @Option(help: "The roster (YAML) that maps identities to people.")
    var roster: String?

    @Option(help: "Custody's state folder (default: $CUSTODY_HOME or ~/.custody).")
    var workspace: String?

    @Option(help: "A file of flagged commits: one 'COMMIT REASON…' per line.")
    var flagged: String?

    @Option(help: "text, json or html.")
    var format: ProvenanceFormat = .text

    @Option(help: "Write the report here instead of standard output.")
    var output: String?

    @Option(help: "Parallel git processes (default: number of cores).")
    var jobs: Int?

    @Option(help: "replay (one pass over the history, default) or blame (git blame per file).")
    var engine: String = "replay"

    enum ProvenanceFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    func validate() throws {
        if ProvenanceBuilder.Engine(rawValue: engine) == nil { throw ValidationError("--engine must be replay or blame") }
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
    }

    func run() async throws {
        do {
            let roster = try PolicyCLI.loadRoster(roster)
            let flaggedCommits = try flagged.map(Self.loadFlagged) ?? [:]
            let place = Workspace.resolve(explicit: workspace, environment: ProcessInfo.processInfo.environment)
            try place.prepare(outside: [path])
            let builder = ProvenanceBuilder(
                repository: path,
                cacheDirectory: place.path + "/provenance",
                jobs: jobs,
                engine: ProvenanceBuilder.Engine(rawValue: engine) ?? .replay
            )
            let snapshot = try builder.build(revision: revision, path: only)
            let report = ProvenanceReport(snapshot: snapshot, resolver: IdentityResolver(roster: roster), flagged: flaggedCommits)
            let bytes: [UInt8]
            switch format {
            case .text: bytes = ProvenanceRenderer.text(report)
            case .json: bytes = try ProvenanceRenderer.json(report)
            case .html: bytes = ProvenanceRenderer.html(report)
            }
            if let output {
                try writeOutputFile(bytes, to: output)
            } else {
                writeToStandardOutput(bytes)
            }
            if !snapshot.problems.isEmpty {
                printError("custody: \(snapshot.problems.count) files could not be attributed; the report is incomplete")
                throw CustodyExit.incomplete
            }
        } catch let error as CustodyError {
            throw reportError(error)
        }
    }

    /// Reads "COMMIT REASON…" lines; blank lines and lines starting with # are skipped.
    static func loadFlagged(_ file: String) throws -> [String: [String]] {
        guard let data = FileManager.default.contents(atPath: file), data.count < 64 << 20 else {
            throw CustodyError(.configuration, "cannot read the flagged-commits file", location: file)
        }
        var out: [String: [String]] = [:]
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 1)
            guard ObjectID(String(parts[0])) != nil else {
                throw CustodyError(.configuration, "expected a full commit id at the start of the line", location: "\(file):\(number + 1)")
            }
            out[String(parts[0]).lowercased(), default: []].append(parts.count > 1 ? String(parts[1]) : "flagged")
        }
        return out
    }
}

/// Loading shared by `provenance` and `gate`.
enum PolicyCLI {
    /// Loads the roster (empty without `--roster`); roster problems are printed one per line.
    static func loadRoster(_ path: String?) throws -> Roster {
        guard let path else { return Roster() }
        let bytes = try RosterLoader.readFile(path)
        do {
            return try RosterLoader.parse(bytes, file: path)
        } catch let error as RosterValidationError {
            for issue in error.issues { printError("custody: \(TerminalText.neutralize(issue.description))") }
            throw CustodyExit.configuration
        }
    }
}
