import CustodyCore
import Foundation
import NIOCore
import NIOSSH

/// One engineer's supervised session: the shell, the line editor, the state machine, the
/// recording and the attached escort.
///
/// Confined to the gateway's single event loop; every method runs there.
// `@unchecked Sendable`: confined to the gateway's single event loop; NIO callbacks run there.
final class EscortSession: @unchecked Sendable {
    let id: String
    let engineer: Person
    let gateway: GatewayState
    private(set) var machine: SessionStateMachine
    private var editor = LineEditor()
    private let engineerChannel: any Channel
    private(set) var escort: EscortLink?
    private var escortsSeen: [String] = []
    private var pty: PTYProcess?
    private var starting = false
    private let recorder: AsciicastWriter
    let recordingPath: String
    let started = Date()
    private let startTime = NIODeadline.now()
    private var lastInput = NIODeadline.now()
    private var columns: Int
    private var rows: Int
    private let term: String
    private var timer: RepeatedTask?
    private var ticks = 0
    private var pendingEcho: ArraySlice<UInt8> = []
    private var lastPausedNotice = NIODeadline.uptimeNanoseconds(0)
    private var readsPaused = false
    /// Output written to the engineer's channel and not flushed yet.
    private var unflushed = false
    /// The tail of the shell's output, shown to an escort who joins a running session.
    private var recentOutput: [UInt8] = []
    static let recentLimit = 8 * 1024

    init(id: String, engineer: Person, channel: any Channel, columns: Int, rows: Int, term: String, gateway: GatewayState) throws {
        self.id = id
        self.engineer = engineer
        self.gateway = gateway
        self.engineerChannel = channel
        self.columns = columns
        self.rows = rows
        self.term = term
        let requires = gateway.configuration.policy.needsEscort.matches(engineer)
        machine = SessionStateMachine(engineer: engineer.id, requiresEscort: requires, policy: gateway.configuration.policy)
        recordingPath = gateway.sessionsDirectory + "/" + id + ".cast"
        recorder = try AsciicastWriter(
            path: recordingPath, width: columns, height: rows, timestamp: Int(started.timeIntervalSince1970),
            title: "custody escort session \(id) (engineer \(engineer.id))", term: term
        )
    }

    var isEnded: Bool { machine.ended }
    var needsEscort: Bool { machine.requiresEscort && machine.escort == nil && !machine.ended }

    // MARK: - Lifecycle

    func begin() {
        var event = SessionEvent(type: "session.start", session: id, person: engineer.id)
        event.recording = recordingPath
        gateway.sink.record(event)
        writeSummary(endReason: nil, sha256: nil)
        let loop = engineerChannel.eventLoop
        timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { [weak self] _ in
            self?.tick()
        }
        if machine.requiresEscort {
            tellEngineer("welcome \(engineer.id). This session is supervised and recorded. Waiting for an eligible escort to join (session \(id))…")
        } else {
            tellEngineer("welcome \(engineer.id). This session is recorded.")
            startShell()
        }
    }

    private func startShell() {
        guard pty == nil, !starting, !machine.ended else { return }
        starting = true
        let configuration = gateway.configuration
        var environment = ["TERM": term, "HOME": configuration.shellDirectory ?? NSHomeDirectory(), "LANG": "C.UTF-8",
                           "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "CUSTODY_SESSION": id,
                           "CUSTODY_ENGINEER": engineer.id, "PS1": "\(engineer.id)$ "]
        environment.merge(configuration.shellEnvironment) { $1 }
        PTYProcess.start(
            argv: configuration.shell, environment: environment, directory: configuration.shellDirectory,
            columns: columns, rows: rows, on: engineerChannel.eventLoop,
            handler: { [weak self] in PTYOutputHandler(session: self) }
        ).whenComplete { [self] result in
            starting = false
            switch result {
            case .success(let process):
                if machine.ended { process.terminate(on: engineerChannel.eventLoop) } else { pty = process }
            case .failure(let error):
                end(reason: "the shell could not start: \(error)", by: nil)
            }
        }
    }

    /// Ends the session once: tells both sides, logs, finishes the recording, stops the shell.
    func end(reason: String, by who: String?) {
        let actions = machine.handle(.end(by: who, reason: reason))
        perform(actions)
    }

    private func finish(reason: String, by who: String?) {
        timer?.cancel()
        timer = nil
        tellEngineer("session ended: \(reason)")
        escort?.sessionEnded(reason: reason)
        escort = nil
        flushChunk()
        let digest = try? recorder.finish()
        var event = SessionEvent(type: "session.end", session: id, person: who)
        event.reason = reason
        event.recording = recordingPath
        event.recordingSHA256 = digest
        gateway.sink.record(event)
        writeSummary(endReason: reason, sha256: digest)
        pty?.terminate(on: engineerChannel.eventLoop)
        pty = nil
        let channel = engineerChannel
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete { _ in
            channel.close(promise: nil)
        }
        gateway.remove(self)
    }

    private func tick() {
        guard !machine.ended else { return }
        ticks += 1
        try? recorder.flush()
        if ticks % 20 == 0 { flushChunk() }
        let now = NIODeadline.now()
        let policy = gateway.configuration.policy
        if ticks % 240 == 0, let refusal = RosterActivity.refusal(for: engineer) {
            end(reason: "the engineer's roster entry is no longer active: \(refusal)", by: nil)
        } else if now - lastInput > TimeAmount.nanoseconds(Int64(policy.idleTimeout.components.seconds) * 1_000_000_000 + policy.idleTimeout.components.attoseconds / 1_000_000_000) {
            end(reason: "idle for longer than the policy allows", by: nil)
        } else if now - startTime > TimeAmount.nanoseconds(Int64(policy.maximumLength.components.seconds) * 1_000_000_000 + policy.maximumLength.components.attoseconds / 1_000_000_000) {
            end(reason: "the maximum session length was reached", by: nil)
        }
    }

    private func flushChunk() {
        guard let chunk = recorder.takeChunk() else { return }
        var event = SessionEvent(type: "recording.chunk", session: id)
        event.chunk = chunk
        event.recording = recordingPath
        gateway.sink.record(event)
    }

    private var now: Int64 { Int64((NIODeadline.now() - startTime).nanoseconds / 1000) }

    // MARK: - Engineer side

    func engineerInput(_ bytes: [UInt8]) {
        guard !machine.ended else { return }
        lastInput = .now()
        if let pty, pty.fullScreenProgramActive {
            guard machine.acceptsInput else { return noticePaused() }
            recorder.input(bytes, at: now)
            pty.write(bytes)
            return
        }
        let echoOn = pty?.state?.echo ?? true
        if echoOn { recorder.input(bytes, at: now) }
        guard machine.acceptsInput else {
            if machine.phase == .awaitingApproval, bytes.contains(0x03) {
                perform(machine.handle(.withdraw))
                showEngineer([0x5E, 0x43, 0x0D, 0x0A])
                pty?.write([0x0A])
                return
            }
            return noticePaused()
        }
        for event in editor.feed(bytes) {
            switch event {
            case .echo(let echo):
                if echoOn { showEngineer(echo) } else if echo == [0x0D, 0x0A] { showEngineer(echo) }
            case .bell:
                showEngineer([0x07])
            case .interrupt:
                pty?.write([0x03])
            case .control(let byte):
                pty?.write([byte])
            case .submit(let line, let opaqueReason):
                submit(line, opaqueReason: opaqueReason)
            }
            if !machine.acceptsInput { editor.reset(); break }
        }
    }

    private func submit(_ line: [UInt8], opaqueReason: String?) {
        if opaqueReason == nil, line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            forward([0x0A])
            return
        }
        let text = String(decoding: line, as: UTF8.self)
        let explanation = gateway.configuration.explain(text)
        perform(machine.handle(.lineCompleted(line, explanation, opaqueReason: opaqueReason)))
    }

    private func noticePaused() {
        let now = NIODeadline.now()
        guard now - lastPausedNotice > .seconds(2) else { return }
        lastPausedNotice = now
        switch machine.phase {
        case .waitingForEscort: tellEngineer("waiting for an escort; input is held")
        case .awaitingApproval: tellEngineer("waiting for the escort's decision (ctrl-c withdraws the line)")
        default: tellEngineer("input is paused")
        }
    }

    func resize(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        recorder.resize(columns: columns, rows: rows, at: now)
        pty?.resize(columns: columns, rows: rows)
    }

    func engineerDisconnected() {
        guard !machine.ended else { return }
        end(reason: "the engineer disconnected", by: nil)
    }

    private func forward(_ bytes: [UInt8]) {
        guard let pty else { return }
        if pty.state?.echo ?? false {
            // The terminal will echo the line again; the gateway already echoed it, so drop that.
            var expected: [UInt8] = []
            for byte in bytes.prefix(while: { $0 != 0x0A }) { expected.append(byte) }
            expected += [0x0D, 0x0A]
            pendingEcho = expected[...]
        }
        pty.write(bytes)
    }

    // MARK: - Output

    /// The shell's output: recorded, sent to the engineer and mirrored to the escort. Writes are
    /// flushed once per burst of reads (``ptyReadComplete()``), not once per read.
    func ptyOutput(_ buffer: ByteBuffer) {
        var buffer = buffer
        if !pendingEcho.isEmpty {
            var matched = 0
            for actual in buffer.readableBytesView {
                guard let expected = pendingEcho.first else { break }
                if expected != actual { pendingEcho = []; break }
                pendingEcho.removeFirst()
                matched += 1
            }
            buffer.moveReaderIndex(forwardBy: matched)
        }
        guard buffer.readableBytes > 0 else { return }
        recorder.output(buffer.readableBytesView, at: now)
        keepRecent(buffer.readableBytesView)
        if engineerChannel.isActive {
            engineerChannel.write(SSHChannelData(type: .channel, data: .byteBuffer(buffer)), promise: nil)
            unflushed = true
        }
        escort?.mirror(buffer.readableBytesView, flush: false)
        updateBackpressure()
    }

    /// Keeps the last ``recentLimit`` bytes of the shell's output, for an escort who joins late.
    private func keepRecent(_ bytes: some Collection<UInt8>) {
        recentOutput.append(contentsOf: bytes.suffix(Self.recentLimit))
        if recentOutput.count > 2 * Self.recentLimit { recentOutput.removeFirst(recentOutput.count - Self.recentLimit) }
    }

    /// End of a burst of reads from the shell: flush what ``ptyOutput(_:)`` wrote.
    func ptyReadComplete() {
        guard unflushed else { return }
        unflushed = false
        engineerChannel.flush()
        escort?.flush()
    }

    func ptyClosed() {
        guard !machine.ended else { return }
        end(reason: "the shell exited", by: nil)
    }

    /// Stops reading the shell's output while a client cannot keep up, and resumes when it can.
    func updateBackpressure() {
        guard let channel = pty?.channel else { return }
        let blocked = !engineerChannel.isWritable || !(escort?.isWritable ?? true)
        if blocked != readsPaused {
            readsPaused = blocked
            channel.setOption(ChannelOptions.autoRead, value: !blocked).whenFailure { _ in }
            if !blocked { channel.read() }
        }
    }

    private func showEngineer(_ bytes: [UInt8]) {
        recorder.output(bytes, at: now)
        write(bytes, to: engineerChannel)
    }

    private func tellEngineer(_ message: String) {
        showEngineer(Array("\r\n[custody] \(message)\r\n".utf8))
    }

    // MARK: - Escort side

    /// Attaches an escort; returns a refusal when the rules do not allow it.
    func attach(_ link: EscortLink) -> String? {
        let actions = machine.handle(.escortJoined(link.person.id))
        if case .refuse(let reason)? = actions.first { return reason }
        escort = link
        escortsSeen.append(link.person.id)
        writeSummary(endReason: nil, sha256: nil)
        link.show("you are escorting session \(id) of \(engineer.id) (\(engineer.name)).")
        link.show("keys: a approve, d deny (type a reason), p pause/resume, k stop a full-screen program, e end the session")
        if pty != nil, !recentOutput.isEmpty {
            link.show("the engineer's screen so far (last \(min(recentOutput.count, Self.recentLimit)) bytes):")
            link.mirror(recentOutput.suffix(Self.recentLimit))
            link.show("live from here")
        }
        perform(actions)
        if pty == nil { startShell() }
        return nil
    }

    func escortDetached(_ link: EscortLink) {
        guard escort === link, !machine.ended else { return }
        escort = nil
        perform(machine.handle(.escortLeft))
        updateBackpressure()
    }

    func escortCommand(_ input: SessionStateMachine.Input) {
        perform(machine.handle(input))
    }

    func stopFullScreenProgram(by who: String) -> Bool {
        guard let pty, pty.stopForegroundProgram() else { return false }
        marker("stop-program by \(who)")
        return true
    }

    var isPausedByEscort: Bool { machine.pausedByEscort }

    // MARK: - Actions

    private func perform(_ actions: [SessionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .tellEngineer(let message):
                tellEngineer(message)
            case .tellEscort(let message):
                escort?.show(message)
            case .askEscort(let proposal):
                escort?.ask(proposal, engineer: engineer.id)
            case .forward(let bytes):
                forward(bytes)
            case .proposed(let proposal, let needsApproval):
                var event = SessionEvent(type: "line.proposed", session: id, person: engineer.id)
                event.line = proposal.number
                event.text = String(decoding: proposal.line, as: UTF8.self)
                event.summary = proposal.explanation.summary
                event.riskClass = proposal.explanation.riskClass.rawValue
                event.opaqueReason = proposal.opaqueReason
                event.decision = needsApproval ? nil : "auto-approved"
                gateway.sink.record(event)
                marker("proposal \(proposal.number) [\(proposal.explanation.riskClass.rawValue)]: \(TerminalText.neutralize(proposal.line, limit: 200))")
            case .decided(let proposal, let decision, let who, let reason):
                var event = SessionEvent(type: "line.decision", session: id, person: who)
                event.line = proposal.number
                event.decision = decision
                event.reason = reason
                gateway.sink.record(event)
                marker("decision \(proposal.number): \(decision)\(who.map { " by \($0)" } ?? "")\(reason.map { " (\($0))" } ?? "")")
            case .paused(let who):
                gateway.sink.record(SessionEvent(type: "session.paused", session: id, person: who))
                marker("paused\(who.map { " by \($0)" } ?? " (no escort)")")
                editor.reset()
                lastPausedNotice = .uptimeNanoseconds(0)
            case .resumed(let who):
                gateway.sink.record(SessionEvent(type: "session.resumed", session: id, person: who))
                marker("resumed\(who.map { " by \($0)" } ?? "")")
            case .escortJoined(let who):
                gateway.sink.record(SessionEvent(type: "escort.joined", session: id, person: who))
                marker("escort joined: \(who)")
            case .escortLeft(let who):
                gateway.sink.record(SessionEvent(type: "escort.left", session: id, person: who))
                marker("escort left: \(who)")
            case .refuse(let message):
                escort?.show(message)
            case .end(let reason, let who):
                marker("end: \(reason)")
                finish(reason: reason, by: who)
            }
        }
    }

    private func marker(_ label: String) {
        recorder.marker(label, at: now)
    }

    private func write(_ bytes: [UInt8], to channel: any Channel) {
        guard channel.isActive else { return }
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer(buffer)), promise: nil)
    }

    private func writeSummary(endReason: String?, sha256: String?) {
        let summary = SessionSummary(
            id: id, engineer: engineer.id, escorts: escortsSeen, started: SessionEvent.format(started),
            ended: endReason == nil ? nil : SessionEvent.format(Date()), endReason: endReason,
            recording: recordingPath, recordingSHA256: sha256
        )
        try? summary.write(to: gateway.sessionsDirectory + "/" + id + ".json")
    }
}

/// Reads the shell's output into the session.
final class PTYOutputHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private weak var session: EscortSession?

    init(session: EscortSession?) { self.session = session }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session?.ptyOutput(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        session?.ptyReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session?.ptyReadComplete()
        session?.ptyClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // EIO when the shell side closes: the session ends through channelInactive.
        context.close(promise: nil)
    }
}
