import ArgumentParser
import CustodyCore

@main
struct CustodyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "A verifiable chain of custody over who touches your code and systems, and what they put there.",
        version: CustodyVersion.string,
        subcommands: [
            AuditCommand.self,
            RosterCommand.self,
            ExplainCommand.self,
            KeygenCommand.self,
            LedgerCommand.self,
            ReviewCommand.self,
            AttestCommand.self,
            ProvenanceCommand.self,
            GateCommand.self,
            EscortCommand.self,
            DebugCommand.self,
        ]
    )
}

enum CustodyVersion {
    static let string = "0.1.0"
}
