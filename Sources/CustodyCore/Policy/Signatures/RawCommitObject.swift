/// A raw commit object split into the signed payload and the signature, as git does it.
///
/// The signature is the `gpgsig` header (or `gpgsig-sha256`) with its continuation lines (each
/// starting with one space); the signed payload is the object with that header removed
/// (FORMATS.md §3.4). Parsing is bounded and byte-level.
package struct RawCommitObject: Sendable {
    package var payload: [UInt8]
    /// The armored signature (continuation spaces removed), or nil when unsigned.
    package var signature: [UInt8]?

    package init(_ bytes: [UInt8]) {
        var payload: [UInt8] = []
        payload.reserveCapacity(bytes.count)
        var signature: [UInt8]?
        var index = 0
        let newline = UInt8(ascii: "\n")
        var inHeaders = true
        var inSignature = false
        while index < bytes.count {
            let end = bytes[index...].firstIndex(of: newline).map { $0 + 1 } ?? bytes.count
            let line = bytes[index..<end]
            if inHeaders {
                if line.count == 1 && line.first == newline {
                    inHeaders = false
                    inSignature = false
                    payload.append(contentsOf: line)
                } else if inSignature, line.first == UInt8(ascii: " ") {
                    signature?.append(contentsOf: line.dropFirst())
                } else if signature == nil, Self.startsWith(line, "gpgsig ") || Self.startsWith(line, "gpgsig-sha256 ") {
                    inSignature = true
                    let space = line.firstIndex(of: UInt8(ascii: " ")) ?? line.startIndex
                    signature = Array(line[(space + 1)...])
                } else {
                    inSignature = false
                    payload.append(contentsOf: line)
                }
            } else {
                payload.append(contentsOf: line)
            }
            index = end
        }
        self.payload = payload
        self.signature = signature
    }

    /// The signature kind by its armor.
    package var kind: CommitSignatureKind {
        guard let signature else { return .none }
        let head = signature.prefix(64)
        if Self.contains(head, "-----BEGIN SSH SIGNATURE-----") { return .ssh }
        if Self.contains(head, "-----BEGIN PGP SIGNATURE-----") { return .gpg }
        if Self.contains(head, "-----BEGIN SIGNED MESSAGE-----") { return .x509 }
        return .unknown
    }

    static func startsWith(_ line: ArraySlice<UInt8>, _ prefix: String) -> Bool {
        line.starts(with: prefix.utf8)
    }

    static func contains(_ bytes: some Collection<UInt8>, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        let hay = Array(bytes)
        guard hay.count >= n.count else { return false }
        for i in 0...(hay.count - n.count) where hay[i] == n[0] && Array(hay[i..<i + n.count]) == n { return true }
        return false
    }
}
