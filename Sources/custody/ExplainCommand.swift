import ArgumentParser

// Placeholder: replaced by the issue that builds `custody explain`.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'explain' is not built yet")
        throw CustodyExit.usage
    }
}
