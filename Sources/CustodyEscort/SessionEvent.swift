import CustodyCore
import Foundation
import Synchronization

/// One thing that happened in an escorted session, for the ledger. The ledger is authoritative;
/// the recording is for replay.
package struct SessionEvent: Hashable, Sendable, Codable {
    /// `session.start`, `escort.joined`, `escort.left`, `line.proposed`, `line.decision`,
    /// `session.paused`, `session.resumed`, `recording.chunk`, `session.end`, and `login.refused`
    /// (a person with a good key outside their roster active period; `reason` says why).
    package var type: String
    package var session: String
    /// UTC time, ISO 8601 with seconds.
    package var time: String
    /// Who did it (roster id), when a person did.
    package var person: String?
    /// Proposal number within the session, for proposals and decisions.
    package var line: Int?
    package var text: String?
    package var summary: String?
    package var riskClass: String?
    package var opaqueReason: String?
    /// approved, denied, auto-approved (policy), withdrawn.
    package var decision: String?
    package var reason: String?
    package var chunk: AsciicastWriter.Chunk?
    package var recording: String?
    package var recordingSHA256: String?

    package init(type: String, session: String, time: Date = Date(), person: String? = nil) {
        self.type = type
        self.session = session
        self.time = SessionEvent.format(time)
        self.person = person
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// One line of JSON with sorted keys.
    package func jsonLine() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
        bytes.append(0x0A)
        return bytes
    }
}

/// Where a session's events go: the ledger, or a JSON-lines file until the ledger is wired in.
package protocol SessionEventSink: Sendable {
    /// Records one event. Implementations must not block for long: the gateway calls this on its
    /// event loop.
    func record(_ event: SessionEvent)
}

/// Appends each event as one JSON line to a file (mode 0600), flushed with every event.
package final class JSONLinesEventSink: SessionEventSink {
    private let descriptor: Mutex<Int32>

    /// Opens (creating if needed) `path` for appending.
    ///
    /// - Throws: ``EscortError`` when the file cannot be opened.
    package init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EscortError(.io, "cannot open event log \(path)") }
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    package func record(_ event: SessionEvent) {
        let line = event.jsonLine()
        descriptor.withLock { fd in
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
    }

    /// Reads every event from a JSON-lines file, skipping lines that do not parse.
    package static func read(path: String) -> [SessionEvent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(SessionEvent.self, from: Data($0)) }
    }
}

/// Sends every event to several sinks.
package struct FanOutEventSink: SessionEventSink {
    package var sinks: [any SessionEventSink]
    package init(_ sinks: [any SessionEventSink]) { self.sinks = sinks }
    package func record(_ event: SessionEvent) { for sink in sinks { sink.record(event) } }
}
