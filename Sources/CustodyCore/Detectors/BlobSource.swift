/// Reads the bytes of a blob of the audited repository, bounded, for detectors that look at
/// whole files (opaque-binary, manifests).
///
/// The audit supplies one backed by a single `git cat-file --batch` stream; tests supply a
/// dictionary.
package protocol BlobSource: Sendable {
    /// Returns at most `limit` bytes of the blob, or nil when it is missing or unreadable.
    func read(_ id: ObjectID, limit: Int) -> [UInt8]?
}

/// A blob source over a dictionary, for tests and for callers with no repository.
package struct InMemoryBlobSource: BlobSource {
    package var blobs: [ObjectID: [UInt8]]

    package init(_ blobs: [ObjectID: [UInt8]] = [:]) {
        self.blobs = blobs
    }

    package func read(_ id: ObjectID, limit: Int) -> [UInt8]? {
        blobs[id].map { Array($0.prefix(limit)) }
    }
}
