/// The syntax tree of a shell command line, as read by ``ShellParser``. Nothing here runs.

/// One piece of a word, as it was written.
package indirect enum WordPart: Sendable {
    /// Unquoted text (may contain brace-expansion text such as `{a,b}`).
    case literal(String)
    /// A backslash-escaped character outside quotes, such as `\c`.
    case escaped(String)
    case singleQuoted(String)
    /// `$'…'` decoded; `encodedLetters` is true when letters or digits came from `\x`, octal or `\u`
    /// escapes (a way to hide a word).
    case ansiC(String, encodedLetters: Bool)
    case doubleQuoted([WordPart])
    /// `$name` or `${…}` (the text between the braces).
    case parameter(String, braced: Bool)
    case commandSubstitution(ShellScript, backtick: Bool)
    /// `<(…)` (input) or `>(…)`.
    case processSubstitution(ShellScript, input: Bool)
    case arithmetic(String)
    /// Unquoted `*`, `?` or `[…]`.
    case glob(String)
}

/// A word: the parts in order and the source text.
package struct ShellWord: Sendable {
    package var parts: [WordPart]
    package var raw: String

    /// The word's value when it contains no expansion (globs are kept as text); nil otherwise.
    package var literal: String? {
        var out = ""
        return Self.appendLiteral(parts, into: &out) ? out : nil
    }

    private static func appendLiteral(_ parts: [WordPart], into out: inout String) -> Bool {
        for part in parts {
            switch part {
            case .literal(let s), .escaped(let s), .singleQuoted(let s), .glob(let s): out += s
            case .ansiC(let s, _): out += s
            case .doubleQuoted(let inner): if !appendLiteral(inner, into: &out) { return false }
            default: return false
            }
        }
        return true
    }

    /// The value with each expansion replaced by a readable placeholder (`$name`, `$(…)`).
    package var display: String {
        var out = ""
        Self.appendDisplay(parts, into: &out)
        return out
    }

    private static func appendDisplay(_ parts: [WordPart], into out: inout String) {
        for part in parts {
            switch part {
            case .literal(let s), .escaped(let s), .singleQuoted(let s), .glob(let s): out += s
            case .ansiC(let s, _): out += s
            case .doubleQuoted(let inner): appendDisplay(inner, into: &out)
            case .parameter(let name, let braced): out += braced ? "${\(name)}" : "$\(name)"
            case .commandSubstitution: out += "$(…)"
            case .processSubstitution(_, let input): out += input ? "<(…)" : ">(…)"
            case .arithmetic: out += "$((…))"
            }
        }
    }

    /// True when the word has an unquoted glob character.
    package var hasGlob: Bool { parts.contains { if case .glob = $0 { true } else { false } } }
}

/// `NAME=value` before a command (or alone).
package struct ShellAssignment: Sendable {
    package var name: String
    package var value: ShellWord
}

/// A redirection such as `> file`, `2>&1`, `<< EOF` or `<<< word`.
package struct ShellRedirect: Sendable {
    package var fd: Int?
    package var op: String
    package var target: ShellWord
    /// Index into ``ParsedShell/heredocs`` for `<<` and `<<-`.
    package var heredoc: Int?
    /// True when the here-document delimiter was quoted (no expansion inside the body).
    package var heredocQuoted: Bool = false
}

package struct SimpleCommand: Sendable {
    package var assignments: [ShellAssignment] = []
    package var words: [ShellWord] = []
    package var redirects: [ShellRedirect] = []
    package var source: String = ""
}

package enum CompoundKind: String, Sendable {
    case subshell, group, ifClause = "if", forLoop = "for", whileLoop = "while", untilLoop = "until"
    case caseClause = "case", select, arithmetic, test
}

package struct CompoundCommand: Sendable {
    package var kind: CompoundKind
    /// Bodies in order (condition, then-part, else-part; loop body; case arms).
    package var bodies: [ShellScript] = []
    /// Words the construct uses: the for list, the case subject and patterns, `[[ … ]]` words.
    package var words: [ShellWord] = []
    package var variable: String? = nil
    package var redirects: [ShellRedirect] = []
    package var source: String = ""
}

package indirect enum ShellCommandNode: Sendable {
    case simple(SimpleCommand)
    case compound(CompoundCommand)
    case function(name: String, body: CompoundCommand)
}

package struct ShellPipeline: Sendable {
    package var commands: [ShellCommandNode] = []
    package var negated = false
}

/// Pipelines joined with `&&` and `||`; `background` when the item ends with `&`.
package struct ShellAndOr: Sendable {
    package var pipelines: [ShellPipeline] = []
    /// `"&&"` or `"||"` between pipelines (count is pipelines.count - 1).
    package var operators: [String] = []
    package var background = false
    /// The item's source text.
    package var source: String = ""
}

package struct ShellScript: Sendable {
    package var items: [ShellAndOr] = []
}

/// The result of parsing: the tree, here-document bodies, and what went wrong.
package struct ParsedShell: Sendable {
    package var script: ShellScript
    package var heredocs: [String]
    /// True when input ended inside a quote, here-document, substitution or compound command,
    /// or right after `|`, `&&`, `||` or a trailing backslash.
    package var isIncomplete: Bool
    /// What was left open, in plain words (for example "a single quote").
    package var openConstruct: String?
    /// Syntax problems found (the parser skips the token and goes on).
    package var errors: [String]
    /// True when nesting went past the parser's depth limit (the rest was not read).
    package var tooDeep: Bool
}
