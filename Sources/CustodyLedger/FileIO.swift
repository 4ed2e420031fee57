#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: whole-file reads, atomic writes (temp, fsync, rename), directory sync.
package enum FileIO {
    /// Reads a whole file; nil when it does not exist.
    ///
    /// - Throws: ``LedgerError`` (`io`) for any other failure or a file over `limit` bytes.
    package static func read(_ path: String, limit: Int = 1 << 30) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw LedgerError(.io, "cannot read \(path): \(errorText())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LedgerError(.io, "cannot stat \(path): \(errorText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw LedgerError(.io, "\(path) is not a regular file") }
        let size = Int(info.st_size)
        guard size <= limit else { throw LedgerError(.io, "\(path) is larger than \(limit) bytes") }
        var buffer = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + offset, size - offset, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.io, "cannot read \(path): \(errorText())")
            }
            if n == 0 { break }
            offset += n
        }
        return offset == size ? buffer : Array(buffer[..<offset])
    }

    /// True when something exists at `path`.
    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// True when `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Names in a directory (not `.`/`..`); empty when it does not exist.
    package static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `mkdir -p`.
    package static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
        if isDirectory(path) { return }
        let parent = dirname(path)
        if !parent.isEmpty && parent != path { try makeDirectories(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw LedgerError(.io, "cannot create directory \(path): \(errorText())")
        }
    }

    /// The parent of a path (`""` for a bare name).
    package static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Writes `bytes` to `path` atomically: a temp file in the same directory, optional fsync, rename.
    package static func writeAtomically(
        _ bytes: some Collection<UInt8>, to path: String, sync: Bool, mode: mode_t = 0o644
    ) throws {
        let dir = dirname(path)
        try makeDirectories(dir.isEmpty ? "." : dir)
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw LedgerError(.io, "cannot write \(temp): \(errorText())") }
        do {
            try writeAll(fd: fd, Array(bytes), path: temp)
            if sync && fsync(fd) != 0 { throw LedgerError(.io, "cannot sync \(temp): \(errorText())") }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let message = errorText()
            unlink(temp)
            throw LedgerError(.io, "cannot rename \(temp): \(message)")
        }
    }

    /// Writes every byte to a file descriptor.
    package static func writeAll(fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.io, "cannot write \(path): \(errorText())")
            }
            offset += n
        }
    }

    /// fsyncs a directory so renames in it are durable.
    package static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Removes a file or an empty directory, ignoring errors.
    package static func remove(_ path: String) {
        if unlink(path) != 0 { rmdir(path) }
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
