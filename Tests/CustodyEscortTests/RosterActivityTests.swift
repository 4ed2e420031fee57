import CustodyCore
import Foundation
import Testing

@testable import CustodyEscort

struct RosterActivityTests {
    private let day = ISO8601DateFormatter().date(from: "2026-11-29T23:30:00Z")!

    @Test func withinTheActivePeriodNothingIsRefused() {
        let person = Person(id: "ann", name: "Ann", activeFrom: "2026-11-29", activeUntil: "2026-11-29")
        #expect(RosterActivity.refusal(for: person, on: day) == nil)
        #expect(RosterActivity.refusal(for: Person(id: "bob", name: "Bob"), on: day) == nil)
        #expect(RosterActivity.day(day) == "2026-11-29")
    }

    @Test func beforeOrAfterThePeriodIsRefusedWithTheDates() {
        let ended = Person(id: "ann", name: "Ann", activeFrom: "2020-01-01", activeUntil: "2026-11-28")
        #expect(RosterActivity.refusal(for: ended, on: day) == "your roster entry ended on 2026-11-28 (today is 2026-11-29 UTC)")
        let early = Person(id: "bob", name: "Bob", activeFrom: "2026-11-30")
        #expect(RosterActivity.refusal(for: early, on: day) == "your roster entry is active only from 2026-11-30 (today is 2026-11-29 UTC)")
    }

    @Test func unreadableDatesRefuse() {
        let damaged = Person(id: "eve", name: "Eve", activeUntil: "someday")
        #expect(RosterActivity.refusal(for: damaged, on: day) == "your roster entry has an unreadable end date; ask the roster owner")
    }
}
