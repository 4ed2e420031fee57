import CustodyCore
import NIOCore
import NIOSSH

/// Handles one SSH session channel: terminal requests, then the engineer's or the escort's role.
///
/// Accepts pty-req, shell, window-change and the exec commands `engineer`, `escort` and
/// `escort SESSION`; refuses subsystems, other exec commands, and sessions without a terminal.
final class SessionChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias OutboundIn = SSHChannelData
    typealias OutboundOut = SSHChannelData

    private let identity: ConnectionIdentity
    private let gateway: GatewayState
    private var terminal: SSHChannelRequestEvent.PseudoTerminalRequest?
    private var role: Role = .none

    private enum Role {
        case none
        case engineer(EscortSession)
        case escort(EscortLink)
    }

    init(identity: ConnectionIdentity, gateway: GatewayState) {
        self.identity = identity
        self.gateway = gateway
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
            terminal = request
            reply(context, request.wantReply, true)
        case let request as SSHChannelRequestEvent.WindowChangeRequest:
            if case .engineer(let session) = role {
                session.resize(columns: max(1, min(request.terminalCharacterWidth, 1000)), rows: max(1, min(request.terminalRowHeight, 1000)))
            }
        case let request as SSHChannelRequestEvent.ShellRequest:
            start(context, command: nil, wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.ExecRequest:
            start(context, command: request.command, wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            reply(context, request.wantReply, false)
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            // The client's environment is not passed to the shell.
            reply(context, request.wantReply, false)
        case is SSHChannelRequestEvent.SignalRequest, is SSHChannelRequestEvent.LocalFlowControlRequest:
            break
        case ChannelEvent.inputClosed:
            break
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ wantReply: Bool, _ success: Bool) {
        guard wantReply else { return }
        if success {
            context.channel.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
        } else {
            context.channel.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
        }
    }

    private func start(_ context: ChannelHandlerContext, command: String?, wantReply: Bool) {
        guard case .none = role, let person = identity.person else {
            reply(context, wantReply, false)
            return
        }
        if let refusal = identity.refusal ?? RosterActivity.refusal(for: person) {
            var event = SessionEvent(type: "login.refused", session: gateway.newSessionID(), person: person.id)
            event.reason = refusal
            gateway.sink.record(event)
            reply(context, wantReply, true)
            fail(context, "refused: \(refusal)")
            return
        }
        let words = (command ?? "").split(separator: " ").map(String.init)
        let asEscort: Bool
        var requested: String?
        switch words.first {
        case nil:
            asEscort = gateway.configuration.policy.mayEscort.matches(person) && person.roles.contains("escort")
        case "escort":
            asEscort = true
            requested = words.count > 1 ? words[1] : nil
        case "engineer", "shell":
            asEscort = false
        default:
            reply(context, wantReply, true)
            fail(context, "commands cannot be run directly; connect with a terminal (ssh -t) and type them in the session")
            return
        }
        guard let terminal else {
            reply(context, wantReply, true)
            fail(context, "a terminal is required (use ssh -t)")
            return
        }
        reply(context, wantReply, true)
        if asEscort {
            let link = EscortLink(person: person, channel: context.channel, gateway: gateway, requestedSession: requested)
            role = .escort(link)
            link.start()
        } else {
            do {
                let session = try EscortSession(
                    id: gateway.newSessionID(), engineer: person, channel: context.channel,
                    columns: max(1, min(terminal.terminalCharacterWidth, 1000)), rows: max(1, min(terminal.terminalRowHeight, 1000)),
                    term: terminal.term.isEmpty ? "xterm" : String(terminal.term.prefix(64)), gateway: gateway
                )
                role = .engineer(session)
                gateway.add(session)
                session.begin()
            } catch {
                fail(context, "the session could not start: \(error)")
            }
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        let channel = context.channel
        let bytes = Array("[custody] \(message)\r\n".utf8)
        channel.write(SSHChannelData(type: .stdErr, data: .byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
        channel.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer(channel.allocator.buffer(bytes: []))), promise: nil)
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 1)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .channel = message.type, case .byteBuffer(let buffer) = message.data else { return }
        let bytes = Array(buffer.readableBytesView)
        switch role {
        case .engineer(let session): session.engineerInput(bytes)
        case .escort(let link): link.input(bytes)
        case .none: break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        switch role {
        case .engineer(let session): session.updateBackpressure()
        case .escort(let link): link.writabilityChanged()
        case .none: break
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch role {
        case .engineer(let session): session.engineerDisconnected()
        case .escort(let link): link.disconnected()
        case .none: break
        }
        role = .none
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
