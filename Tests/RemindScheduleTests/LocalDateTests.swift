import Foundation
import PropertyBased
import Testing
@testable import RemindSchedule

@Suite struct LocalDateTests {
    @Test func epochAndKnownDates() {
        #expect(LocalDate(daysSince1970: 0) == LocalDate(year: 1970, month: 1, day: 1))
        #expect(LocalDate(year: 2000, month: 3, day: 1).daysSince1970 == 11_017)
        #expect(LocalDate(year: 1969, month: 12, day: 31).daysSince1970 == -1)
        #expect(LocalDate(year: 2024, month: 2, day: 29).adding(days: 1) == LocalDate(year: 2024, month: 3, day: 1))
        #expect(LocalDate(year: 2025, month: 10, day: 26).weekday == 7)  // a Sunday
        #expect(LocalDate(year: 2025, month: 3, day: 31).weekday == 1)  // a Monday
    }

    @Test(arguments: ["2025-12-25", "2024-02-29", "1999-01-01"])
    func parsesAndPrintsISO(_ text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(date.description == text)
    }

    @Test(arguments: ["2025-02-29", "2025-13-01", "2025-1-01", "25-01-01", "2025-01-01x", "", "2025-00-10"])
    func rejectsNonDates(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func codableAsText() throws {
        let data = try JSONEncoder().encode([LocalDate(year: 2025, month: 4, day: 25)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2025-04-25\"]")
        #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [LocalDate(year: 2025, month: 4, day: 25)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data("[\"2025-02-30\"]".utf8)) }
    }

    /// Day arithmetic and the date of an instant agree with Foundation's Calendar.
    @Test func agreesWithFoundationCalendar() async {
        let zones = ["UTC", "Europe/London", "Australia/Sydney", "America/New_York", "Asia/Kolkata"].map(zone)
        await propertyCheck(count: 300, input: Gen.int(in: -2_000_000_000...4_000_000_000), Gen.int(in: 0..<5)) { seconds, z in
            let date = Date(timeIntervalSince1970: Double(seconds))
            let tz = zones[z]
            let local = LocalDate(containing: date, in: tz)
            let oracle = wallClock(date, tz)
            #expect(local == oracle.date)
            #expect(local.weekday == oracle.weekday)
            #expect(LocalDate(daysSince1970: local.daysSince1970) == local)
            #expect(local.adding(days: 400).adding(days: -400) == local)
        }
    }

    /// Away from DST changes, resolving a local time agrees with Calendar and reads back.
    @Test func instantAgreesWithFoundationCalendar() async {
        let tz = zone("Australia/Sydney")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        await propertyCheck(count: 200, input: Gen.int(in: 0..<20_000), Gen.int(in: 0..<1440)) { day, minute in
            let date = LocalDate(daysSince1970: day)
            let resolved = date.instant(atMinute: minute, in: tz)
            let noon = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!
            let stable = tz.secondsFromGMT(for: noon.addingTimeInterval(-86_400)) == tz.secondsFromGMT(for: noon.addingTimeInterval(86_400))
            if stable {
                let oracle = calendar.date(from: DateComponents(
                    year: date.year, month: date.month, day: date.day, hour: minute / 60, minute: minute % 60))
                #expect(resolved == oracle)
            }
            // Whatever the day, the wall clock at the resolved instant reads the same date and
            // at least the asked time (later only in a gap).
            let read = wallClock(resolved, tz)
            #expect(read.date == date)
            #expect(read.minute >= minute)
        }
    }

    @Test func resolvesGapsAndOverlapsInLondon() {
        let london = zone("Europe/London")
        // 2025-03-30: 01:00 GMT → 02:00 BST. 01:30 does not exist: the transition instant.
        let spring = LocalDate(year: 2025, month: 3, day: 30)
        #expect(spring.instant(atMinute: 90, in: london) == instant("2025-03-30T01:00:00Z"))
        #expect(spring.instant(atMinute: 60, in: london) == instant("2025-03-30T01:00:00Z"))
        #expect(spring.instant(atMinute: 59, in: london) == instant("2025-03-30T00:59:00Z"))
        #expect(spring.instant(atMinute: 120, in: london) == instant("2025-03-30T01:00:00Z"))
        #expect(spring.instant(atMinute: 150, in: london) == instant("2025-03-30T01:30:00Z"))
        // 2025-10-26: 02:00 BST → 01:00 GMT. 01:30 happens twice: the first one.
        let autumn = LocalDate(year: 2025, month: 10, day: 26)
        #expect(autumn.instant(atMinute: 90, in: london) == instant("2025-10-26T00:30:00Z"))
        #expect(autumn.instant(atMinute: 150, in: london) == instant("2025-10-26T02:30:00Z"))
        #expect(autumn.instant(atMinute: 1440, in: london) == instant("2025-10-27T00:00:00Z"))
    }

    @Test func resolvesGapsAndOverlapsInSydney() {
        let sydney = zone("Australia/Sydney")
        // 2025-10-05: 02:00 AEST → 03:00 AEDT (16:00Z the day before).
        let spring = LocalDate(year: 2025, month: 10, day: 5)
        #expect(spring.instant(atMinute: 150, in: sydney) == instant("2025-10-04T16:00:00Z"))
        #expect(spring.instant(atMinute: 180, in: sydney) == instant("2025-10-04T16:00:00Z"))
        #expect(spring.instant(atMinute: 90, in: sydney) == instant("2025-10-04T15:30:00Z"))
        // 2025-04-06: 03:00 AEDT → 02:00 AEST (16:00Z the day before). 02:30 twice: the first.
        let autumn = LocalDate(year: 2025, month: 4, day: 6)
        #expect(autumn.instant(atMinute: 150, in: sydney) == instant("2025-04-05T15:30:00Z"))
        #expect(autumn.instant(atMinute: 210, in: sydney) == instant("2025-04-05T17:30:00Z"))
    }

    @Test func localTimeParsesAndCodes() throws {
        #expect(LocalTime("09:30") == LocalTime(hour: 9, minute: 30))
        #expect(LocalTime("24:00") == nil && LocalTime("9:30") == nil && LocalTime("09:60") == nil)
        let data = try JSONEncoder().encode([LocalTime(hour: 18)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"18:00\"]")
        #expect(try JSONDecoder().decode([LocalTime].self, from: data) == [LocalTime(hour: 18)])
    }
}
