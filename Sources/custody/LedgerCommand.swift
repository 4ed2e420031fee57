import ArgumentParser

// Placeholder: replaced by the issue that builds `custody ledger`.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'ledger' is not built yet")
        throw CustodyExit.usage
    }
}
