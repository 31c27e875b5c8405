import Foundation
import RemindCore
import Testing
@testable import RemindSchedule

/// The holiday file, and closed dates as the scheduler and the forecast see them.
@Suite struct ClosedDatesFileTests {
    func d(_ text: String) -> LocalDate { LocalDate(text)! }

    @Test func datesRangesCommentsAndBlankLines() throws {
        let text = "\u{FEFF}# closures\r\n2026-01-26\r\n\r\n  2026-04-03..2026-04-06   # Easter\r\n2026-04-05\n\t2026-12-31 .. 2027-01-01\n#2026-07-01\n"
        let dates = try ClosedDatesFile.parse(text, file: "closed-dates")
        #expect(dates == [d("2026-01-26"), d("2026-04-03"), d("2026-04-04"), d("2026-04-05"), d("2026-04-06"),
                          d("2026-12-31"), d("2027-01-01")])
    }

    @Test func anEmptyFileClosesNothing() throws {
        #expect(try ClosedDatesFile.parse("", file: "f").isEmpty)
        #expect(try ClosedDatesFile.parse("# nothing yet\n\n", file: "f").isEmpty)
    }

    @Test func aRangeOverAYearEndAndALeapDay() throws {
        let dates = try ClosedDatesFile.parse("2028-02-27..2028-03-01", file: "f")
        #expect(dates == [d("2028-02-27"), d("2028-02-28"), d("2028-02-29"), d("2028-03-01")])
        #expect(try ClosedDatesFile.parse("2026-12-30..2027-01-02", file: "f").count == 4)
    }

    /// Every bad line is reported, each with its number (CRLF lines counted once).
    @Test func everyBadLineIsReportedWithItsNumber() {
        let text = """
            # holidays\r
            2026-01-26\r
            26/01/2026\r
            2026-02-30\r
            2026-04-06..2026-04-03\r
            2026-12-24..2036-01-04\r
            2026-12-25 Christmas\r
            2026-01-01..2026-01-02..2026-01-03\r
            2027-05-01..2028-05-01
            """
        do {
            _ = try ClosedDatesFile.parse(text, file: "/etc/remindd/closed-dates")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidLine)
            #expect(error.file == "/etc/remindd/closed-dates")
            #expect(error.problems.map(\.line) == [3, 4, 5, 6, 7, 8, 9])
            #expect(error.problems[0].reason.contains("expected YYYY-MM-DD"))
            #expect(error.problems[1].reason == "'2026-02-30' is not a calendar date")
            #expect(error.problems[2].reason.contains("ends before it starts"))
            #expect(error.problems[3].reason.contains("more than 366"))
            #expect(error.problems[4].reason.contains("a comment starts with #"))
            #expect(error.problems[6].reason.contains("367 days"))
            #expect(error.description.split(separator: "\n").first == "/etc/remindd/closed-dates:3: '26/01/2026': expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (a comment starts with #)")
        }
    }

    @Test func aRangeOfExactlyTheLimitIsAccepted() throws {
        // 2028 is a leap year: 2028-01-01..2028-12-31 is 366 days.
        #expect(try ClosedDatesFile.parse("2028-01-01..2028-12-31", file: "f").count == 366)
    }

    @Test func loadReadsTheFileAndNamesAMissingOne() throws {
        let dir = NSTemporaryDirectory() + "closed-dates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "2026-10-05\n".write(toFile: dir + "/closed-dates", atomically: true, encoding: .utf8)
        #expect(try ClosedDatesFile.load(path: dir + "/closed-dates") == [d("2026-10-05")])

        #expect(throws: ClosedDatesError(code: .unreadable, file: dir + "/nope", message: "no such file")) {
            try ClosedDatesFile.load(path: dir + "/nope")
        }
        try Data([0x32, 0x30, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: dir + "/binary"))
        #expect(throws: ClosedDatesError(code: .unreadable, file: dir + "/binary", message: "not UTF-8 text")) {
            try ClosedDatesFile.load(path: dir + "/binary")
        }
    }

    /// `spool.example/closed-dates` is documentation: it must parse, and mean what it says.
    @Test func theExampleHolidayFileParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../spool.example/closed-dates").standardizedFileURL.path
        let dates = try ClosedDatesFile.load(path: path)
        #expect(dates.contains(d("2026-04-03")) && dates.contains(d("2026-04-06")))
        #expect(dates.contains(d("2026-12-24")) && dates.contains(d("2027-01-04")) && !dates.contains(d("2027-01-05")))
        #expect(dates.count == 6 + 3 + 12 + 1)
    }
}

@Suite struct ClosedDatesSchedulingTests {
    /// Harbour Dental: Monday to Friday 09:00–17:00 in Sydney, closed Thursday 24 to
    /// Sunday 27 December 2026 (summer time, UTC+11).
    let calendar = DeliveryCalendar(
        windows: officeHours, timeZone: zone("Australia/Sydney"),
        closedDates: try! ClosedDatesFile.parse("2026-12-24..2026-12-27", file: "f"))
    let wednesdayEvening = instant("2026-12-23T18:00:00+11:00")
    let mondayOpening = instant("2026-12-28T09:00:00+11:00")

    @Test func noWindowOpensOnAClosedDate() {
        #expect(calendar.intervals(on: LocalDate(year: 2026, month: 12, day: 24)).isEmpty)
        #expect(!calendar.isOpen(at: instant("2026-12-24T10:00:00+11:00")))
        #expect(calendar.nextOpening(atOrAfter: wednesdayEvening) == mondayOpening)
        let open = DeliveryCalendar(windows: officeHours, timeZone: zone("Australia/Sydney"))
        #expect(open.nextOpening(atOrAfter: wednesdayEvening) == instant("2026-12-24T09:00:00+11:00"), "the closure is what moves it")
    }

    /// A reminder due before the closure waits for Monday; one whose appointment comes
    /// before Monday's window ends expired at the appointment, with its reason.
    @Test func theSchedulerWaitsOutTheClosureAndExpiresWhatCannotWait() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        s.insert(.init(id: id(1), due: wednesdayEvening, expires: instant("2026-12-28T10:00:00+11:00"),
                       kind: .appointment, expiryCause: .appointmentStart))
        s.insert(.init(id: id(2), due: wednesdayEvening, expires: instant("2026-12-28T08:30:00+11:00"),
                       kind: .appointment, expiryCause: .appointmentStart))
        #expect(s.nextReleaseTime(now: wednesdayEvening) == mondayOpening)
        do { let a = step(&s, wednesdayEvening); #expect(a == .sleep(until: instant("2026-12-28T08:30:00+11:00"))) }
        // Thursday morning (a closed date, inside the weekly window): still nothing.
        do { let a = step(&s, instant("2026-12-24T09:00:00+11:00")); #expect(a == .sleep(until: instant("2026-12-28T08:30:00+11:00"))) }
        do { let a = step(&s, instant("2026-12-28T08:30:00+11:00")); #expect(a
            == .expire(id(2), reason: "the appointment started before a delivery window opened")) }
        do { let a = step(&s, instant("2026-12-28T08:30:00+11:00")); #expect(a == .sleep(until: mondayOpening)) }
        do { let a = step(&s, mondayOpening); #expect(a == .release(id(1))) }
        #expect(s.isEmpty)
    }

    @Test func aReloadThatClosesTodayStopsReleases() {
        let open = DeliveryCalendar(windows: officeHours, timeZone: zone("Australia/Sydney"))
        var s = ReleaseScheduler(calendar: open, stagger: .seconds(60), lastRelease: nil)
        let thursday10 = instant("2026-12-24T10:00:00+11:00")
        s.insert(.init(id: id(1), due: thursday10, kind: .recall))
        s.insert(.init(id: id(2), due: thursday10, kind: .recall))
        do { let a = step(&s, thursday10); #expect(a == .release(id(1))) }
        s.reconfigure(calendar: calendar, stagger: .seconds(60))
        do { let a = step(&s, thursday10.addingTimeInterval(60)); #expect(a == .sleep(until: mondayOpening)) }
        s.reconfigure(calendar: open, stagger: .seconds(60))
        do { let a = step(&s, thursday10.addingTimeInterval(60)); #expect(a == .release(id(2))) }
    }

    /// The forecast skips the closure: its first window is Monday's, and it counts the
    /// reminder that would expire before then.
    @Test func theForecastSkipsClosedDates() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        s.insert(.init(id: id(1), due: wednesdayEvening, expires: instant("2026-12-28T10:00:00+11:00"), kind: .appointment))
        s.insert(.init(id: id(2), due: wednesdayEvening, expires: instant("2026-12-28T08:30:00+11:00"), kind: .appointment))
        s.insert(.init(id: id(3), due: wednesdayEvening, kind: .recall))
        let f = s.forecast(now: wednesdayEvening, maxWindows: 2, limit: .seconds(2 * 86_400))
        #expect(f.windows.map(\.interval.start) == [mondayOpening, instant("2026-12-29T09:00:00+11:00")])
        #expect(f.windows.map(\.planned) == [2, 0])
        #expect(f.expiring == 1)
        #expect(f.drainsAt == mondayOpening.addingTimeInterval(60))
        #expect(f.exceedsLimit, "waiting out a four-day closure exceeds a two-day limit")
    }
}
