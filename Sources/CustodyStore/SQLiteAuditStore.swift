import CustodyCore
import Foundation
import GRDB
import Synchronization

/// The default ``AuditStore``: one SQLite file (`custody.sqlite`) in the workspace, via GRDB.
///
/// Writes go in one transaction per run through cached prepared statements, so tens of
/// thousands of commits store in well under a second or two.
///
/// ```swift
/// let store = try SQLiteAuditStore(path: workspace.databasePath)
/// let outcome = try auditor.run(repository, baseline: { try store.baseline(repository: $0) })
/// try store.record(outcome)
/// ```
package final class SQLiteAuditStore: AuditStore {
    private let queue: DatabaseQueue

    /// Opens (creating and migrating as needed) the store at `path`; `":memory:"` for a
    /// throwaway in-memory store.
    ///
    /// - Throws: ``CustodyError`` (`.io`) when the file cannot be opened or upgraded.
    package init(path: String) throws {
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.label = "custody-store"
            configuration.prepareDatabase { db in
                if db.configuration.readonly == false {
                    try? db.execute(sql: "PRAGMA journal_mode = WAL")
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
            }
            queue =
                path == ":memory:"
                ? try DatabaseQueue(configuration: configuration)
                : try DatabaseQueue(path: path, configuration: configuration)
            try StoreSchema.migrator.migrate(queue)
        } catch let error as CustodyError {
            throw error
        } catch {
            throw CustodyError(.io, "cannot open the store at \(path): \(Self.describe(error))")
        }
    }

    package func seenCommitIDs(repository rootCommits: [String]) throws -> Set<String> {
        try wrap {
            try queue.read { db in
                guard let repositoryID = try Self.repositoryID(db, rootCommits) else { return [] }
                var ids = Set<String>()
                let cursor = try String.fetchCursor(
                    db,
                    sql: "SELECT id FROM commits WHERE repositoryId = ?",
                    arguments: [repositoryID]
                )
                while let id = try cursor.next() { ids.insert(id) }
                return ids
            }
        }
    }

    package func baseline(repository rootCommits: [String]) throws -> AuditBaseline {
        try wrap {
            try queue.read { db in
                guard let repositoryID = try Self.repositoryID(db, rootCommits) else { return .empty }
                var baseline = AuditBaseline()
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT id, parents, authorName, authorEmail, authorTime, authorOffset, committerName,
                               committerEmail, committerTime, committerOffset, subject, signature, trailers,
                               filesChanged, filesAdded, filesDeleted, filesRenamed, binaryFiles, linesAdded, bytesAdded
                        FROM commits WHERE repositoryId = ?
                        """,
                    arguments: [repositoryID]
                )
                while let row = try rows.next() {
                    let commit = try Self.commit(from: row)
                    baseline.commits[commit.id] = commit
                }
                let decoder = JSONDecoder()
                let findings = try String.fetchCursor(
                    db,
                    sql: "SELECT finding FROM findings WHERE repositoryId = ? ORDER BY id",
                    arguments: [repositoryID]
                )
                while let json = try findings.next() {
                    baseline.findings.append(try decoder.decode(Finding.self, from: Data(json.utf8)))
                }
                let problems = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT DISTINCT commitId, path, object, reason FROM problems
                        WHERE repositoryId = ? AND commitId IS NOT NULL ORDER BY id
                        """,
                    arguments: [repositoryID]
                )
                while let row = try problems.next() {
                    baseline.problems.append(
                        ReadProblem(
                            commit: row["commitId"],
                            path: row["path"],
                            object: row["object"],
                            reason: row["reason"]
                        )
                    )
                }
                return baseline
            }
        }
    }

    /// Stores a run: its report (`reportJSON`, ``JSONReport/render(_:)`` of it, rendered here
    /// when not given), the commits and findings it read, and the identities it saw.
    @discardableResult
    package func record(_ outcome: AuditOutcome, reportJSON rendered: [UInt8]? = nil) throws -> Int64 {
        let pending = beginRecord(
            rootCommits: outcome.rootCommits,
            path: outcome.report.repository.path,
            startedAt: outcome.report.startedAt,
            newCommits: outcome.newCommits
        )
        pending.complete(outcome, reportJSON: rendered)
        return try pending.wait()
    }

    /// Starts storing a run whose commits are read while the rest of the audit is still being put
    /// together (its report passes, the JSON): on a thread of its own, one transaction inserts
    /// the repository, a run row and the commits, then waits for ``PendingRecord/complete(_:reportJSON:)``
    /// to fill in the run and add its identities, findings and problems, and commits. Nothing is
    /// visible before that; ``PendingRecord/cancel()`` (or an error) rolls all of it back.
    ///
    /// `newCommits` must be the outcome's ``AuditOutcome/newCommits``. The store must not be used
    /// otherwise until the record is waited for (its one connection is taken).
    package func beginRecord(
        rootCommits: [String],
        path: String,
        startedAt: String,
        newCommits: [AuditedCommit]
    ) -> PendingRecord {
        let pending = PendingRecord()
        let queue = self.queue
        DispatchQueue.global().async {
            let result = Result {
                try Self.wrap {
                    try queue.write { db in
                        let (repositoryID, runID) = try Self.insertRun(
                            db,
                            rootCommits: rootCommits,
                            path: path,
                            startedAt: startedAt
                        )
                        try Self.insertCommits(db, newCommits, repositoryID: repositoryID, runID: runID)
                        guard let (outcome, rendered) = pending.awaitCompletion() else {
                            throw CustodyError(.io, "the audit stopped before its run was stored")
                        }
                        try Self.finishRun(db, outcome, reportJSON: rendered, repositoryID: repositoryID, runID: runID)
                        return runID
                    }
                }
            }
            pending.finish(result)
        }
        return pending
    }

    /// The repository's row (added or updated) and a new run row whose summary
    /// ``finishRun(_:_:reportJSON:repositoryID:runID:)`` fills in.
    private static func insertRun(
        _ db: Database,
        rootCommits: [String],
        path: String,
        startedAt: String
    ) throws -> (repositoryID: Int64, runID: Int64) {
        let identity = rootCommits.sorted().joined(separator: ",")
        try db.execute(
            sql: """
                INSERT INTO repositories (identity, path, firstSeen, lastSeen) VALUES (?, ?, ?, ?)
                ON CONFLICT(identity) DO UPDATE SET path = excluded.path, lastSeen = excluded.lastSeen
                """,
            arguments: [identity, path, startedAt, startedAt]
        )
        guard let repositoryID = try repositoryID(db, rootCommits) else {
            throw CustodyError(.io, "the store lost the repository row")
        }
        try db.execute(
            sql: """
                INSERT INTO runs (repositoryId, startedAt, durationSeconds, toolVersion, refs, options,
                                  totalCommits, newCommits, findings, problems, report)
                VALUES (?, ?, 0, '', '[]', '{}', 0, 0, 0, 0, '')
                """,
            arguments: [repositoryID, startedAt]
        )
        return (repositoryID, db.lastInsertedRowID)
    }

    private static func insertCommits(
        _ db: Database,
        _ commits: [AuditedCommit],
        repositoryID: Int64,
        runID: Int64
    ) throws {
        let insertCommit = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO commits (repositoryId, id, runId, parents, authorName, authorEmail,
                    authorTime, authorOffset, committerName, committerEmail, committerTime, committerOffset,
                    subject, signature, trailers, filesChanged, filesAdded, filesDeleted, filesRenamed,
                    binaryFiles, linesAdded, bytesAdded)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for commit in commits {
            insertCommit.setUncheckedArguments([
                repositoryID, commit.id, runID, commit.parents.joined(separator: " "), commit.authorName,
                commit.authorEmail, commit.authorTime, commit.authorOffsetMinutes, commit.committerName,
                commit.committerEmail, commit.committerTime, commit.committerOffsetMinutes, commit.subject,
                commit.signature.rawValue, TrailerJSON.encode(commit.trailers), commit.stats.filesChanged,
                commit.stats.filesAdded, commit.stats.filesDeleted, commit.stats.filesRenamed,
                commit.stats.binaryFiles, commit.stats.linesAdded, commit.stats.bytesAdded,
            ])
            try insertCommit.execute()
        }
    }

    /// The run's summary and report, and its identities, findings and problems.
    private static func finishRun(
        _ db: Database,
        _ outcome: AuditOutcome,
        reportJSON rendered: [UInt8]?,
        repositoryID: Int64,
        runID: Int64
    ) throws {
        let report = outcome.report
        let reportJSON = String(decoding: try rendered ?? JSONReport.render(report), as: UTF8.self)
        let encoder = JSONReport.encoder()
        encoder.outputFormatting = [.sortedKeys]
        let refsJSON = String(decoding: try encoder.encode(report.refs), as: UTF8.self)
        let optionsJSON = String(decoding: try encoder.encode(report.options), as: UTF8.self)
        try db.execute(
            sql: """
                UPDATE runs SET durationSeconds = ?, toolVersion = ?, refs = ?, options = ?, totalCommits = ?,
                                newCommits = ?, findings = ?, problems = ?, report = ?
                WHERE id = ?
                """,
            arguments: [
                report.durationSeconds, report.tool.version, refsJSON, optionsJSON, report.counts.commits,
                report.counts.newCommits, report.counts.findings, report.counts.problems, reportJSON, runID,
            ]
        )

        let upsertIdentity = try db.cachedStatement(
            sql: """
                INSERT INTO identities (repositoryId, name, email, personId, method, firstRunId, lastRunId)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(repositoryId, name, email) DO UPDATE SET
                    personId = excluded.personId, method = excluded.method, lastRunId = excluded.lastRunId
                """
        )
        for contributor in report.contributors {
            for use in contributor.identities {
                try upsertIdentity.execute(arguments: [
                    repositoryID, use.name, use.email, contributor.id, use.method.rawValue, runID, runID,
                ])
            }
        }
        for unknown in report.unknownIdentities {
            try upsertIdentity.execute(arguments: [
                repositoryID, unknown.name, unknown.email, nil, ResolutionMethod.unknown.rawValue, runID, runID,
            ])
        }

        let insertFinding = try db.cachedStatement(
            sql: """
                INSERT INTO findings (repositoryId, runId, commitId, ruleId, severity, path, startLine,
                                      fingerprint, finding)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for finding in outcome.newFindings {
            try insertFinding.execute(arguments: [
                repositoryID, runID, finding.commit, finding.ruleID, finding.severity.rawValue, finding.path,
                finding.startLine, finding.fingerprint, String(decoding: try encoder.encode(finding), as: UTF8.self),
            ])
        }

        let insertProblem = try db.cachedStatement(
            sql: """
                INSERT INTO problems (repositoryId, runId, commitId, path, object, reason)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        )
        for problem in outcome.newProblems {
            try insertProblem.execute(arguments: [
                repositoryID, runID, problem.commit, problem.path, problem.object, problem.reason,
            ])
        }
    }

    package func runs(repository rootCommits: [String]) throws -> [StoredRun] {
        try wrap {
            try queue.read { db in
                guard let repositoryID = try Self.repositoryID(db, rootCommits) else { return [] }
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, startedAt, durationSeconds, toolVersion, totalCommits, newCommits, findings,
                               problems, report
                        FROM runs WHERE repositoryId = ? ORDER BY id DESC
                        """,
                    arguments: [repositoryID]
                ).map { row in
                    StoredRun(
                        id: row["id"],
                        startedAt: row["startedAt"],
                        durationSeconds: row["durationSeconds"],
                        toolVersion: row["toolVersion"],
                        totalCommits: row["totalCommits"],
                        newCommits: row["newCommits"],
                        findings: row["findings"],
                        problems: row["problems"],
                        reportJSON: row["report"]
                    )
                }
            }
        }
    }

    private static func repositoryID(_ db: Database, _ rootCommits: [String]) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT id FROM repositories WHERE identity = ?",
            arguments: [rootCommits.sorted().joined(separator: ",")]
        )
    }

    /// Reads a row of the baseline query by column position (faster than by name).
    private static func commit(from row: Row) throws -> AuditedCommit {
        let parents: String = row[1]
        let trailers: String = row[12]
        let signature: String = row[11]
        return AuditedCommit(
            id: row[0],
            parents: parents.isEmpty ? [] : parents.split(separator: " ").map(String.init),
            authorName: row[2],
            authorEmail: row[3],
            authorTime: row[4],
            authorOffsetMinutes: row[5],
            committerName: row[6],
            committerEmail: row[7],
            committerTime: row[8],
            committerOffsetMinutes: row[9],
            subject: row[10],
            signature: CommitSignatureKind(rawValue: signature) ?? .unknown,
            trailers: try TrailerJSON.decode(trailers),
            stats: AuditedCommit.Stats(
                filesChanged: row[13],
                filesAdded: row[14],
                filesDeleted: row[15],
                filesRenamed: row[16],
                binaryFiles: row[17],
                linesAdded: row[18],
                bytesAdded: row[19]
            )
        )
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T { try Self.wrap(body) }

    private static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CustodyError {
            throw error
        } catch {
            throw CustodyError(.io, "the store failed: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// Trailers as a compact JSON array of `[key, value]` pairs, encoded by hand (hot path).
enum TrailerJSON {
    static func encode(_ trailers: [AuditedCommit.TrailerRecord]) -> String {
        if trailers.isEmpty { return "[]" }
        var out = "["
        for (index, trailer) in trailers.enumerated() {
            if index > 0 { out += "," }
            out += "[" + quote(trailer.key) + "," + quote(trailer.value) + "]"
        }
        return out + "]"
    }

    static func decode(_ json: String) throws -> [AuditedCommit.TrailerRecord] {
        if json == "[]" || json.isEmpty { return [] }
        if let fast = decodeOwnFormat(Array(json.utf8)) { return fast }
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(json.utf8))
        return pairs.compactMap { $0.count == 2 ? AuditedCommit.TrailerRecord(key: $0[0], value: $0[1]) : nil }
    }

    /// Parses exactly what ``encode(_:)`` writes; nil for anything else (then JSONDecoder reads it).
    static func decodeOwnFormat(_ b: [UInt8]) -> [AuditedCommit.TrailerRecord]? {
        var i = 0
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        func string() -> String? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            var out: [UInt8] = []
            while i < b.count {
                let c = b[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    continue
                }
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "u"):
                    guard i + 4 <= b.count, let v = UInt8(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16),
                        v < 0x20
                    else { return nil }
                    out.append(v)
                    i += 4
                default: return nil
                }
            }
            return nil
        }
        var result: [AuditedCommit.TrailerRecord] = []
        guard expect(UInt8(ascii: "[")) else { return nil }
        while true {
            guard expect(UInt8(ascii: "[")), let key = string(), expect(UInt8(ascii: ",")), let value = string(),
                expect(UInt8(ascii: "]"))
            else { return nil }
            result.append(AuditedCommit.TrailerRecord(key: key, value: value))
            if expect(UInt8(ascii: "]")) { return i == b.count ? result : nil }
            guard expect(UInt8(ascii: ",")) else { return nil }
        }
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// A run being stored (``SQLiteAuditStore/beginRecord(rootCommits:path:startedAt:newCommits:)``):
/// its transaction waits for the finished audit, or for ``cancel()``.
package final class PendingRecord: Sendable {
    private enum Input {
        case waiting
        case completed(AuditOutcome, [UInt8]?)
        case cancelled
    }

    private let input = Mutex(Input.waiting)
    private let inputReady = DispatchSemaphore(value: 0)
    private let result = Mutex<Result<Int64, any Error>?>(nil)
    private let stored = DispatchGroup()

    init() { stored.enter() }

    /// Hands the finished audit (and its rendered JSON report, or nil to render it) to the write.
    package func complete(_ outcome: AuditOutcome, reportJSON: [UInt8]?) {
        hand(.completed(outcome, reportJSON))
    }

    /// Rolls the run back: nothing of it is stored. Does nothing once completed.
    package func cancel() { hand(.cancelled) }

    /// Waits for the write and returns the run's id, or throws its error (``CustodyError`` `.io`,
    /// also after ``cancel()``).
    package func wait() throws -> Int64 {
        stored.wait()
        return try result.withLock { $0! }.get()
    }

    private func hand(_ value: Input) {
        let first = input.withLock { state in
            guard case .waiting = state else { return false }
            state = value
            return true
        }
        if first { inputReady.signal() }
    }

    /// The audit, or nil when the run was cancelled (on the writing thread).
    fileprivate func awaitCompletion() -> (AuditOutcome, [UInt8]?)? {
        inputReady.wait()
        return input.withLock { state in
            if case .completed(let outcome, let json) = state { return (outcome, json) }
            return nil
        }
    }

    fileprivate func finish(_ outcome: Result<Int64, any Error>) {
        result.withLock { $0 = outcome }
        stored.leave()
    }
}
