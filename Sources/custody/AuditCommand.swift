import ArgumentParser

// Placeholder: replaced by the issue that builds `custody audit`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'audit' is not built yet")
        throw CustodyExit.usage
    }
}
