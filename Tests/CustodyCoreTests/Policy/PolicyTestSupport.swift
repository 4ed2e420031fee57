import CustodyCore
import CustodyTestSupport
import Foundation

/// Reads commits of a test repository into `Commit` values (with file changes) through plain
/// git plumbing, so policy tests do not depend on the history reader.
enum TestHistory {
    static func commit(_ repo: TemporaryGitRepository, _ id: String) throws -> Commit {
        let format = "%H%x00%P%x00%an%x00%ae%x00%at%x00%ai%x00%cn%x00%ce%x00%ct%x00%ci%x00%s%x00%b"
        let raw = try repo.git(["show", "-s", "--format=" + format, id])
        let fields = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        func offset(_ iso: String) -> Int {
            let tz = iso.split(separator: " ").last.map(String.init) ?? "+0000"
            let sign = tz.hasPrefix("-") ? -1 : 1
            let digits = tz.dropFirst()
            let h = Int(digits.prefix(2)) ?? 0
            let m = Int(digits.suffix(2)) ?? 0
            return sign * (h * 60 + m)
        }
        let author = GitPersonStamp(name: fields[2], email: fields[3], time: Int64(fields[4]) ?? 0, utcOffsetMinutes: offset(fields[5]))
        let committer = GitPersonStamp(name: fields[6], email: fields[7], time: Int64(fields[8]) ?? 0, utcOffsetMinutes: offset(fields[9]))
        let body = fields.count > 11 ? fields[11] : ""
        let rawObject = try repo.git(["cat-file", "commit", id])
        let kind = RawCommitObject(rawObject).kind
        let status = try repo.git(["diff-tree", "--root", "--no-commit-id", "-r", "-M", "--name-status", "-z", id])
        var parts = status.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }[...]
        var changes: [FileChange] = []
        while let code = parts.popFirst() {
            switch code.first {
            case "R", "C":
                let old = parts.popFirst() ?? ""
                let new = parts.popFirst() ?? ""
                changes.append(FileChange(kind: code.first == "R" ? .rename : .copy, oldPath: old, newPath: new))
            case "A": changes.append(FileChange(kind: .add, oldPath: nil, newPath: parts.popFirst()))
            case "D": changes.append(FileChange(kind: .delete, oldPath: parts.popFirst(), newPath: nil))
            default:
                let p = parts.popFirst()
                changes.append(FileChange(kind: .modify, oldPath: p, newPath: p))
            }
        }
        return Commit(
            id: ObjectID(fields[0])!,
            parents: fields[1].split(separator: " ").compactMap { ObjectID(String($0)) },
            author: author,
            committer: committer,
            subject: fields[10],
            body: body,
            trailers: ReviewCollector.parseTrailers(body),
            signature: kind,
            changes: changes
        )
    }

    /// "YYYY-MM-DD" → git date "epoch +0000".
    static func date(_ day: String, offset: String = "+0000") -> String {
        "\(PolicyDate.parse(day)! + 43_200) \(offset)"
    }
}

enum TestRoster {
    static let alice = Person(
        id: "alice", name: "Alice Adams", emails: ["alice@vendor.example"], citizenship: ["US"], usPerson: true,
        clearance: .secret, employer: "Vendor Inc", location: "US", roles: ["developer", "reviewer"]
    )
    static let bob = Person(
        id: "bob", name: "Bob Brown", emails: ["bob@vendor.example"], citizenship: ["CN"], usPerson: false,
        clearance: Clearance.none, employer: "Offshore Ltd", location: "CN", roles: ["developer", "reviewer"]
    )
    static let carol = Person(
        id: "carol", name: "Carol Clark", emails: ["carol@vendor.example"], citizenship: ["US"], usPerson: true,
        employer: "Vendor Inc", location: "US", roles: ["developer", "reviewer"]
    )
    static let roster = Roster(people: [alice, bob, carol])

    static func signature(_ person: Person, _ day: String, offset: String = "+0000") -> TemporaryGitRepository.Signature {
        .init(name: person.name, email: person.emails[0], date: TestHistory.date(day, offset: offset))
    }

    static let dave = TemporaryGitRepository.Signature(name: "Dave Unknown", email: "dave@elsewhere.example", date: TestHistory.date("2025-09-10"))
}
