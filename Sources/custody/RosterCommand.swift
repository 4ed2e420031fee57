import ArgumentParser
import CustodyCore
import Foundation

/// `custody roster`: import an HR export as roster.yaml, and check a roster file.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Import and check the roster of people.",
        subcommands: [RosterImportCommand.self, RosterCheckCommand.self]
    )
}

/// `custody roster import FILE.csv [--output roster.yaml]`.
struct RosterImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a CSV export (roster columns, lists separated by ';') into roster.yaml.",
        discussion: """
            Columns: id, name, emails, aliases, keys, citizenship, usPerson, clearance, investigationTier, \
            employer, location, roles, activeFrom, activeUntil (any order; id and name are required). \
            Every problem is listed with its line and column; the exit code is then 2.
            """
    )

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "Write roster.yaml here instead of standard output.")
    var output: String?

    func run() throws {
        do {
            let bytes = try RosterLoader.readFile(file)
            let (roster, issues) = RosterImporter.check(bytes, file: file)
            guard issues.isEmpty, let roster else {
                for issue in issues { printError("custody: \(TerminalText.neutralize(issue.description))") }
                throw CustodyExit.configuration
            }
            let yaml = RosterYAMLWriter.render(roster, comment: "Imported by custody roster import from \(file)")
            if let output {
                try writeOutputFile(Array(yaml.utf8), to: output)
                printError("custody: wrote \(roster.people.count) people to \(TerminalText.neutralize(output))")
            } else {
                writeToStandardOutput(Array(yaml.utf8))
            }
        } catch let error as CustodyError {
            throw reportError(error)
        }
    }
}

/// `custody roster check FILE`: lists every problem in a roster (YAML or CSV).
struct RosterCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List every problem in a roster file (roster.yaml or a CSV export)."
    )

    @Argument(help: "The roster file (.yaml, .yml or .csv).")
    var file: String

    func run() throws {
        do {
            let bytes = try RosterLoader.readFile(file)
            let (roster, issues) =
                file.lowercased().hasSuffix(".csv")
                ? RosterImporter.check(bytes, file: file) : RosterLoader.check(bytes, file: file)
            guard issues.isEmpty, let roster else {
                for issue in issues { printError("custody: \(TerminalText.neutralize(issue.description))") }
                throw CustodyExit.configuration
            }
            writeToStandardOutput(Array("\(TerminalText.neutralize(file)): \(roster.people.count) people, no problems\n".utf8))
        } catch let error as CustodyError {
            throw reportError(error)
        }
    }
}
