import Foundation

extension HTMLReport {
    /// Rows per provenance table (people and employers can be many).
    static let provenanceRows = 12

    /// "Who wrote the code that is there today": one bar chart per roster attribute, from
    /// ``AuditReport/provenance`` (`custody audit --provenance`).
    static func provenanceSection(_ provenance: AuditProvenance, _ out: inout HTMLWriter) {
        let shares = provenance.shares
        out.raw("<section><h2>Who wrote the code that is there today</h2>\n")
        out.raw("<p>Every line of the \(provenance.files) text files at commit <code>\(escape(String(provenance.revision.prefix(12))))</code> ")
        out.raw("was traced to the change that introduced it (ignoring changes of spacing only, following lines moved or copied). ")
        out.raw("\(shares.totalLines) lines survive")
        if shares.totalLines > 0 {
            out.raw("; \(provenance.unknownLines) of them (\(percent(provenance.unknownLines, shares.totalLines))) were written by people who are not on the roster")
        }
        out.raw(".</p>\n<ul>\n")
        out.raw("<li>\(provenance.flaggedLines) surviving lines come from commits with findings or policy violations.</li>\n")
        out.raw("<li>Findings whose lines are still there: \(provenance.findingsStillPresent); no longer there: \(provenance.findingsGone)")
        if provenance.findingsUnknown > 0 { out.raw("; not traceable to lines (whole commits, binary files): \(provenance.findingsUnknown)") }
        out.raw(".</li>\n</ul>\n")
        for (title, rows) in [
            ("By US-person status", shares.usPerson), ("By citizenship", shares.citizenship), ("By clearance", shares.clearance),
            ("By employer", shares.employer), ("By person", shares.person),
        ] {
            shareChart(title, rows, total: shares.totalLines, &out)
        }
        out.raw("<p class=\"legend\"><span class=\"swatch us\"></span> on the roster ")
        out.raw("<span class=\"swatch unknown\"></span> not on the roster</p>\n</section>\n")
    }

    private static func shareChart(_ title: String, _ rows: [ProvenanceReport.Share], total: Int, _ out: inout HTMLWriter) {
        guard !rows.isEmpty else { return }
        let shown = rows.prefix(provenanceRows)
        let rowHeight = 22.0, label = 260.0, width = 760.0
        out.raw("<h3>\(escape(title))</h3>\n")
        out.raw("<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(rowHeight * Double(shown.count) + 4))\" role=\"img\" aria-label=\"\(escape(title))\">\n")
        for (index, row) in shown.enumerated() {
            let y = Double(index) * rowHeight
            var key = row.key
            if key.count > 40 { key = String(key.prefix(40)) + "…" }
            let colour = row.key.hasPrefix(ProvenanceReport.unknownKey) ? "unknown" : "us"
            let w = max(total == 0 ? 0 : Double(row.lines) / Double(total) * (width - label - 120), 0.5)
            out.raw("<text x=\"0\" y=\"\(Int(y + 15))\" class=\"axis\">\(escape(key))</text>")
            out.raw("<rect class=\"\(colour)\" x=\"\(Int(label))\" y=\"\(Int(y + 3))\" width=\"\(String(format: "%.1f", w))\" height=\"16\"><title>\(escape(row.key)): \(row.lines) lines</title></rect>")
            out.raw("<text x=\"\(String(format: "%.1f", label + w + 4))\" y=\"\(Int(y + 15))\" class=\"axis\">\(percent(row.lines, total)) (\(row.lines))</text>\n")
        }
        out.raw("</svg>\n")
        if rows.count > shown.count { out.raw("<p class=\"more\">… and \(rows.count - shown.count) more (the JSON report has them all).</p>\n") }
    }

    /// "12.5%".
    static func percent(_ part: Int, _ total: Int) -> String {
        guard total > 0 else { return "0%" }
        return String(format: "%.1f%%", Double(part) * 100 / Double(total))
    }
}
