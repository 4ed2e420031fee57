/// The tamper-evident log (RFC 6962 Merkle tree in the tlog-tiles layout). Built by the ledger issue.
package enum LedgerFormat {
    package static let entryVersion = 1
}
