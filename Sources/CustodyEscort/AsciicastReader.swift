import Foundation

/// Reads an asciicast v2 recording back: header and events, with times in microseconds.
package struct AsciicastReader: Sendable {
    package struct Event: Hashable, Sendable {
        package var micros: Int64
        package var code: String
        package var data: String
    }

    package var header: [String: String]
    package var events: [Event]

    /// Parses a recording; blank lines are skipped and a malformed line is an error.
    ///
    /// - Throws: ``EscortError`` with the line number that does not parse.
    package init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw EscortError(.notFound, "cannot read \(path)") }
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), let object = try? JSONSerialization.jsonObject(with: Data(first)) as? [String: Any],
            object["version"] as? Int == 2
        else { throw EscortError(.configuration, "\(path): not an asciicast v2 header") }
        header = object.mapValues { "\($0)" }
        events = []
        var number = 1
        while let line = lines.next() {
            number += 1
            guard let array = try? JSONSerialization.jsonObject(with: Data(line)) as? [Any], array.count == 3,
                let time = array[0] as? Double, let code = array[1] as? String, let text = array[2] as? String
            else { throw EscortError(.configuration, "\(path):\(number): not an asciicast v2 event") }
            events.append(Event(micros: Int64((time * 1_000_000).rounded()), code: code, data: text))
        }
    }

    /// Everything shown on the terminal, concatenated (what `asciinema cat` prints).
    package var output: String { events.filter { $0.code == "o" }.map(\.data).joined() }
}
