import Testing

@Suite struct CustodyLedgerSmokeTests {
    @Test func builds() {
        #expect(Bool(true))
    }
}
