import Synchronization

/// What a detector worked out from a whole blob, kept by object id: the next commit on the same
/// path has this commit's new blob as its old one, so it need neither read nor scan it again.
///
/// The value must depend on the blob's content alone. Bounded: two generations of at most
/// `capacity` entries; when the newer one fills, the older one is dropped (an entry found in the
/// older one moves to the newer one), so recently used blobs stay. Thread-safe.
final class BlobMemo<Value: Sendable>: Sendable {
    private struct Generations {
        var current: [ObjectID: Value] = [:]
        var previous: [ObjectID: Value] = [:]
    }

    private let state = Mutex(Generations())
    private let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// The value remembered for the blob, if any.
    func value(for id: ObjectID) -> Value? {
        state.withLock { state in
            if let value = state.current[id] { return value }
            guard let value = state.previous[id] else { return nil }
            Self.insert(value, for: id, into: &state, capacity: capacity)
            return value
        }
    }

    /// Remembers the value for the blob.
    func store(_ value: Value, for id: ObjectID) {
        state.withLock { Self.insert(value, for: id, into: &$0, capacity: capacity) }
    }

    /// The remembered value, or `make()` remembered; nil results are not kept.
    func value(for id: ObjectID, make: () -> Value?) -> Value? {
        if let value = value(for: id) { return value }
        guard let value = make() else { return nil }
        store(value, for: id)
        return value
    }

    private static func insert(_ value: Value, for id: ObjectID, into state: inout Generations, capacity: Int) {
        if state.current.count >= capacity, state.current[id] == nil {
            state.previous = state.current
            state.current = [:]
        }
        state.current[id] = value
    }
}

/// The blob memos of one detector suite, shared by the contexts of every commit it scans.
final class DetectorMemos: Sendable {
    /// Protective compiler flags counted in a build file (see ``SecurityCheckSabotageDetector``).
    let hardeningCounts = BlobMemo<[Int32]>()

    init() {}
}
