import Crypto
import Foundation

/// Writes an asciicast v2 recording incrementally (FORMATS.md §5): a header line, then one JSON
/// array per event with absolute times in seconds.
///
/// Output bytes are buffered until a UTF-8 sequence is complete; invalid bytes become U+FFFD. The
/// writer keeps a SHA-256 of the whole file and of the bytes since the last ``takeChunk()``, so
/// the ledger can receive digests of the recording while it is written.
///
/// Not thread-safe: one session's event loop owns it.
package final class AsciicastWriter {
    /// One stretch of the recording file and its digest.
    package struct Chunk: Hashable, Sendable, Codable {
        package var offset: Int
        package var length: Int
        package var sha256: String
    }

    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var partialUTF8: [UInt8] = []
    private var fileHasher = SHA256()
    private var chunkHasher = SHA256()
    private var chunkStart = 0
    package private(set) var bytesWritten = 0
    private var closed = false
    private var lastMicros: Int64 = 0
    private let flushThreshold = 32 * 1024

    /// Creates the file (mode 0600, failing if it exists) and writes the header.
    ///
    /// - Throws: ``EscortError`` when the file cannot be created or written.
    package init(path: String, width: Int, height: Int, timestamp: Int, title: String, term: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EscortError(.io, "cannot create recording \(path)") }
        descriptor = fd
        var header: [UInt8] = []
        header += Array("{\"version\": 2, \"width\": \(max(1, width)), \"height\": \(max(1, height)), \"timestamp\": \(timestamp), \"title\": ".utf8)
        Self.appendJSONString(Array(title.utf8), to: &header)
        header += Array(", \"env\": {\"TERM\": ".utf8)
        Self.appendJSONString(Array(term.utf8), to: &header)
        header += Array(", \"SHELL\": \"/bin/bash\"}}\n".utf8)
        pending = header
        try flush()
    }

    deinit {
        if !closed { _ = try? finish() }
    }

    /// Records output shown on the terminal.
    package func output(_ bytes: some Collection<UInt8>, at micros: Int64) {
        var data = partialUTF8
        data.append(contentsOf: bytes)
        let keep = Self.incompleteSuffixLength(data)
        partialUTF8 = Array(data.suffix(keep))
        data.removeLast(keep)
        guard !data.isEmpty else { return }
        event(micros, "o", data)
    }

    /// Records keystrokes sent to the program.
    package func input(_ bytes: some Collection<UInt8>, at micros: Int64) {
        event(micros, "i", Array(bytes))
    }

    /// Records a terminal resize.
    package func resize(columns: Int, rows: Int, at micros: Int64) {
        event(micros, "r", Array("\(columns)x\(rows)".utf8))
    }

    /// Records a marker (proposal, decision, pause) with a label.
    package func marker(_ label: String, at micros: Int64) {
        event(micros, "m", Array(label.utf8))
        try? flush()
    }

    /// Writes buffered events to the file.
    package func flush() throws {
        guard !pending.isEmpty, !closed else { return }
        var offset = 0
        try pending.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw EscortError(.io, "cannot write recording")
                }
                offset += written
            }
        }
        pending.withUnsafeBytes { raw in
            fileHasher.update(bufferPointer: raw)
            chunkHasher.update(bufferPointer: raw)
        }
        bytesWritten += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and returns the digest of everything written since the previous chunk, or nil when
    /// nothing was written.
    package func takeChunk() -> Chunk? {
        try? flush()
        guard bytesWritten > chunkStart else { return nil }
        let digest = chunkHasher.finalize()
        let chunk = Chunk(offset: chunkStart, length: bytesWritten - chunkStart, sha256: Self.hex(digest))
        chunkHasher = SHA256()
        chunkStart = bytesWritten
        return chunk
    }

    /// Writes what is left, closes the file and returns the SHA-256 of the whole file.
    package func finish() throws -> String {
        if !partialUTF8.isEmpty {
            let rest = partialUTF8
            partialUTF8 = []
            event(lastMicros, "o", rest)
        }
        try flush()
        closed = true
        fsync(descriptor)
        close(descriptor)
        return Self.hex(fileHasher.finalize())
    }

    private func event(_ micros: Int64, _ code: String, _ data: [UInt8]) {
        guard !closed else { return }
        lastMicros = max(lastMicros, micros)
        pending.append(UInt8(ascii: "["))
        pending += Array(Self.formatTime(micros).utf8)
        pending += Array(", \"\(code)\", ".utf8)
        Self.appendJSONString(data, to: &pending)
        pending += [UInt8(ascii: "]"), 0x0A]
        if pending.count >= flushThreshold { try? flush() }
    }

    /// `secs.micros` with trailing zeros trimmed and at least one decimal, as asciinema writes.
    package static func formatTime(_ micros: Int64) -> String {
        let value = max(0, micros)
        let seconds = value / 1_000_000
        var fraction = String(value % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(seconds).\(fraction)"
    }

    /// Appends `bytes` as a JSON string: invalid UTF-8 becomes U+FFFD; quotes, backslashes and
    /// control characters are escaped.
    package static func appendJSONString(_ bytes: [UInt8], to out: inout [UInt8]) {
        var text = String(decoding: bytes, as: UTF8.self)
        out.append(0x22)
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                out.append(0x5C)
                switch byte {
                case 0x22, 0x5C: out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(0x30)
                    out.append(0x30)
                    out.append(hexDigit(byte >> 4))
                    out.append(hexDigit(byte & 0xF))
                }
            }
            if runStart < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        out.append(0x22)
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

    /// How many bytes at the end of `data` start a UTF-8 sequence that is not complete yet.
    static func incompleteSuffixLength(_ data: [UInt8]) -> Int {
        let count = data.count
        var back = 1
        while back <= min(3, count) {
            let byte = data[count - back]
            if byte & 0xC0 == 0x80 { back += 1; continue }
            let needed: Int
            switch byte {
            case 0xC0...0xDF: needed = 2
            case 0xE0...0xEF: needed = 3
            case 0xF0...0xF7: needed = 4
            default: return 0
            }
            return needed > back ? back : 0
        }
        return 0
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
