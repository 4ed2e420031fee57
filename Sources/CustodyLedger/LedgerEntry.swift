import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An attachment stored as a content-addressed blob (`blobs/sha256/<hex>`), logged by digest.
package struct LedgerBlob: Sendable, Equatable {
    package let name: String
    package let mediaType: String
    package let data: [UInt8]

    package init(name: String, mediaType: String, data: some Sequence<UInt8>) {
        self.name = name
        self.mediaType = mediaType
        self.data = Array(data)
    }

    /// Lowercase hex SHA-256 of the data.
    package var sha256: String { HexCoding.encode(SHA256.hash(data: data)) }

    /// The in-toto ResourceDescriptor the record lists.
    package var descriptor: BlobDescriptor {
        BlobDescriptor(name: name, mediaType: mediaType, sha256: sha256, size: Int64(data.count))
    }
}

/// `{"digest":{"sha256":…},"mediaType":…,"name":…,"size":…}` as listed in a record.
package struct BlobDescriptor: Sendable, Equatable, Hashable {
    package let name: String
    package let mediaType: String
    package let sha256: String
    package let size: Int64

    package init(name: String, mediaType: String, sha256: String, size: Int64) {
        self.name = name
        self.mediaType = mediaType
        self.sha256 = sha256
        self.size = size
    }

    package var json: JSONValue {
        ["digest": ["sha256": .string(sha256)], "mediaType": .string(mediaType), "name": .string(name), "size": .int(size)]
    }

    package init?(json: JSONValue) {
        guard let sha = json["digest"]?["sha256"]?.stringValue, sha.utf8.count == 64,
            HexCoding.decode(sha) != nil, sha == sha.lowercased(),
            let size = json["size"]?.intValue, size >= 0,
            let name = json["name"]?.stringValue, let mediaType = json["mediaType"]?.stringValue
        else { return nil }
        self.init(name: name, mediaType: mediaType, sha256: sha, size: size)
    }

    /// The blob's path below the ledger directory.
    package var path: String { "blobs/sha256/\(sha256)" }
}

/// One ledger record before it has a position: kind, claimed time, body and attachments.
///
/// The stored record is the canonical JSON
/// `{"attachments":[…],"body":{…},"kind":"…","seq":N,"time":"…","v":1}` (`attachments` only when
/// there are blobs); `seq` is the leaf index and is filled in by ``Ledger/append(_:)``.
package struct LedgerEntry: Sendable, Equatable {
    /// Known record kinds (FORMATS.md §2.3).
    package static let knownKinds: Set<String> = [
        "ledger.genesis", "key.rotate", "audit.run", "review.verdict", "session.start", "session.event",
        "session.end", "recording.chunk", "attestation",
    ]

    package var kind: String
    /// RFC 3339 UTC with 6 fractional digits (the *claimed* time).
    package var time: String
    package var body: JSONValue
    /// Blobs written before the record and listed in it by digest.
    package var blobs: [LedgerBlob]
    /// Descriptors of attachments (from `blobs`, or parsed from a stored record).
    package var attachments: [BlobDescriptor]

    package init(kind: String, time: String = LedgerTime.now(), body: JSONValue, blobs: [LedgerBlob] = []) {
        self.kind = kind
        self.time = time
        self.body = body
        self.blobs = blobs
        self.attachments = blobs.map(\.descriptor)
    }

    /// An entry whose body is given as JSON bytes (parsed strictly, re-encoded canonically).
    package init(kind: String, time: String = LedgerTime.now(), bodyJSON: [UInt8], blobs: [LedgerBlob] = []) throws {
        let body = try JSONValue(parsing: bodyJSON)
        guard case .object = body else { throw LedgerError(.badEntry, "entry body must be a json object") }
        self.init(kind: kind, time: time, body: body, blobs: blobs)
    }

    /// The canonical record bytes at position `seq`.
    package func record(seq: UInt64) throws -> [UInt8] {
        var members: [String: JSONValue] = [
            "body": body, "kind": .string(kind), "seq": .int(Int64(seq)), "time": .string(time),
            "v": .int(Int64(LedgerFormat.entryVersion)),
        ]
        if !attachments.isEmpty { members["attachments"] = .array(attachments.map(\.json)) }
        return try JSONValue.object(members).encoded()
    }

    /// Parses a stored record strictly: canonical bytes, known version, the fields above.
    ///
    /// - Returns: the entry (without blob data) and its `seq`.
    /// - Throws: ``LedgerError`` (`badEntry`) naming what is wrong.
    package static func parse(record bytes: [UInt8]) throws -> (entry: LedgerEntry, seq: UInt64) {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch let error as LedgerError {
            throw LedgerError(.badEntry, "is not canonical json (\(error.message))")
        }
        guard let members = value.objectValue else { throw LedgerError(.badEntry, "is not a json object") }
        guard try value.encoded() == bytes else { throw LedgerError(.badEntry, "is not in canonical form") }
        guard members["v"]?.intValue == Int64(LedgerFormat.entryVersion) else {
            throw LedgerError(.badEntry, "has an unknown version")
        }
        guard let kind = members["kind"]?.stringValue else { throw LedgerError(.badEntry, "has no kind") }
        guard let seq = members["seq"]?.intValue, seq >= 0 else { throw LedgerError(.badEntry, "has no seq") }
        guard let time = members["time"]?.stringValue else { throw LedgerError(.badEntry, "has no time") }
        guard let body = members["body"], body.objectValue != nil else { throw LedgerError(.badEntry, "has no body") }
        var attachments: [BlobDescriptor] = []
        if let list = members["attachments"] {
            guard let items = list.arrayValue else { throw LedgerError(.badEntry, "attachments is not a list") }
            for item in items {
                guard let descriptor = BlobDescriptor(json: item) else {
                    throw LedgerError(.badEntry, "has a malformed attachment descriptor")
                }
                attachments.append(descriptor)
            }
        }
        guard Set(members.keys).isSubset(of: ["attachments", "body", "kind", "seq", "time", "v"]) else {
            throw LedgerError(.badEntry, "has unknown top-level fields")
        }
        var entry = LedgerEntry(kind: kind, time: time, body: body)
        entry.attachments = attachments
        return (entry, UInt64(seq))
    }
}

/// Formats times as RFC 3339 UTC with exactly 6 fractional digits.
package enum LedgerTime {
    /// The current time.
    package static func now() -> String {
        let interval = Date().timeIntervalSince1970
        return format(microseconds: Int64((interval * 1_000_000).rounded(.down)))
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` for microseconds since the epoch.
    package static func format(microseconds: Int64) -> String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = microseconds - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(micros, 6))Z"
    }
}
