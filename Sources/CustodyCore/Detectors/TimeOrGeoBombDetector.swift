/// Finds behaviour gated on a hard-coded date (the current time compared with a fixed date or
/// epoch) or on where the machine is (time zone, locale, language, IP geolocation compared with
/// a fixed region). A gate followed within a few lines by deleting, running or sending something
/// is more severe.
///
/// Ordinary date handling (formatting, parsing, comparing two computed times, fixed dates in
/// tests without the current time) is not a finding.
struct TimeOrGeoBombDetector: Detector {
    static let dateGate = DetectorRule(
        id: "CUST-TIME-OR-GEO-BOMB-001",
        name: "BehaviourGatedOnFixedDate",
        category: .timeOrGeoBomb,
        severity: .medium,
        confidence: .medium,
        summary: "This code behaves differently after a fixed date, so it can pass every test today and act later.",
        help:
            "Comparing the current time with a date written into the code is how logic bombs wait; look at what the code does once the date has passed."
    )
    static let geoGate = DetectorRule(
        id: "CUST-TIME-OR-GEO-BOMB-002",
        name: "BehaviourGatedOnLocation",
        category: .timeOrGeoBomb,
        severity: .medium,
        confidence: .medium,
        summary: "This code behaves differently depending on the country, time zone or language of the computer it runs on.",
        help:
            "Protestware (node-ipc, es5-ext) checked the time zone or IP location and acted only on machines in certain countries. Check what the code does for the region it names."
    )

    var rules: [DetectorRule] { [Self.dateGate, Self.geoGate] }

    enum Group { case now, location, action }

    static let groups: [(Group, [String])] = [
        (
            .now,
            [
                "time(null)", "time(0)", "time(nil)", "time.time()", "date.now()", "new date()", "datetime.now(",
                "datetime.today(", "datetime.utcnow(", "date.today(", "time.now()", "time.now ", "time.now.",
                "currenttimemillis()", "instant.now()", "localdate.now()", "localdatetime.now()", "date()",
                "$(date", "`date", "date +%", "clock_gettime(", "gettimeofday(", "carbon::now", "time() ",
                "time()>", "time()<", "getdate(", "timeintervalsince1970", "now()", "date.today",
            ]
        ),
        (
            .location,
            [
                "timezone", "time_zone", "gettimezoneoffset(", "tzname", "time.local", "localtimezone",
                "locale.getlocale", "getdefaultlocale", "navigator.language", "locale.getdefault()",
                "locale.current", "/etc/timezone", "/etc/localtime", "\"lang\"", "'lang'", "$lang", ".lang",
                "lc_all", "ipapi.co", "ip-api.com", "ipinfo.io", "geoip", "ipgeolocation", "geolite",
                "country_code", "countrycode", "country_name", "getcountry", "cf-ipcountry", "x-country",
                "languagecode", "regioncode", "currentlocale", "intl.datetimeformat",
            ]
        ),
        (
            .action,
            [
                "rm -rf", "rmtree", "unlink(", "os.remove", "fs.rm", "writefilesync(", "rimraf", "exec(", "system(",
                "spawn(", "eval(", "fork(", "deletefile", "removeitem", "child_process", "subprocess", "dd if=",
                "removeall(", "fileutils.rm", "format c:", "shred ", "overwrite", "kill(", "shutdown",
            ]
        ),
    ]
    static let groupOf: [Group] = groups.flatMap { group in group.1.map { _ in group.0 } }
    static let matcher = MultiMatcher(groups.flatMap(\.1))

    static let tzPrefixes: [[UInt8]] = [
        "europe/", "asia/", "america/", "africa/", "australia/", "pacific/", "atlantic/", "indian/", "antarctica/",
    ].map { Array($0.utf8) }
    /// Location words that may name a user's or a record's country rather than the machine's
    /// (`address.country_code == "DE"` picks a VAT rate). Gates on them count only when the change
    /// also looks the machine up by IP address, or acts right after the gate.
    static let dataFields: Set<String> = ["country_code", "countrycode", "country_name", "getcountry"]
    /// Markers of an IP geolocation lookup (or a geolocation header set by a proxy).
    static let geoLookups: [[UInt8]] = [
        "ipapi.co", "ip-api.com", "ipinfo.io", "geoip", "ipgeolocation", "geolite", "cf-ipcountry", "x-country",
        "geolocation", "ipwhois", "ipdata.co", "freegeoip", "ipstack", "extreme-ip-lookup", "ip2location",
    ].map { Array($0.utf8) }
    /// English short names of countries and territories, lowercased, for gates written with names
    /// (`geo.country_name === "…"`) instead of codes.
    static let countryNames: Set<String> = [
        "afghanistan", "albania", "algeria", "andorra", "angola", "argentina", "armenia", "australia", "austria",
        "azerbaijan", "bahamas", "bahrain", "bangladesh", "barbados", "belarus", "belgium", "belize", "benin",
        "bhutan", "bolivia", "bosnia and herzegovina", "botswana", "brazil", "brunei", "bulgaria", "burkina faso",
        "burundi", "cambodia", "cameroon", "canada", "cape verde", "central african republic", "chad", "chile",
        "china", "colombia", "comoros", "congo", "costa rica", "croatia", "cuba", "cyprus", "czechia",
        "czech republic", "denmark", "djibouti", "dominica", "dominican republic", "ecuador", "egypt",
        "el salvador", "equatorial guinea", "eritrea", "estonia", "eswatini", "ethiopia", "fiji", "finland",
        "france", "gabon", "gambia", "georgia", "germany", "ghana", "greece", "grenada", "guatemala", "guinea",
        "guinea-bissau", "guyana", "haiti", "honduras", "hong kong", "hungary", "iceland", "india", "indonesia",
        "iran", "iran, islamic republic of", "iraq", "ireland", "israel", "italy", "ivory coast", "jamaica", "japan",
        "jordan", "kazakhstan", "kenya", "kiribati", "kosovo", "kuwait", "kyrgyzstan", "laos", "latvia", "lebanon",
        "lesotho", "liberia", "libya", "liechtenstein", "lithuania", "luxembourg", "macao", "madagascar", "malawi",
        "malaysia", "maldives", "mali", "malta", "mauritania", "mauritius", "mexico", "micronesia", "moldova",
        "monaco", "mongolia", "montenegro", "morocco", "mozambique", "myanmar", "namibia", "nauru", "nepal",
        "netherlands", "new zealand", "nicaragua", "niger", "nigeria", "north korea", "north macedonia", "norway",
        "oman", "pakistan", "palau", "palestine", "panama", "papua new guinea", "paraguay", "peru", "philippines",
        "poland", "portugal", "qatar", "romania", "russia", "russian federation", "rwanda", "samoa",
        "san marino", "saudi arabia", "senegal", "serbia", "seychelles", "sierra leone", "singapore", "slovakia",
        "slovenia", "somalia", "south africa", "south korea", "korea, republic of", "south sudan", "spain",
        "sri lanka", "sudan", "suriname", "sweden", "switzerland", "syria", "taiwan", "tajikistan", "tanzania",
        "thailand", "togo", "tonga", "trinidad and tobago", "tunisia", "turkey", "turkiye", "turkmenistan",
        "tuvalu", "uganda", "ukraine", "united arab emirates", "united kingdom", "united states",
        "united states of america", "uruguay", "uzbekistan", "vanuatu", "venezuela", "vietnam", "viet nam",
        "yemen", "zambia", "zimbabwe", "crimea",
    ]
    static let ordinaryRegions: Set<String> = [
        "en_us", "en-us", "en_gb", "en-gb", "en", "c", "posix", "utc", "gmt", "etc/utc", "c.utf-8", "en_us.utf-8",
        "z", "local",
    ]

    func scan(_ change: FileChange, context: DetectionContext, into findings: inout [Finding]) {
        guard change.newPath != nil else { return }
        let traits = context.traits(for: change)
        guard traits.language.isCode, !traits.isDocumentation, !traits.isMinified, !traits.isVendored,
            !traits.isLocalization
        else { return }
        // Gates need a `matcher` marker (a clock or a location read) on some line.
        guard context.gates(for: change).contains(.timeOrGeoBomb) else { return }
        let lines = change.addedLines
        var cap = FindingCap()
        var actions: [Int: String] = [:]
        var dateGates: [(Int, String, String)] = []
        var geoGates: [(Int, String, String)] = []
        var lastLocation: (Int, String)?
        for position in lines.indices {
            let line = lines[position]
            guard line.text.count <= 16 * 1024 else { continue }
            var now: String?
            var location: String?
            let text = line.text
            Self.matcher.scan(text) { match in
                let needle = Self.matcher.needles[match.needle]
                // Whole words only: `update()` is not `date()`.
                if ByteScan.isIdentifierByte(needle[0]), match.start > text.startIndex,
                    ByteScan.isIdentifierByte(text[match.start - 1])
                {
                    return true
                }
                let word = String(decoding: needle, as: UTF8.self)
                switch Self.groupOf[match.needle] {
                case .now: if now == nil { now = word }
                case .location: if location == nil { location = word }
                case .action: if actions[position] == nil { actions[position] = word }
                }
                return true
            }
            if location != nil { lastLocation = (position, location!) }
            // A location read on one line is often compared on the next ones (`tz = …; if tz == …`).
            if location == nil, let last = lastLocation, position - last.0 <= 3,
                line.number - lines[last.0].number <= 4
            {
                location = last.1
            }
            guard now != nil || location != nil else { continue }
            if CommentHeuristics.isCommentLine(line.text, language: traits.language) { continue }
            let code = CommentHeuristics.code(line.text, language: traits.language)
            if let now, Self.hasComparison(code), let date = Self.fixedDate(in: code) {
                dateGates.append((position, now.strippingCharacters(" "), date))
            }
            if let location, Self.hasComparison(code) || ByteScan.contains(code, ByteScan.bytes("case ")),
                let region = Self.region(in: code)
            {
                geoGates.append((position, location.strippingCharacters("\"'.$"), region))
            }
        }
        let looksUpLocation = !geoGates.isEmpty && lines.contains { line in
            ByteScan.containsAny(ByteScan.lowercased(line.text.prefix(16 * 1024)), Self.geoLookups)
        }
        for (rule, gates) in [(Self.dateGate, dateGates), (Self.geoGate, geoGates)] {
            for (position, source, value) in gates {
                let window = lines.window(around: position, before: 0, after: 4)
                let action = window.first { actions[$0] != nil }
                // A record's country compared with a code is ordinary (tax, shipping, forms).
                if rule == Self.geoGate, Self.dataFields.contains(source), action == nil, !looksUpLocation { continue }
                var severity: Severity = action != nil ? .high : .medium
                if !traits.isProductionCode { severity = .low }
                guard cap.allow(rule) else { continue }
                let what = rule == Self.dateGate ? "the current time ('\(source)') with the fixed date \(value)" : "the machine's location ('\(source)') with \"\(value)\""
                let then = action.map { " Line \(lines[$0].number) then acts ('\(actions[$0]!)')." } ?? ""
                let end = action ?? position
                findings.append(
                    Finding(
                        rule: rule,
                        commit: context.commit,
                        change: change,
                        lines: Array(lines[position...max(position, end)]),
                        evidence: "Line \(lines[position].number) compares \(what).\(then)",
                        severity: severity
                    )
                )
            }
        }
    }

    static func hasComparison(_ code: ArraySlice<UInt8>) -> Bool {
        code.contains(0x3c) || code.contains(0x3e) || ByteScan.contains(code, ByteScan.bytes("=="))
            || ByteScan.contains(code, ByteScan.bytes("fter(")) || ByteScan.contains(code, ByteScan.bytes("efore("))
            || ByteScan.contains(code, ByteScan.bytes(" -gt ")) || ByteScan.contains(code, ByteScan.bytes(" -ge "))
            || ByteScan.contains(code, ByteScan.bytes(" -lt ")) || ByteScan.contains(code, ByteScan.bytes("equals("))
            || ByteScan.contains(code, ByteScan.bytes("compare")) || ByteScan.contains(code, ByteScan.bytes("hasprefix("))
            || ByteScan.contains(code, ByteScan.bytes("HasPrefix(")) || ByteScan.contains(code, ByteScan.bytes("startsWith("))
            || ByteScan.contains(code, ByteScan.bytes("startswith(")) || ByteScan.contains(code, ByteScan.bytes("includes("))
    }

    /// A fixed date: an epoch in seconds (2017–2049) or milliseconds, or a year 2000–2099 followed
    /// by a month (`2026-03-01`, `2026, 3, 1`, `2026/03`).
    static func fixedDate(in code: ArraySlice<UInt8>) -> String? {
        var i = code.startIndex
        while i < code.endIndex {
            guard ByteScan.isDigit(code[i]), i == code.startIndex || !ByteScan.isIdentifierByte(code[i - 1]) && code[i - 1] != 0x2e
            else {
                i += 1
                continue
            }
            var j = i
            var value = 0
            while j < code.endIndex, ByteScan.isDigit(code[j]), j - i < 14 {
                value = value &* 10 &+ Int(code[j] - 0x30)
                j += 1
            }
            defer { i = j + 1 }
            let digits = j - i
            if j < code.endIndex, ByteScan.isIdentifierByte(code[j]) && !(code[j] == 0x4c || code[j] == 0x6c || code[j] == 0x5f) {
                continue  // 0x…, 10ms, 1e9
            }
            if digits == 10, (1_500_000_000...2_500_000_000).contains(value) { return "\(value) (Unix time)" }
            if digits == 13, (1_500_000_000_000...2_500_000_000_000).contains(value) { return "\(value) (Unix time in ms)" }
            if digits == 4, (2000...2099).contains(value), j + 2 < code.endIndex {
                var k = j
                let sep = code[k]
                guard sep == 0x2d || sep == 0x2c || sep == 0x2f else { continue }
                k += 1
                while k < code.endIndex, code[k] == 0x20 { k += 1 }
                var month = 0
                var monthDigits = 0
                while k < code.endIndex, ByteScan.isDigit(code[k]), monthDigits < 3 {
                    month = month * 10 + Int(code[k] - 0x30)
                    monthDigits += 1
                    k += 1
                }
                if (1...2).contains(monthDigits), (1...12).contains(month) {
                    return ByteScan.text(code[i..<min(code.endIndex, k + 3)], limit: 12).strippingCharacters("\"') ,")
                }
            }
        }
        return nil
    }

    /// A fixed region literal: an IANA time zone, a locale (`ru_RU`, `ru-RU`) or a two-letter
    /// country code in quotes.
    static func region(in code: ArraySlice<UInt8>) -> String? {
        for range in ByteScan.stringLiterals(code) where range.count >= 2 && range.count <= 40 {
            let literal = code[range]
            let text = ByteScan.text(literal, limit: 40)
            if ordinaryRegions.contains(text.lowercased()) { continue }
            if range.count >= 4, countryNames.contains(text.lowercased()) { return text }
            let lower = ByteScan.lowercased(literal)
            if tzPrefixes.contains(where: { lower.starts(with: $0) }) { return text }
            let b = Array(literal)
            let isUpper = { (x: UInt8) in x >= 0x41 && x <= 0x5a }
            let isLower = { (x: UInt8) in x >= 0x61 && x <= 0x7a }
            if b.count == 2, isUpper(b[0]), isUpper(b[1]) { return text }
            if b.count == 5, isLower(b[0]), isLower(b[1]), b[2] == 0x5f || b[2] == 0x2d, isUpper(b[3]), isUpper(b[4]) {
                return text
            }
        }
        return nil
    }
}
