@testable import CustodyCore

/// Builds commits and file changes straight from text, for detector unit tests.
enum DetectorFixtures {
    static let author = GitPersonStamp(name: "Test Author", email: "author@example.com", time: 1_700_000_000, utcOffsetMinutes: 0)

    static func commit(_ changes: [FileChange] = [], id: String = "1111111111111111111111111111111111111111") -> Commit {
        Commit(
            id: ObjectID(id)!, parents: [], author: author, committer: author, subject: "Test change", changes: changes)
    }

    /// A change that adds `text` (split on newlines) to `path`, numbered from `firstLine`.
    static func change(
        _ path: String, _ text: String, kind: FileChangeKind = .add, firstLine: Int = 1, oldBlob: ObjectID? = nil
    ) -> FileChange {
        change(path, bytes: Array(text.utf8), kind: kind, firstLine: firstLine, oldBlob: oldBlob)
    }

    static func change(
        _ path: String, bytes: [UInt8], kind: FileChangeKind = .add, firstLine: Int = 1, oldBlob: ObjectID? = nil
    ) -> FileChange {
        var lines = AddedLines()
        var number = firstLine
        for piece in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lines.append(number: number, text: piece)
            number += 1
        }
        return FileChange(
            kind: kind, oldPath: kind == .add ? nil : path, newPath: path, oldBlob: oldBlob,
            newBlob: ObjectID("2222222222222222222222222222222222222222"), addedLines: lines)
    }

    /// Runs one detector over one added file.
    static func scan(
        _ detector: some Detector, _ path: String, _ text: String, blobs: InMemoryBlobSource = InMemoryBlobSource(),
        kind: FileChangeKind = .add, oldBlob: ObjectID? = nil
    ) -> [Finding] {
        let change = change(path, text, kind: kind, oldBlob: oldBlob)
        let context = DetectionContext(commit: commit([change]), blobs: blobs)
        var findings: [Finding] = []
        detector.scan(change, context: context, into: &findings)
        return findings
    }

    static func scan(_ detector: some Detector, _ path: String, bytes: [UInt8]) -> [Finding] {
        let change = change(path, bytes: bytes)
        let context = DetectionContext(commit: commit([change]), blobs: InMemoryBlobSource())
        var findings: [Finding] = []
        detector.scan(change, context: context, into: &findings)
        return findings
    }

    /// A 1 MB single-line minified file with the markers detectors look for scattered through it.
    static let megabyteLine: [UInt8] = {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let chunks = [
            "var a=function(b){return b.exec(c)};", "eval(", "atob(", "\"\\x41\\x42\"+", "0123456789abcdef",
            "ghp_", "-----BEGIN ", "rm -rf ", "/dev/tcp/", "headers[", "==\"", "Date.now()>", "1700000000",
            "AAAAAAAAAAAAAAAAAAAAAAAA", "\u{202E}", "сosо", "String.fromCharCode(104,", "crontab ", "LD_PRELOAD=",
            "(){ :|:& };", "while(1){}", "8.8.4.5", "http://", "pastebin.com", "'\"'", "\\", "((((((((",
        ]
        var i = 0
        while out.count < (1 << 20) {
            out.append(contentsOf: chunks[i % chunks.count].utf8)
            i = i &* 31 &+ 7
            if i < 0 { i = -i }
        }
        return out
    }()
}

extension [Finding] {
    func with(_ rule: DetectorRule) -> [Finding] { filter { $0.ruleID == rule.id } }
    var maxSeverity: Severity? { map(\.severity).max() }
}
