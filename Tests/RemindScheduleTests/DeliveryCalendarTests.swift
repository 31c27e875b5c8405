import Foundation
import PropertyBased
import RemindCore
import Testing
@testable import RemindSchedule

@Suite struct DeliveryCalendarTests {
    let utc = zone("UTC")

    @Test func officeHoursOpenAndClose() throws {
        let calendar = DeliveryCalendar(windows: officeHours, timeZone: utc)
        // 2025-06-02 is a Monday.
        #expect(!calendar.isOpen(at: instant("2025-06-02T08:59:59Z")))
        #expect(calendar.isOpen(at: instant("2025-06-02T09:00:00Z")))
        #expect(calendar.isOpen(at: instant("2025-06-02T16:59:59Z")))
        #expect(!calendar.isOpen(at: instant("2025-06-02T17:00:00Z")))
        #expect(calendar.nextOpening(atOrAfter: instant("2025-06-02T12:00:00Z")) == instant("2025-06-02T12:00:00Z"))
        #expect(calendar.nextOpening(atOrAfter: instant("2025-06-02T17:00:00Z")) == instant("2025-06-03T09:00:00Z"))
        // Friday evening → Monday morning.
        #expect(calendar.nextOpening(atOrAfter: instant("2025-06-06T18:00:00Z")) == instant("2025-06-09T09:00:00Z"))
        #expect(calendar.windowEnd(containing: instant("2025-06-02T10:00:00Z")) == instant("2025-06-02T17:00:00Z"))
        #expect(calendar.windowEnd(containing: instant("2025-06-02T08:00:00Z")) == nil)
    }

    @Test func noWindowsNeverOpens() {
        let calendar = DeliveryCalendar(windows: [], timeZone: utc)
        #expect(calendar.isNeverOpen)
        #expect(!calendar.isOpen(at: instant("2025-06-02T10:00:00Z")))
        #expect(calendar.nextOpening(atOrAfter: instant("2025-06-02T10:00:00Z")) == nil)
        #expect(calendar.openIntervals(from: instant("2025-06-01T00:00:00Z"), to: instant("2025-07-01T00:00:00Z")).isEmpty)
    }

    @Test func closedDatesCloseTheirWindows() {
        // Christmas and Boxing Day 2025 fall on Thursday and Friday.
        let closed: Set = [LocalDate(year: 2025, month: 12, day: 25), LocalDate(year: 2025, month: 12, day: 26)]
        let calendar = DeliveryCalendar(windows: officeHours, timeZone: zone("Australia/Sydney"), closedDates: closed)
        #expect(!calendar.isOpen(at: instant("2025-12-25T10:00:00+11:00")))
        #expect(calendar.isOpen(at: instant("2025-12-24T10:00:00+11:00")))
        #expect(calendar.nextOpening(atOrAfter: instant("2025-12-24T17:00:00+11:00")) == instant("2025-12-29T09:00:00+11:00"))
    }

    @Test func aLongRunOfClosedDatesIsSearchedThrough() {
        // Only Mondays, and the next 30 Mondays closed.
        let first = LocalDate(year: 2025, month: 6, day: 2)
        let closed = Set((0..<30).map { first.adding(days: 7 * $0) })
        let calendar = DeliveryCalendar(windows: [window(1, "09:00", "10:00")], timeZone: utc, closedDates: closed)
        #expect(calendar.nextOpening(atOrAfter: instant("2025-06-01T00:00:00Z")) == instant("2025-12-29T09:00:00Z"))
    }

    @Test func touchingWindowsMergeAcrossMidnight() {
        let calendar = DeliveryCalendar(
            windows: [window(1, "22:00", "24:00"), window(2, "00:00", "06:00"), window(2, "05:00", "07:00"),
                      window(2, "09:00", "12:00"), window(2, "12:00", "13:00")],
            timeZone: utc)
        let monday = instant("2025-06-02T23:00:00Z")
        #expect(calendar.windowEnd(containing: monday) == instant("2025-06-03T07:00:00Z"))
        #expect(calendar.windowEnd(containing: instant("2025-06-03T09:30:00Z")) == instant("2025-06-03T13:00:00Z"))
        let intervals = calendar.openIntervals(from: instant("2025-06-02T23:00:00Z"), to: instant("2025-06-03T12:30:00Z"))
        #expect(intervals == [
            DateInterval(start: instant("2025-06-02T23:00:00Z"), end: instant("2025-06-03T07:00:00Z")),
            DateInterval(start: instant("2025-06-03T09:00:00Z"), end: instant("2025-06-03T12:30:00Z")),
        ])
    }

    @Test func alwaysOpenCalendarAnswersQuickly() {
        let calendar = DeliveryCalendar(windows: (1...7).map { window($0, "00:00", "24:00") }, timeZone: zone("Europe/London"))
        let t = instant("2025-06-02T10:00:00Z")
        #expect(calendar.isOpen(at: t))
        #expect(calendar.nextOpening(atOrAfter: t) == t)
        let end = calendar.windowEnd(containing: t)!
        #expect(end.timeIntervalSince(t) > 300 * 86_400)
    }

    // MARK: DST: a window 01:30–03:30 local on each transition night.

    let night = [window(7, "01:30", "03:30")]  // Sundays

    @Test func londonSpringForwardShortensTheWindow() {
        // 2025-03-30 01:00 GMT → 02:00 BST: local 01:30 does not exist.
        let calendar = DeliveryCalendar(windows: night, timeZone: zone("Europe/London"))
        let intervals = calendar.openIntervals(from: instant("2025-03-29T12:00:00Z"), to: instant("2025-03-30T12:00:00Z"))
        #expect(intervals == [DateInterval(start: instant("2025-03-30T01:00:00Z"), end: instant("2025-03-30T02:30:00Z"))])
        #expect(!calendar.isOpen(at: instant("2025-03-30T00:59:59Z")))
        #expect(calendar.isOpen(at: instant("2025-03-30T01:00:00Z")))
        #expect(!calendar.isOpen(at: instant("2025-03-30T02:30:00Z")))
        #expect(calendar.nextOpening(atOrAfter: instant("2025-03-30T00:30:00Z")) == instant("2025-03-30T01:00:00Z"))
        // A week earlier and later, two hours at GMT and at BST respectively.
        #expect(calendar.nextOpening(atOrAfter: instant("2025-03-22T12:00:00Z")) == instant("2025-03-23T01:30:00Z"))
        #expect(calendar.nextOpening(atOrAfter: instant("2025-03-30T03:00:00Z")) == instant("2025-04-06T00:30:00Z"))
    }

    @Test func londonFallBackLengthensTheWindow() {
        // 2025-10-26 02:00 BST → 01:00 GMT: local 01:00–02:00 happens twice.
        let calendar = DeliveryCalendar(windows: night, timeZone: zone("Europe/London"))
        let intervals = calendar.openIntervals(from: instant("2025-10-25T12:00:00Z"), to: instant("2025-10-26T12:00:00Z"))
        #expect(intervals == [DateInterval(start: instant("2025-10-26T00:30:00Z"), end: instant("2025-10-26T03:30:00Z"))])
        // During the second 01:15 (GMT) it stays open: one window, opened once.
        #expect(calendar.isOpen(at: instant("2025-10-26T01:15:00Z")))
        #expect(calendar.windowEnd(containing: instant("2025-10-26T01:15:00Z")) == instant("2025-10-26T03:30:00Z"))
        #expect(!calendar.isOpen(at: instant("2025-10-26T00:29:59Z")))
    }

    @Test func londonWindowInsideTheRepeatedHourOpensOnce() {
        let calendar = DeliveryCalendar(windows: [window(7, "01:10", "01:50")], timeZone: zone("Europe/London"))
        #expect(calendar.isOpen(at: instant("2025-10-26T00:20:00Z")))  // first 01:20 (BST)
        #expect(!calendar.isOpen(at: instant("2025-10-26T01:20:00Z")))  // second 01:20 (GMT)
    }

    @Test func sydneyFallBackLengthensTheWindow() {
        // 2025-04-06 03:00 AEDT → 02:00 AEST (2025-04-05T16:00Z).
        let calendar = DeliveryCalendar(windows: night, timeZone: zone("Australia/Sydney"))
        let intervals = calendar.openIntervals(from: instant("2025-04-05T00:00:00Z"), to: instant("2025-04-06T00:00:00Z"))
        #expect(intervals == [DateInterval(start: instant("2025-04-05T14:30:00Z"), end: instant("2025-04-05T17:30:00Z"))])
        #expect(calendar.isOpen(at: instant("2025-04-05T16:10:00Z")))  // the second 02:10
    }

    @Test func sydneySpringForwardShortensTheWindow() {
        // 2025-10-05 02:00 AEST → 03:00 AEDT (2025-10-04T16:00Z).
        let calendar = DeliveryCalendar(windows: night, timeZone: zone("Australia/Sydney"))
        let intervals = calendar.openIntervals(from: instant("2025-10-04T00:00:00Z"), to: instant("2025-10-05T00:00:00Z"))
        // 01:30 AEST exists; 03:30 AEDT is one real hour later.
        #expect(intervals == [DateInterval(start: instant("2025-10-04T15:30:00Z"), end: instant("2025-10-04T16:30:00Z"))])
        // A window starting inside the gap opens at the transition.
        let late = DeliveryCalendar(windows: [window(7, "02:30", "04:00")], timeZone: zone("Australia/Sydney"))
        #expect(late.nextOpening(atOrAfter: instant("2025-10-04T12:00:00Z")) == instant("2025-10-04T16:00:00Z"))
        #expect(late.windowEnd(containing: instant("2025-10-04T16:00:00Z")) == instant("2025-10-04T17:00:00Z"))
    }

    @Test func sydneyWindowInsideTheGapDoesNotOpenThatDay() {
        let calendar = DeliveryCalendar(windows: [window(7, "02:15", "02:45")], timeZone: zone("Australia/Sydney"))
        #expect(calendar.intervals(on: LocalDate(year: 2025, month: 10, day: 5)).isEmpty)
        #expect(calendar.nextOpening(atOrAfter: instant("2025-10-04T12:00:00Z")) == instant("2025-10-11T15:15:00Z"))
    }

    @Test func officeHoursOnTransitionDaysKeepLocalTimes() {
        // A Monday–Sunday 09:00–17:00 calendar: the Sunday of each change keeps 09:00 local.
        let every = (1...7).map { window($0, "09:00", "17:00") }
        let london = DeliveryCalendar(windows: every, timeZone: zone("Europe/London"))
        #expect(london.nextOpening(atOrAfter: instant("2025-03-30T00:00:00Z")) == instant("2025-03-30T08:00:00Z"))
        #expect(london.nextOpening(atOrAfter: instant("2025-10-26T00:00:00Z")) == instant("2025-10-26T09:00:00Z"))
        let sydney = DeliveryCalendar(windows: every, timeZone: zone("Australia/Sydney"))
        #expect(sydney.nextOpening(atOrAfter: instant("2025-04-05T12:00:00Z")) == instant("2025-04-05T23:00:00Z"))
        #expect(sydney.nextOpening(atOrAfter: instant("2025-10-04T12:00:00Z")) == instant("2025-10-04T22:00:00Z"))
    }

    // MARK: Properties

    /// Over random windows, zones and instants: `isOpen`, `nextOpening`, `openIntervals`
    /// agree with each other, and, away from DST changes, with the wall clock as
    /// Foundation's Calendar reads it.
    @Test func agreesWithTheWallClock() async {
        await propertyCheck(count: 150, input: calendarGen, Gen.int(in: 1_735_689_600...1_798_761_600)) { calendar, seconds in
            let t = Date(timeIntervalSince1970: Double(seconds))
            let tz = calendar.timeZone
            let open = calendar.isOpen(at: t)
            let next = calendar.nextOpening(atOrAfter: t)
            #expect((next == t) == open)
            if let next {
                #expect(next >= t)
                #expect(calendar.isOpen(at: next))
                #expect(calendar.openIntervals(from: t, to: next).isEmpty)
                if next > t { #expect(!calendar.isOpen(at: next.addingTimeInterval(-1))) }
            }
            if open {
                let end = calendar.windowEnd(containing: t)!
                #expect(end > t)
                #expect(!calendar.isOpen(at: end))
                #expect(calendar.isOpen(at: end.addingTimeInterval(-1)))
            }
            let stable = tz.secondsFromGMT(for: t.addingTimeInterval(-86_400)) == tz.secondsFromGMT(for: t.addingTimeInterval(86_400))
            if stable {
                let read = wallClock(t, tz)
                let inWindow = !calendar.closedDates.contains(read.date) && calendar.windows.contains {
                    $0.weekday == read.weekday && $0.startMinute <= read.minute && read.minute < $0.endMinute
                }
                #expect(open == inWindow)
            }
        }
    }
}

/// Random calendars: 0–5 windows on random weekdays in 15-minute steps, in one of four real
/// zones, with up to three closed dates in 2025–2026.
let calendarGen = Generator<DeliveryCalendar, Shrink.None<DeliveryCalendar>> { rng in
    let zones = ["UTC", "Europe/London", "Australia/Sydney", "America/New_York"]
    let tz = zone(zones[Int.random(in: 0..<zones.count, using: &rng)])
    let windows = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
        let start = Int.random(in: 0..<96, using: &rng) * 15
        let end = min(1440, start + Int.random(in: 1...40, using: &rng) * 15)
        return DeliveryWindow(weekday: Int.random(in: 1...7, using: &rng), startMinute: start, endMinute: end)
    }
    let first = LocalDate(year: 2025, month: 1, day: 1)
    let closed = Set((0..<Int.random(in: 0...3, using: &rng)).map { _ in first.adding(days: Int.random(in: 0..<730, using: &rng)) })
    return DeliveryCalendar(windows: windows, timeZone: tz, closedDates: closed)
}
