import ArgumentParser

// Placeholder: replaced by the issue that builds `custody keygen`.
struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'keygen' is not built yet")
        throw CustodyExit.usage
    }
}
