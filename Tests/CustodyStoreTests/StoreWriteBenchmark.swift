import CustodyCore
import CustodyStore
import Foundation
import Testing

/// Not a test: measures how long storing N commits takes (no timed assertion). Run with
/// `CUSTODY_BENCHMARKS=1 swift test --skip-build --filter StoreWriteBenchmark` (Benchmarks/README.md).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CUSTODY_BENCHMARKS"] != nil))
struct StoreWriteBenchmark {
    @Test func store40000Commits() throws {
        let count = Int(ProcessInfo.processInfo.environment["CUSTODY_BENCHMARK_COMMITS"] ?? "") ?? 40_000
        let folder = try SQLiteAuditStoreTests.TemporaryFolder()
        let store = try SQLiteAuditStore(path: folder.path + "/custody.sqlite")
        let commits = (0..<count).map(SQLiteAuditStoreTests.commit)
        let outcome = SQLiteAuditStoreTests.outcome(commits: commits)
        let clock = ContinuousClock()
        let write = try clock.measure { try store.record(outcome) }
        var loaded = 0
        let load = try clock.measure { loaded = try store.baseline(repository: ["root1", "root2"]).commits.count }
        #expect(loaded == count)
        print("StoreWriteBenchmark: wrote \(count) commits in \(write), loaded them back in \(load)")
    }
}
