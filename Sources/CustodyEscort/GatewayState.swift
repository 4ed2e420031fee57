import CustodyCore
import Foundation
import NIOCore

/// The gateway's live sessions and the escorts waiting for one.
///
/// `@unchecked Sendable`: confined to the gateway's single event loop (every access asserts it).
final class GatewayState: @unchecked Sendable {
    let configuration: EscortConfiguration
    let sink: any SessionEventSink
    let loop: any EventLoop
    private(set) var sessions: [String: EscortSession] = [:]
    private var waitingEscorts: [ObjectIdentifier: EscortLink] = [:]
    private var counter = 0

    init(configuration: EscortConfiguration, sink: any SessionEventSink, loop: any EventLoop) {
        self.configuration = configuration
        self.sink = sink
        self.loop = loop
    }

    var sessionsDirectory: String { configuration.workspace.sessionsDirectory }

    func newSessionID() -> String {
        counter += 1
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let random = (0..<3).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "\(formatter.string(from: Date()))-\(random)\(counter)"
    }

    func add(_ session: EscortSession) {
        loop.preconditionInEventLoop()
        sessions[session.id] = session
        notifyWaitingEscorts()
    }

    func remove(_ session: EscortSession) {
        loop.preconditionInEventLoop()
        sessions[session.id] = nil
    }

    /// Sessions this escort could join now, oldest first.
    func candidates(for escort: Person) -> [EscortSession] {
        sessions.values.filter { $0.needsEscort && configuration.policy.mayEscort(escort, engineer: $0.engineer) }
            .sorted { ($0.started, $0.id) < ($1.started, $1.id) }
    }

    /// Sessions of this person that wait for an escort (to explain a refusal).
    func ownWaitingSessions(of person: Person) -> [EscortSession] {
        sessions.values.filter { $0.needsEscort && $0.engineer.id == person.id }
    }

    func waitForSession(_ link: EscortLink) { waitingEscorts[ObjectIdentifier(link)] = link }
    func stopWaiting(_ link: EscortLink) { waitingEscorts[ObjectIdentifier(link)] = nil }

    /// Tells escorts waiting for work that a session may need them (a session started, or an
    /// escort left one).
    func notifyWaitingEscorts() {
        for link in waitingEscorts.values { link.sessionsChanged() }
    }
}
