import CustodyCore
import Foundation

/// Custody's own state folder: `--workspace DIR`, else `$CUSTODY_HOME`, else `~/.custody`.
///
/// It is never inside the audited repository: the repository is evidence and is never written.
package struct Workspace: Sendable {
    package var path: String

    package init(path: String) {
        self.path = path
    }

    /// The workspace chosen by the flag or the environment.
    package static func resolve(explicit: String?, environment: [String: String]) -> Workspace {
        if let explicit, !explicit.isEmpty { return Workspace(path: explicit) }
        if let home = environment["CUSTODY_HOME"], !home.isEmpty { return Workspace(path: home) }
        let userHome = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return Workspace(path: (userHome as NSString).appendingPathComponent(".custody"))
    }

    /// The SQLite file of the default store.
    package var databasePath: String { (path as NSString).appendingPathComponent("custody.sqlite") }

    /// Creates the folder if needed, after checking it is outside every folder in `forbidden`.
    ///
    /// - Throws: ``CustodyError`` (`.configuration`) when the workspace is inside the audited
    ///   repository; (`.io`) when it cannot be created.
    package func prepare(outside forbidden: [String]) throws {
        let resolved = Self.canonical(path)
        for folder in forbidden {
            let root = Self.canonical(folder)
            if resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
                throw CustodyError(
                    .configuration,
                    "the workspace \(TerminalText.neutralize(path)) is inside the audited repository; "
                        + "choose another with --workspace or CUSTODY_HOME"
                )
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CustodyError(.io, "cannot create the workspace \(TerminalText.neutralize(path))")
        }
    }

    /// An absolute path with symbolic links resolved as far as the path exists.
    static func canonical(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
            missing.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        var resolved = url.resolvingSymlinksInPath().path
        for component in missing { resolved = (resolved as NSString).appendingPathComponent(component) }
        return resolved
    }
}
