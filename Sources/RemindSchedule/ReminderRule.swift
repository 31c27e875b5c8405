public import Foundation
public import RemindCore

/// When one reminder for a record goes out, and until when it may: a rule per kind
/// (several per kind allowed, each its own message).
///
/// Every rule gives a ``Schedule`` (due, expiry) for a record. Whatever the rule, a
/// reminder for an appointment expires at the appointment's start: it never goes after the
/// appointment has started. A reminder that arrives late goes at arrival, if its expiry
/// still allows; one that cannot make it gets `expires <= due`, so the scheduler ends it
/// `expired` with its reason (it is never dropped silently).
///
/// Local times (`daysBefore`, `birthday`, `at`) are resolved in the practice's time zone by
/// ``LocalDate/instant(atMinute:in:)``: a time in a DST gap is the transition, a time that
/// occurs twice is the first occurrence.
public struct ReminderRule: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Timing: Sendable, Hashable, Codable {
        /// As soon as the record arrives (recalls, private messages, broadcasts).
        case onArrival
        /// A fixed delay after arrival.
        case afterArrival(Duration)
        /// `lead` before the appointment's start; never later than `latest` before it
        /// ("2 hours before, not later than 1 hour before"). `lead > latest`.
        case before(lead: Duration, latest: Duration?)
        /// `days` calendar days before the appointment's local date, at `time` (or at the
        /// appointment's own local time of day): "1 day before" stays 10:00 → 10:00 across
        /// a DST change (23 or 25 hours). Never later than `latest` before the start.
        case daysBefore(days: Int, at: LocalTime?, latest: Duration?)
        /// On the patient's next birthday (on or after arrival) at this local time, expiring
        /// at the end of that day. 29 February is kept on 28 February in other years.
        case birthday(at: LocalTime)
        /// At a fixed local date and time (a broadcast).
        case at(LocalDate, LocalTime)
    }

    public let timing: Timing

    public init(_ timing: Timing) {
        switch timing {
        case .afterArrival(let delay):
            precondition(delay >= .zero, "the delay is not negative")
        case .before(let lead, let latest):
            precondition(lead >= .zero, "the lead is not negative")
            if let latest { precondition(latest >= .zero && latest < lead, "0 ≤ latest < lead") }
        case .daysBefore(let days, _, let latest):
            precondition(days >= 0, "days is not negative")
            if let latest { precondition(latest >= .zero, "latest is not negative") }
        case .onArrival, .birthday, .at:
            break
        }
        self.timing = timing
    }

    public static let onArrival = ReminderRule(.onArrival)
    public static func afterArrival(_ delay: Duration) -> ReminderRule { ReminderRule(.afterArrival(delay)) }
    public static func before(_ lead: Duration, latest: Duration? = nil) -> ReminderRule {
        ReminderRule(.before(lead: lead, latest: latest))
    }
    public static func daysBefore(_ days: Int, at time: LocalTime? = nil, latest: Duration? = nil) -> ReminderRule {
        ReminderRule(.daysBefore(days: days, at: time, latest: latest))
    }
    public static func birthday(at time: LocalTime) -> ReminderRule { ReminderRule(.birthday(at: time)) }
    public static func at(_ date: LocalDate, _ time: LocalTime) -> ReminderRule { ReminderRule(.at(date, time)) }

    /// A rule's answer for one record.
    public struct Schedule: Sendable, Hashable {
        /// Not before this instant.
        public var due: Date
        /// Not at or after this instant; nil: never expires.
        public var expires: Date?
        /// What `expires` stands for.
        public var expiryCause: ReleaseScheduler.ExpiryCause

        /// True when the expiry comes at or before the due time: the message can only expire.
        public var cannotBeSent: Bool { expires.map { $0 <= due } ?? false }

        /// The scheduler entry for the spool message `id`.
        public func entry(id: MessageID, kind: MessageKind) -> ReleaseScheduler.Entry {
            ReleaseScheduler.Entry(id: id, due: due, expires: expires, kind: kind, expiryCause: expiryCause)
        }
    }

    /// The due time and expiry for one record; nil when the rule needs what the record does
    /// not have (an appointment start for `before`/`daysBefore`, a birth date for `birthday`).
    ///
    /// - Parameters:
    ///   - arrival: when the record arrived (the inbox file was claimed).
    ///   - appointmentStart: the appointment's start, for appointment reminders.
    ///   - birthDate: the patient's date of birth, for birthday greetings.
    ///   - timeZone: the practice's time zone.
    public func schedule(arrival: Date, appointmentStart: Date? = nil, birthDate: LocalDate? = nil,
                         timeZone: TimeZone) -> Schedule? {
        var due: Date
        var expires: Date?
        var cause = ReleaseScheduler.ExpiryCause.deadline
        switch timing {
        case .onArrival:
            due = arrival
        case .afterArrival(let delay):
            due = arrival.addingTimeInterval(delay.timeInterval)
        case .before(let lead, let latest):
            guard let start = appointmentStart else { return nil }
            due = start.addingTimeInterval(-lead.timeInterval)
            if let latest {
                expires = start.addingTimeInterval(-latest.timeInterval)
                cause = .latestTime
            }
        case .daysBefore(let days, let time, let latest):
            guard let start = appointmentStart else { return nil }
            let startDay = LocalDate(containing: start, in: timeZone)
            let minute = time?.minuteOfDay ?? Self.minuteOfDay(start, in: timeZone)
            due = startDay.adding(days: -days).instant(atMinute: minute, in: timeZone)
            if let latest {
                expires = start.addingTimeInterval(-latest.timeInterval)
                cause = .latestTime
            }
        case .birthday(let time):
            guard let birthDate else { return nil }
            let today = LocalDate(containing: arrival, in: timeZone)
            var day = Self.birthday(of: birthDate, in: today.year)
            if day < today { day = Self.birthday(of: birthDate, in: today.year + 1) }
            due = day.instant(at: time, in: timeZone)
            expires = day.instant(atMinute: 1440, in: timeZone)
            cause = .endOfDay
        case .at(let date, let time):
            due = date.instant(at: time, in: timeZone)
        }
        if let start = appointmentStart, expires.map({ start < $0 }) ?? true {
            expires = start
            cause = .appointmentStart
        }
        due = max(due, arrival)  // a late arrival goes at once, if its expiry allows
        return Schedule(due: due, expires: expires, expiryCause: cause)
    }

    /// A stable text for the rule, usable as ``MessageKey/rule``: `on-arrival`,
    /// `after-arrival-600s`, `before-7200s`, `before-7200s-latest-3600s`, `days-before-2`,
    /// `days-before-1-at-18:00-latest-3600s`, `birthday-09:00`, `at-2025-12-01-09:00`.
    public var description: String {
        func secs(_ d: Duration) -> String {
            let (s, atto) = d.components
            return atto == 0 ? "\(s)s" : "\(Double(s) + Double(atto) / 1e18)s"
        }
        switch timing {
        case .onArrival: return "on-arrival"
        case .afterArrival(let d): return "after-arrival-\(secs(d))"
        case .before(let lead, let latest):
            return "before-\(secs(lead))" + (latest.map { "-latest-\(secs($0))" } ?? "")
        case .daysBefore(let days, let time, let latest):
            return "days-before-\(days)" + (time.map { "-at-\($0)" } ?? "") + (latest.map { "-latest-\(secs($0))" } ?? "")
        case .birthday(let time): return "birthday-\(time)"
        case .at(let date, let time): return "at-\(date)-\(time)"
        }
    }

    static func minuteOfDay(_ instant: Date, in timeZone: TimeZone) -> Int {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        let secondOfDay = local - (local / 86_400).rounded(.down) * 86_400
        return Int(secondOfDay / 60)
    }

    static func birthday(of birthDate: LocalDate, in year: Int) -> LocalDate {
        if birthDate.month == 2 && birthDate.day == 29 && !LocalDate.isLeapYear(year) {
            return LocalDate(year: year, month: 2, day: 28)
        }
        return LocalDate(year: year, month: birthDate.month, day: birthDate.day)
    }
}
