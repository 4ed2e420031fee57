import ArgumentParser

// Placeholder: replaced by the issue that builds `custody provenance`.
struct ProvenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Not built yet.",
        shouldDisplay: false
    )

    func run() async throws {
        printError("custody: 'provenance' is not built yet")
        throw CustodyExit.usage
    }
}
