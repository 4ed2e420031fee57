import Foundation

/// The distinct lines of the files a diff compares, each with a class number: the table behind
/// both diff ports' classifiers (``HistogramDiff``, ``MyersDiff``, like git's
/// `xdl_classify_record`). Open addressing, kept at most half full; a line is found by its hash
/// and confirmed byte for byte, so different lines are never taken for one, whatever their
/// hashes. Each new line gets the next number (0, 1, …).
///
/// The bytes a class refers to are the caller's: they must stay where they are (pinned) while the
/// table is used.
struct LineTable {
    private var slotHash: [UInt64]
    private var slotClass: [Int32]
    private var mask: Int
    private var bits: Int
    /// Each class's first line, to compare bytes with.
    private var classAddress: [UnsafeRawPointer] = []
    private var classLength: [Int] = []

    /// A table sized for about `expected` distinct lines (it grows past them).
    init(expected: Int) {
        bits = 4
        while 1 << bits < 2 * expected { bits += 1 }
        slotHash = [UInt64](repeating: 0, count: 1 << bits)
        slotClass = [Int32](repeating: -1, count: 1 << bits)
        mask = (1 << bits) - 1
    }

    /// The number of classes.
    var count: Int { classLength.count }

    /// The table slot to start from: the top bits of the hash times a number drawn for this
    /// process, so that a repository cannot line its lines up in one run of slots.
    static let slotKey = UInt64.random(in: 1...UInt64.max) | 1

    @inline(__always)
    private func firstSlot(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* Self.slotKey) >> UInt64(64 - bits))
    }

    /// The class of the `length` bytes at `address`, whose hash is `hash`; when there is none, a
    /// new one (numbered ``count`` before the call) if `adding`, else -1.
    @inline(__always)
    mutating func lookup(_ address: UnsafeRawPointer, _ length: Int, _ hash: UInt64, adding: Bool) -> Int32 {
        var slot = firstSlot(hash)
        while true {
            let known = slotClass[slot]
            if known < 0 { break }
            if slotHash[slot] == hash {
                let c = Int(known)
                if classLength[c] == length && memcmp(classAddress[c], address, length) == 0 { return known }
            }
            slot = (slot + 1) & mask
        }
        guard adding else { return -1 }
        let id = Int32(classLength.count)
        slotHash[slot] = hash
        slotClass[slot] = id
        classAddress.append(address)
        classLength.append(length)
        if 2 * classLength.count > mask { grow() }
        return id
    }

    /// Doubles the table.
    private mutating func grow() {
        let hashes = slotHash
        let classes = slotClass
        bits += 1
        slotHash = [UInt64](repeating: 0, count: 1 << bits)
        slotClass = [Int32](repeating: -1, count: 1 << bits)
        mask = (1 << bits) - 1
        for (hash, id) in zip(hashes, classes) where id >= 0 {
            var slot = firstSlot(hash)
            while slotClass[slot] >= 0 { slot = (slot + 1) & mask }
            slotHash[slot] = hash
            slotClass[slot] = id
        }
    }
}
