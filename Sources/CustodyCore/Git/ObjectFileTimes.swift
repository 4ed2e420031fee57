import Foundation

/// The times of the audited repository's object files, taken before git may write objects and
/// put back afterwards.
///
/// `--remerge-diff` writes each re-merge's trees and blobs, to a scratch object directory of
/// ours (``HistoryReader``). But before writing an object, git looks for it among the objects it
/// already has, the audited repository's included, and when it finds it there it "freshens" the
/// file that holds it, a pack or a loose object, by setting both its times to now (`utime(path,
/// NULL)` in `object-file.c`, so that a concurrent `gc` keeps it). Nothing in a file changes, but
/// its times do, and an auditor's evidence must not change at all.
///
/// Only what looks like git's freshening is undone: a file of the same size whose modification
/// time moved, not to before ``take(_:)``, and whose access time is not older than it (`utime`
/// sets both to the same instant; a later read may only move the access time on, while a write
/// leaves it behind). The directories come from the repository (its `info/alternates` may name
/// any directory), so a file written for another reason while the audit ran keeps its times.
/// Files git could not touch (a read-only repository) are left as they are.
struct ObjectFileTimes {
    private var entries: [(path: String, size: Int, access: timespec, modification: timespec)] = []
    private var taken = timespec()

    /// The times of every pack and loose object file in the object directories `roots`, in
    /// those a `GIT_ALTERNATE_OBJECT_DIRECTORIES` value `alternates` names (`:`-separated,
    /// C-quoted entries unquoted, as git reads it), and in the alternates their
    /// `info/alternates` name, as git follows them (five levels deep).
    static func take(_ roots: [String], alternates: String? = nil) -> ObjectFileTimes {
        var times = ObjectFileTimes()
        clock_gettime(CLOCK_REALTIME, &times.taken)
        // File times come from the kernel's coarse clock, which may lag this one.
        times.taken.tv_sec -= 1
        let files = FileManager.default
        for directory in directories(roots, alternates: alternates) {
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
                times.entries.append((path, Int(status.st_size), status.st_atim, status.st_mtim))
            }
        }
        return times
    }

    /// Puts back the times of the files git freshened since ``take(_:)``.
    func restore() {
        for entry in entries {
            var status = stat()
            guard stat(entry.path, &status) == 0, Int(status.st_size) == entry.size,
                !Self.same(status.st_mtim, entry.modification), !Self.earlier(status.st_mtim, than: taken),
                !Self.earlier(status.st_atim, than: status.st_mtim)
            else { continue }
            let times = [entry.access, entry.modification]
            _ = utimensat(AT_FDCWD, entry.path, times, 0)
        }
    }

    static func same(_ a: timespec, _ b: timespec) -> Bool { a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec }

    static func earlier(_ a: timespec, than b: timespec) -> Bool {
        a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec)
    }

    /// Whether a name is one of the 256 loose-object directories (`00` … `ff`).
    static func isFanout(_ name: String) -> Bool {
        name.utf8.count == 2 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `roots`, the entries of `alternates` (a `GIT_ALTERNATE_OBJECT_DIRECTORIES` value), then
    /// the alternates each names in `info/alternates` (relative ones from it), to git's depth of
    /// five; each directory once. Both lists are read as git reads them
    /// (``PrivateRepository/alternateEntries(_:separator:)``): a quoted entry may hold a `:` or a
    /// newline, and a line that is not UTF-8 does not hide the others.
    static func directories(_ roots: [String], alternates: String? = nil) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        var level = roots
        if let alternates {
            level += PrivateRepository.alternateEntries(Array(alternates.utf8), separator: 0x3a).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        for _ in 0...5 where !level.isEmpty {
            var next: [String] = []
            for directory in level.map({ ($0 as NSString).standardizingPath })
            where !directory.isEmpty && seen.insert(directory).inserted {
                out.append(directory)
                guard let bytes = FileManager.default.contents(atPath: directory + "/info/alternates") else { continue }
                for entry in PrivateRepository.alternateEntries(Array(bytes), separator: 0x0a) {
                    let path = String(decoding: entry, as: UTF8.self)
                    next.append(path.hasPrefix("/") ? path : directory + "/" + path)
                }
            }
            level = next
        }
        return out
    }
}
