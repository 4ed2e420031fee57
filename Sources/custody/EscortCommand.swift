import ArgumentParser
import CustodyCore
import CustodyEscort
import CustodyLedger
import Foundation

/// `custody escort`: the SSH gateway that gates an engineer's command lines on an escort.
struct EscortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escort",
        abstract: "Run the escort gateway, list sessions and replay them.",
        subcommands: [Serve.self, Sessions.self, Replay.self]
    )

    struct WorkspaceOption: ParsableArguments {
        @Option(help: "Where custody keeps its state (default $CUSTODY_HOME or ~/.custody).")
        var workspace: String?

        var resolved: EscortWorkspace {
            if let workspace {
                let absolute = workspace.hasPrefix("/") ? workspace : FileManager.default.currentDirectoryPath + "/" + workspace
                return EscortWorkspace(root: absolute)
            }
            if let home = ProcessInfo.processInfo.environment["CUSTODY_HOME"], !home.isEmpty { return EscortWorkspace(root: home) }
            return EscortWorkspace(root: NSHomeDirectory() + "/.custody")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the SSH gateway. Prints 'listening on HOST:PORT' when ready.",
            discussion: """
                Engineers connect with `ssh -t -p PORT ID@HOST` (ID is their roster id); escorts the same way \
                with their own id, or `ssh -t -p PORT ID@HOST escort [SESSION]`. A person who may escort and has \
                the role escort joins as escort by default; `engineer` as the command asks for a shell instead.
                """
        )

        @Option(help: "The roster (YAML) whose keys may log in.") var roster: String
        @Option(help: "The escort policy (YAML). Without it, every engineer needs a US-person escort with the role escort and every line waits for approval.")
        var policy: String?
        @OptionGroup var workspace: WorkspaceOption
        @Option(help: "Port to listen on; 0 picks a free one.") var port: Int = 2222
        @Option(help: "Address to listen on.") var listen: String = "127.0.0.1"
        @Option(help: "Directory the engineer's shell starts in.") var directory: String?
        @Option(help: "Also append session events to this ledger directory (for example <workspace>/ledger).")
        var ledger: String?
        @Option(help: "The ledger's signing key (default <workspace>/keys/ledger.key; see `custody keygen`).")
        var ledgerKey: String?

        func run() async throws {
            let configuration: EscortConfiguration
            do {
                let rosterValue: Roster
                do { rosterValue = try RosterLoader.load(path: roster) } catch let error as RosterValidationError { throw error.error }
                var policyValue = EscortPolicy.safeDefault
                if let policy {
                    guard let data = FileManager.default.contents(atPath: policy) else {
                        throw CustodyError(.configuration, "cannot read policy", location: policy)
                    }
                    policyValue = try EscortPolicy.parse(yaml: String(decoding: data, as: UTF8.self), source: policy)
                }
                var sinks: [any SessionEventSink] = []
                if let ledger {
                    let keyPath = ledgerKey ?? workspace.resolved.root + "/keys/ledger.key"
                    guard let bytes = FileManager.default.contents(atPath: keyPath), bytes.count < 4096 else {
                        throw CustodyError(.configuration, "cannot read ledger key", location: keyPath)
                    }
                    let signer: NoteSigner
                    do {
                        signer = try Self.signer(skey: String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                    } catch {
                        throw CustodyError(.configuration, "not a ledger signing key (\(error))", location: keyPath)
                    }
                    do {
                        sinks.append(LedgerEventSink(ledger: try Ledger.open(directory: ledger, signer: signer, options: .init(checkpointEvery: 64))))
                    } catch {
                        throw CustodyError(.configuration, "cannot open the ledger: \(error)", location: ledger)
                    }
                }
                configuration = EscortConfiguration(
                    roster: rosterValue, policy: policyValue, workspace: workspace.resolved,
                    host: listen, port: port, shellDirectory: directory, sinks: sinks
                )
            } catch {
                throw reportError(error)
            }
            let server: EscortServer
            do {
                server = try await EscortServer.start(configuration)
            } catch let error as EscortError {
                printError("custody: \(error.description)")
                throw error.code == .configuration ? CustodyExit.configuration : CustodyExit.incomplete
            }
            writeToStandardOutput(Array("listening on \(listen):\(server.port)\nhost key \(server.hostPublicKey)\n".utf8))
            try await server.waitUntilClosed()
        }

        /// Reads `PRIVATE+KEY+name+keyid+base64`. The key's base64 may itself contain '+', so
        /// only the first four separators count (NoteSigner(skey:) on wt-ledger splits on all).
        static func signer(skey: String) throws -> NoteSigner {
            let parts = skey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
                let raw = Data(base64Encoded: String(parts[4])), raw.count == 33, raw.first == 0x01
            else { throw CustodyError(.configuration, "signer key must be PRIVATE+KEY+name+keyid+key") }
            let signer = try NoteSigner(name: String(parts[2]), seed: Array(raw.dropFirst()))
            guard signer.verifier.vkey.split(separator: "+", maxSplits: 2).dropFirst().first.map(String.init) == String(parts[3]) else {
                throw CustodyError(.configuration, "signer key id does not match the key")
            }
            return signer
        }
    }

    struct Sessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded sessions.")
        @OptionGroup var workspace: WorkspaceOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let sessions = SessionSummary.list(directory: workspace.resolved.sessionsDirectory)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                writeToStandardOutput(Array((try encoder.encode(sessions))) + [0x0A])
                return
            }
            var out = ""
            for session in sessions {
                let escorts = session.escorts.isEmpty ? "-" : session.escorts.joined(separator: ",")
                let end = session.ended.map { "ended \($0) (\(session.endReason ?? ""))" } ?? "live"
                out += "\(session.id)  engineer \(session.engineer)  escorts \(escorts)  started \(session.started)  \(end)\n"
            }
            if sessions.isEmpty { out = "no sessions\n" }
            writeToStandardOutput(Array(TerminalText.neutralizeLines(out).utf8))
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Play a recorded session in the terminal.")
        @Argument(help: "The session id (see `custody escort sessions`).") var id: String
        @OptionGroup var workspace: WorkspaceOption
        @Option(help: "Playback speed factor.") var speed: Double = 1
        @Option(help: "Longest pause in seconds.") var idleLimit: Double = 2
        @Flag(help: "Print everything at once, without timing.") var noWait = false
        @Flag(help: "Also print markers (proposals, decisions) to standard error.") var markers = false

        func run() async throws {
            let cast: AsciicastReader
            do {
                cast = try AsciicastReader(path: try workspace.resolved.recordingPath(session: id))
            } catch let error as EscortError {
                printError("custody: \(error.description)")
                throw error.code == .notFound ? CustodyExit.usage : CustodyExit.incomplete
            }
            var previous: Int64 = 0
            for event in cast.events {
                if !noWait, speed > 0 {
                    let gap = min(Double(event.micros - previous) / 1_000_000, idleLimit) / speed
                    if gap > 0 { try await Task.sleep(for: .milliseconds(Int(gap * 1000))) }
                    previous = event.micros
                }
                switch event.code {
                case "o": writeToStandardOutput(Array(event.data.utf8))
                case "m" where markers: printError("[marker] \(TerminalText.neutralize(Array(event.data.utf8)))")
                default: break
                }
            }
        }
    }
}
