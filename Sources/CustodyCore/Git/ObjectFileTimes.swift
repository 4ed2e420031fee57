import Foundation

/// The times of the audited repository's object files, taken before git may write objects and
/// put back afterwards.
///
/// `--remerge-diff` writes each re-merge's trees and blobs, to a scratch object directory of
/// ours (``HistoryReader``). But before writing an object, git looks for it among the objects it
/// already has, the audited repository's included, and when it finds it there it "freshens" the
/// file that holds it, a pack or a loose object, by setting its access and modification times
/// to now (`utime` in `object-file.c`, so that a concurrent `gc` keeps it). Nothing in a file
/// changes, but its times do, and an auditor's evidence must not change at all. Files whose
/// modification time moved while git ran get both times back; files git could not touch (a
/// read-only repository) are left as they are.
struct ObjectFileTimes {
    private var entries: [(path: String, access: timespec, modification: timespec)] = []

    /// The times of every pack and loose object file in `directories` (object directories).
    static func take(_ directories: [String]) -> ObjectFileTimes {
        var times = ObjectFileTimes()
        let files = FileManager.default
        for directory in directories {
            var paths: [String] = []
            for name in (try? files.contentsOfDirectory(atPath: directory + "/pack")) ?? []
            where name.hasSuffix(".pack") {
                paths.append(directory + "/pack/" + name)
            }
            for fanout in (try? files.contentsOfDirectory(atPath: directory)) ?? [] where isFanout(fanout) {
                for name in (try? files.contentsOfDirectory(atPath: directory + "/" + fanout)) ?? [] {
                    paths.append(directory + "/" + fanout + "/" + name)
                }
            }
            for path in paths {
                var status = stat()
                guard stat(path, &status) == 0 else { continue }
                times.entries.append((path, status.st_atim, status.st_mtim))
            }
        }
        return times
    }

    /// Puts back the times of the files whose modification time changed since ``take(_:)``.
    func restore() {
        for entry in entries {
            var status = stat()
            guard stat(entry.path, &status) == 0,
                status.st_mtim.tv_sec != entry.modification.tv_sec
                    || status.st_mtim.tv_nsec != entry.modification.tv_nsec
            else { continue }
            let times = [entry.access, entry.modification]
            _ = utimensat(AT_FDCWD, entry.path, times, 0)
        }
    }

    /// Whether a name is one of the 256 loose-object directories (`00` … `ff`).
    static func isFanout(_ name: String) -> Bool {
        name.utf8.count == 2 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The object directories git reads for a repository whose own is `objects`: it, the
    /// directories its `info/alternates` names (relative ones from it), and those of the
    /// environment (a pre-receive hook's quarantine and its alternates).
    static func directories(objects: String, environment: [String: String]) -> [String] {
        var out = [objects]
        if let text = try? String(contentsOfFile: objects + "/info/alternates", encoding: .utf8) {
            for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.isEmpty {
                let path = String(line)
                out.append(path.hasPrefix("/") ? path : objects + "/" + path)
            }
        }
        for name in ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"] {
            for path in (environment[name] ?? "").split(separator: ":") where !path.isEmpty {
                out.append(String(path))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }
}
