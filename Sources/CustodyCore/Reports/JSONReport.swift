import Foundation

/// Renders an ``AuditReport`` as pretty JSON with sorted keys (stable output; schema in
/// docs/audit-json.md).
///
/// JSON escapes control characters itself, so hostile strings are kept exactly as read (with
/// invalid UTF-8 replaced by U+FFFD when git output was decoded).
package enum JSONReport {
    /// The report as UTF-8 JSON bytes ending with a newline.
    package static func render(_ report: AuditReport) throws -> [UInt8] {
        var bytes = Array(try encoder().encode(report))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Decodes a report written by ``render(_:)``.
    package static func decode(_ bytes: [UInt8]) throws -> AuditReport {
        try JSONDecoder().decode(AuditReport.self, from: Data(bytes))
    }

    /// The encoder every JSON output of custody uses: pretty, sorted keys, slashes unescaped.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
