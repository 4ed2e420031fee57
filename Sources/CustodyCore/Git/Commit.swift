/// A name, email and time as git records them for an author or a committer.
///
/// Name and email come from the audited repository and are hostile: they are decoded with
/// replacement of invalid UTF-8 and must be neutralized before they reach a terminal or HTML.
package struct GitPersonStamp: Hashable, Sendable {
    package var name: String
    package var email: String
    /// Seconds since the Unix epoch.
    package var time: Int64
    /// Offset from UTC in minutes (for example +0530 is 330, -0800 is -480).
    package var utcOffsetMinutes: Int

    package init(name: String, email: String, time: Int64, utcOffsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.utcOffsetMinutes = utcOffsetMinutes
    }
}

/// One trailer line of a commit message, such as `Reviewed-by: Jane <jane@example>`.
package struct Trailer: Hashable, Sendable {
    package var key: String
    package var value: String

    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The kind of signature a commit object carries, read from its `gpgsig` header.
package enum CommitSignatureKind: String, Hashable, Sendable, Codable {
    case none
    case gpg
    case ssh
    case x509
    case unknown
}

/// One commit of the audited history, with the files it changed.
package struct Commit: Hashable, Sendable {
    package var id: ObjectID
    package var parents: [ObjectID]
    package var author: GitPersonStamp
    package var committer: GitPersonStamp
    package var subject: String
    /// The message body after the subject (without trailers removed).
    package var body: String
    package var trailers: [Trailer]
    package var signature: CommitSignatureKind
    package var changes: [FileChange]

    package init(
        id: ObjectID,
        parents: [ObjectID],
        author: GitPersonStamp,
        committer: GitPersonStamp,
        subject: String,
        body: String = "",
        trailers: [Trailer] = [],
        signature: CommitSignatureKind = .none,
        changes: [FileChange] = []
    ) {
        self.id = id
        self.parents = parents
        self.author = author
        self.committer = committer
        self.subject = subject
        self.body = body
        self.trailers = trailers
        self.signature = signature
        self.changes = changes
    }

    package var isMerge: Bool { parents.count > 1 }
}
