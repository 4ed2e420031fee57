/// A command line explained: one plain sentence, the overall risk class, and the parts.
package struct CommandExplanation: Hashable, Sendable, Codable {
    /// One sentence a non-programmer understands, for example "Downloads a file from
    /// 203.0.113.9 and runs it as root without showing it to you."
    package var summary: String
    package var riskClass: RiskClass
    /// True when the line is unfinished (an open quote or here-document): not an error.
    package var isIncomplete: Bool
    package var parts: [Part]
    /// What the line does, structurally (downloads, decodes, pipes to a shell, deletes…), over all
    /// parts and nested code, without duplicates, in the order first seen.
    package var effects: [CommandEffect] = []

    /// One command of the line with its own class and reason.
    package struct Part: Hashable, Sendable, Codable {
        package var command: String
        package var summary: String
        package var riskClass: RiskClass
        package var reasons: [String]
        /// What this part does, structurally.
        package var effects: [CommandEffect] = []
        /// How deep this part is nested in code run by other code (0 for the typed line,
        /// 1 inside `sh -c '…'`, `sudo`'s command is at the same depth).
        package var depth: Int = 0

        package init(command: String, summary: String, riskClass: RiskClass, reasons: [String]) {
            self.command = command
            self.summary = summary
            self.riskClass = riskClass
            self.reasons = reasons
        }
    }

    package init(summary: String, riskClass: RiskClass, isIncomplete: Bool = false, parts: [Part] = []) {
        self.summary = summary
        self.riskClass = riskClass
        self.isIncomplete = isIncomplete
        self.parts = parts
    }
}
