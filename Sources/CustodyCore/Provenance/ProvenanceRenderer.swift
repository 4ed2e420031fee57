import Foundation

/// Renders a ``ProvenanceReport`` as terminal text, JSON or a minimal HTML page (bytes out).
///
/// Every string that came from the repository (paths, names, emails) is neutralized: control
/// characters, bidi controls and zero-width characters are shown as `\u{…}` escapes; HTML is
/// escaped in the HTML output.
package enum ProvenanceRenderer {
    package static func text(_ report: ProvenanceReport, top: Int = 15) -> [UInt8] {
        var out = ""
        out += "Provenance of \(report.revision): \(report.overall.totalLines) surviving lines in \(report.files) files.\n"
        func section(_ title: String, _ rows: [ProvenanceReport.Share], _ indent: String) {
            out += "\(indent)\(title):\n"
            for row in rows.prefix(top) {
                out += "\(indent)  \(percent(row.share).leftPadded(7))  \(String(row.lines).leftPadded(8))  \(TextSafety.terminal(row.key))\n"
            }
            if rows.count > top { out += "\(indent)  … \(rows.count - top) more\n" }
        }
        func tables(_ t: ProvenanceReport.Tables, _ indent: String) {
            section("By person", t.person, indent)
            section("By employer", t.employer, indent)
            section("By citizenship", t.citizenship, indent)
            section("By US-person status", t.usPerson, indent)
            section("By clearance", t.clearance, indent)
            section("On the roster", t.roster, indent)
        }
        tables(report.overall, "")
        for directory in report.directories {
            out += "\nFolder \(TextSafety.terminal(directory.directory)) (\(directory.tables.totalLines) lines):\n"
            tables(directory.tables, "  ")
        }
        if !report.flagged.isEmpty {
            out += "\nSurviving lines from flagged commits:\n"
            for f in report.flagged {
                out += "  \(TextSafety.terminal(f.path)):\(f.startLine)-\(f.endLine)  \(f.commit.prefix(12))  \(TextSafety.terminal(f.reasons.joined(separator: ", ")))\n"
            }
        }
        for problem in report.problems {
            out += "Not attributed: \(TextSafety.terminal(problem.path ?? "?")): \(TextSafety.terminal(problem.reason))\n"
        }
        return Array(out.utf8)
    }

    package static func json(_ report: ProvenanceReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(report)) + [0x0a]
    }

    package static func html(_ report: ProvenanceReport) -> [UInt8] {
        var out = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Provenance</title></head><body>\n"
        out += "<h1>Provenance of \(TextSafety.html(report.revision))</h1>\n"
        out += "<p>\(report.overall.totalLines) surviving lines in \(report.files) files.</p>\n"
        func table(_ title: String, _ rows: [ProvenanceReport.Share]) {
            out += "<h3>\(TextSafety.html(title))</h3>\n<table><tr><th>Share</th><th>Lines</th><th>Key</th></tr>\n"
            for row in rows {
                out += "<tr><td>\(percent(row.share))</td><td>\(row.lines)</td><td>\(TextSafety.html(row.key))</td></tr>\n"
            }
            out += "</table>\n"
        }
        func tables(_ t: ProvenanceReport.Tables) {
            table("By person", t.person)
            table("By employer", t.employer)
            table("By citizenship", t.citizenship)
            table("By US-person status", t.usPerson)
            table("By clearance", t.clearance)
            table("On the roster", t.roster)
        }
        out += "<h2>Overall</h2>\n"
        tables(report.overall)
        for d in report.directories {
            out += "<h2>Folder \(TextSafety.html(d.directory))</h2>\n"
            tables(d.tables)
        }
        if !report.flagged.isEmpty {
            out += "<h2>Surviving lines from flagged commits</h2>\n<table><tr><th>Path</th><th>Lines</th><th>Commit</th><th>Reasons</th></tr>\n"
            for f in report.flagged {
                out += "<tr><td>\(TextSafety.html(f.path))</td><td>\(f.startLine)–\(f.endLine)</td><td>\(TextSafety.html(f.commit))</td><td>\(TextSafety.html(f.reasons.joined(separator: ", ")))</td></tr>\n"
            }
            out += "</table>\n"
        }
        out += "</body></html>\n"
        return Array(out.utf8)
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// Neutralizes hostile text for terminals and HTML.
package enum TextSafety {
    /// Control, bidi and zero-width characters become `\u{XXXX}`; at most `limit` characters.
    package static func terminal(_ text: String, limit: Int = 400) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "…"
                break
            }
            count += 1
            if isDangerous(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    package static func html(_ text: String) -> String {
        var out = ""
        for scalar in terminal(text, limit: 2000).unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isDangerous(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || v == 0x7f || (0x80...0x9f).contains(v) { return true }
        if (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200e || v == 0x200f || v == 0x061c { return true }
        if (0x200b...0x200d).contains(v) || v == 0x2060 || v == 0xfeff || (0xe0000...0xe007f).contains(v) { return true }
        return false
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
