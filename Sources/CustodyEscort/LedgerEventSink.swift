import CustodyLedger
import Synchronization

/// Sends session events to the tamper-evident ledger: `session.start`, `session.event` (with the
/// event type in `event`), `recording.chunk` and `session.end`, checkpointing after each session
/// end and at least every `checkpointEvery` entries.
///
/// Ledger errors do not stop the session (the JSON-lines log still has every event); they are
/// counted in ``failures``.
package final class LedgerEventSink: SessionEventSink {
    private let ledger: Ledger
    private let failureCount = Atomic<Int>(0)

    package init(ledger: Ledger) {
        self.ledger = ledger
    }

    /// How many events the ledger refused.
    package var failures: Int { failureCount.load(ordering: .relaxed) }

    package func record(_ event: SessionEvent) {
        do {
            try ledger.append(Self.entry(for: event))
            if event.type == "session.end" { try ledger.checkpoint() }
        } catch {
            failureCount.add(1, ordering: .relaxed)
        }
    }

    /// Writes a checkpoint so that everything appended so far is signed.
    package func checkpoint() {
        do { try ledger.checkpoint() } catch { failureCount.add(1, ordering: .relaxed) }
    }

    /// The ledger entry for one session event.
    package static func entry(for event: SessionEvent) -> LedgerEntry {
        if event.type == "recording.chunk", let chunk = event.chunk {
            return .recordingChunk(sessionId: event.session, offset: Int64(chunk.offset), length: Int64(chunk.length), sha256: chunk.sha256)
        }
        var fields: [String: JSONValue] = ["eventTime": .string(event.time)]
        func put(_ key: String, _ value: String?, limit: Int = 8192) {
            guard let value else { return }
            fields[key] = .string(value.count > limit ? String(value.prefix(limit)) + "…" : value)
        }
        put("person", event.person)
        if let line = event.line { fields["line"] = .int(Int64(line)) }
        put("text", event.text)
        put("summary", event.summary)
        put("riskClass", event.riskClass)
        put("opaqueReason", event.opaqueReason)
        put("decision", event.decision)
        put("reason", event.reason)
        put("recording", event.recording)
        put("recordingSHA256", event.recordingSHA256)
        switch event.type {
        case "session.start": return .session(.start, sessionId: event.session, fields: fields)
        case "session.end": return .session(.end, sessionId: event.session, fields: fields)
        default: return .session(.event, sessionId: event.session, event: event.type, fields: fields)
        }
    }
}
