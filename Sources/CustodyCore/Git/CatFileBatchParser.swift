/// Incremental parser of `git cat-file --batch` output: `<id> <type> <size>\n<bytes>\n` per
/// object, or `<id> missing\n` (also `ambiguous`). Object bodies beyond `limit` bytes are skipped
/// without being buffered.
struct CatFileBatchParser {
    enum Item {
        case object(id: ObjectID?, type: String, bytes: [UInt8], size: Int)
        case missing(name: String)
    }

    private enum State {
        case header
        case body(id: ObjectID?, type: String, size: Int, read: Int)
        case newline
    }

    let limit: Int
    private var state = State.header
    private var pending: [UInt8] = []
    private var body: [UInt8] = []
    private let emit: (Item) -> Void

    init(limit: Int, emit: @escaping (Item) -> Void) {
        self.limit = limit
        self.emit = emit
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        var input = chunk[...]
        while !input.isEmpty {
            switch state {
            case .header:
                if let nl = input.firstIndex(of: 0x0a) {
                    pending.append(contentsOf: input[input.startIndex..<nl])
                    input = input[(nl + 1)...]
                    header(pending)
                    pending.removeAll(keepingCapacity: true)
                } else {
                    pending.append(contentsOf: input)
                    input = input[input.endIndex...]
                }
            case .body(let id, let type, let size, let read):
                let take = min(size - read, input.count)
                let room = max(0, min(take, limit - body.count))
                if room > 0 { body.append(contentsOf: input.prefix(room)) }
                input = input.dropFirst(take)
                if read + take == size {
                    emit(.object(id: id, type: type, bytes: body, size: size))
                    body = []
                    state = .newline
                } else {
                    state = .body(id: id, type: type, size: size, read: read + take)
                }
            case .newline:
                input = input.dropFirst()
                state = .header
            }
        }
    }

    private mutating func header(_ line: [UInt8]) {
        let fields = line.split(separator: 0x20)
        if fields.count == 3, let size = Int(String(decoding: fields[2], as: UTF8.self)), size >= 0 {
            let id = ObjectID(hex: fields[0])
            let type = String(decoding: fields[1], as: UTF8.self)
            body = []
            body.reserveCapacity(min(size, limit))
            if size == 0 {
                emit(.object(id: id, type: type, bytes: [], size: 0))
                state = .newline
            } else {
                state = .body(id: id, type: type, size: size, read: 0)
            }
        } else {
            emit(.missing(name: String(decoding: fields.first ?? [], as: UTF8.self)))
        }
    }
}
