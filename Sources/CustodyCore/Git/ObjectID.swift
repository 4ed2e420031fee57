/// A git object id (SHA-1, 20 bytes, or SHA-256, 32 bytes) kept as bytes, not as a hex string.
///
/// Object ids are compared and hashed as bytes; ``description`` gives the lowercase hex form.
package struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The raw bytes: 20 for SHA-1 repositories, 32 for SHA-256 ones.
    package let bytes: [UInt8]

    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses lowercase or uppercase hex of 40 or 64 digits; returns nil for anything else.
    package init?(hex: some Collection<UInt8>) {
        guard hex.count == 40 || hex.count == 64, hex.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(hex.count / 2)
        var high: UInt8 = 0
        var isHigh = true
        for c in hex {
            guard let v = ObjectID.hexValue(c) else { return nil }
            if isHigh {
                high = v
            } else {
                out.append(high << 4 | v)
            }
            isHigh.toggle()
        }
        self.bytes = out
    }

    package init?(_ hex: String) {
        self.init(hex: Array(hex.utf8))
    }

    @inline(__always)
    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// True when every byte is zero (git's "no object" id in raw diff output).
    package var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

    package var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    package static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
