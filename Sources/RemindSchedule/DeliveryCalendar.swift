public import Foundation
public import RemindCore

/// When messages may be released: weekly ``DeliveryWindow``s on the practice's wall clock,
/// minus closed dates (public holidays), as absolute instants.
///
/// A window on local date D is the half-open interval from the instant the wall clock
/// first reads its start on D to the instant it first reads its end (see
/// ``LocalDate/instant(atMinute:in:)``). So across DST:
/// - spring forward (a gap): a window 01:30–03:30 on a 02:00→03:00 night opens at the
///   transition (03:00 new time) and closes at 03:30: one hour of real time; a window that
///   lies wholly inside the gap does not open that day;
/// - fall back (an overlap): a window 01:30–03:30 on a 03:00→02:00 night opens at the
///   first 01:30 and closes at 03:30, three hours of real time, open throughout.
///
/// A closed date closes every window whose local date it is. Overlapping or touching
/// windows (09:00–12:00 and 12:00–17:00, or Monday 22:00–24:00 and Tuesday 00:00–06:00)
/// form one open interval. Pure value: no clock inside.
public struct DeliveryCalendar: Sendable, Hashable {
    public let windows: [DeliveryWindow]
    public let timeZone: TimeZone
    public let closedDates: Set<LocalDate>

    /// `(start, end)` minute pairs per ISO weekday (index 0 = Monday), merged and sorted.
    let daily: [[ClosedRange<Int>]]

    /// Consecutive days without an interval after which a search gives up: enough for every
    /// closed date to fall on the only weekday with a window, plus a DST-swallowed week.
    let maxEmptyDays: Int

    /// How far one merged interval may extend (an always-open calendar reports intervals
    /// of at most this many days, back to back).
    static let maxMergedDays = 400

    public init(windows: [DeliveryWindow], timeZone: TimeZone, closedDates: Set<LocalDate> = []) {
        self.windows = windows
        self.timeZone = timeZone
        self.closedDates = closedDates
        var daily = [[ClosedRange<Int>]](repeating: [], count: 7)
        for weekday in 1...7 {
            let ranges = windows.filter { $0.weekday == weekday }
                .map { $0.startMinute...$0.endMinute }
                .sorted { $0.lowerBound < $1.lowerBound }
            var merged: [ClosedRange<Int>] = []
            for r in ranges {
                if let last = merged.last, r.lowerBound <= last.upperBound {
                    merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
                } else {
                    merged.append(r)
                }
            }
            daily[weekday - 1] = merged
        }
        self.daily = daily
        self.maxEmptyDays = 7 * (closedDates.count + 2)
    }

    /// True when there are no windows at all: nothing can ever be released.
    public var isNeverOpen: Bool { daily.allSatisfy(\.isEmpty) }

    /// Whether `instant` lies in an open interval.
    public func isOpen(at instant: Date) -> Bool {
        guard let piece = firstPiece(endingAfter: instant) else { return false }
        return piece.start <= instant
    }

    /// `instant` itself when open, else the start of the next open interval; nil when there
    /// are no windows (or every coming window is closed further than the search reaches).
    public func nextOpening(atOrAfter instant: Date) -> Date? {
        guard let piece = firstPiece(endingAfter: instant) else { return nil }
        return max(piece.start, instant)
    }

    /// The end of the (merged) open interval containing `instant`; nil when closed then.
    public func windowEnd(containing instant: Date) -> Date? {
        guard let interval = openInterval(containing: instant) else { return nil }
        return interval.end
    }

    /// The (merged) open interval containing `instant`; nil when closed then.
    public func openInterval(containing instant: Date) -> DateInterval? {
        var cursor = IntervalCursor(calendar: self, from: LocalDate(containing: instant, in: timeZone).adding(days: -1))
        while let interval = cursor.nextMerged() {
            if interval.end > instant { return interval.start <= instant ? interval : nil }
        }
        return nil
    }

    /// The open intervals overlapping `[from, to)`, merged and clipped to it, in order.
    public func openIntervals(from: Date, to: Date) -> [DateInterval] {
        guard from < to else { return [] }
        var result: [DateInterval] = []
        var cursor = IntervalCursor(calendar: self, from: LocalDate(containing: from, in: timeZone).adding(days: -1))
        while let interval = cursor.nextMerged(notAfter: to) {
            if interval.start >= to { break }
            if interval.end <= from { continue }
            result.append(DateInterval(start: max(interval.start, from), end: min(interval.end, to)))
        }
        return result
    }

    /// The open intervals of one local date (unmerged across days), in order; empty when the
    /// date is closed or has no windows.
    public func intervals(on date: LocalDate) -> [DateInterval] {
        if closedDates.contains(date) { return [] }
        var result: [DateInterval] = []
        for range in daily[date.weekday - 1] {
            let start = date.instant(atMinute: range.lowerBound, in: timeZone)
            let end = date.instant(atMinute: range.upperBound, in: timeZone)
            if start < end { result.append(DateInterval(start: start, end: end)) }
        }
        return result
    }

    /// The first per-day interval (unmerged) whose end is after `instant`.
    func firstPiece(endingAfter instant: Date) -> DateInterval? {
        guard !isNeverOpen else { return nil }
        var cursor = IntervalCursor(calendar: self, from: LocalDate(containing: instant, in: timeZone).adding(days: -1))
        while let piece = cursor.nextPiece() {
            if piece.end > instant { return piece }
        }
        return nil
    }

    /// Only the fields that define the calendar take part (the derived tables follow).
    public static func == (lhs: DeliveryCalendar, rhs: DeliveryCalendar) -> Bool {
        lhs.windows == rhs.windows && lhs.timeZone == rhs.timeZone && lhs.closedDates == rhs.closedDates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(windows)
        hasher.combine(timeZone)
        hasher.combine(closedDates)
    }
}

/// Walks a calendar's open intervals forward, day by day, computing each day once.
struct IntervalCursor {
    let calendar: DeliveryCalendar
    private var day: LocalDate
    private var buffer: [DateInterval] = []
    private var bufferIndex = 0
    private var emptyDays = 0
    private var pending: DateInterval?
    private var exhausted: Bool

    init(calendar: DeliveryCalendar, from day: LocalDate) {
        self.calendar = calendar
        self.day = day
        self.exhausted = calendar.isNeverOpen
    }

    /// The next per-day interval; nil once `maxEmptyDays` days in a row had none.
    mutating func nextPiece() -> DateInterval? {
        while !exhausted {
            if bufferIndex < buffer.count {
                defer { bufferIndex += 1 }
                return buffer[bufferIndex]
            }
            if emptyDays > calendar.maxEmptyDays {
                exhausted = true
                return nil
            }
            buffer = calendar.intervals(on: day)
            bufferIndex = 0
            day = day.adding(days: 1)
            emptyDays = buffer.isEmpty ? emptyDays + 1 : 0
        }
        return nil
    }

    /// The next merged interval: touching or overlapping pieces joined, up to
    /// ``DeliveryCalendar/maxMergedDays`` long, or stopping once it reaches `limit`.
    mutating func nextMerged(notAfter limit: Date = .distantFuture) -> DateInterval? {
        guard var current = pending ?? nextPiece() else { return nil }
        pending = nil
        let cap = current.start.addingTimeInterval(Double(DeliveryCalendar.maxMergedDays) * 86_400)
        while current.end < limit && current.end < cap, let piece = nextPiece() {
            if piece.start <= current.end {
                current = DateInterval(start: current.start, end: max(current.end, piece.end))
            } else {
                pending = piece
                break
            }
        }
        return current
    }
}
