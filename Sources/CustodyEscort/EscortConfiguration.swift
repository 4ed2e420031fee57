import CustodyCore

/// Everything the gateway needs to start.
package struct EscortConfiguration: Sendable {
    package var roster: Roster
    package var policy: EscortPolicy
    package var workspace: EscortWorkspace
    package var host: String
    /// 0 picks a free port; ``EscortServer/port`` says which.
    package var port: Int
    /// The engineer's shell; the gateway edits lines itself, so the shell must not.
    package var shell: [String]
    package var shellDirectory: String?
    package var shellEnvironment: [String: String]
    package var banner: String
    package var maximumAuthenticationAttempts: Int
    package var explain: @Sendable (String) -> CommandExplanation
    /// Extra sinks (for example the ledger) besides the JSON-lines event log in the workspace.
    package var sinks: [any SessionEventSink]

    package static let defaultBanner = """
        NOTICE: This is a restricted system. Use is limited to authorized people and is monitored,
        recorded and logged. Each command is shown to an escort before it runs. By continuing you
        consent to this monitoring.

        """

    package init(
        roster: Roster,
        policy: EscortPolicy = .safeDefault,
        workspace: EscortWorkspace,
        host: String = "127.0.0.1",
        port: Int = 0,
        shell: [String] = ["/bin/bash", "--noediting", "--noprofile", "--norc", "-i"],
        shellDirectory: String? = nil,
        shellEnvironment: [String: String] = [:],
        banner: String = EscortConfiguration.defaultBanner,
        maximumAuthenticationAttempts: Int = 6,
        explain: @escaping @Sendable (String) -> CommandExplanation = { Explainer().explain($0) },
        sinks: [any SessionEventSink] = []
    ) {
        self.roster = roster
        self.policy = policy
        self.workspace = workspace
        self.host = host
        self.port = port
        self.shell = shell
        self.shellDirectory = shellDirectory
        self.shellEnvironment = shellEnvironment
        self.banner = banner
        self.maximumAuthenticationAttempts = maximumAuthenticationAttempts
        self.explain = explain
        self.sinks = sinks
    }
}
