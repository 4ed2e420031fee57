// TEMPORARY: the git reader contract from GIT_API.md, so this branch compiles until wt-git lands.
// Deleted on the first merge of wt-git (the real types live in Sources/CustodyCore/Git/).

package enum RefSelection: Hashable, Sendable {
    case branchesAndTags
    case allRefs
    case range(String)
}

package struct HistoryOptions: Sendable {
    package var refs: RefSelection
    package var jobs: Int
    package var excluding: Set<ObjectID>
    package init(refs: RefSelection = .branchesAndTags, jobs: Int? = nil, excluding: Set<ObjectID> = []) {
        self.refs = refs
        self.jobs = jobs ?? 2
        self.excluding = excluding
    }
}

package struct RefTip: Hashable, Sendable, Codable {
    package var name: String
    package var tip: String
}

package struct HistorySummary: Sendable {
    package var refs: [RefTip]
    package var commitCount: Int
    package var problems: [ReadProblem]
}

package struct GitRepository: Sendable {
    package init(path: String) throws { throw CustodyError(.gitUnavailable, "git reader not merged yet") }
    package var path: String { "" }
    package var gitDirectory: String { "" }
    package func rootCommits() throws -> [ObjectID] { [] }
    package func refs(_ selection: RefSelection) throws -> [RefTip] { [] }
    package func commitIDs(_ options: HistoryOptions) throws -> [ObjectID] { [] }
    package func readHistory(
        _ options: HistoryOptions,
        consumer: @escaping @Sendable (_ index: Int, _ commit: Commit) -> Void
    ) throws -> HistorySummary { HistorySummary(refs: [], commitCount: 0, problems: []) }
    package func blobReader() throws -> GitBlobReader { GitBlobReader() }
}

package final class GitBlobReader: BlobSource {
    package func read(_ id: ObjectID, limit: Int) -> [UInt8]? { nil }
    package func readObject(_ id: ObjectID, limit: Int) -> (type: String, bytes: [UInt8])? { nil }
    package func close() {}
}
