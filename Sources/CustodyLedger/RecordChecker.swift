import Crypto

/// The record-level checks `verify` applies to a Custody log (entry 0 is `ledger.genesis`).
struct RecordChecker {
    let directory: String
    let origin: String
    private(set) var enabled = false
    private(set) var blobs = 0

    init(directory: String, origin: String) {
        self.directory = directory
        self.origin = origin
    }

    /// Turns the checks on when entry 0 is a Custody genesis record.
    mutating func detect(_ first: [UInt8]) {
        guard first.first == UInt8(ascii: "{"), let (entry, seq) = try? LedgerEntry.parse(record: first) else { return }
        enabled = seq == 0 && entry.kind == "ledger.genesis"
    }

    /// Checks one record; the error message starts with `entry N`.
    mutating func check(_ bytes: [UInt8], index: UInt64) throws {
        let entry: LedgerEntry
        let seq: UInt64
        do { (entry, seq) = try LedgerEntry.parse(record: bytes) } catch let error as LedgerError {
            throw LedgerError(.tampered, "entry \(index): \(error.message)")
        }
        guard seq == index else {
            throw LedgerError(.tampered, "entry \(index): says seq \(seq) (entries moved or reordered)")
        }
        if index == 0 {
            guard entry.body["origin"]?.stringValue == origin else {
                throw LedgerError(.tampered, "entry 0: genesis origin is not the checkpoint origin \(origin)")
            }
        } else if entry.kind == "ledger.genesis" {
            throw LedgerError(.tampered, "entry \(index): a second genesis record")
        }
        for descriptor in entry.attachments {
            try checkBlob(descriptor, index: index)
        }
        if entry.kind == "review.verdict" {
            do { try ReviewVerdict.verify(body: entry.body) } catch let error as LedgerError {
                throw LedgerError(.tampered, "entry \(index): \(error.message)")
            }
        }
    }

    private mutating func checkBlob(_ descriptor: BlobDescriptor, index: UInt64) throws {
        let limit = Int(clamping: descriptor.size) + 1
        guard let data = try FileIO.read(directory + "/" + descriptor.path, limit: max(limit, 1)) else {
            throw LedgerError(.tampered, "entry \(index): blob \(descriptor.path) is missing")
        }
        guard Int64(data.count) == descriptor.size, HexCoding.encode(SHA256.hash(data: data)) == descriptor.sha256 else {
            throw LedgerError(.tampered, "\(descriptor.path): content does not match its digest (listed by entry \(index))")
        }
        blobs += 1
    }
}
