import Foundation
import RemindControl
import Testing

/// `remindctl forecast` names each window in the practice's zone; a window open around the
/// clock never reads `00:00-00:00`.
@Suite struct ForecastLabelTests {
    let sydney = TimeZone(identifier: "Australia/Sydney")!

    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func window(_ start: String, _ end: String) -> ForecastReport.Window {
        ForecastReport.Window(start: instant(start), end: instant(end), capacity: nil, planned: 0)
    }

    @Test func aSessionWithinADay() {
        // 09:00-17:00 in Sydney (AEDT, UTC+11) on Thursday 6 January 2028.
        #expect(window("2028-01-05T22:00:00Z", "2028-01-06T06:00:00Z").label(in: sydney) == "Thu 2028-01-06 09:00-17:00")
    }

    @Test func aWholeDayEndsAt2400() {
        #expect(window("2028-01-05T13:00:00Z", "2028-01-06T13:00:00Z").label(in: sydney) == "Thu 2028-01-06 00:00-24:00")
    }

    @Test func windowsOpenAroundTheClockNameTheirLastDay() {
        #expect(window("2028-01-05T13:00:00Z", "2028-01-08T13:00:00Z").label(in: sydney) == "Thu 2028-01-06 00:00 - Sat 2028-01-08 24:00")
        #expect(window("2028-01-05T23:30:00Z", "2028-01-07T02:00:00Z").label(in: sydney) == "Thu 2028-01-06 10:30 - Fri 2028-01-07 13:00")
    }
}
