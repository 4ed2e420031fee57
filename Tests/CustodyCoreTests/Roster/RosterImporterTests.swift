import CustodyCore
import Testing

@Suite struct RosterImporterTests {
    func parse(_ text: String) throws -> [[String]] {
        try CSVParser.parse(Array(text.utf8)).map { $0.fields.map(\.text) }
    }

    @Test func rfc4180Quoting() throws {
        #expect(try parse("a,b,c\r\n1,2,3\r\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try parse("a,\"b,c\",\"d \"\"e\"\"\"\n") == [["a", "b,c", "d \"e\""]])
        #expect(try parse("a,\"multi\nline\",z\nnext,,\n") == [["a", "multi\nline", "z"], ["next", "", ""]])
        #expect(try parse("\u{FEFF}x,y") == [["x", "y"]])
        #expect(try parse("x\n\n\ny\n") == [["x"], ["y"]])
    }

    @Test func recordsKnowTheirLineAfterAMultilineField() throws {
        let records = try CSVParser.parse(Array("h1,h2\n\"a\nb\",c\nd,e\n".utf8))
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[2].fields[1].column == 3)
    }

    @Test(arguments: [
        ("a,b\"c\n", 1, 4, "a quote inside a field that does not start with a quote"),
        ("a,\"b\"c\n", 1, 6, "text after a closing quote"),
        ("x\na,\"never closed\n", 2, 3, "quoted field is never closed"),
    ])
    func malformedCSVNamesLineAndColumn(text: String, line: Int, column: Int, message: String) {
        #expect(throws: CSVParser.ParseError(line: line, column: column, message: message)) {
            try CSVParser.parse(Array(text.utf8))
        }
    }

    @Test func importsListsAndAnyColumnOrder() throws {
        let csv = """
            Name,ID,Emails,Citizenship,US_Person,Clearance,Roles,Active-From
            "Doe, Jane",jdoe,jane@v.example; JANE@home.example,US;CA,yes,top-secret,developer;reviewer,2020-05-01

            """
        let roster = try RosterImporter.importCSV(Array(csv.utf8), file: "hr.csv")
        let person = try #require(roster.people.first)
        #expect(person.id == "jdoe")
        #expect(person.name == "Doe, Jane")
        #expect(person.emails == ["jane@v.example", "JANE@home.example"])
        #expect(person.citizenship == ["US", "CA"])
        #expect(person.usPerson == true)
        #expect(person.clearance == .topSecret)
        #expect(person.roles == ["developer", "reviewer"])
        #expect(person.activeFrom == "2020-05-01")
    }

    @Test func errorsNameLineAndColumn() {
        let csv = """
            id,name,clearance,citizenship
            a,Alice,secret,US
            b,Bob,secrt,DEU
            a,"Another
            Alice",none,US
            c,Short

            """
        let (_, issues) = RosterImporter.check(Array(csv.utf8), file: "hr.csv")
        let text = issues.map(\.description)
        #expect(text.contains(#"hr.csv:3:7: clearance (column 3): "secrt" is not one of none, confidential, secret, top-secret"#))
        #expect(text.contains { $0.hasPrefix(#"hr.csv:3:13: citizenship (column 4): "DEU" is not an ISO 3166 alpha-2"#) })
        #expect(text.contains(#"hr.csv:4:1: id (column 1): "a" is already used on line 2"#))
        #expect(text.contains("hr.csv:6:3: has 2 fields but the header has 4"))
        #expect(issues.count == 4)
    }

    @Test func unknownAndMissingColumns() {
        let (_, issues) = RosterImporter.check(Array("id,nmae\nx,y\n".utf8), file: "hr.csv")
        #expect(issues.map(\.description).contains { $0.hasPrefix(#"hr.csv:1:4: column 2: "nmae" is not a roster field"#) })
        #expect(issues.map(\.description).contains("hr.csv:1: name: column is required"))
    }
}
