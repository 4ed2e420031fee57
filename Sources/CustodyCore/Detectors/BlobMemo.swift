import Synchronization

/// What a detector worked out from a whole blob, kept by object id: the next commit on the same
/// path has this commit's new blob as its old one, so it need neither read nor scan it again.
/// The value must depend on the blob's content alone.
typealias BlobMemo<Value: Sendable> = BoundedMemo<ObjectID, Value>

/// Values worked out from a key alone, remembered. Bounded: two generations of at most
/// `capacity` entries; when the newer one fills, the older one is dropped (an entry found in the
/// older one moves to the newer one), so recently used keys stay. Thread-safe.
final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]
    }

    private let state = Mutex(Generations())
    private let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// The value remembered for the key, if any.
    func value(for id: Key) -> Value? {
        state.withLock { state in
            if let value = state.current[id] { return value }
            guard let value = state.previous[id] else { return nil }
            Self.insert(value, for: id, into: &state, capacity: capacity)
            return value
        }
    }

    /// Remembers the value for the key.
    func store(_ value: Value, for id: Key) {
        state.withLock { Self.insert(value, for: id, into: &$0, capacity: capacity) }
    }

    /// The remembered value, or `make()` remembered; nil results are not kept.
    func value(for id: Key, make: () -> Value?) -> Value? {
        if let value = value(for: id) { return value }
        guard let value = make() else { return nil }
        store(value, for: id)
        return value
    }

    private static func insert(_ value: Value, for id: Key, into state: inout Generations, capacity: Int) {
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
    /// The command explainer's reading of shell lines (``DetectionContext/explain(_:)``).
    let explanations = BoundedMemo<String, CommandExplanation>(capacity: 4096)

    init() {}
}

extension DetectionContext {
    /// The command explainer's reading of a shell line, remembered for the suite's later files
    /// and commits: generated build files repeat their lines (configure, libtool), and two
    /// detectors ask about many of the same ones. The explanation depends on the text alone.
    func explain(_ line: String) -> CommandExplanation {
        if let known = memos.explanations.value(for: line) { return known }
        let made = explainer.explain(line)
        memos.explanations.store(made, for: line)
        return made
    }
}
