// Standalone driver for the explain benchmark: the same Shell sources, compiled with -O.
#if canImport(Glibc)
import Glibc
#endif

func readAll(_ path: String) -> String {
    guard let f = fopen(path, "r") else { return "" }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

let args = CommandLine.arguments
let lines = readAll(args[1]).split(separator: "\n").map { line -> String in
    var s = String(line)
    while let r = s.byteRange(of: "\\n") { s.replaceSubrange(r, with: "\n") }
    return s
}
let iterations = args.count > 2 ? Int(args[2]) ?? 20 : 20
let explainer = Explainer()
var checksum = 0
for l in lines { checksum &+= explainer.explain(l).summary.utf8.count }
let clock = ContinuousClock()
let start = clock.now
for _ in 0..<iterations { for l in lines { checksum &+= explainer.explain(l).riskClass.rank } }
let elapsed = clock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let total = lines.count * iterations
print("\(total) lines in \(seconds) s: \(Int(Double(total) / seconds)) lines/s (checksum \(checksum))")
