import CustodyTestSupport
import Foundation
import Testing

@testable import CustodyCore

/// What ``ObjectFileTimes`` puts back: git's freshening (both times set to now), not a file
/// written for another reason while the audit ran.
struct ObjectFileTimesTests {
    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oft-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ path: String, _ text: String, modified: Date) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
    }

    static func modified(_ path: String) throws -> Date? {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }

    @Test func onlyFreshenedFilesGetTheirTimesBack() throws {
        let objects = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: objects) }
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        let freshened = objects + "/pack/pack-1.pack"
        let rewritten = objects + "/ab/cdef"
        let touchedOld = objects + "/pack/pack-2.pack"
        let notObject = objects + "/info/packs"
        for path in [freshened, rewritten, touchedOld, notObject] { try Self.write(path, "same", modified: old) }
        let times = ObjectFileTimes.take([objects])
        // git's freshening: both times to now.
        #expect(utime(freshened, nil) == 0)
        #expect(utime(notObject, nil) == 0)
        // Another writer: new bytes, or a new modification time with the access time left behind.
        try Self.write(rewritten, "longer now", modified: Date())
        var stamps = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: time(nil), tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, touchedOld, &stamps, 0) == 0)
        times.restore()
        #expect(try Self.modified(freshened) == old)
        #expect(try Self.modified(rewritten) != old)
        #expect(try Self.modified(touchedOld) != old)
        #expect(try Self.modified(notObject) != old)
    }

    @Test func alternatesAreFollowedAsGitFollowsThem() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["a", "b", "c", "d"] {
            try FileManager.default.createDirectory(
                atPath: root + "/" + name + "/info",
                withIntermediateDirectories: true
            )
        }
        // a names b (relative) and c (absolute); c names b again and d.
        try "# comment\n../b\n\(root)/c\n".write(toFile: root + "/a/info/alternates", atomically: true, encoding: .utf8)
        try "\(root)/b\n../d\n".write(toFile: root + "/c/info/alternates", atomically: true, encoding: .utf8)
        let found = ObjectFileTimes.directories([root + "/a", root + "/quarantine"])
        #expect(
            found
                == [root + "/a", root + "/quarantine", root + "/b", root + "/c", root + "/d"].map {
                    ($0 as NSString).standardizingPath
                }
        )
    }

    /// Alternates as git's `parse_alt_odb_entry` reads them, from `info/alternates` (newlines)
    /// and from `GIT_ALTERNATE_OBJECT_DIRECTORIES` (colons).
    @Test func alternateEntriesAreReadAsGitReadsThem() {
        func entries(_ text: String, _ separator: UInt8) -> [String] {
            PrivateRepository.alternateEntries(Array(text.utf8), separator: separator).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(entries("/a\n# note\n\n../b\n", 0x0a) == ["/a", "../b"])
        #expect(entries("\"/x:y \\\"q\\\" \\\\ \\t\\n\\001\"\n/z", 0x0a) == ["/x:y \"q\" \\ \t\n\u{1}", "/z"])
        #expect(entries("/a:\"/b:c\":/d", 0x3a) == ["/a", "/b:c", "/d"])
        // After a closing quote the next byte is skipped as the separator, whatever it is.
        #expect(entries("\"/a\"X/b\n/c", 0x0a) == ["/a", "/b", "/c"])
        // Broken quoting is read unquoted; a NUL ends the list.
        #expect(entries("\"/a\\q\"\n\"/open\n/c\u{0}/hidden", 0x0a) == ["\"/a\\q\"", "\"/open", "/c"])
        // A path that is not UTF-8 stays one entry, and the ones after it are read.
        let bytes: [UInt8] = Array("/ok\n/bad".utf8) + [0xff, 0xfe] + Array("\n/also\n".utf8)
        #expect(PrivateRepository.alternateEntries(bytes, separator: 0x0a).count == 3)
    }

    @Test func quotedAlternatesAndListsAreFollowed() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["a", "b:c", "d\ne", "f"] {
            try FileManager.default.createDirectory(atPath: root + "/" + name + "/info", withIntermediateDirectories: true)
        }
        let lines = [root + "/b:c", "../d\ne"].map(PrivateRepository.alternateEntry)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: root + "/a/info/alternates"))
        let found = ObjectFileTimes.directories(
            [root + "/a"],
            alternates: PrivateRepository.alternateEntry(root + "/f") + ":" + root + "/f"
        )
        #expect(Set(found) == Set([root + "/a", root + "/f", root + "/b:c", root + "/d\ne"].map { ($0 as NSString).standardizingPath }))
    }
}
