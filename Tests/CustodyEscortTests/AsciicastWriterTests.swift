import Foundation
import Testing

@testable import CustodyEscort

struct AsciicastWriterTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "custody-cast-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(arguments: [(Int64(0), "0.0"), (1_000_001, "1.000001"), (12_300_000, "12.3"), (5_000_000, "5.0"), (250, "0.00025")])
    func formatsTimeLikeAsciinema(_ micros: Int64, _ expected: String) {
        #expect(AsciicastWriter.formatTime(micros) == expected)
    }

    @Test func writesHeaderEventsAndSplitUTF8() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.cast"
        let writer = try AsciicastWriter(path: path, width: 100, height: 30, timestamp: 1_700_000_000, title: "t \"q\"", term: "xterm")
        let euro = Array("€".utf8)
        writer.output(Array("a\u{1B}[1m".utf8) + euro.prefix(1), at: 10)
        writer.output(euro.dropFirst(), at: 20)
        writer.output([0xFF, 0x41], at: 30)
        writer.input(Array("ls\r".utf8), at: 40)
        writer.resize(columns: 90, rows: 20, at: 50)
        writer.marker("proposal 1 [read-only]: ls", at: 60)
        let first = try #require(writer.takeChunk())
        #expect(first.offset == 0)
        #expect(writer.takeChunk() == nil)
        writer.output(Array("bye".utf8), at: 70)
        let second = try #require(writer.takeChunk())
        #expect(second.offset == first.length)
        let digest = try writer.finish()

        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(digest.count == 64)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines[0] == #"{"version": 2, "width": 100, "height": 30, "timestamp": 1700000000, "title": "t \"q\"", "env": {"TERM": "xterm", "SHELL": "/bin/bash"}}"#)
        #expect(lines[1] == #"[0.00001, "o", "a\u001b[1m"]"#)
        #expect(lines[2] == #"[0.00002, "o", "€"]"#)
        #expect(lines[3] == "[0.00003, \"o\", \"\u{FFFD}A\"]")
        #expect(lines[4] == #"[0.00004, "i", "ls\r"]"#)
        #expect(lines[5] == #"[0.00005, "r", "90x20"]"#)
        #expect(lines[6] == #"[0.00006, "m", "proposal 1 [read-only]: ls"]"#)
        let cast = try AsciicastReader(path: path)
        #expect(cast.output == "a\u{1B}[1m€\u{FFFD}Abye")
        #expect(cast.events.count == 7)
        #expect(second.offset + second.length == data.count)
    }

    /// asciinema 2.4.0 from PyPI (`pip install asciinema==2.4.0`) replays without a TTY; Debian's
    /// 2.2.0 `cat` insists on /dev/tty, so the test uses `python3 -m asciinema` and skips without it.
    @Test func replaysWithAsciinemaCatWhenInstalled() throws {
        guard Self.python(["-c", "import asciinema"]).status == 0 else { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.cast"
        let writer = try AsciicastWriter(path: path, width: 80, height: 24, timestamp: 1, title: "x", term: "xterm")
        writer.output(Array("hello \u{1B}[31mworld\u{1B}[0m\r\n".utf8), at: 1000)
        writer.marker("m", at: 2000)
        writer.input(Array("q".utf8), at: 3000)
        writer.output(Array("€ done".utf8), at: 4000)
        _ = try writer.finish()
        let (status, output) = Self.python(["-m", "asciinema", "cat", path])
        #expect(status == 0)
        #expect(output == "hello \u{1B}[31mworld\u{1B}[0m\r\n€ done")
    }

    static func python(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
