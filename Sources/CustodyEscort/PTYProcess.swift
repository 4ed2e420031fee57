import CCustodyPTY
import Foundation
import NIOCore
import NIOPosix

/// The engineer's shell in a pseudo-terminal on the gateway host, read and written through a
/// NIO pipe channel on the session's event loop.
///
/// Started through the CCustodyPTY shim (openpty, fork, setsid, TIOCSCTTY, execve): posix_spawn
/// cannot portably make the new terminal the controlling one.
// `@unchecked Sendable`: used only on the owning session's event loop.
final class PTYProcess: @unchecked Sendable {
    let pid: pid_t
    /// A duplicate of the master kept for termios, foreground group and window-size calls; the
    /// pipe channel owns the original.
    private let controlDescriptor: Int32
    private(set) var channel: (any Channel)?
    private var closedControl = false

    struct TerminalState: Equatable {
        var foreground: pid_t
        var canonical: Bool
        var echo: Bool
    }

    private init(pid: pid_t, controlDescriptor: Int32) {
        self.pid = pid
        self.controlDescriptor = controlDescriptor
    }

    /// Starts `argv` in a new pseudo-terminal and connects its master to a channel whose pipeline
    /// gets `handler`.
    static func start(
        argv: [String], environment: [String: String], directory: String?, columns: Int, rows: Int,
        on loop: any EventLoop, handler: @escaping @Sendable () -> any ChannelHandler
    ) -> EventLoopFuture<PTYProcess> {
        var master: Int32 = -1
        var pid: pid_t = 0
        let envStrings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let result = withCStrings(argv) { argvPointers in
            withCStrings(envStrings) { envPointers in
                if let directory {
                    return directory.withCString {
                        custody_pty_spawn(argv[0], argvPointers, envPointers, $0, Int32(columns), Int32(rows), &master, &pid)
                    }
                }
                return custody_pty_spawn(argv[0], argvPointers, envPointers, nil, Int32(columns), Int32(rows), &master, &pid)
            }
        }
        guard result == 0 else {
            return loop.makeFailedFuture(EscortError(.spawn, "cannot start the shell (errno \(errno))"))
        }
        let control = dup(master)
        guard control >= 0 else {
            close(master)
            _ = custody_pty_signal_group(pid, SIGKILL)
            return loop.makeFailedFuture(EscortError(.spawn, "cannot duplicate the terminal"))
        }
        let process = PTYProcess(pid: pid, controlDescriptor: control)
        let bootstrap = NIOPipeBootstrap(group: loop)
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 4)
            .channelOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16384, maximum: 65536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
        let pidCopy = pid
        let masterCopy = master
        return bootstrap.takingOwnershipOfDescriptor(inputOutput: masterCopy).map { channel in
            process.channel = channel
            return process
        }.flatMapErrorThrowing { error in
            close(masterCopy)
            close(control)
            _ = custody_pty_signal_group(pidCopy, SIGKILL)
            throw error
        }
    }

    func write(_ bytes: [UInt8]) {
        guard let channel, channel.isActive else { return }
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    var state: TerminalState? {
        guard !closedControl else { return nil }
        var foreground: pid_t = -1
        var canonical: Int32 = 1
        var echo: Int32 = 1
        guard custody_pty_state(controlDescriptor, &foreground, &canonical, &echo) == 0 else { return nil }
        return TerminalState(foreground: foreground, canonical: canonical != 0, echo: echo != 0)
    }

    /// True when a program other than the shell owns the terminal in non-canonical mode
    /// (an editor, a pager, top): its keys pass through raw.
    var fullScreenProgramActive: Bool {
        guard let state else { return false }
        return !state.canonical && state.foreground > 0 && state.foreground != pid
    }

    func resize(columns: Int, rows: Int) {
        guard !closedControl else { return }
        _ = custody_pty_resize(controlDescriptor, Int32(columns), Int32(rows))
    }

    /// Sends SIGTERM to the foreground program when it is not the shell.
    func stopForegroundProgram() -> Bool {
        guard let state, state.foreground > 0, state.foreground != pid else { return false }
        return kill(-state.foreground, SIGTERM) == 0
    }

    /// Hangs up the shell's process group, closes the terminal and reaps the shell.
    func terminate(on loop: any EventLoop) {
        _ = custody_pty_signal_group(pid, SIGHUP)
        kill(pid, SIGHUP)
        if !closedControl {
            closedControl = true
            close(controlDescriptor)
        }
        channel?.close(promise: nil)
        Self.reap(pid, on: loop, attempt: 0)
    }

    private static func reap(_ pid: pid_t, on loop: any EventLoop, attempt: Int) {
        var status: Int32 = 0
        let result = custody_pty_reap(pid, &status)
        if result != 0 { return }
        if attempt == 20 { _ = custody_pty_signal_group(pid, SIGKILL); kill(pid, SIGKILL) }
        guard attempt < 200 else { return }
        loop.scheduleTask(in: .milliseconds(50)) { reap(pid, on: loop, attempt: attempt + 1) }
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
