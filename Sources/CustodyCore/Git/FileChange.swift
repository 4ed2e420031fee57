/// What happened to one path in one commit.
package enum FileChangeKind: String, Hashable, Sendable, Codable {
    case add
    case modify
    case delete
    case rename
    case copy
    case typeChange = "type-change"
}

/// One file changed by a commit: paths, blobs, modes and the lines it added.
package struct FileChange: Hashable, Sendable {
    package var kind: FileChangeKind
    /// The path before the change (nil for an added file).
    package var oldPath: String?
    /// The path after the change (nil for a deleted file).
    package var newPath: String?
    package var oldBlob: ObjectID?
    package var newBlob: ObjectID?
    package var oldMode: UInt32
    package var newMode: UInt32
    package var isBinary: Bool
    package var addedLines: AddedLines
    /// True when some added lines were cut to the reader's limits (1 MiB per line, 64 MiB or
    /// 4 Mi lines per file); line numbers stay exact.
    package var addedLinesTruncated: Bool = false

    package init(
        kind: FileChangeKind,
        oldPath: String?,
        newPath: String?,
        oldBlob: ObjectID? = nil,
        newBlob: ObjectID? = nil,
        oldMode: UInt32 = 0,
        newMode: UInt32 = 0o100644,
        isBinary: Bool = false,
        addedLines: AddedLines = AddedLines()
    ) {
        self.kind = kind
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldBlob = oldBlob
        self.newBlob = newBlob
        self.oldMode = oldMode
        self.newMode = newMode
        self.isBinary = isBinary
        self.addedLines = addedLines
    }

    /// The path the change is reported under: the new path, or the old one for a deletion.
    package var path: String { newPath ?? oldPath ?? "" }
}

/// One added line: its number in the new file and its bytes (without the newline).
package struct AddedLine: Sendable {
    package var number: Int
    package var text: ArraySlice<UInt8>
}

/// The added lines of one file change, kept in one byte buffer with a table of line ranges.
package struct AddedLines: Hashable, Sendable, RandomAccessCollection {
    package private(set) var storage: [UInt8]
    package private(set) var numbers: [Int32]
    package private(set) var ends: [Int32]

    package init() {
        storage = []
        numbers = []
        ends = []
    }

    package init(_ lines: [(number: Int, text: [UInt8])]) {
        self.init()
        for line in lines { append(number: line.number, text: line.text) }
    }

    package mutating func append(number: Int, text: some Collection<UInt8>) {
        storage.append(contentsOf: text)
        numbers.append(Int32(truncatingIfNeeded: number))
        ends.append(Int32(truncatingIfNeeded: storage.count))
    }

    package mutating func reserveCapacity(bytes: Int, lines: Int) {
        storage.reserveCapacity(bytes)
        numbers.reserveCapacity(lines)
        ends.reserveCapacity(lines)
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { numbers.count }

    package subscript(position: Int) -> AddedLine {
        let start = position == 0 ? 0 : Int(ends[position - 1])
        return AddedLine(number: Int(numbers[position]), text: storage[start..<Int(ends[position])])
    }

    /// Total bytes of added text (without newlines).
    package var byteCount: Int { storage.count }
}
