/// The selected commits with their parents, in topological order (parents before children), as
/// `git rev-list --topo-order --reverse --parents` lists them; answers merge-base questions
/// in-process.
///
/// Merge bases are found as git's `paint_down_to_common` finds them, with the topological
/// position as priority: a commit is taken only after all its children among the painted
/// commits, so a common ancestor of another common ancestor is always marked stale before it is
/// taken, and the answer needs no `remove_redundant` pass. The walk stops as soon as no queued
/// commit that is not stale carries one of the two colours: a new base needs both, and a colour
/// can then only arrive together with staleness. (git walks on until everything queued is stale;
/// on a history where one line merges another again and again, such as tmux's, that is the
/// whole first-parent line down to the root, for every merge.) When the walk, before it stops,
/// reaches a live commit with a parent outside the selection (a `--rev` range), the answer is
/// unknown (nil) instead of wrong. What a range leaves out is closed under ancestry, so a walk
/// that stops earlier has still found every base. (A shallow clone's boundary commits come from
/// `rev-list` without parents: they are roots here, as they are to git.)
struct CommitGraph: Sendable {
    let ids: [ObjectID]
    /// The refs the selection was read from, when it was read from refs (not a range).
    var refs: [RefTip]?
    private let index: [ObjectID: Int32]
    /// Parents of commit `i`: `parentIndex[parentStart[i]..<parentStart[i + 1]]`; -1 for a parent
    /// outside the selection.
    private let parentStart: [Int32]
    private let parentIndex: [Int32]

    /// Parses `rev-list --parents` output: one line per commit, `<id> <parent>...`.
    init(revListParents bytes: [UInt8]) {
        var ids: [ObjectID] = []
        var parents: [[ObjectID]] = []
        for line in bytes.split(separator: 0x0a) {
            let fields = line.split(separator: 0x20)
            guard let first = fields.first, let id = ObjectID(hex: first) else { continue }
            ids.append(id)
            parents.append(fields.dropFirst().compactMap { ObjectID(hex: $0) })
        }
        var index: [ObjectID: Int32] = [:]
        index.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() { index[id] = Int32(i) }
        var start: [Int32] = [0]
        var flat: [Int32] = []
        start.reserveCapacity(ids.count + 1)
        for list in parents {
            for parent in list { flat.append(index[parent] ?? -1) }
            start.append(Int32(flat.count))
        }
        self.ids = ids
        self.index = index
        self.parentStart = start
        self.parentIndex = flat
    }

    func position(of id: ObjectID) -> Int32? { index[id] }

    /// The commits without parents (sorted by id), as `rev-list --max-parents=0` lists them.
    var roots: [ObjectID] {
        ids.indices.filter { parentStart[$0] == parentStart[$0 + 1] }.map { ids[$0] }.sorted()
    }

    /// The best common ancestors of two commits, or nil when they cannot be known from the
    /// selection (a parent outside it was needed).
    func mergeBases(_ a: ObjectID, _ b: ObjectID) -> [ObjectID]? {
        guard let x = index[a], let y = index[b] else { return nil }
        if x == y { return [a] }
        let one: UInt8 = 1
        let two: UInt8 = 2
        let stale: UInt8 = 4
        let result: UInt8 = 8
        let queued: UInt8 = 16
        // Flags by position (one byte per commit of the selection); a max-heap of positions.
        var flags = [UInt8](repeating: 0, count: ids.count)
        var heap: [Int32] = []
        // Queued commits that are not stale, by colour.
        var live = (one: 0, two: 0)
        func count(_ f: UInt8, _ sign: Int) {
            guard f & stale == 0 else { return }
            if f & one != 0 { live.one += sign }
            if f & two != 0 { live.two += sign }
        }
        func push(_ p: Int32) {
            flags[Int(p)] |= queued
            count(flags[Int(p)], 1)
            heap.append(p)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if heap[parent] >= heap[i] { break }
                heap.swapAt(parent, i)
                i = parent
            }
        }
        func pop() -> Int32 {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1
                    let r = l + 1
                    var m = i
                    if l < heap.count && heap[l] > heap[m] { m = l }
                    if r < heap.count && heap[r] > heap[m] { m = r }
                    if m == i { break }
                    heap.swapAt(m, i)
                    i = m
                }
            }
            flags[Int(top)] &= ~queued
            count(flags[Int(top)], -1)
            return top
        }
        flags[Int(x)] = one
        flags[Int(y)] = two
        push(x)
        push(y)
        var bases: [ObjectID] = []
        while live.one > 0 && live.two > 0 && !heap.isEmpty {
            let c = pop()
            var f = flags[Int(c)]
            if f & (one | two) == one | two {
                if f & (result | stale) == 0 {
                    bases.append(ids[Int(c)])
                    f |= result
                }
                f |= stale
                flags[Int(c)] = f
            }
            let passed = f & (one | two | stale)
            for k in Int(parentStart[Int(c)])..<Int(parentStart[Int(c) + 1]) {
                let p = parentIndex[k]
                if p < 0 {
                    if passed & stale == 0 { return nil }
                    continue
                }
                let before = flags[Int(p)]
                let after = before | passed
                if before == after { continue }
                flags[Int(p)] = after
                if before & queued != 0 {
                    // Already queued (taken only after every child): its colours or staleness change.
                    count(before, -1)
                    count(after, 1)
                } else {
                    push(p)
                }
            }
        }
        return bases
    }
}

