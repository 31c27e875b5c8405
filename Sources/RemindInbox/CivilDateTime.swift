import RemindCore
import Foundation

/// A wall-clock date and time with no time zone, as an export writes it.
struct CivilDateTime: Hashable, Sendable {
    var year: Int?
    var month: Int?
    var day: Int?
    var hour = 0
    var minute = 0
    var second = 0

    var hasDate: Bool { year != nil && month != nil && day != nil }

    /// Month, day, hour, minute and second are in range (and the day exists in its month).
    var isValid: Bool {
        if let month, !(1...12).contains(month) { return false }
        if let day {
            guard (1...31).contains(day) else { return false }
            if let month, let year, day > Self.daysIn(month: month, year: year) { return false }
        }
        return (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The date of `date` with the time of `time`.
    static func combining(date: CivilDateTime, time: CivilDateTime) -> CivilDateTime {
        CivilDateTime(year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute, second: time.second)
    }

    /// Seconds since 1970-01-01T00:00:00 of this wall-clock time read as if it were UTC.
    /// Requires a date.
    var wallSeconds: Int64 {
        let days = Int64(CivilCalendar.daysSince1970(year: year ?? 1970, month: month ?? 1, day: day ?? 1))
        return days * 86_400 + Int64(hour) * 3_600 + Int64(minute) * 60 + Int64(second)
    }

    /// How a wall-clock time maps to an instant in a time zone.
    enum Resolution: Hashable {
        /// The instant (for a time that occurs twice when clocks go back, the first).
        case instant(Date)
        /// The time does not occur: clocks go forward over it.
        case skipped
    }

    /// The instant this wall-clock time names in `zone`, from the zone's own rules (tzdata).
    func resolve(in zone: TimeZone) -> Resolution {
        let wall = wallSeconds
        // The offsets in force a day either side cover any one transition near `wall`.
        var offsets: [Int64] = []
        for probe in [wall - 86_400, wall, wall + 86_400] {
            let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(probe))))
            if !offsets.contains(offset) { offsets.append(offset) }
        }
        var candidates: [Int64] = []
        for offset in offsets {
            let instant = wall - offset
            if Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))) == offset {
                candidates.append(instant)
            }
        }
        guard let first = candidates.min() else { return .skipped }
        return .instant(Date(timeIntervalSince1970: TimeInterval(first)))
    }
}
