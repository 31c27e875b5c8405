import Foundation
import Testing

@testable import RemindInbox

@Suite struct DateTimePatternTests {
    static let cases: [(String, String, [Int]?)] = [
        ("yyyy-MM-dd HH:mm", "2025-03-05 09:30", [2025, 3, 5, 9, 30, 0]),
        ("yyyy-MM-dd HH:mm", "2025-3-5 9:30", [2025, 3, 5, 9, 30, 0]),
        ("yyyy-MM-dd HH:mm", "2025-03-05 09:30:00", nil),
        ("yyyy-MM-dd HH:mm", "25-03-05 09:30", nil),
        ("yyyy-MM-dd HH:mm", "2025-02-29 09:30", nil),
        ("yyyy-MM-dd HH:mm", "2024-02-29 09:30", [2024, 2, 29, 9, 30, 0]),
        ("yyyy-MM-dd HH:mm", "2025-03-05 24:00", nil),
        ("dd/MM/yyyy HH:mm", "31/12/2025 23:59", [2025, 12, 31, 23, 59, 0]),
        ("dd/MM/yyyy HH:mm", "31/04/2025 10:00", nil),
        ("d/M/yyyy h:mm a", "5/3/2025 9:05 am", [2025, 3, 5, 9, 5, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 12:00 AM", [2025, 3, 5, 0, 0, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 12:30 PM", [2025, 3, 5, 12, 30, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 1:30 PM", [2025, 3, 5, 13, 30, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 13:30 PM", nil),
        ("d/M/yyyy h:mm a", "5/3/2025 1:30", nil),
        ("dd.MM.yy", "05.03.25", [2025, 3, 5, 0, 0, 0]),
        ("yyyyMMdd", "20250305", [2025, 3, 5, 0, 0, 0]),
        ("yyyyMMddHHmm", "202503050930", [2025, 3, 5, 9, 30, 0]),
        ("yyyyMMdd", "202535", nil),
        ("d MMM yyyy", "5 Mar 2025", [2025, 3, 5, 0, 0, 0]),
        ("d MMMM yyyy", "5 march 2025", [2025, 3, 5, 0, 0, 0]),
        ("EEE d MMM yyyy", "Wed 5 Mar 2025", [2025, 3, 5, 0, 0, 0]),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2025-03-05T09:30:15.250", [2025, 3, 5, 9, 30, 15]),
        ("HH:mm", "9:05", [0, 0, 0, 9, 5, 0]),
        ("HH:mm:ss", "09:05", nil),
        ("h.mm a", "9.05 pm", [0, 0, 0, 21, 5, 0]),
        ("'at' HH'h'mm", "at 09h30", [0, 0, 0, 9, 30, 0]),
    ]

    @Test(arguments: cases)
    func parses(pattern: String, text: String, expected: [Int]?) throws {
        let parsed = try DateTimePattern(pattern).parse(Substring(text))
        let components = parsed.map { [$0.year ?? 0, $0.month ?? 0, $0.day ?? 0, $0.hour, $0.minute, $0.second] }
        #expect(components == expected)
    }

    /// On every value remindd accepts, a POSIX-locale non-lenient DateFormatter in UTC
    /// reads the same wall-clock time.
    @Test(arguments: cases.filter { $0.2 != nil && $0.2![0] != 0 && !$0.1.contains("25-03-05 ") })
    func agreesWithDateFormatter(pattern: String, text: String, expected: [Int]?) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.isLenient = false
        formatter.dateFormat = pattern
        let date = try #require(formatter.date(from: text), "DateFormatter refuses \(text)")
        let ours = try #require(try DateTimePattern(pattern).parse(Substring(text)))
        #expect(Int64(date.timeIntervalSince1970) == ours.wallSeconds)
    }

    @Test func unsupportedPatternsAreRefused() {
        for pattern in ["yyyy-MM-dd zzz", "'open", "", "HHH:mm", "Q yyyy"] {
            #expect(throws: DateTimePattern.PatternError.self, "\(pattern)") { _ = try DateTimePattern(pattern) }
        }
        let date = try? DateTimePattern("yyyy-MM-dd")
        let time = try? DateTimePattern("HH:mm")
        #expect(date?.hasDate == true && date?.hasTime == false)
        #expect(time?.hasDate == false && time?.hasTime == true)
    }

    @Test func localTimesResolveWithTheZonesRules() throws {
        let zone = try sydney()
        func instant(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int) -> CivilDateTime.Resolution {
            CivilDateTime(year: y, month: mo, day: d, hour: h, minute: mi).resolve(in: zone)
        }
        #expect(instant(2025, 10, 5, 2, 30) == .skipped)
        #expect(instant(2025, 10, 5, 1, 59) == .instant(try utc("2025-10-05T01:59:00+10:00")))
        #expect(instant(2025, 10, 5, 3, 0) == .instant(try utc("2025-10-05T03:00:00+11:00")))
        #expect(instant(2025, 4, 6, 2, 30) == .instant(try utc("2025-04-06T02:30:00+11:00")))
        #expect(instant(2025, 7, 1, 12, 0) == .instant(try utc("2025-07-01T12:00:00+10:00")))
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(CivilDateTime(year: 2025, month: 3, day: 9, hour: 2, minute: 30).resolve(in: newYork) == .skipped)
        #expect(CivilDateTime(year: 2025, month: 11, day: 2, hour: 1, minute: 30).resolve(in: newYork)
            == .instant(try utc("2025-11-02T01:30:00-04:00")))
    }

    @Test func iso8601Timestamps() throws {
        func parse(_ text: String) -> Int64? {
            guard let (time, offset) = ISO8601Timestamp.parse(Substring(text)) else { return nil }
            return time.wallSeconds - Int64(offset ?? 0)
        }
        let expected = Int64(try utc("2025-03-04T22:30:00Z").timeIntervalSince1970)
        #expect(parse("2025-03-05T09:30:00+11:00") == expected)
        #expect(parse("2025-03-05T09:30+1100") == expected)
        #expect(parse("2025-03-05 09:30:00.123+11") == expected)
        #expect(parse("2025-03-04T22:30:00Z") == expected)
        #expect(parse("2025-03-04T22:30:00") == expected)  // no offset: local, resolved by the caller
        for bad in ["2025-03-05", "2025-03-05T9:30", "2025-03-05T09:30+25:00", "2025-02-30T09:30Z", "2025-03-05T09:30Zx"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }
}
