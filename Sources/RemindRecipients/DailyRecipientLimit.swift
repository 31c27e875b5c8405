public import Foundation

/// At most `perDay` messages to one number per local day, so a practice system that
/// exports a family under one number does not send it eight texts at once.
///
/// The rule (for the scheduler to apply at release): a message whose number has had
/// `perDay` messages released on the current local day (in the practice's time zone)
/// is not released that day; it waits for the next day on which its number has room,
/// still inside the delivery windows and before its own expiry (past which it ends
/// `expired`, reason `daily limit`). Messages of one number compete by kind priority
/// (appointment reminders first), then by due time. Messages are not merged: each is
/// rendered for its own appointment, and merging would need a template for groups.
///
/// This is the pure part: a counter keyed by number and local day. It counts releases,
/// not queued messages, and forgets days before the current one (``forget(before:)``).
public struct DailyRecipientLimit: Sendable {
    /// Messages per number and local day; 0 means no limit.
    public private(set) var perDay: Int
    public let timeZone: TimeZone
    private var calendar: Calendar
    private var counts: [Key: Int] = [:]

    private struct Key: Hashable, Sendable {
        var number: String
        var day: Int
    }

    /// - Precondition: `perDay` ≥ 0.
    public init(perDay: Int, timeZone: TimeZone) {
        precondition(perDay >= 0, "a daily limit is zero (none) or positive")
        self.perDay = perDay
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The local day containing `date`, as days since 1970-01-01 (local).
    public func day(containing date: Date) -> Int {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Self.daysFromCivil(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Messages released to `number` on the local day containing `date`.
    public func count(_ number: String, on date: Date) -> Int {
        counts[Key(number: number, day: day(containing: date)), default: 0]
    }

    /// Whether another message to `number` may be released at `date`.
    public func allows(_ number: String, at date: Date) -> Bool {
        perDay == 0 || count(number, on: date) < perDay
    }

    /// Counts a release to `number` at `date`.
    public mutating func record(_ number: String, at date: Date) {
        counts[Key(number: number, day: day(containing: date)), default: 0] += 1
    }

    /// Takes back a release recorded with ``record(_:at:)`` at `date` that did not reach
    /// the number (the provider refused it): it no longer counts against the day.
    public mutating func unrecord(_ number: String, at date: Date) {
        let key = Key(number: number, day: day(containing: date))
        guard let n = counts[key] else { return }
        if n <= 1 { counts[key] = nil } else { counts[key] = n - 1 }
    }

    /// Changes the limit (a reload), keeping the counts.
    ///
    /// - Precondition: `perDay` ≥ 0.
    public mutating func reconfigure(perDay: Int) {
        precondition(perDay >= 0, "a daily limit is zero (none) or positive")
        self.perDay = perDay
    }

    /// The numbers counted, with their releases, on the local day containing `date`.
    public func counts(on date: Date) -> [String: Int] {
        let today = day(containing: date)
        var out: [String: Int] = [:]
        for (key, n) in counts where key.day == today { out[key.number] = n }
        return out
    }

    /// Records and returns true when the limit allows a release at `date`; false (and
    /// records nothing) when `number` has had its `perDay` messages that day.
    public mutating func admit(_ number: String, at date: Date) -> Bool {
        guard allows(number, at: date) else { return false }
        record(number, at: date)
        return true
    }

    /// The start of the first local day on or after the day of `date` on which `number`
    /// has room: that day when it has, else the next day (days after `date` have no
    /// releases yet, as releases are recorded when they happen).
    public func nextDayWithRoom(for number: String, from date: Date) -> Date {
        let start = calendar.startOfDay(for: date)
        if allows(number, at: date) { return start }
        return calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86400)
    }

    /// Drops the counts of local days before the day of `date` (call at day roll-over).
    public mutating func forget(before date: Date) {
        let today = day(containing: date)
        counts = counts.filter { $0.key.day >= today }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
