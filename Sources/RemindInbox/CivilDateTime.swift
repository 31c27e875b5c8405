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
        // Days from civil (H. Hinnant's algorithm), proleptic Gregorian.
        let y0 = Int64(year ?? 1970) - ((month ?? 1) <= 2 ? 1 : 0)
        let m = Int64(month ?? 1)
        let d = Int64(day ?? 1)
        let era = (y0 >= 0 ? y0 : y0 - 399) / 400
        let yoe = y0 - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
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
