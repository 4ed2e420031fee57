/// Decoders and a classifier for encoded blobs found in source: what is inside a base64, hex,
/// escape or character-code literal once it is decoded.
enum PayloadAnalysis {
    /// What a decoded blob turned out to be.
    enum Content: Equatable {
        /// Printable text that contains words of code that runs commands or fetches data.
        case executableText(keywords: [String])
        /// A compressed or archived stream (gzip, zlib, xz, bzip2, zip, 7z, zstd).
        case compressed(String)
        /// A native executable (ELF, PE, Mach-O) or a script with a `#!` line.
        case executable(String)
        /// Printable text without such words.
        case text
        /// Anything else (keys, hashes, images, random bytes).
        case opaque
    }

    /// The most bytes decoded from one blob.
    static let decodeLimit = 64 * 1024

    static let keywords: [[UInt8]] = [
        "eval", "exec", "/bin/sh", "/bin/bash", "bash -i", "powershell", "cmd.exe", "curl ", "wget ", "http://",
        "https://", "import os", "subprocess", "child_process", "require(", "socket", "system(", "chmod ",
        "/dev/tcp", "rm -rf", "__import__", "process.env", "document.cookie", "xmlhttprequest", "fetch(",
        "<script", "nc -e", "mkfifo", "crontab", "authorized_keys", "ld_preload", "new function", "spawn",
        "shell_exec", "passthru", "invoke-expression", "iex(", "downloadstring", "frombase64string",
        "os.system", "popen", "runtime.getruntime", "/etc/passwd", "/etc/shadow", ".ssh/",
    ].map { Array($0.utf8) }

    /// Classifies decoded bytes.
    static func classify(_ bytes: [UInt8]) -> Content {
        guard bytes.count >= 4 else { return .opaque }
        if let kind = compressedKind(bytes) { return .compressed(kind) }
        if let kind = executableKind(bytes) { return .executable(kind) }
        var printable = 0
        for byte in bytes where (byte >= 0x20 && byte < 0x7f) || byte == 0x0a || byte == 0x0d || byte == 0x09 {
            printable += 1
        }
        guard printable * 100 >= bytes.count * 90 else { return .opaque }
        let lower = ByteScan.lowercased(bytes[...])
        let found = keywords.filter { ByteScan.contains(lower, $0) }.map { String(decoding: $0, as: UTF8.self) }
        return found.isEmpty ? .text : .executableText(keywords: Array(found.prefix(4)))
    }

    static func compressedKind(_ b: [UInt8]) -> String? {
        if b[0] == 0x1f && b[1] == 0x8b { return "gzip" }
        if b[0] == 0x78 && (b[1] == 0x9c || b[1] == 0xda || b[1] == 0x01 || b[1] == 0x5e) { return "zlib" }
        if b.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return "xz" }
        if b.starts(with: [0x42, 0x5a, 0x68]) && b.count > 3 && (0x31...0x39).contains(b[3]) { return "bzip2" }
        if b.starts(with: [0x50, 0x4b, 0x03, 0x04]) { return "zip" }
        if b.starts(with: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) { return "7z" }
        if b.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return "zstd" }
        return nil
    }

    static func executableKind(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { return "an ELF executable" }
        if b.starts(with: [0x4d, 0x5a]) && b.count > 64 { return "a Windows executable" }
        if b.starts(with: [0xcf, 0xfa, 0xed, 0xfe]) || b.starts(with: [0xca, 0xfe, 0xba, 0xbe]) {
            return "a Mach-O executable"
        }
        if b.starts(with: [0x23, 0x21, 0x2f]) { return "a script" }
        return nil
    }

    /// A plain-words description of the content.
    static func describe(_ content: Content) -> String {
        switch content {
        case .executableText(let keywords): "text that contains code (\(keywords.joined(separator: ", ")))"
        case .compressed(let kind): "\(kind)-compressed data"
        case .executable(let kind): kind
        case .text: "readable text"
        case .opaque: "unreadable bytes"
        }
    }

    private static let base64Table: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Decodes standard or URL-safe base64, ignoring padding; stops at the first foreign byte.
    static func decodeBase64(_ text: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(decodeLimit, text.count * 3 / 4))
        var buffer: UInt32 = 0
        var bits = 0
        for c in text {
            if c == 0x3d { break }
            let v = base64Table[Int(c)]
            if v == 0xff { break }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                if out.count >= decodeLimit { break }
            }
        }
        return out
    }

    /// Decodes pairs of hex digits; stops at the first foreign byte.
    static func decodeHex(_ text: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for c in text {
            guard let v = ByteScan.hexValue(c) else { break }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
                if out.count >= decodeLimit { break }
            } else {
                high = v
            }
        }
        return out
    }
}
