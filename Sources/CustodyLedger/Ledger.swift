/// Format constants of the ledger.
package enum LedgerFormat {
    /// The `v` of every record.
    package static let entryVersion = 1
    /// The largest record (tlog-tiles entry bundles use a u16 length prefix).
    package static let maximumEntrySize = 65_535
}
