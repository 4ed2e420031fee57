import Testing

@Suite struct CustodyCLISmokeTests {
    @Test func builds() {
        #expect(Bool(true))
    }
}
