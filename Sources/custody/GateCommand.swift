import ArgumentParser

// Placeholder: replaced by the issue that builds `custody gate`.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'gate' is not built yet")
        throw CustodyExit.usage
    }
}
