import ArgumentParser

// Placeholder: replaced by the issue that builds `custody attest`.
struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'attest' is not built yet")
        throw CustodyExit.usage
    }
}
