import Testing

@Suite struct CustodyStoreSmokeTests {
    @Test func builds() {
        #expect(Bool(true))
    }
}
