/// A decoded Unicode scalar with its byte position in the line.
struct ScalarAt: Sendable {
    var value: UInt32
    /// Index of the first byte in the line slice.
    var index: Int
    var length: Int
}

/// Lenient UTF-8 decoding over hostile bytes: invalid sequences are skipped one byte at a time
/// and reported as U+FFFD, overlong and surrogate encodings are rejected.
enum UTF8Scan {
    /// Calls `body` for every scalar of the line, in order. Linear.
    static func forEachScalar(in line: ArraySlice<UInt8>, _ body: (ScalarAt) -> Void) {
        var i = line.startIndex
        let end = line.endIndex
        while i < end {
            let b0 = line[i]
            if b0 < 0x80 {
                body(ScalarAt(value: UInt32(b0), index: i, length: 1))
                i += 1
                continue
            }
            var need = 0
            var value: UInt32 = 0
            var minimum: UInt32 = 0
            if b0 & 0xe0 == 0xc0 {
                need = 1
                value = UInt32(b0 & 0x1f)
                minimum = 0x80
            } else if b0 & 0xf0 == 0xe0 {
                need = 2
                value = UInt32(b0 & 0x0f)
                minimum = 0x800
            } else if b0 & 0xf8 == 0xf0 {
                need = 3
                value = UInt32(b0 & 0x07)
                minimum = 0x10000
            } else {
                body(ScalarAt(value: 0xfffd, index: i, length: 1))
                i += 1
                continue
            }
            var ok = i + need < end
            if ok {
                for k in 1...need {
                    let b = line[i + k]
                    if b & 0xc0 != 0x80 {
                        ok = false
                        break
                    }
                    value = value << 6 | UInt32(b & 0x3f)
                }
            }
            if ok, value >= minimum, value <= 0x10ffff, !(0xd800...0xdfff).contains(value) {
                body(ScalarAt(value: value, index: i, length: need + 1))
                i += need + 1
            } else {
                body(ScalarAt(value: 0xfffd, index: i, length: 1))
                i += 1
            }
        }
    }

    /// "U+202E" for a scalar value.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// True for scalars that are letters of a script other than Latin (rough ranges) or any
    /// letter; used to decide whether joiners sit inside natural-language text.
    static func isNonLatinLetterOrSymbol(_ value: UInt32) -> Bool {
        value >= 0x0370 && !(0x2000...0x206f).contains(value) && !(0xfe00...0xfe0f).contains(value)
            && value != 0xfeff
    }
}
