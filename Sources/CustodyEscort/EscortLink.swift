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
    /// The engineer's output on its way to this escort's terminal.
    private var mirrorFilter = MirrorFilter()
    /// Skips escape sequences in the escort's own input (arrow keys, and any answer the escort's
    /// terminal sends), so that only plain keys decide.
    private var inputEscape: InputEscape = .none

    private enum InputEscape { case none, escape, sequence, string(afterEscape: Bool) }

    /// Resets colours, character set and attributes before the gateway's own text, so that
    /// output the engineer left behind (hidden text, line-drawing characters) cannot hide it.
    static let plain: [UInt8] = Array("\u{1B}[0m\u{1B}(B\u{0F}".utf8)

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

    /// Whether `byte` belongs to an escape sequence in the escort's input (and is skipped).
    private func skipsEscape(_ byte: UInt8) -> Bool {
        switch inputEscape {
        case .none:
            if byte == 0x1B { inputEscape = .escape; return true }
            return false
        case .escape:
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "O"): inputEscape = .sequence
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
                inputEscape = .string(afterEscape: false)
            case 0x1B: inputEscape = .escape
            default: inputEscape = .none
            }
            return true
        case .sequence:
            if byte >= 0x40, byte <= 0x7E { inputEscape = .none }
            return true
        case .string(let afterEscape):
            if byte == 0x07 || (afterEscape && byte == UInt8(ascii: "\\")) {
                inputEscape = .none
            } else {
                inputEscape = .string(afterEscape: byte == 0x1B)
            }
            return true
        }
    }

    func input(_ bytes: [UInt8]) {
        for byte in bytes {
            if skipsEscape(byte) { continue }
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
                    write(Self.plain + Array("\r\n[custody] reason for denying (enter to send): ".utf8))
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
                    session.escortCommand(.deny(by: person.id, reason: TerminalText.neutralize(reason, limit: 500)))
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

    /// The engineer's terminal output, live, through the ``MirrorFilter``.
    func mirror(_ bytes: some Collection<UInt8>, flush: Bool = true) {
        let shown = mirrorFilter.filter(bytes)
        guard !shown.isEmpty, channel.isActive else { return }
        let data = SSHChannelData(type: .channel, data: .byteBuffer(channel.allocator.buffer(bytes: shown)))
        if flush { channel.writeAndFlush(data, promise: nil) } else { channel.write(data, promise: nil) }
    }

    /// Flushes mirrored output written with `flush: false`.
    func flush() { channel.flush() }

    func show(_ message: String) {
        write(Self.plain + Array("\r\n[custody] \(message)\r\n".utf8))
    }

    /// Shows a pending line as a block: the line as neutralized text, the plain explanation, the
    /// risk class, each part of a compound line, why it is opaque, and the keys.
    func ask(_ proposal: SessionStateMachine.Proposal, engineer: String) {
        write(Self.plain + Self.panel(proposal, engineer: engineer))
    }

    /// The pending-line block shown to the escort. Everything that came from the engineer (the
    /// line, and the explanation that quotes it) is neutralized.
    static func panel(_ proposal: SessionStateMachine.Proposal, engineer: String) -> [UInt8] {
        let explanation = proposal.explanation
        let risk = explanation.riskClass.rawValue
        let emphasis = explanation.riskClass == .readOnly ? "\u{1B}[1m" : "\u{1B}[1;31m"
        var text = "\r\n\u{1B}[7m[custody] ---- line \(proposal.number) from \(TerminalText.neutralize(Array(engineer.utf8), limit: 100)) waits for you ----\u{1B}[0m\r\n"
        text += "[custody]   line: \(TerminalText.neutralize(proposal.line, limit: 2000))\r\n"
        text += "[custody]   what it does: \(TerminalText.neutralize(Array(explanation.summary.utf8), limit: 1000))\r\n"
        text += "\(emphasis)[custody]   risk: \(risk)\u{1B}[0m\r\n"
        let parts = explanation.parts
        if parts.count > 1 {
            for part in parts.prefix(8) {
                let indent = String(repeating: "  ", count: min(part.depth, 4))
                text += "[custody]     \(indent)- \(TerminalText.neutralize(Array(part.command.utf8), limit: 200)): "
                text += "\(TerminalText.neutralize(Array(part.summary.utf8), limit: 300)) (\(part.riskClass.rawValue))\r\n"
            }
            if parts.count > 8 { text += "[custody]     … and \(parts.count - 8) more parts\r\n" }
        }
        if let opaque = proposal.opaqueReason {
            text += "\u{1B}[1;31m[custody]   opaque: \(TerminalText.neutralize(Array(opaque.utf8), limit: 300)); read it before approving\u{1B}[0m\r\n"
        }
        text += "\u{1B}[1m[custody]   a=approve  d=deny (type a reason, enter sends)  p=pause  e=end session\u{1B}[0m\r\n"
        return Array(text.utf8)
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
