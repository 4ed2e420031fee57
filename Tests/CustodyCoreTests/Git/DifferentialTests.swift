import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// The reader against ``ReferenceReader`` (one `git show` per commit and field).
struct DifferentialTests {
    func compare(_ repo: GitRepository, _ options: HistoryOptions, skipping problems: Set<String> = []) throws -> Int {
        let (commits, summary) = try readAll(repo, options)
        // The reference's re-merges freshen the repository's object files: their times go back.
        let times = ObjectFileTimes.take([repo.gitDirectory + "/objects"])
        defer { times.restore() }
        var compared = 0
        for commit in commits where !problems.contains(commit.id.description) {
            if summary.problems.contains(where: { $0.commit == commit.id.description }) { continue }
            guard let expected = try? ReferenceReader.commit(gitDirectory: repo.gitDirectory, id: commit.id.description)
            else { continue }
            compared += 1
            #expect(commit.parents == expected.parents, "\(commit.id)")
            #expect(commit.author == expected.author, "\(commit.id)")
            #expect(commit.committer == expected.committer, "\(commit.id)")
            #expect(commit.subject == expected.subject, "\(commit.id)")
            #expect(commit.body == expected.body, "\(commit.id)")
            #expect(commit.trailers == expected.trailers, "\(commit.id)")
            #expect(commit.signature == expected.signature, "\(commit.id)")
            #expect(commit.changes.count == expected.changes.count, "\(commit.id)")
            for (mine, theirs) in zip(commit.changes, expected.changes) {
                #expect(mine.kind == theirs.kind, "\(commit.id) \(theirs.path)")
                #expect(mine.oldPath == theirs.oldPath, "\(commit.id) \(theirs.path)")
                #expect(mine.newPath == theirs.newPath, "\(commit.id) \(theirs.path)")
                #expect(mine.oldBlob == theirs.oldBlob || commit.isMerge, "\(commit.id) \(theirs.path)")
                #expect(mine.newBlob == theirs.newBlob, "\(commit.id) \(theirs.path)")
                #expect(mine.oldMode == theirs.oldMode && mine.newMode == theirs.newMode, "\(commit.id) \(theirs.path)")
                #expect(mine.isBinary == theirs.isBinary, "\(commit.id) \(theirs.path)")
                #expect(mine.addedLines == theirs.addedLines, "\(commit.id) \(theirs.path)")
            }
        }
        return compared
    }

    @Test func generatedHistoryMatchesTheReference() throws {
        let generated = try GeneratedHistory.make(commits: 240)
        let repo = try GitRepository(path: generated.path)
        let ids = try repo.commitIDs(HistoryOptions())
        #expect(ids.count >= 240)
        let compared = try compare(repo, HistoryOptions(jobs: 3))
        #expect(compared == ids.count)

        // Same answer for any number of jobs, field by field.
        let (one, s1) = try readAll(repo, HistoryOptions(jobs: 1))
        let (four, s4) = try readAll(repo, HistoryOptions(jobs: 4))
        #expect(one == four)
        #expect(s1.problems.isEmpty && s4.problems.isEmpty && s1.commitCount == s4.commitCount)
        #expect(one.contains { $0.isMerge && $0.changes.contains { lineTexts($0).contains { $0.hasPrefix("evil merge line") } } })
    }

    /// A real repository's history, when one is on this machine (skipped otherwise).
    @Test func realRepositoryMatchesTheReference() throws {
        let candidates = [
            ProcessInfo.processInfo.environment["CUSTODY_REFERENCE_REPO"],
            "/work/.mirror/jqlang+jq/repo",
            "/opt/swift-packages/apple/swift-argument-parser.git",
            packageRoot().path,
        ].compactMap { $0 }
        guard let path = candidates.first(where: { (try? GitRepository(path: $0)) != nil }) else { return }
        let repo = try GitRepository(path: path)
        let all = try repo.commitIDs(HistoryOptions())
        guard let tip = try repo.refs(.branchesAndTags).first?.tip else { return }
        let options: HistoryOptions
        if all.count > 150, (try? repo.commitIDs(HistoryOptions(refs: .range("\(tip)~120..\(tip)")))) != nil {
            options = HistoryOptions(refs: .range("\(tip)~120..\(tip)"), jobs: 2)
        } else {
            options = HistoryOptions(jobs: 2)
        }
        let compared = try compare(repo, options)
        #expect(compared > 0)
    }
}
