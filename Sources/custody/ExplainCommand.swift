import ArgumentParser
import CustodyCore
import Foundation

/// `custody explain 'LINE'`: what a shell command line does, in plain words, with a risk class.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say in plain words what a shell command line does, and how risky it is.",
        discussion: """
            Risk classes, from harmless to unknown: read-only, writes-files, changes-config, \
            changes-identity-or-privilege, network-egress, destructive, runs-opaque-code, unknown. \
            Nothing is run. Exit code 1 when the class is at or above --fail-on.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The command line to explain, or - to read it from standard input.")
    var line: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .customLong("fail-on"), help: "Exit with code 1 when the line's class is at or above this class.")
    var failOn: RiskClass?

    @Flag(help: "Treat the input as a script: one explanation per command.")
    var script = false

    @Option(name: .customLong("benchmark"), help: .hidden)
    var benchmarkFile: String?

    @Option(name: .customLong("iterations"), help: .hidden)
    var iterations: Int = 20

    func run() async throws {
        if let benchmarkFile {
            try benchmark(benchmarkFile)
            return
        }
        guard let line else {
            throw ValidationError("give a command line to explain, or - to read it from standard input")
        }
        var input = line
        if line == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            input = String(decoding: data, as: UTF8.self)
            if input.hasSuffix("\n"), !script { input.removeLast() }
        }
        let explainer = Explainer()
        let explanations = script ? explainer.explainScript(input) : [explainer.explain(input)]
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = script ? try encoder.encode(explanations) : try encoder.encode(explanations[0])
            writeToStandardOutput(Array(data) + [0x0A])
        case .text:
            var text = ""
            for (i, e) in explanations.enumerated() {
                if i > 0 { text += "\n" }
                text += Self.render(e)
            }
            writeToStandardOutput(Array(text.utf8))
        }
        let worst = explanations.map(\.riskClass).max() ?? .readOnly
        if let failOn, worst >= failOn {
            throw CustodyExit.failed
        }
    }

    /// The text form: the sentence, the class, then each part with its class and reasons.
    static func render(_ e: CommandExplanation) -> String {
        var out = ShellText.neutralize(e.summary) + "\n"
        out += "Risk: \(e.riskClass.rawValue)\(e.isIncomplete ? " (incomplete)" : "")\n"
        if !e.parts.isEmpty { out += "\n" }
        for (i, p) in e.parts.enumerated() {
            let indent = String(repeating: "   ", count: min(p.depth, 6))
            out += "\(indent)\(i + 1). \(ShellText.neutralize(p.command))\n"
            out += "\(indent)   \(p.riskClass.rawValue): \(ShellText.neutralize(p.summary))\n"
            for r in p.reasons {
                out += "\(indent)   - \(ShellText.neutralize(r))\n"
            }
        }
        if !e.effects.isEmpty {
            let list = e.effects.map { effect -> String in
                guard let d = effect.detail else { return effect.kind.rawValue }
                return "\(effect.kind.rawValue) (\(ShellText.neutralize(d)))"
            }
            out += "\nEffects: " + list.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// Explains every non-empty line of FILE `iterations` times on this thread; prints lines per second.
    func benchmark(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            String(line).replacingOccurrences(of: "\\n", with: "\n")
        }
        let explainer = Explainer()
        var checksum = 0
        for line in lines { checksum &+= explainer.explain(line).summary.utf8.count }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<max(1, iterations) {
            for line in lines { checksum &+= explainer.explain(line).riskClass.rank }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let total = lines.count * max(1, iterations)
        let rate = Double(total) / seconds
        let text = "\(total) lines in \(String(format: "%.3f", seconds)) s: \(Int(rate)) lines/s (checksum \(checksum))\n"
        writeToStandardOutput(Array(text.utf8))
    }
}

extension RiskClass: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument)
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
