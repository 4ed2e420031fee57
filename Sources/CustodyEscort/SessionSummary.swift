import Foundation

/// What `custody escort sessions` lists: one file per session next to its recording.
package struct SessionSummary: Hashable, Sendable, Codable {
    package var id: String
    package var engineer: String
    package var escorts: [String]
    package var started: String
    package var ended: String?
    package var endReason: String?
    package var recording: String
    package var recordingSHA256: String?

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw EscortError(.io, "cannot write \(path)")
        }
        guard rename(temporary, path) == 0 else { throw EscortError(.io, "cannot write \(path)") }
    }

    /// Every session in a sessions directory, oldest first.
    package static func list(directory: String) -> [SessionSummary] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let decoder = JSONDecoder()
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            return try? decoder.decode(SessionSummary.self, from: data)
        }.sorted { ($0.started, $0.id) < ($1.started, $1.id) }
    }
}

/// Where the gateway keeps its state inside the workspace.
package struct EscortWorkspace: Sendable {
    package var root: String
    package init(root: String) { self.root = root }

    package var escortDirectory: String { root + "/escort" }
    package var sessionsDirectory: String { escortDirectory + "/sessions" }
    package var hostKeyPath: String { escortDirectory + "/host_ed25519" }
    package var eventsPath: String { escortDirectory + "/events.jsonl" }

    /// Creates the directories (mode 0700).
    package func prepare() throws {
        for directory in [root, escortDirectory, sessionsDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw EscortError(.io, "cannot create \(directory)")
            }
        }
    }

    /// The recording of a session; ids are checked so that they cannot name other files.
    package func recordingPath(session id: String) throws -> String {
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
            throw EscortError(.notFound, "no session '\(TerminalText.neutralize(Array(id.utf8), limit: 80))'")
        }
        let path = sessionsDirectory + "/" + id + ".cast"
        guard FileManager.default.fileExists(atPath: path) else { throw EscortError(.notFound, "no session '\(id)'") }
        return path
    }
}
