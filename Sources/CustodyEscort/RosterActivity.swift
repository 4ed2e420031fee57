import CustodyCore
import Foundation

/// Whether a roster person is inside their active period (`active: { from, until }`, both dates
/// inclusive, compared in UTC) and, when not, the one plain sentence the gateway shows them.
package enum RosterActivity {
    /// The UTC calendar date of `date` as `YYYY-MM-DD`.
    package static func day(_ date: Date) -> String {
        ISODate.day(Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// Nil when `person` is active on `date`; otherwise why they may not log in.
    ///
    /// Dates that are not `YYYY-MM-DD` (the roster validator rejects them) refuse, so a damaged
    /// roster never widens access.
    package static func refusal(for person: Person, on date: Date = Date()) -> String? {
        let today = day(date)
        if let from = person.activeFrom {
            guard isDate(from) else { return "your roster entry has an unreadable start date; ask the roster owner" }
            if today < from { return "your roster entry is active only from \(from) (today is \(today) UTC)" }
        }
        if let until = person.activeUntil {
            guard isDate(until) else { return "your roster entry has an unreadable end date; ask the roster owner" }
            if today > until { return "your roster entry ended on \(until) (today is \(today) UTC)" }
        }
        return nil
    }

    private static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in index == 4 || index == 7 || (byte >= 0x30 && byte <= 0x39) }
    }
}
