@testable import CustodyCore
import Testing

@Suite struct ShellParserTests {
    private func simple(_ text: String, item: Int = 0, stage: Int = 0) throws -> SimpleCommand {
        let parsed = ShellParser.parse(text)
        let node = try #require(parsed.script.items[item].pipelines.first?.commands[stage])
        guard case .simple(let s) = node else {
            Issue.record("not a simple command: \(text)")
            throw CancellationError()
        }
        return s
    }

    @Test func quotingProducesLiteralValues() throws {
        let s = try simple(#"echo 'a b' "c $HOME" d\ e $'x\ty' "$(date)""#)
        #expect(s.words.count == 6)
        #expect(s.words[1].literal == "a b")
        #expect(s.words[2].literal == nil)
        #expect(s.words[2].display == "c $HOME")
        #expect(s.words[3].literal == "d e")
        #expect(s.words[4].literal == "x\ty")
        #expect(s.words[5].display == "$(…)")
    }

    @Test func ansiCHexEscapesAreDecodedAndFlagged() throws {
        let s = try simple(#"$'\x63\x75rl' x"#)
        #expect(s.words[0].literal == "curl")
        guard case .ansiC(_, let encoded) = s.words[0].parts[0] else {
            Issue.record("expected ANSI-C part")
            return
        }
        #expect(encoded)
    }

    @Test func assignmentsRedirectsAndHereStrings() throws {
        let s = try simple("FOO=bar BAZ=\"q x\" cmd arg > out.txt 2>&1 <<< word")
        #expect(s.assignments.map(\.name) == ["FOO", "BAZ"])
        #expect(s.assignments[1].value.literal == "q x")
        #expect(s.words.compactMap(\.literal) == ["cmd", "arg"])
        #expect(s.redirects.map(\.op) == [">", ">&", "<<<"])
        #expect(s.redirects[1].fd == 2)
    }

    @Test func hereDocumentBodyIsRead() throws {
        let parsed = ShellParser.parse("cat <<'EOF' > /tmp/x\nline $one\n  two\nEOF\necho after")
        #expect(!parsed.isIncomplete)
        #expect(parsed.heredocs == ["line $one\n  two\n"])
        #expect(parsed.script.items.count == 2)
    }

    @Test func tabStrippedHereDocument() {
        let parsed = ShellParser.parse("cat <<-END\n\tindented\n\tEND\n")
        #expect(!parsed.isIncomplete)
        #expect(parsed.heredocs == ["indented\n"])
    }

    @Test func listsPipelinesAndBackground() {
        let parsed = ShellParser.parse("a | b |& c && d || e; f &\ng")
        #expect(parsed.script.items.count == 3)
        #expect(parsed.script.items[0].pipelines[0].commands.count == 3)
        #expect(parsed.script.items[0].operators == ["&&", "||"])
        #expect(parsed.script.items[1].background)
    }

    @Test func compoundCommands() {
        let text = """
            if [ -f x ]; then echo a; elif true; then echo b; else echo c; fi
            for f in *.log; do gzip "$f"; done
            while read l; do echo "$l"; done < list
            case "$1" in start|go) run;; *) stop;; esac
            f() { echo hi; }
            function g { ls; }
            (cd /tmp && ls) > out
            { a; b; }
            (( i += 1 ))
            [[ -n "$x" && $y == z ]]
            select o in a b; do break; done
            for ((i=0;i<3;i++)); do echo $i; done
            """
        let parsed = ShellParser.parse(text)
        #expect(!parsed.isIncomplete, "\(parsed.openConstruct ?? "")")
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        #expect(parsed.script.items.count == 12)
        guard case .compound(let c) = parsed.script.items[0].pipelines[0].commands[0] else {
            Issue.record("if not parsed")
            return
        }
        #expect(c.kind == .ifClause)
        #expect(c.bodies.count == 5)
        guard case .function(let name, _) = parsed.script.items[4].pipelines[0].commands[0] else {
            Issue.record("function not parsed")
            return
        }
        #expect(name == "f")
    }

    @Test func commandAndProcessSubstitutionNest() throws {
        let s = try simple("diff <(sort a) <(sort $(cat list) `echo b`)")
        #expect(s.words.count == 3)
        guard case .processSubstitution(let inner, let input) = s.words[2].parts[0] else {
            Issue.record("expected process substitution")
            return
        }
        #expect(input)
        #expect(inner.items.count == 1)
    }

    @Test func arithmeticExpansionIsNotACommand() throws {
        let s = try simple("echo $((1 + 2 * (3 - 1)))")
        guard case .arithmetic(let expr) = s.words[1].parts[0] else {
            Issue.record("expected arithmetic")
            return
        }
        #expect(expr == "1 + 2 * (3 - 1)")
    }

    @Test func commentsAndLineContinuations() {
        let parsed = ShellParser.parse("ls \\\n  -la # list\n# whole line\necho x#y")
        #expect(parsed.script.items.count == 2)
        guard case .simple(let s) = parsed.script.items[1].pipelines[0].commands[0] else { return }
        #expect(s.words.last?.literal == "x#y")
    }

    @Test(arguments: [
        ("echo 'open", "a single quote"),
        ("echo \"open", "a double quote"),
        ("cat <<EOF\nbody", "a here-document"),
        ("ls |", "a command after |"),
        ("true &&", "a command after &&"),
        ("echo $(date", "a command substitution"),
        ("if true; then x", "an if block"),
        ("echo foo \\", "a backslash"),
    ])
    func incompleteInputNamesWhatIsOpen(_ input: String, _ open: String) {
        let parsed = ShellParser.parse(input)
        #expect(parsed.isIncomplete)
        #expect(parsed.openConstruct?.hasPrefix(open) == true, "\(parsed.openConstruct ?? "nil")")
    }

    @Test func strayTokensAreErrorsNotCrashes() {
        let parsed = ShellParser.parse(") fi done ;; | && echo ok")
        #expect(!parsed.errors.isEmpty)
        #expect(parsed.script.items.count >= 1)
    }
}
