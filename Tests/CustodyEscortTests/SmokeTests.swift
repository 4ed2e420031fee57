import Testing

@Suite struct CustodyEscortSmokeTests {
    @Test func builds() {
        #expect(Bool(true))
    }
}
