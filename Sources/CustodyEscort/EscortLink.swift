import CustodyCore
import NIOCore
import NIOSSH

/// An escort's connection: picks a session, mirrors the engineer's terminal, shows each pending
/// line with its explanation, and turns keys into decisions.
///
/// Confined to the gateway's single event loop.
// `@unchecked Sendable`: confined to the gateway's single event loop.
final class EscortLink: @unchecked Sendable {
    let person: Person
    private let channel: any Channel
    private let gateway: GatewayState
    private let requestedSession: String?
    private var state: State = .starting
    private var choices: [EscortSession] = []

    private enum State {
        case starting
        case waiting
        case choosing
        case attached(EscortSession)
        case typingReason(EscortSession, [UInt8])
        case done
    }

    init(person: Person, channel: any Channel, gateway: GatewayState, requestedSession: String?) {
        self.person = person
        self.channel = channel
        self.gateway = gateway
        self.requestedSession = requestedSession
    }

    var isWritable: Bool { channel.isWritable }

    func start() {
        guard gateway.configuration.policy.mayEscort.matches(person) else {
            return refuse("you are not eligible to escort under the escort policy")
        }
        show("hello \(person.id). You are connected as an escort.")
        if let requestedSession {
            guard let session = gateway.sessions[requestedSession] else { return refuse("no session '\(TerminalText.neutralize(Array(requestedSession.utf8), limit: 80))'") }
            if session.engineer.id == person.id { return refuse("you cannot escort your own session (two-person rule)") }
            guard session.needsEscort, gateway.configuration.policy.mayEscort(person, engineer: session.engineer) else {
                return refuse("session \(requestedSession) does not need you as an escort")
            }
            return attach(session)
        }
        pickSession()
    }

    private func pickSession() {
        let candidates = gateway.candidates(for: person)
        if candidates.isEmpty {
            if !gateway.ownWaitingSessions(of: person).isEmpty, gateway.sessions.values.allSatisfy({ !$0.needsEscort || $0.engineer.id == person.id }) {
                return refuse("you cannot escort your own session (two-person rule)")
            }
            if case .waiting = state { return }
            state = .waiting
            gateway.waitForSession(self)
            show("no session is waiting for an escort; waiting…")
            return
        }
        gateway.stopWaiting(self)
        if candidates.count == 1 { return attach(candidates[0]) }
        choices = Array(candidates.prefix(9))
        state = .choosing
        show("sessions waiting for an escort:")
        for (index, session) in choices.enumerated() {
            show("  \(index + 1)) \(session.id)  engineer \(session.engineer.id) (\(TerminalText.neutralize(Array(session.engineer.name.utf8), limit: 80)))")
        }
        show("type a number to join")
    }

    /// Called while waiting, when sessions appear or lose their escort.
    func sessionsChanged() {
        guard case .waiting = state else { return }
        pickSession()
    }

    private func attach(_ session: EscortSession) {
        if let refusal = session.attach(self) { return refuse(refusal) }
        state = .attached(session)
    }

    func input(_ bytes: [UInt8]) {
        for byte in bytes {
            switch state {
            case .choosing:
                if byte >= 0x31, byte <= 0x39, Int(byte - 0x30) <= choices.count {
                    let session = choices[Int(byte - 0x31)]
                    guard session.needsEscort else { show("that session no longer needs an escort"); pickSession(); return }
                    attach(session)
                } else if byte == 0x03 || byte == 0x04 {
                    close()
                }
            case .attached(let session):
                switch byte {
                case UInt8(ascii: "a"): session.escortCommand(.approve(by: person.id))
                case UInt8(ascii: "d"):
                    if session.machine.pending == nil { show("nothing is waiting"); continue }
                    state = .typingReason(session, [])
                    write(Array("\r\n[custody] reason for denying (enter to send): ".utf8))
                case UInt8(ascii: "p"):
                    session.escortCommand(session.isPausedByEscort ? .resume(by: person.id) : .pause(by: person.id))
                    show(session.isPausedByEscort ? "paused (p resumes)" : "resumed")
                case UInt8(ascii: "k"):
                    show(session.stopFullScreenProgram(by: person.id) ? "stopped the full-screen program" : "no full-screen program is running")
                case UInt8(ascii: "e"): session.end(reason: "ended by escort \(person.id)", by: person.id)
                default: break
                }
            case .typingReason(let session, var reason):
                switch byte {
                case 0x0D, 0x0A:
                    state = .attached(session)
                    write([0x0D, 0x0A])
                    session.escortCommand(.deny(by: person.id, reason: String(decoding: reason, as: UTF8.self)))
                case 0x03:
                    state = .attached(session)
                    show("deny cancelled")
                case 0x7F, 0x08:
                    if !reason.isEmpty {
                        while let last = reason.popLast(), last & 0xC0 == 0x80 {}
                        write([0x08, 0x20, 0x08])
                    }
                    state = .typingReason(session, reason)
                case 0x20...0x7E, 0x80...0xFF:
                    if reason.count < 500 {
                        reason.append(byte)
                        write([byte])
                    }
                    state = .typingReason(session, reason)
                default: break
                }
            case .waiting:
                if byte == 0x03 || byte == 0x04 { close() }
            case .starting, .done:
                return
            }
        }
    }

    func writabilityChanged() {
        switch state {
        case .attached(let session), .typingReason(let session, _): session.updateBackpressure()
        default: break
        }
    }

    func disconnected() {
        gateway.stopWaiting(self)
        switch state {
        case .attached(let session), .typingReason(let session, _):
            session.escortDetached(self)
            gateway.notifyWaitingEscorts()
        default: break
        }
        state = .done
    }

    // MARK: - Shown to the escort

    func mirror(_ bytes: [UInt8]) { write(bytes) }

    func show(_ message: String) {
        write(Array("\r\n[custody] \(message)\r\n".utf8))
    }

    func ask(_ proposal: SessionStateMachine.Proposal, engineer: String) {
        var text = "\r\n[custody] ---- line \(proposal.number) from \(engineer) waits for you ----\r\n"
        text += "[custody]   line: \(TerminalText.neutralize(proposal.line, limit: 2000))\r\n"
        text += "[custody]   what it does: \(TerminalText.neutralize(Array(proposal.explanation.summary.utf8), limit: 1000))\r\n"
        text += "[custody]   risk: \(proposal.explanation.riskClass.rawValue)\r\n"
        if let opaque = proposal.opaqueReason { text += "[custody]   opaque: \(opaque); read it before approving\r\n" }
        text += "[custody]   a=approve  d=deny  p=pause  e=end\r\n"
        write(Array(text.utf8))
    }

    func sessionEnded(reason: String) {
        show("session ended: \(reason)")
        state = .done
        close()
    }

    private func refuse(_ reason: String) {
        show("refused: \(reason)")
        state = .done
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 1)).whenComplete { [channel] _ in
            channel.close(promise: nil)
        }
    }

    private func close() {
        gateway.stopWaiting(self)
        let channel = self.channel
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func write(_ bytes: [UInt8]) {
        guard channel.isActive else { return }
        channel.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
    }
}
