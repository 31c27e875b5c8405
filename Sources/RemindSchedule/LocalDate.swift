public import Foundation
import RemindCore

/// A calendar date in the practice's time zone (proleptic Gregorian), with no time of day:
/// a closed date (public holiday), a birthday, the day of a delivery window.
///
/// Arithmetic is exact civil-date arithmetic (days since 1970-01-01), independent of any
/// time zone; ``init(containing:in:)`` is the one place a zone comes in.
public struct LocalDate: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A valid date; an invalid one (month 13, 30 February) is a programmer error.
    public init(year: Int, month: Int, day: Int) {
        precondition(LocalDate.isValid(year: year, month: month, day: day), "not a calendar date")
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ISO 8601, as holiday files write it); nil for anything else,
    /// including dates that do not exist.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              LocalDate.isValid(year: y, month: m, day: d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date the wall clock in `timeZone` shows at `instant`.
    public init(containing instant: Date, in timeZone: TimeZone) {
        let offset = timeZone.secondsFromGMT(for: instant)
        let local = instant.timeIntervalSince1970 + Double(offset)
        self.init(daysSince1970: Int((local / 86_400).rounded(.down)))
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    public init(daysSince1970 days: Int) {
        (year, month, day) = CivilCalendar.date(daysSince1970: days)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int {
        CivilCalendar.daysSince1970(year: year, month: month, day: day)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday (as ``DeliveryWindow/weekday``).
    public var weekday: Int {
        let d = daysSince1970  // 1970-01-01 was a Thursday (4)
        return ((d + 3) % 7 + 7) % 7 + 1
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> LocalDate { LocalDate(daysSince1970: daysSince1970 + days) }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    // Codable as the ISO text, as holiday files and the control protocol show it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
