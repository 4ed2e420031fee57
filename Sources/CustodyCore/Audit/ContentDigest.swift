import Crypto

/// `sha256:<hex>` digests of configuration files (roster, mailmap, policy), echoed in reports so
/// a reader can tell which file a run used.
package enum ContentDigest {
    package static func sha256(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return "sha256:" + String(decoding: hex, as: UTF8.self)
    }
}
