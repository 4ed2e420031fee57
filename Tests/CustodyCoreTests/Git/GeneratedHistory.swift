import CustodyTestSupport
import Foundation

/// Builds a repository of a few hundred commits with `git fast-import` (one process): several
/// authors and committers, adds, edits, deletes, renames, copies, mode changes, binary files,
/// paths with spaces, quotes, newlines and escapes, side branches and merges (some with lines
/// added only in the merge), all from a fixed seed.
struct GeneratedHistory {
    private var seed: UInt64
    private var out: [UInt8] = []
    private var mark = 0
    private var files: [String: [String]] = [:]
    private var executable: Set<String> = []
    private var time = 1_600_000_000

    static let people = [
        ("Alice", "alice@example.com", "+0200"), ("Bob", "bob@example.org", "-0700"),
        ("Chen \u{1b}[1mBold", "chen@example.cn", "+0800"), ("Dana\u{202e}", "dana@example.net", "+0000"),
    ]

    init(seed: UInt64) { self.seed = seed }

    private mutating func next(_ n: Int) -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((seed >> 33) % UInt64(n))
    }

    private static func quote(_ path: String) -> String {
        var s = "\""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\t": s += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    s += "\\" + String(scalar.value, radix: 8).leftPadded(3)
                } else {
                    s.unicodeScalars.append(scalar)
                }
            }
        }
        return s + "\""
    }

    private mutating func emit(_ text: String) { out += Array(text.utf8) }

    private mutating func data(_ bytes: [UInt8]) {
        emit("data \(bytes.count)\n")
        out += bytes
        emit("\n")
    }

    private mutating func randomLines(_ count: Int) -> [String] {
        (0..<count).map { _ in
            let words = ["alpha", "beta", "return", "if (x) {", "}", "token = \"abc\"", "\t// note", "x\r", "#include <a.h>"]
            return words[next(words.count)] + " \(next(1000))"
        }
    }

    private mutating func header(branch: String, message: String) -> Int {
        mark += 1
        time += 60 + next(7200)
        let a = Self.people[next(Self.people.count)]
        let c = next(3) == 0 ? Self.people[next(Self.people.count)] : a
        emit("commit refs/heads/\(branch)\nmark :\(mark)\n")
        emit("author \(a.0) <\(a.1)> \(time) \(a.2)\ncommitter \(c.0) <\(c.1)> \(time + next(100)) \(c.2)\n")
        data(Array(message.utf8))
        return mark
    }

    private mutating func write(_ path: String, _ lines: [String]) {
        files[path] = lines
        let mode = executable.contains(path) ? "100755" : "100644"
        emit("M \(mode) inline \(Self.quote(path))\n")
        data(Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    private mutating func randomChange() {
        let paths = files.keys.sorted()
        switch paths.isEmpty ? 0 : next(10) {
        case 0, 1:
            let names = ["src/file\(next(50)).c", "docs/read me \(next(9)).md", "odd/\"q\"\\\(next(5))", "nl/line\nbreak\(next(3))", "esc/\u{1b}[31m\(next(4))"]
            write(names[next(names.count)], randomLines(1 + next(8)))
        case 2, 3, 4, 5:
            let path = paths[next(paths.count)]
            var lines = files[path]!
            for _ in 0..<(1 + next(3)) {
                if !lines.isEmpty && next(2) == 0 { lines.remove(at: next(lines.count)) }
                lines.insert(contentsOf: randomLines(1 + next(3)), at: next(lines.count + 1))
            }
            write(path, lines)
        case 6:
            let path = paths[next(paths.count)]
            files[path] = nil
            executable.remove(path)
            emit("D \(Self.quote(path))\n")
        case 7:
            let path = paths[next(paths.count)]
            let target = "moved/\(next(100))-" + (path.split(separator: "/").last.map(String.init) ?? "x")
            guard files[target] == nil else { return }
            files[target] = files[path]
            files[path] = nil
            if executable.remove(path) != nil { executable.insert(target) }
            emit("R \(Self.quote(path)) \(Self.quote(target))\n")
        case 8:
            let path = paths[next(paths.count)]
            let target = "copies/\(next(100)).txt"
            guard files[target] == nil else { return }
            files[target] = files[path]
            if executable.contains(path) { executable.insert(target) }
            emit("C \(Self.quote(path)) \(Self.quote(target))\n")
            var lines = files[path]!
            lines.append("changed after copy \(next(100))")
            write(path, lines)
        default:
            let path = paths[next(paths.count)]
            if executable.contains(path) { executable.remove(path) } else { executable.insert(path) }
            write(path, files[path]!)
            let bin = "bin/blob\(next(5)).bin"
            files[bin] = nil
            emit("M 100644 inline \(Self.quote(bin))\n")
            data((0..<(20 + next(50))).map { _ in UInt8(next(256)) } + [0])
        }
    }

    /// The fast-import stream for `commits` commits on main (plus side branches).
    mutating func stream(commits: Int) -> [UInt8] {
        var mainTip = 0
        var count = 0
        while count < commits {
            if mainTip != 0 && next(12) == 0 {
                // A side branch of two commits, merged back.
                let base = files
                let baseExec = executable
                var sideTip = 0
                for i in 0..<2 {
                    let m = header(branch: "side", message: "Side work \(i)\n")
                    if i == 0 { emit("from :\(mainTip)\n") } else { emit("from :\(sideTip)\n") }
                    randomChange()
                    emit("\n")
                    sideTip = m
                    count += 1
                }
                let sideFiles = files
                let sideExec = executable
                files = base
                executable = baseExec
                let m1 = header(branch: "main", message: "Main work\n")
                emit("from :\(mainTip)\n")
                randomChange()
                emit("\n")
                mainTip = m1
                count += 1
                let merge = header(branch: "main", message: "Merge side\n\nSigned-off-by: Alice <alice@example.com>\n")
                emit("from :\(mainTip)\nmerge :\(sideTip)\n")
                // Take the side's version of every path it has (a simple "theirs" resolution).
                for (path, lines) in sideFiles.sorted(by: { $0.key < $1.key }) where files[path] != lines {
                    if sideExec.contains(path) { executable.insert(path) }
                    write(path, lines)
                }
                if next(2) == 0, let path = files.keys.sorted().first {
                    write(path, files[path]! + ["evil merge line \(next(1000))"])
                }
                emit("\n")
                mainTip = merge
                count += 1
                continue
            }
            let message =
                next(4) == 0
                ? "Change \(count)\n\nDetails \u{1b}[2J here.\n\nReviewed-by: Bob <bob@example.org>\nAcked-by: Dana\n"
                : "Change \(count)\n"
            let m = header(branch: "main", message: message)
            if mainTip != 0 { emit("from :\(mainTip)\n") }
            for _ in 0..<(1 + next(3)) { randomChange() }
            emit("\n")
            mainTip = m
            count += 1
        }
        return out
    }

    /// Builds the repository.
    static func make(commits: Int, seed: UInt64 = 42) throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        var generator = GeneratedHistory(seed: seed)
        try repo.git(["fast-import", "--quiet"], stdin: generator.stream(commits: commits))
        return repo
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
