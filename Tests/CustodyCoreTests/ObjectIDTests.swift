import Testing

@testable import CustodyCore

struct ObjectIDTests {
    @Test func roundTripsHex() throws {
        let hex = "5ab2f8a4323abafb10abb68657d9d39f1a775057"
        let id = try #require(ObjectID(hex))
        #expect(id.description == hex)
        #expect(id.bytes.count == 20)
        #expect(ObjectID("5AB2F8A4323ABAFB10ABB68657D9D39F1A775057") == id)
    }

    @Test(arguments: ["", "abc", "zz2f8a4323abafb10abb68657d9d39f1a775057", String(repeating: "a", count: 41)])
    func rejectsBadHex(_ text: String) {
        #expect(ObjectID(text) == nil)
    }
}
