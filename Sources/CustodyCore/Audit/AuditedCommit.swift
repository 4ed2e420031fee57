/// What the audit keeps of one commit once it has been read: identities, dates, subject,
/// signature kind, trailers and per-commit statistics (not the diff).
///
/// The store persists these so a later audit reads only new commits and still reports on the
/// whole history. Strings come from the audited repository and are hostile.
package struct AuditedCommit: Hashable, Sendable, Codable {
    package struct Stats: Hashable, Sendable, Codable {
        package var filesChanged: Int
        package var filesAdded: Int
        package var filesDeleted: Int
        package var filesRenamed: Int
        package var binaryFiles: Int
        package var linesAdded: Int
        package var bytesAdded: Int

        package init(
            filesChanged: Int = 0,
            filesAdded: Int = 0,
            filesDeleted: Int = 0,
            filesRenamed: Int = 0,
            binaryFiles: Int = 0,
            linesAdded: Int = 0,
            bytesAdded: Int = 0
        ) {
            self.filesChanged = filesChanged
            self.filesAdded = filesAdded
            self.filesDeleted = filesDeleted
            self.filesRenamed = filesRenamed
            self.binaryFiles = binaryFiles
            self.linesAdded = linesAdded
            self.bytesAdded = bytesAdded
        }
    }

    /// A trailer as stored (`Reviewed-by`, value).
    package struct TrailerRecord: Hashable, Sendable, Codable {
        package var key: String
        package var value: String

        package init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Hex object id.
    package var id: String
    package var parents: [String]
    package var authorName: String
    package var authorEmail: String
    package var authorTime: Int64
    package var authorOffsetMinutes: Int
    package var committerName: String
    package var committerEmail: String
    package var committerTime: Int64
    package var committerOffsetMinutes: Int
    package var subject: String
    package var signature: CommitSignatureKind
    package var trailers: [TrailerRecord]
    package var stats: Stats

    package init(
        id: String,
        parents: [String] = [],
        authorName: String,
        authorEmail: String,
        authorTime: Int64,
        authorOffsetMinutes: Int = 0,
        committerName: String,
        committerEmail: String,
        committerTime: Int64,
        committerOffsetMinutes: Int = 0,
        subject: String,
        signature: CommitSignatureKind = .none,
        trailers: [TrailerRecord] = [],
        stats: Stats = Stats()
    ) {
        self.id = id
        self.parents = parents
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authorTime = authorTime
        self.authorOffsetMinutes = authorOffsetMinutes
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.committerTime = committerTime
        self.committerOffsetMinutes = committerOffsetMinutes
        self.subject = subject
        self.signature = signature
        self.trailers = trailers
        self.stats = stats
    }

    /// The record of a commit just read.
    package init(_ commit: Commit) {
        var stats = Stats(filesChanged: commit.changes.count)
        for change in commit.changes {
            switch change.kind {
            case .add: stats.filesAdded += 1
            case .delete: stats.filesDeleted += 1
            case .rename: stats.filesRenamed += 1
            default: break
            }
            if change.isBinary { stats.binaryFiles += 1 }
            stats.linesAdded += change.addedLines.count
            stats.bytesAdded += change.addedLines.byteCount
        }
        self.init(
            id: commit.id.description,
            parents: commit.parents.map(\.description),
            authorName: commit.author.name,
            authorEmail: commit.author.email,
            authorTime: commit.author.time,
            authorOffsetMinutes: commit.author.utcOffsetMinutes,
            committerName: commit.committer.name,
            committerEmail: commit.committer.email,
            committerTime: commit.committer.time,
            committerOffsetMinutes: commit.committer.utcOffsetMinutes,
            subject: commit.subject,
            signature: commit.signature,
            trailers: commit.trailers.map { TrailerRecord(key: $0.key, value: $0.value) },
            stats: stats
        )
    }

    package var isMerge: Bool { parents.count > 1 }
}
