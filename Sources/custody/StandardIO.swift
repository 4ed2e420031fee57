#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func writeToStandardError(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    write(2, pointer, count)
}

/// Writes bytes to standard output, all of them.
func writeToStandardOutput(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(1, base + offset, buffer.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}

/// True when standard output is a terminal.
var standardOutputIsTerminal: Bool { isatty(1) == 1 }
/// True when standard error is a terminal.
var standardErrorIsTerminal: Bool { isatty(2) == 1 }
