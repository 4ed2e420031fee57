import CustodyCore
import NIOCore
import NIOPosix
import NIOSSH

/// The escort gateway: an SSH server that admits roster people by key and runs supervised
/// sessions.
///
/// ```swift
/// let server = try await EscortServer.start(EscortConfiguration(roster: roster, workspace: workspace))
/// print("listening on port", server.port)
/// try await server.waitUntilClosed()
/// ```
///
/// All sessions run on one event loop, so session state needs no locks.
package final class EscortServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    package let port: Int
    /// The host key's OpenSSH public key line, for clients' known_hosts.
    package let hostPublicKey: String
    package let workspace: EscortWorkspace

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, port: Int, hostPublicKey: String, workspace: EscortWorkspace) {
        self.group = group
        self.channel = channel
        self.port = port
        self.hostPublicKey = hostPublicKey
        self.workspace = workspace
    }

    /// Prepares the workspace, loads or creates the host key and starts listening.
    ///
    /// - Throws: ``EscortError`` for workspace or key problems; NIO's error when it cannot bind.
    package static func start(_ configuration: EscortConfiguration) async throws -> EscortServer {
        try configuration.workspace.prepare()
        let (hostKey, publicKey) = try HostKeyFile.loadOrCreate(path: configuration.workspace.hostKeyPath)
        let fileSink = try JSONLinesEventSink(path: configuration.workspace.eventsPath)
        let sink = FanOutEventSink([fileSink] + configuration.sinks)
        let keys = RosterAuthenticator.parseKeys(configuration.roster)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let gateway = GatewayState(configuration: configuration, sink: sink, loop: loop)
        let roster = configuration.roster
        let banner = configuration.banner
        let attempts = configuration.maximumAuthenticationAttempts
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let identity = ConnectionIdentity(remote: channel.remoteAddress?.description ?? "unknown")
                    var server = SSHServerConfiguration(
                        hostKeys: [hostKey],
                        userAuthDelegate: RosterAuthenticator(roster: roster, keysByPerson: keys, identity: identity),
                        globalRequestDelegate: nil,
                        banner: .init(message: banner, languageTag: "en")
                    )
                    server.maxAuthAttempts = attempts
                    let handler = NIOSSHHandler(
                        role: .server(server),
                        allocator: channel.allocator,
                        inboundChildChannelInitializer: { child, type in
                            guard case .session = type, identity.person != nil else {
                                return child.eventLoop.makeFailedFuture(EscortError(.configuration, "channel type refused"))
                            }
                            return child.eventLoop.makeCompletedFuture {
                                try child.pipeline.syncOperations.addHandler(SessionChannelHandler(identity: identity, gateway: gateway))
                            }
                        }
                    )
                    try channel.pipeline.syncOperations.addHandlers([handler, CloseOnErrorHandler()])
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw EscortError(.configuration, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let port = channel.localAddress?.port ?? configuration.port
        return EscortServer(group: group, channel: channel, port: port, hostPublicKey: publicKey, workspace: configuration.workspace)
    }

    /// Waits until the listening socket closes.
    package func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops listening, ends the event loop and with it every connection.
    package func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Closes a connection on any error (bad packets, failed authentication).
final class CloseOnErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
