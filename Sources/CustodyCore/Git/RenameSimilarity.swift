/// git's estimate of how similar two versions of a file are, the score its rename detection
/// pairs a deleted path with an added one by (`diffcore-delta.c` and `estimate_similarity` in
/// `diffcore-rename.c`, git 2.39).
///
/// Each file is cut into chunks that end at a newline or after 64 bytes (a CR before a LF is
/// skipped in text), each chunk is hashed into one of 107,927 values, and the bytes per value are
/// summed. The bytes the source "copied" into the destination are, over every value, the smaller
/// of the two sums; the score is those bytes over the larger file's size, on git's scale of
/// 60,000. A pair is a rename candidate at 30,000 (50 %), git's default for diffs and merges.
/// git 2.39 leaves out a last chunk that ends without a newline; later versions count it. Both
/// tables are kept, and a score is the higher of the two, so a "no rename" holds for either git.
///
/// ``MergeVerifier`` uses it only to prove that no added file could be taken for a renamed one,
/// never to pair files itself: a merge where a pair reaches the threshold goes to git.
struct RenameSimilarity: Sendable {
    /// git's `MAX_SCORE`.
    static let maximumScore = 60_000.0
    /// git's `DEFAULT_RENAME_SCORE`: the default minimum score of a rename (50 %).
    static let renameScore = 30_000
    /// git's `HASHBASE`.
    static let hashBase: UInt32 = 107_927

    /// The file's size in bytes.
    let size: Int
    /// The chunk hash values, ascending, and the bytes of the chunks with each value, without
    /// (git 2.39) and with (later versions) a last chunk that has no newline.
    let values: [UInt32]
    let counts: [UInt32]
    let valuesWithLast: [UInt32]
    let countsWithLast: [UInt32]

    /// `hash_chars`: the file's chunk hashes.
    init(_ bytes: [UInt8]) {
        size = bytes.count
        let isText = !ThreeWayMerge.looksBinary(bytes)
        var table: [UInt32: UInt32] = [:]
        // The last chunk when it ends without a newline: its hash value and length.
        let last: (value: UInt32, length: UInt32)? = bytes.withUnsafeBufferPointer { buffer in
            var accum1: UInt32 = 0
            var accum2: UInt32 = 0
            var n: UInt32 = 0
            var i = 0
            while i < buffer.count {
                let c = UInt32(buffer[i])
                i += 1
                // A CR of a CR LF pair is not part of a text file's chunks.
                if isText && c == 0x0d && i < buffer.count && buffer[i] == 0x0a { continue }
                let old1 = accum1
                accum1 = (accum1 << 7) ^ (accum2 >> 25)
                accum2 = (accum2 << 7) ^ (old1 >> 25)
                accum1 &+= c
                n += 1
                if n < 64 && c != 0x0a { continue }
                table[(accum1 &+ accum2 &* 0x61) % Self.hashBase, default: 0] &+= n
                n = 0
                accum1 = 0
                accum2 = 0
            }
            return n > 0 ? ((accum1 &+ accum2 &* 0x61) % Self.hashBase, n) : nil
        }
        let sorted = table.sorted { $0.key < $1.key }
        (values, counts) = (sorted.map(\.key), sorted.map(\.value))
        if let last {
            table[last.value, default: 0] &+= last.length
            let sorted = table.sorted { $0.key < $1.key }
            (valuesWithLast, countsWithLast) = (sorted.map(\.key), sorted.map(\.value))
        } else {
            (valuesWithLast, countsWithLast) = (values, counts)
        }
    }

    /// `diffcore_count_changes`: the bytes of `source` found in `destination`, as git 2.39
    /// counts them or (`withLast`) as later versions do.
    static func copied(_ source: RenameSimilarity, _ destination: RenameSimilarity, withLast: Bool = false) -> Int {
        let (sourceValues, sourceCounts) =
            withLast ? (source.valuesWithLast, source.countsWithLast) : (source.values, source.counts)
        let (values, counts) =
            withLast
            ? (destination.valuesWithLast, destination.countsWithLast) : (destination.values, destination.counts)
        var copied = 0
        var d = 0
        for s in sourceValues.indices {
            let value = sourceValues[s]
            while d < values.count && values[d] < value { d += 1 }
            if d < values.count && values[d] == value {
                copied += Int(min(sourceCounts[s], counts[d]))
                d += 1
            }
        }
        return copied
    }

    /// `estimate_similarity` for two regular files: 0 when their sizes are too far apart for the
    /// minimum score, else the copied bytes over the larger size on git's 60,000 scale.
    static func score(from source: RenameSimilarity, to destination: RenameSimilarity) -> Int {
        let maxSize = max(source.size, destination.size)
        let delta = maxSize - min(source.size, destination.size)
        if Double(maxSize) * (maximumScore - Double(renameScore)) < Double(delta) * maximumScore { return 0 }
        guard destination.size > 0 else { return 0 }
        let copied = max(copied(source, destination), copied(source, destination, withLast: true))
        return Int(Double(copied) * maximumScore / Double(maxSize))
    }
}
