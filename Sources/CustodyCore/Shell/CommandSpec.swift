/// What Custody knows about one command (or one `tool subcommand`): its class by default, a plain
/// phrase, the flags that change what it does, and the options that take a value.
///
/// Phrases are lowercase verb phrases; `{args}` is replaced by the operands (up to three), and
/// `{args|text}` falls back to `text` when there are none.
package struct CommandSpec: Sendable {
    package enum Targets: Sendable {
        /// Operands are read, not written.
        case none
        /// Every operand is written (touch, tee, rm).
        case all
        /// The last operand is written (cp, mv, install).
        case last
    }

    package var risk: RiskClass
    package var phrase: String
    package var effects: [CommandEffect.Kind]
    package var flags: [FlagRule]
    /// Options whose next word is their value (so it is not an operand).
    package var valueOptions: Set<String>
    package var targets: Targets
    /// False for tools whose single-dash options are words (`openssl x509 -dates`), not letter clusters.
    package var clusters: Bool

    package init(
        _ risk: RiskClass, _ phrase: String, effects: [CommandEffect.Kind] = [], flags: [FlagRule] = [],
        values: String = "", targets: Targets = .none, clusters: Bool = true
    ) {
        self.clusters = clusters
        self.risk = risk
        self.phrase = phrase
        self.effects = effects
        self.flags = flags
        self.valueOptions = Set(values.split(separator: " ").map(String.init))
        self.targets = targets
    }
}

/// A flag that changes what a command does. `names` holds short (`-r`), long (`--force`) and
/// prefix (`of=`, `--data=`) forms; a name ending in `=` matches any value.
package struct FlagRule: Sendable {
    package var names: [String]
    package var risk: RiskClass?
    /// Added to the phrase, e.g. "and everything inside it".
    package var note: String?
    package var effect: CommandEffect.Kind?
    /// Replaces the phrase when the flag is present.
    package var phrase: String?

    package init(
        _ names: String, _ risk: RiskClass? = nil, note: String? = nil, effect: CommandEffect.Kind? = nil,
        phrase: String? = nil
    ) {
        self.names = names.split(separator: " ").map(String.init)
        self.risk = risk
        self.note = note
        self.effect = effect
        self.phrase = phrase
    }
}
