/// Dates in policy files: `YYYY-MM-DD` (UTC midnight) or `YYYY-MM-DDTHH:MM:SSZ`, parsed by
/// hand; durations such as `7d`, `48h`, `30m`, `90s`.
package enum PolicyDate {
    /// Epoch seconds for a date, or nil when the text is not one of the accepted forms.
    package static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 10 || b.count == 20 || (b.count == 19 && b[10] == UInt8(ascii: "T")) else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[i] - 0x30)
            }
            return value
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
        if b.count > 10 {
            guard b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                hour < 24, minute < 60, second < 61
            else { return nil }
            if b.count == 20, b[19] != UInt8(ascii: "Z") { return nil }
            seconds += hour * 3600 + minute * 60 + second
        }
        return seconds
    }

    /// Parses `7d`, `48h`, `30m`, `90s` or a plain number of seconds.
    package static func parseDuration(_ text: String) -> Int64? {
        var digits = Substring(text.trimmed)
        var unit: Int64 = 1
        switch digits.last {
        case "d": unit = 86_400; digits.removeLast()
        case "h": unit = 3_600; digits.removeLast()
        case "m": unit = 60; digits.removeLast()
        case "s": digits.removeLast()
        default: break
        }
        guard !digits.isEmpty, digits.count < 12, let value = Int64(digits), value >= 0 else { return nil }
        return value * unit
    }

    /// `YYYY-MM-DD` for midnight, `YYYY-MM-DDTHH:MM:SSZ` otherwise (UTC).
    package static func format(_ epoch: Int64) -> String {
        let days = floorDiv(epoch, 86_400)
        let rest = epoch - days * 86_400
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        if rest != 0 { out += "T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))Z" }
        return out
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z: Int64) -> (Int64, Int64, Int64) {
        let z = z + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
