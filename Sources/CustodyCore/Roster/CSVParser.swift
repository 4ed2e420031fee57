/// A small RFC 4180 CSV reader: comma-separated fields, CRLF or LF records, double-quoted fields
/// that may hold commas, quotes (doubled) and line breaks.
///
/// Every field knows the line and column it started on, so errors can name them.
package struct CSVParser: Sendable {
    package struct Field: Hashable, Sendable {
        package var text: String
        package var line: Int
        /// 1-based column in characters (bytes for ASCII) where the field starts.
        package var column: Int
        package var number: Int
    }

    package struct Record: Hashable, Sendable {
        package var line: Int
        package var fields: [Field]
    }

    package struct ParseError: Error, Hashable, Sendable {
        package var line: Int
        package var column: Int
        package var message: String

        package init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// Parses CSV bytes into records; blank lines are skipped. A UTF-8 byte order mark is ignored.
    ///
    /// - Throws: ``ParseError`` for a stray quote, text after a closing quote, or an unterminated
    ///   quoted field.
    package static func parse(_ input: [UInt8]) throws(ParseError) -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var i = 0
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        var line = 1
        var lineStart = i
        var records: [Record] = []
        var fields: [Field] = []
        var recordLine = 1

        func column(_ at: Int) -> Int {
            // Count characters (not continuation bytes) from the start of the line.
            var count = 1
            var k = lineStart
            while k < at {
                if input[k] & 0xC0 != 0x80 { count += 1 }
                k += 1
            }
            return count
        }

        while i <= input.count {
            // Start of a field.
            let fieldLine = line
            let fieldColumn = column(i)
            if fields.isEmpty { recordLine = line }
            var bytes: [UInt8] = []
            if i < input.count, input[i] == quote {
                i += 1
                while true {
                    guard i < input.count else {
                        throw ParseError(line: fieldLine, column: fieldColumn, message: "quoted field is never closed")
                    }
                    let b = input[i]
                    if b == quote {
                        if i + 1 < input.count, input[i + 1] == quote {
                            bytes.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if b == lf {
                        line += 1
                        lineStart = i + 1
                    }
                    bytes.append(b)
                    i += 1
                }
                if i < input.count, input[i] != comma, input[i] != lf, input[i] != cr {
                    throw ParseError(line: line, column: column(i), message: "text after a closing quote")
                }
            } else {
                while i < input.count, input[i] != comma, input[i] != lf, input[i] != cr {
                    if input[i] == quote {
                        throw ParseError(
                            line: line,
                            column: column(i),
                            message: "a quote inside a field that does not start with a quote"
                        )
                    }
                    bytes.append(input[i])
                    i += 1
                }
            }
            fields.append(
                Field(
                    text: String(decoding: bytes, as: UTF8.self),
                    line: fieldLine,
                    column: fieldColumn,
                    number: fields.count + 1
                )
            )
            // End of field: comma, record end, or input end.
            if i < input.count, input[i] == comma {
                i += 1
                continue
            }
            if i < input.count, input[i] == cr { i += 1 }
            if i < input.count, input[i] == lf { i += 1 }
            let blank = fields.count == 1 && fields[0].text.isEmpty
            if !blank { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            line += 1
            lineStart = i
            if i >= input.count { break }
        }
        return records
    }
}
