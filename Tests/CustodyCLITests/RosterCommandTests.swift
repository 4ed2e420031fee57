import Foundation
import Testing

@Suite struct RosterCommandTests {
    @Test func importWritesARosterThatAuditAccepts() throws {
        let home = try AuditCommandTests.Home()
        let csv = try home.write(
            "hr.csv",
            "id,name,emails,citizenship,usPerson,clearance\nadavis,\"Davis, Alice\",alice@prime.example;a@home.example,US,true,secret\n"
        )
        let output = home.path + "/roster.yaml"
        let result = try CustodyBinary.run(["roster", "import", csv, "--output", output], home: home.path)
        #expect(result.status == 0, "\(result.stderr)")
        let yaml = try String(contentsOfFile: output, encoding: .utf8)
        #expect(yaml.contains("name: \"Davis, Alice\""))
        #expect(yaml.contains("emails: [\"alice@prime.example\", \"a@home.example\"]"))
        let check = try CustodyBinary.run(["roster", "check", output], home: home.path)
        #expect(check.status == 0)
        #expect(check.stdout.contains("1 people, no problems"))
    }

    @Test func importListsEveryErrorAndExitsTwo() throws {
        let home = try AuditCommandTests.Home()
        let csv = try home.write("hr.csv", "id,name,clearance\na,A,secrt\nb,B,\"unclosed\n")
        let result = try CustodyBinary.run(["roster", "import", csv], home: home.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("hr.csv:3:5: quoted field is never closed"))
        #expect(result.stdout.isEmpty)

        let csv2 = try home.write("hr2.csv", "id,name,clearance\na,A,secrt\n")
        let second = try CustodyBinary.run(["roster", "import", csv2], home: home.path)
        #expect(second.status == 2)
        #expect(second.stderr.contains(#"hr2.csv:2:5: clearance (column 3): "secrt" is not one of"#))
    }
}
