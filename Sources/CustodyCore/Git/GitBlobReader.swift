import Synchronization

/// Reads objects of the audited repository through one long-lived `git cat-file --batch`
/// process; a ``BlobSource`` for detectors that look at whole files.
///
/// Thread-safe: up to ``slotCount`` cat-file processes (started when first needed) serve
/// concurrent readers, one request per process at a time, so detectors on several reader threads
/// do not queue behind one process. Reads are bounded: at most
/// `limit` bytes are kept, the rest of the object is read and dropped. A missing object gives
/// nil. If the process dies it is restarted on the next request; after ``close()`` every read
/// gives nil.
///
/// ```swift
/// let blobs = try repo.blobReader()
/// defer { blobs.close() }
/// let head = blobs.read(change.newBlob!, limit: 64 * 1024)
/// ```
package final class GitBlobReader: BlobSource {
    private struct State {
        var process: RunningGit?
        /// Read buffer: bytes `start..<end` are still to be consumed.
        var buffer: [UInt8] = []
        var start = 0
        var end = 0
        var closed = false
    }

    private let git: GitProcess
    private final class Slot: Sendable {
        let state = Mutex(State())
    }

    private let slots: [Slot]
    private let nextSlot = Mutex(0)

    /// Processes kept at most: one per core, at most 4.
    static var slotCount: Int { min(4, max(1, HistoryOptions.defaultJobs)) }

    init(git: GitProcess) throws {
        self.git = git
        self.slots = (0..<Self.slotCount).map { _ in Slot() }
        let process = try git.start(["cat-file", "--batch"])
        slots[0].state.withLock { $0.process = process }
    }

    deinit { close() }

    /// At most `limit` bytes of the blob, or nil when it is missing or not a blob.
    package func read(_ id: ObjectID, limit: Int) -> [UInt8]? {
        guard let object = readObject(id, limit: limit), object.type == "blob" else { return nil }
        return object.bytes
    }

    /// The raw object (type and at most `limit` bytes), e.g. a commit for signature checks.
    package func readObject(_ id: ObjectID, limit: Int) -> (type: String, bytes: [UInt8])? {
        // A free slot if there is one, else wait on the next in turn.
        for slot in slots {
            if let answer = slot.state.withLockIfAvailable({ state in Self.serve(id, limit: limit, git: git, state: &state) }) {
                return answer
            }
        }
        let turn = nextSlot.withLock { value -> Int in
            defer { value = (value + 1) % slots.count }
            return value
        }
        return slots[turn].state.withLock { state in Self.serve(id, limit: limit, git: git, state: &state) }
    }

    private static func serve(_ id: ObjectID, limit: Int, git: GitProcess, state: inout State) -> (type: String, bytes: [UInt8])? {
        do {
            guard !state.closed else { return nil }
            if state.process == nil {
                state.process = try? git.start(["cat-file", "--batch"])
                state.start = 0
                state.end = 0
            }
            guard let process = state.process else { return nil }
            let result = Self.request(id, limit: max(0, limit), process: process, state: &state)
            if case .failed = result {
                process.finish(kill: true)
                state.process = nil
                return nil
            }
            if case .object(let type, let bytes) = result { return (type, bytes) }
            return nil
        }
    }

    /// Ends the cat-file processes.
    package func close() {
        for slot in slots {
            slot.state.withLock { state in
                state.closed = true
                state.process?.finish(kill: false)
                state.process = nil
            }
        }
    }

    private enum Answer {
        case object(String, [UInt8])
        case missing
        case failed
    }

    private static func request(_ id: ObjectID, limit: Int, process: RunningGit, state: inout State) -> Answer {
        guard process.write(Array(id.description.utf8) + [0x0a]) else { return .failed }
        guard let header = readLine(process, &state) else { return .failed }
        let fields = header.split(separator: 0x20)
        guard fields.count == 3, let size = Int(String(decoding: fields[2], as: UTF8.self)), size >= 0 else {
            return fields.count == 2 ? .missing : .failed
        }
        let type = String(decoding: fields[1], as: UTF8.self)
        // The kept bytes go straight into the answer: what the buffer holds already, then the
        // rest read from the pipe into the answer itself (the merge proof reads about 600 MB of
        // blobs on tmux's history, each copied a second time through the buffer before).
        let keep = min(size, limit)
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: keep) { out, initialized in
            let buffered = min(keep, state.end - state.start)
            if buffered > 0 {
                state.buffer.withUnsafeBytes { buffer in
                    UnsafeMutableRawBufferPointer(out).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: buffer[state.start..<(state.start + buffered)])
                    )
                }
                state.start += buffered
            }
            var filled = buffered
            while filled < keep {
                let n = process.readSome(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[filled...])))
                if n <= 0 {
                    complete = false
                    break
                }
                filled += n
            }
            initialized = filled
        }
        guard complete else { return .failed }
        // What is past the limit, and the object's trailing newline, is read and dropped.
        var remaining = size - keep + 1
        while remaining > 0 {
            if state.start >= state.end {
                guard fill(process, &state) else { return .failed }
            }
            let available = min(remaining, state.end - state.start)
            state.start += available
            remaining -= available
        }
        return .object(type, bytes)
    }

    private static func readLine(_ process: RunningGit, _ state: inout State) -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if state.start >= state.end {
                guard fill(process, &state) else { return nil }
            }
            let slice = state.buffer[state.start..<state.end]
            if let nl = slice.firstIndex(of: 0x0a) {
                line.append(contentsOf: slice[slice.startIndex..<nl])
                state.start = nl + 1
                return line
            }
            line.append(contentsOf: slice)
            state.start = state.end
            if line.count > 4096 { return nil }
        }
    }

    private static func fill(_ process: RunningGit, _ state: inout State) -> Bool {
        // One buffer for the life of the process (never re-zeroed): `start..<end` is unread.
        if state.buffer.count != 256 * 1024 { state.buffer = [UInt8](repeating: 0, count: 256 * 1024) }
        let n = state.buffer.withUnsafeMutableBytes { process.readSome(into: $0) }
        guard n > 0 else { return false }
        state.start = 0
        state.end = n
        return true
    }
}
