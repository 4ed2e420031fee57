import GRDB

/// The store's tables, created and upgraded with GRDB's migrator.
///
/// - `repositories`: one row per repository identity (root commit ids joined with `,`).
/// - `runs`: one row per audit, with its counts and the full JSON report.
/// - `commits`: every commit read, keyed by (repository, id): identities, dates, subject,
///   signature kind, trailers (JSON) and per-commit statistics.
/// - `identities`: every raw (name, email) seen, with the person it resolved to when last seen.
/// - `findings`: every finding in full (Codable JSON) with indexed columns for queries.
/// - `problems`: what could not be read, per run.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "repositories") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("identity", .text).notNull().unique()
                t.column("path", .text).notNull()
                t.column("firstSeen", .text).notNull()
                t.column("lastSeen", .text).notNull()
            }
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("repository", inTable: "repositories").notNull()
                t.column("startedAt", .text).notNull()
                t.column("durationSeconds", .double).notNull()
                t.column("toolVersion", .text).notNull()
                t.column("refs", .text).notNull()
                t.column("options", .text).notNull()
                t.column("totalCommits", .integer).notNull()
                t.column("newCommits", .integer).notNull()
                t.column("findings", .integer).notNull()
                t.column("problems", .integer).notNull()
                t.column("report", .text).notNull()
            }
            try db.create(table: "commits", options: .withoutRowID) { t in
                t.column("repositoryId", .integer).notNull().references("repositories", onDelete: .cascade)
                t.column("id", .text).notNull()
                t.column("runId", .integer).notNull()
                t.column("parents", .text).notNull()
                t.column("authorName", .text).notNull()
                t.column("authorEmail", .text).notNull()
                t.column("authorTime", .integer).notNull()
                t.column("authorOffset", .integer).notNull()
                t.column("committerName", .text).notNull()
                t.column("committerEmail", .text).notNull()
                t.column("committerTime", .integer).notNull()
                t.column("committerOffset", .integer).notNull()
                t.column("subject", .text).notNull()
                t.column("signature", .text).notNull()
                t.column("trailers", .text).notNull()
                t.column("filesChanged", .integer).notNull()
                t.column("filesAdded", .integer).notNull()
                t.column("filesDeleted", .integer).notNull()
                t.column("filesRenamed", .integer).notNull()
                t.column("binaryFiles", .integer).notNull()
                t.column("linesAdded", .integer).notNull()
                t.column("bytesAdded", .integer).notNull()
                t.primaryKey(["repositoryId", "id"])
            }
            try db.create(table: "identities", options: .withoutRowID) { t in
                t.column("repositoryId", .integer).notNull().references("repositories", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("email", .text).notNull()
                t.column("personId", .text)
                t.column("method", .text).notNull()
                t.column("firstRunId", .integer).notNull()
                t.column("lastRunId", .integer).notNull()
                t.primaryKey(["repositoryId", "name", "email"])
            }
            try db.create(table: "findings") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("repositoryId", .integer).notNull().references("repositories", onDelete: .cascade)
                t.column("runId", .integer).notNull()
                t.column("commitId", .text).notNull()
                t.column("ruleId", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("path", .text)
                t.column("startLine", .integer)
                t.column("fingerprint", .text).notNull()
                t.column("finding", .text).notNull()
            }
            try db.create(index: "findingsByRepository", on: "findings", columns: ["repositoryId", "commitId"])
            try db.create(index: "findingsByFingerprint", on: "findings", columns: ["fingerprint"])
            try db.create(table: "problems") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("repositoryId", .integer).notNull().references("repositories", onDelete: .cascade)
                t.column("runId", .integer).notNull()
                t.column("commitId", .text)
                t.column("path", .text)
                t.column("object", .text)
                t.column("reason", .text).notNull()
            }
            try db.create(index: "problemsByRepository", on: "problems", columns: ["repositoryId", "commitId"])
        }
        return migrator
    }
}
