/// Substring search on UTF-8 bytes. The standard library's generic `contains(_:)` on strings
/// compares characters and can trap on some malformed-looking grapheme sequences in hostile
/// input (found by the fuzz test); byte search is exact for the ASCII needles used here, never
/// traps, and is faster.
enum ByteSearch {
    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first else { return 0 }
        guard hay.count >= needle.count else { return nil }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count, hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension String {
    /// True when `needle` occurs in the string, compared as UTF-8 bytes.
    func contains(_ needle: String) -> Bool { byteOffset(of: needle) != nil }

    /// Byte offset of the first `needle`, compared as UTF-8 bytes.
    func byteOffset(of needle: String) -> Int? {
        var hay = self
        var n = needle
        return hay.withUTF8 { h in n.withUTF8 { ByteSearch.find(h, $0) } }
    }

    /// The range of the first `needle` (byte comparison), as string indices.
    func byteRange(of needle: String) -> Range<String.Index>? {
        guard let offset = byteOffset(of: needle) else { return nil }
        let start = utf8.index(utf8.startIndex, offsetBy: offset)
        let end = utf8.index(start, offsetBy: needle.utf8.count)
        return start..<end
    }
}

extension Substring {
    /// True when `needle` occurs in the substring, compared as UTF-8 bytes.
    func contains(_ needle: String) -> Bool {
        var hay = self
        var n = needle
        return hay.withUTF8 { h in n.withUTF8 { ByteSearch.find(h, $0) } } != nil
    }
}
