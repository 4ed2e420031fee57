import Testing

@testable import CustodyCore

struct SecurityCheckSabotageDetectorTests {
    let detector = SecurityCheckSabotageDetector()

    // MARK: Compile probes

    static let landlockBefore = """
        include(CheckCSourceCompiles)
        if(ENABLE_SANDBOX STREQUAL "landlock" OR ENABLE_SANDBOX STREQUAL "auto")
            # Landlock needs kernel headers 5.13 or later.
            check_c_source_compiles("
                #include <linux/landlock.h>
                #include <sys/syscall.h>
                #include <sys/prctl.h>

                void my_sandbox(void)
                {
                    (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                    (void)SYS_landlock_create_ruleset;
                    (void)SYS_landlock_restrict_self;
                    (void)LANDLOCK_CREATE_RULESET_VERSION;
                    return;
                }

                int main(void) { return 0; }
                "
            HAVE_LINUX_LANDLOCK)
            if(HAVE_LINUX_LANDLOCK)
                set(SANDBOX_FOUND ON)
            endif()
        endif()

        """

    @Test func landlockProbeBrokenByAStrayDotIsCritical() throws {
        let after = Self.landlockBefore.replacingOnce("        #include <sys/prctl.h>\n\n", with: "        #include <sys/prctl.h>\n.\n")
        #expect(after != Self.landlockBefore)
        let findings = BuildDetectorFixtures.scan(detector, path: "CMakeLists.txt", old: Self.landlockBefore, new: after)
        let probe = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-001" })
        #expect(probe.category == .securityCheckSabotage)
        #expect(probe.severity == .critical)
        #expect(probe.excerpt == ".")
        #expect(probe.startLine == 8)
        #expect(probe.evidence.contains("HAVE_LINUX_LANDLOCK"))
        #expect(probe.evidence.contains("previous version of this probe compiled"))
    }

    @Test func unchangedOrWorkingProbesStayQuiet() {
        // A comment edit elsewhere in the file, and a new probe that compiles.
        let after = Self.landlockBefore.replacingOnce("# Landlock needs", with: "# The Landlock sandbox needs")
            + """
            check_c_source_compiles("
                #include <stdint.h>
                int main(void) { uint16_t x = __builtin_bswap16(1); return (int)x - 256; }
                " HAVE___BUILTIN_BSWAPXX)
            check_cxx_source_compiles([[
                #include <vector>
                #include <algorithm>
                template <typename T> struct Box { T value; };
                int main() {
                    std::vector<int> v{3, 1, 2};
                    std::sort(v.begin(), v.end(), [](int a, int b) { return a < b; });
                    Box<int> b = {v[0]};
                    return b.value == 1 ? 0 : 1;
                }
            ]] HAVE_CXX_LAMBDA)
            set(PROBE_SRC "int main(void) { static const int t[] = {1, 2, 3}; return t[0] - 1; }")
            check_c_source_compiles("${PROBE_SRC}" HAVE_ARRAYS)

            """
        let findings = BuildDetectorFixtures.scan(detector, path: "CMakeLists.txt", old: Self.landlockBefore, new: after)
        #expect(findings.filter { $0.ruleID == "CUST-SABOTAGE-001" }.isEmpty, "\(findings)")
    }

    /// An autoconf file with probes of every form, one after another.
    static let manyAutoconfProbes: String = {
        var text = "AC_INIT([demo], [1.0])\nAC_PROG_CC\n"
        for index in 0..<6 {
            text += """
                AC_CACHE_CHECK([whether feature \(index) works], [demo_cv_f\(index)], [
                  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
                #include <stdio.h>
                #include <string.h>
                  ]], [[
                  char buffer[\(index + 4)];
                  memset(buffer, 0, sizeof buffer);
                  ]])], [demo_cv_f\(index)=yes], [demo_cv_f\(index)=no])
                ])
                AC_MSG_CHECKING([for thing \(index)])
                AC_LINK_IFELSE([AC_LANG_SOURCE([[
                AC_INCLUDES_DEFAULT
                int main(void) { return \(index); }
                ]])], [AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no])])
                AC_TRY_COMPILE([#include <stdlib.h>], [exit(\(index));], [have_\(index)=1])
                AC_TRY_RUN([int main(void) { return @<:@0@:>@ == 0; }], [ok], [bad])

                """
        }
        return text
    }()

    @Test func probesNearSomeLinesAreAllTheProbesTouchingThem() {
        let bytes = Array(Self.manyAutoconfProbes.utf8)
        let all = FeatureProbes.probes(in: bytes, role: .autoconf)
        #expect(all.count == 24)
        #expect(all.allSatisfy { $0.source != nil })
        let lineCount = BuildDetectorFixtures.lines(bytes).count
        for line in 1...(lineCount + 2) {
            let near: Set<Int> = [line]
            let expected = all.filter { $0.touches(near) }
            #expect(FeatureProbes.probes(in: bytes, role: .autoconf, near: near).filter { $0.touches(near) } == expected)
        }
        // A program's wrapper lines reach past the call: the line after an AC_LANG_PROGRAM probe.
        let afterCall = all[0].lines.upperBound + 1
        #expect(all[0].touches([afterCall]))
        #expect(FeatureProbes.probes(in: bytes, role: .autoconf, near: [afterCall]).contains(all[0]))
    }

    @Test func autoconfProbeWithUnbalancedParenthesis() throws {
        let before = """
            AC_INIT([demo], [1.0])
            AC_CACHE_CHECK([whether seccomp filters are available], [demo_cv_seccomp],
              [AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <linux/seccomp.h>
            #include <sys/prctl.h>]], [[return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0);]])],
                [demo_cv_seccomp=yes], [demo_cv_seccomp=no])])
            AC_OUTPUT

            """
        let after = before.replacingOnce("SECCOMP_MODE_FILTER, 0);", with: "SECCOMP_MODE_FILTER, 0;")
        let findings = BuildDetectorFixtures.scan(detector, path: "configure.ac", old: before, new: after)
        let probe = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-001" })
        #expect(probe.severity == .critical)
        #expect(probe.evidence.contains("AC_COMPILE_IFELSE"))
        // The original compiles: adding it fresh is quiet.
        #expect(BuildDetectorFixtures.scan(detector, path: "configure.ac", old: nil, new: before).isEmpty)
    }

    @Test func autoconfLinkProbeWithJunkCharacterAndQuadrigraphs() throws {
        let good = """
            AC_MSG_CHECKING([for capsicum])
            AC_LINK_IFELSE([AC_LANG_SOURCE([[
            #include <sys/capsicum.h>
            int main(void) { char buf@<:@4@:>@; (void)buf; return cap_enter(); }
            ]])], [have_capsicum=yes], [have_capsicum=no])

            """
        #expect(BuildDetectorFixtures.scan(detector, path: "m4/capsicum.m4", old: nil, new: good).isEmpty)
        let bad = good.replacingOnce("return cap_enter();", with: "return cap_enter();`")
        let findings = BuildDetectorFixtures.scan(detector, path: "m4/capsicum.m4", old: good, new: bad)
        #expect(findings.contains { $0.ruleID == "CUST-SABOTAGE-001" && $0.severity == .critical })
    }

    @Test func mesonProbeMissingSemicolonInVariableDefinedAboveTheCall() throws {
        let before = """
            cc = meson.get_compiler('c')
            landlock_code = '''
            #include <linux/landlock.h>
            int main(void) { return LANDLOCK_CREATE_RULESET_VERSION; }
            '''
            have_landlock = cc.compiles(landlock_code, name : 'landlock')

            """
        let after = before.replacingOnce("LANDLOCK_CREATE_RULESET_VERSION; }", with: "LANDLOCK_CREATE_RULESET_VERSION }")
        let findings = BuildDetectorFixtures.scan(detector, path: "meson.build", old: before, new: after)
        let probe = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-001" })
        #expect(probe.severity == .critical)
        #expect(probe.startLine == 4)
        #expect(probe.evidence.contains("semicolon"))
    }

    @Test func newProbeThatCannotCompileIsHigh() throws {
        let text = """
            check_c_source_compiles("
                #include <sys/pledge.h>
                int main(void) { return pledge(\\"stdio\\", 0) }
                " HAVE_PLEDGE)

            """
        let findings = BuildDetectorFixtures.scan(detector, path: "cmake/sandbox.cmake", old: nil, new: text)
        let probe = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-001" })
        #expect(probe.severity == .high)
    }

    @Test(arguments: [
        "int main(void) { return 0; }",
        "#include <stdio.h>\nint main(int argc, char **argv) { printf(\"%d\\n\", argc); (void)argv; return 0; }",
        "struct s { int a; int b[2]; };\nenum e { A, B = 2 };\nint main(void) { struct s v = { .a = 1, .b = {2, 3} }; if (v.a) { return A; } else return B; }",
        "int f(int x) { switch (x) { case 1: return 2; default: break; } for (;;) { break; } do { x--; } while (x > 0); return x; }\nint main(void) { return f(0); }",
        "#define X(a) ((a) + \\\n 1)\nstatic int t[] = {1, 2}, u = 3;\nint main(void) { return X(t[0]) - 2 + u - 3; }",
        "__attribute__((constructor)) static void init(void) {}\nint main(void) { int x = ({ int y = 1; y; }); return x - 1; }",
        "#include <cpuid.h>\n/* comment with . and ` */\nint main(void) { unsigned a, b, c, d; __get_cpuid(1, &a, &b, &c, &d); return 0; }",
        // tmux's malloc_trim probe: deliberately invalid code in the branch for other platforms.
        "#include <stdlib.h>\n#ifdef __GLIBC__\n#include <malloc.h>\nint main(void) {\n malloc_trim (0);\n exit(0);\n}\n#else\nno\n#endif\n",
        "#if 0\n.\n#else\nint main(void) { return 0; }\n#endif\n",
    ])
    func checkerAcceptsOrdinaryPrograms(_ program: String) {
        #expect(CProbeChecker.check(Array(program.utf8)).isEmpty)
    }

    @Test(arguments: [
        ("#include <stdio.h>\n.\nint main(void) { return 0; }", "stray"),
        ("int main(void) { return 0 }", "semicolon"),
        ("int main(void) { return 0; ", "never closed"),
        ("int main(void) { return (0; }", "closes"),
        ("int main(void) { return 0; } }", "nothing to close"),
        ("int main(void) { return 0; @ }", "not valid C"),
        ("#inclde <stdio.h>\nint main(void) { return 0; }", "unknown preprocessor directive"),
        ("int main(void) { char *s = \"open; return 0; }", "never closed"),
        ("int main(void) { return 0; }\nint x", "middle of a declaration"),
        ("#ifdef __linux__\n#include <linux/landlock.h>\n.\n#endif\nint main(void) { return 0; }", "stray"),
    ])
    func checkerRejectsBrokenPrograms(_ program: String, _ message: String) throws {
        let problem = try #require(CProbeChecker.check(Array(program.utf8)).first)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    // MARK: TLS, signatures, sandbox

    @Test(arguments: [
        ("client.py", "    r = requests.get(url, verify = False, timeout=10)"),
        ("net/client.go", "\ttr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify:\ttrue}}"),
        ("src/fetch.c", "    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);"),
        ("lib/agent.js", "const agent = new https.Agent({ rejectUnauthorized: false });"),
        ("lib/boot.ts", "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';"),
        ("src/Http.php", "curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);"),
        ("lib/api.rb", "http.verify_mode = OpenSSL::SSL::VERIFY_NONE"),
        ("src/main/java/Net.java", "HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true);"),
        ("scripts/fetch.sh", "curl --insecure -o /tmp/x https://example.com/x"),
        // `//usr/bin/curl` is a command in a shell script, and code follows `/**/` in C.
        ("scripts/get.sh", "//usr/bin/curl --insecure -o /tmp/x https://example.com/x"),
        ("src/get.c", "/**/ curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);"),
    ])
    func tlsVerificationTurnedOff(_ path: String, _ line: String) throws {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: "first line\n", new: "first line\n" + line + "\n")
        let finding = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-003" })
        #expect(finding.startLine == 2)
        #expect(finding.severity == .medium)
    }

    @Test(arguments: [
        ("client.py", "    r = requests.get(url, verify=True)"),
        ("net/client.go", "\tcfg := &tls.Config{InsecureSkipVerify: false, MinVersion: tls.VersionTLS12}"),
        ("src/fetch.c", "    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);"),
        ("lib/agent.js", "const agent = new https.Agent({ rejectUnauthorized: true });"),
        ("docs/tls.md", "Never pass verify=False in production."),
        ("src/old.c", "    // curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);"),
        ("src/old.c", "    /* curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L); */"),
    ])
    func tlsLookAlikesStayQuiet(_ path: String, _ line: String) {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: line + "\n")
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func tlsOffInTestsIsLow() throws {
        let findings = BuildDetectorFixtures.scan(detector, path: "tests/test_client.py", old: nil, new: "requests.get(u, verify=False)\n")
        #expect(try #require(findings.first).severity == .low)
    }

    @Test(arguments: [
        ("Dockerfile", "RUN apt-get install -y --allow-unauthenticated curl"),
        ("etc/yum.repos.d/vendor.repo", "gpgcheck=0"),
        ("Dockerfile", "ENV GOSUMDB=off GOFLAGS=-mod=mod"),
        ("ci/setup.sh", "echo 'deb [trusted=yes] http://203.0.113.5/debian stable main' > /etc/apt/sources.list.d/x.list"),
        ("install.sh", "apk add --allow-untrusted /tmp/pkg.apk"),
    ])
    func signatureChecksTurnedOff(_ path: String, _ line: String) {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: line + "\n")
        #expect(findings.contains { $0.ruleID == "CUST-SABOTAGE-004" && $0.severity == .high }, "\(findings)")
    }

    @Test(arguments: [
        (".github/workflows/build.yml", "      - run: ./configure --disable-sandbox"),
        ("CMakeLists.txt", "option(ENABLE_SANDBOX \"Enable the Landlock sandbox\" OFF)"),
        ("main.js", "app.commandLine.appendSwitch('no-sandbox')"),
        ("docker-compose.yml", "    security_opt: [\"seccomp=unconfined\"]"),
        // Looks like a C comment, but `/*/bin/sh` is a path to a shell in a script.
        ("scripts/setup.sh", "/*/bin/sh -c 'setenforce 0' */"),
    ])
    func sandboxTurnedOff(_ path: String, _ line: String) {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: line + "\n")
        #expect(findings.contains { $0.ruleID == "CUST-SABOTAGE-002" }, "\(findings)")
    }

    /// Comments and input descriptions name the options without setting them; a CI job's own
    /// tool options are medium at most.
    @Test func sandboxOptionsInCommentsAndDescriptionsAreQuiet() {
        for (path, line) in [
            ("scripts/generate_matrix.sh", "#   ${12}: docker_security_opts_json (optional, JSON array e.g. '[\"seccomp=unconfined\"]')"),
            (".github/workflows/bench.yml", "        description: \"Arguments to the package command, e.g. `--disable-sandbox`\""),
            ("src/main.c", "/* never pass --disable-sandbox here */"),
        ] {
            let findings = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: line + "\n")
            #expect(!findings.contains { $0.ruleID == "CUST-SABOTAGE-002" }, "\(path): \(findings.map(\.evidence))")
        }
        let ci = BuildDetectorFixtures.scan(detector, path: ".github/workflows/bench.yml", old: nil,
                                            new: "      - run: swift package --disable-sandbox benchmark\n")
        #expect(ci.first { $0.ruleID == "CUST-SABOTAGE-002" }?.severity == .medium)
        // In a C file, a preprocessor line is code, not a comment.
        let c = BuildDetectorFixtures.scan(detector, path: "src/main.c", old: nil, new: "#define FLAGS \"--disable-sandbox\"\n")
        #expect(c.contains { $0.ruleID == "CUST-SABOTAGE-002" })
    }

    @Test func sandboxCallRemovedFromSource() throws {
        let before = """
            #include <unistd.h>
            void sandbox_child(void)
            {
            \tif (pledge("stdio", NULL) == -1)
            \t\tfatal("pledge");
            }

            """
        let after = """
            #include <unistd.h>
            void sandbox_child(void)
            {
            \treturn;
            }

            """
        let findings = BuildDetectorFixtures.scan(detector, path: "sandbox-pledge.c", old: before, new: after)
        let finding = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-002" })
        #expect(finding.evidence.contains("pledge("))
        // Moving the call within the file is quiet.
        let moved = before.replacingOnce("#include <unistd.h>\n", with: "#include <unistd.h>\n#include <stdio.h>\n")
        #expect(BuildDetectorFixtures.scan(detector, path: "sandbox-pledge.c", old: before, new: moved).isEmpty)
        // Moving the call to another file in the same commit (a refactor) is quiet too.
        var blobs = InMemoryBlobSource()
        let emptied = BuildDetectorFixtures.change("sandbox-pledge.c", old: before, new: after, blobs: &blobs)
        let target = BuildDetectorFixtures.change("auth-session.c", old: "#include <unistd.h>\n", new: "#include <unistd.h>\nvoid child(void) {\n\tif (pledge(\"stdio\", NULL) == -1)\n\t\tfatal(\"pledge\");\n}\n", blobs: &blobs)
        let refactor = BuildDetectorFixtures.scan(detector, changes: [emptied, target], blobs: blobs)
        #expect(!refactor.contains { $0.ruleID == "CUST-SABOTAGE-002" }, "\(refactor.map(\.evidence))")
        // Without the new home it is still reported.
        let alone = BuildDetectorFixtures.scan(detector, changes: [emptied], blobs: blobs)
        #expect(alone.contains { $0.ruleID == "CUST-SABOTAGE-002" })
        // A mention in a document, in a comment or in a test is no new home.
        let decoys = [
            BuildDetectorFixtures.change("README.md", old: "# Demo\n", new: "# Demo\nThe child calls pledge(\"stdio\") first.\n", blobs: &blobs),
            BuildDetectorFixtures.change("auth-session.c", old: "#include <unistd.h>\n", new: "#include <unistd.h>\n/* pledge(\"stdio\", NULL) is done elsewhere */\n", blobs: &blobs),
            BuildDetectorFixtures.change("tests/sandbox_test.c", old: "int x;\n", new: "int x;\nvoid t(void) { pledge(\"stdio\", NULL); }\n", blobs: &blobs),
        ]
        for decoy in decoys {
            let hidden = BuildDetectorFixtures.scan(detector, changes: [emptied, decoy], blobs: blobs)
            #expect(hidden.contains { $0.ruleID == "CUST-SABOTAGE-002" }, "\(decoy.path)")
        }
    }

    // MARK: Hardening

    @Test func hardeningFlagsRemovedFromMakefile() throws {
        let before = "CFLAGS += -O2 -Wall -fstack-protector-strong -D_FORTIFY_SOURCE=2\nLDFLAGS += -Wl,-z,relro -Wl,-z,now\n\nall: demo\n"
        let after = "CFLAGS += -O2 -Wall\nLDFLAGS +=\n\nall: demo\n"
        let findings = BuildDetectorFixtures.scan(detector, path: "Makefile", old: before, new: after)
        let finding = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-005" })
        #expect(finding.severity == .high)
        #expect(finding.evidence.contains("stack protector"))
        #expect(finding.evidence.contains("_FORTIFY_SOURCE"))
    }

    @Test func hardeningFlagCountsOfAnEarlierCommitAreRemembered() throws {
        let v1 = "CFLAGS += -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2\nLDFLAGS += -pie -Wl,-z,relro\n\nall: demo\n"
        let v2 = v1 + "\nclean:\n\trm -f demo\n"
        let v3 = "CFLAGS += -O2\nLDFLAGS += -no-pie -Wl,-z,norelro\n\nall: demo\n\nclean:\n\trm -f demo\n"
        let suite = DetectorSuite(detectors: [SecurityCheckSabotageDetector()])
        var blobs = InMemoryBlobSource()
        let edit = BuildDetectorFixtures.change("Makefile", old: v1, new: v2, blobs: &blobs)
        let removal = BuildDetectorFixtures.change("Makefile", old: v2, new: v3, blobs: &blobs)
        #expect(suite.scan(BuildDetectorFixtures.commit([edit], subject: "Add clean"), blobs: blobs).isEmpty)
        // The second commit's old version is no longer readable: its counts come from the first
        // commit, whose new version it was.
        var later = blobs
        later.blobs[try #require(removal.oldBlob)] = nil
        let findings = suite.scan(BuildDetectorFixtures.commit([removal], subject: "Simplify flags"), blobs: later)
        let finding = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-005" && $0.startLine == nil })
        #expect(finding.evidence.contains("stack protector"))
        #expect(finding.evidence.contains("_FORTIFY_SOURCE"))
        // -pie and relro are counted apart from -no-pie and norelro.
        #expect(finding.evidence.contains("(-pie)"))
        #expect(finding.evidence.contains("RELRO"))
        // A fresh suite cannot know the old version and stays quiet about removals.
        let fresh = DetectorSuite(detectors: [SecurityCheckSabotageDetector()])
        let alone = fresh.scan(BuildDetectorFixtures.commit([removal], subject: "Simplify flags"), blobs: later)
        #expect(!alone.contains { $0.ruleID == "CUST-SABOTAGE-005" && $0.startLine == nil })
    }

    @Test func weakeningFlagAddedToCMake() {
        let findings = BuildDetectorFixtures.scan(
            detector, path: "CMakeLists.txt", old: "project(demo C)\n",
            new: "project(demo C)\nset(CMAKE_C_FLAGS \"${CMAKE_C_FLAGS} -fno-stack-protector\")\n")
        #expect(findings.contains { $0.ruleID == "CUST-SABOTAGE-005" && $0.startLine == 2 })
    }

    @Test func ordinaryMakefileEditStaysQuiet() {
        let before = "CFLAGS += -O2 -fstack-protector-strong\n\nall: demo\n\ndemo: main.o util.o\n\t$(CC) $(CFLAGS) -o $@ $^\n"
        let after = before + "\nclean:\n\trm -f demo *.o\n\ninstall: demo\n\tinstall -m 755 demo $(DESTDIR)$(PREFIX)/bin/demo\n"
        #expect(BuildDetectorFixtures.scan(detector, path: "Makefile", old: before, new: after).isEmpty)
    }

    // MARK: Weak crypto

    @Test(arguments: [
        ("src/main/java/Signer.java", "Signature sig = Signature.getInstance(\"SHA1withRSA\");", Severity.medium),
        ("keys/gen.go", "key, err := rsa.GenerateKey(rand.Reader, 1024)", Severity.medium),
        ("app/crypto_util.py", "cipher = AES.new(key, AES.MODE_ECB)", Severity.low),
        ("app/keys.py", "private_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)", Severity.medium),
        ("lib/token.js", "const sig = crypto.createHash('md5').update(payload + secret).digest('hex'); // signature", Severity.medium),
    ])
    func weakCryptography(_ path: String, _ line: String, _ severity: Severity) throws {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: line + "\n")
        let finding = try #require(findings.first { $0.ruleID == "CUST-SABOTAGE-006" })
        #expect(finding.severity == severity)
    }

    @Test func weakCryptoLookAlikesStayQuiet() {
        // Checksums, test vectors and the algorithm's own implementation.
        #expect(BuildDetectorFixtures.scan(detector, path: "cache/key.py", old: nil, new: "digest = hashlib.md5(path.encode()).hexdigest()\n").isEmpty)
        #expect(BuildDetectorFixtures.scan(detector, path: "tests/vectors/test_sign.py", old: nil, new: "h = SHA1withRSA_vector(sign_input)\n").isEmpty)
        #expect(BuildDetectorFixtures.scan(detector, path: "lib/md5.c", old: nil, new: "/* MD5 for NTLM signatures */\n").isEmpty)
    }

    @Test func inlineSuppressionCommentsDoNotSuppress() {
        let line = "r = requests.get(url, verify=False)  # nosec custody:ignore NOLINT\n"
        #expect(!BuildDetectorFixtures.scan(detector, path: "client.py", old: nil, new: line).isEmpty)
    }
}

extension String {
    /// Replaces the first occurrence of `target` (test helper without Foundation).
    func replacingOnce(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
