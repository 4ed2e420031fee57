import ArgumentParser

// Placeholder: replaced by the issue that builds `custody escort`.
struct EscortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escort",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'escort' is not built yet")
        throw CustodyExit.usage
    }
}
