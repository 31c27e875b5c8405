import Foundation
import RemindCore
@testable import RemindSchedule

/// An instant from an ISO 8601 text with an explicit offset (`2025-03-30T01:00:00Z`),
/// parsed by Foundation, independently of the code under test.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

/// A real zone from tzdata; a missing one fails the test loudly.
func zone(_ identifier: String) -> TimeZone {
    guard let tz = TimeZone(identifier: identifier) else { fatalError("time zone \(identifier) missing: install tzdata") }
    return tz
}

func window(_ weekday: Int, _ start: String, _ end: String) -> DeliveryWindow {
    func minutes(_ hm: String) -> Int {
        let parts = hm.split(separator: ":").map { Int($0)! }
        return parts[0] * 60 + parts[1]
    }
    return DeliveryWindow(weekday: weekday, startMinute: minutes(start), endMinute: minutes(end))
}

/// Local wall-clock reading of `date` in `tz`, by Foundation's Calendar (the oracle).
func wallClock(_ date: Date, _ tz: TimeZone) -> (date: LocalDate, weekday: Int, minute: Int) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = tz
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
    // Calendar weekday: 1 = Sunday … 7 = Saturday; ISO: 1 = Monday … 7 = Sunday.
    let iso = (c.weekday! + 5) % 7 + 1
    return (LocalDate(year: c.year!, month: c.month!, day: c.day!), iso, c.hour! * 60 + c.minute!)
}

func id(_ n: UInt64) -> MessageID { MessageID(rawValue: n) }

/// Monday–Friday 09:00–17:00.
let officeHours: [DeliveryWindow] = (1...5).map { window($0, "09:00", "17:00") }
