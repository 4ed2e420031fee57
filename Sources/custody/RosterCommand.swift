import ArgumentParser

// Placeholder: replaced by the issue that builds `custody roster`.
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'roster' is not built yet")
        throw CustodyExit.usage
    }
}
