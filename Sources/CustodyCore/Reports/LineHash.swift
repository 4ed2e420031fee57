/// GitHub's `primaryLocationLineHash`: for each line, a rolling hash (base 37, modulo 2^64) over
/// the next 100 characters that are not spaces or tabs, as github/codeql-action computes it.
///
/// CR and CRLF count as LF; the output is `hex:occurrence` per line, in line order.
package enum LineHash {
    private static let blockSize = 100
    private static let eof: UInt64 = 65_535

    /// The hash of every line of `text` (UTF-16 code units, as the reference does).
    package static func hashes(of text: String) -> [String] {
        var results = [(line: Int, hash: String)]()
        var window = [UInt64](repeating: 0, count: blockSize)
        var lineNumbers = [Int](repeating: -1, count: blockSize)
        var hash: UInt64 = 0
        var firstMod: UInt64 = 1
        for _ in 0..<blockSize { firstMod = firstMod &* 37 }
        var index = 0
        var lineNumber = 0
        var lineStart = true
        var previousWasCR = false
        var counts: [String: Int] = [:]

        func output() {
            let value = String(hash, radix: 16)
            let count = (counts[value] ?? 0) + 1
            counts[value] = count
            results.append((lineNumbers[index], "\(value):\(count)"))
            lineNumbers[index] = -1
        }
        func update(_ current: UInt64) {
            let begin = window[index]
            window[index] = current
            hash = 37 &* hash &+ current &- firstMod &* begin
            index = (index + 1) % blockSize
        }
        func process(_ unit: UInt64) {
            var current = unit
            if current == 0x20 || current == 0x09 || (previousWasCR && current == 0x0a) {
                previousWasCR = false
                return
            }
            if current == 0x0d {
                current = 0x0a
                previousWasCR = true
            } else {
                previousWasCR = false
            }
            if lineNumbers[index] != -1 { output() }
            if lineStart {
                lineStart = false
                lineNumber += 1
                lineNumbers[index] = lineNumber
            }
            if current == 0x0a { lineStart = true }
            update(current)
        }

        for unit in text.utf16 { process(UInt64(unit)) }
        process(eof)
        for _ in 0..<blockSize {
            if lineNumbers[index] != -1 { output() }
            update(0)
        }
        return results.sorted { $0.line < $1.line }.map(\.hash)
    }
}
