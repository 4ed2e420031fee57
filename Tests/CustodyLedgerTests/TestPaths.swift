import CustodyLedger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths and scratch directories for the ledger tests.
enum TestPaths {
    /// The package root, found from this file's path.
    static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = FileIO.dirname(path) }
        return path
    }()

    /// `../shared/testvectors/tessera-log` relative to the package root.
    static var tesseraLog: String { packageRoot + "/../shared/testvectors/tessera-log" }

    /// A fresh empty directory under the system temp directory.
    static func scratch(_ name: String = "ledger") -> String {
        var template = Array("/tmp/custody-\(name)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return String(cString: template)
    }

    /// `rm -rf` without a shell.
    static func remove(_ path: String) {
        if FileIO.isDirectory(path) {
            for name in FileIO.list(path) { remove(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Every regular file below `root`, as paths relative to it, sorted.
    static func files(_ root: String, under relative: String = "") -> [String] {
        var out: [String] = []
        let dir = relative.isEmpty ? root : root + "/" + relative
        for name in FileIO.list(dir).sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            if FileIO.isDirectory(root + "/" + rel) { out += files(root, under: rel) } else { out.append(rel) }
        }
        return out
    }

    /// Copies a directory tree (regular files only).
    static func copyTree(_ from: String, to: String) throws {
        for rel in files(from) {
            guard let bytes = try FileIO.read(from + "/" + rel) else { continue }
            try FileIO.writeAtomically(bytes, to: to + "/" + rel, sync: false)
        }
    }
}

func hex(_ text: String) -> [UInt8] { HexCoding.decode(text)! }
func b64(_ text: String) -> MerkleHash { MerkleHash(base64: text)! }
