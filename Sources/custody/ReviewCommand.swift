import ArgumentParser

// Placeholder: replaced by the issue that builds `custody review`.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'review' is not built yet")
        throw CustodyExit.usage
    }
}
