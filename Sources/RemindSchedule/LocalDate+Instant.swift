public import Foundation

extension LocalDate {
    /// The instant at which the wall clock in `timeZone` first reads `minute` (minutes since
    /// midnight, 0…1440) or later on this date. This one rule settles both DST cases:
    /// - a local time that occurs twice (the autumn overlap) is its **first** occurrence;
    /// - a local time that does not occur (the spring gap) is the **transition instant**,
    ///   the first instant after the gap (02:30 on a 02:00→03:00 night is 03:00 new time).
    ///
    /// `minute` 1440 is the next day's midnight. Assumes at most one offset change within a
    /// day either side, which holds for every zone in tzdata since 1970.
    public func instant(atMinute minute: Int, in timeZone: TimeZone) -> Date {
        precondition((0...1440).contains(minute), "minute 0…1440")
        let naive = daysSince1970 * 86_400 + minute * 60  // the wall time read as if it were UTC
        func offset(_ t: Int) -> Int { timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))) }
        let before = offset(naive - 86_400)
        let after = offset(naive + 86_400)
        let early = naive - before, late = naive - after
        let earlyValid = offset(early) == before
        let lateValid = offset(late) == after
        switch (earlyValid, lateValid) {
        case (true, true): return Date(timeIntervalSince1970: Double(min(early, late)))
        case (true, false): return Date(timeIntervalSince1970: Double(early))
        case (false, true): return Date(timeIntervalSince1970: Double(late))
        case (false, false):
            // In a gap: clocks jumped forward from `before` to `after` (after > before), so the
            // transition lies in (late, early]; find its first second by bisection.
            var low = min(late, early), high = max(late, early)  // offset(low) != after, offset(high) == after
            while high - low > 1 {
                let mid = low + (high - low) / 2
                if offset(mid) == after { high = mid } else { low = mid }
            }
            return Date(timeIntervalSince1970: Double(high))
        }
    }

    /// ``instant(atMinute:in:)`` for a ``LocalTime``.
    public func instant(at time: LocalTime, in timeZone: TimeZone) -> Date {
        instant(atMinute: time.minuteOfDay, in: timeZone)
    }
}
