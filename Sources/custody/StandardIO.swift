import CustodyCore

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

/// Writes a report to the file the user named with `--output`, the way a shell redirection does:
/// opened for writing (created with mode 0644 if missing, truncated if present) and written in
/// place. Never written through a temporary file and a rename, because the path may be a device
/// (`/dev/null`, `/dev/stdout`), a named pipe or a symbolic link that must stay what it is
/// (Foundation's `createFile(atPath:contents:)` renames a temporary file over the path, which
/// once replaced `/dev/null` with a regular file).
func writeOutputFile(_ bytes: [UInt8], to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
        throw CustodyError(.io, "cannot write \(TerminalText.neutralize(path)): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    try bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw CustodyError(.io, "cannot write \(TerminalText.neutralize(path)): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
