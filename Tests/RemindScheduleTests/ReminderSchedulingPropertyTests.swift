import Foundation
import PropertyBased
import RemindCore
import Testing
@testable import RemindSchedule

/// Appointments arriving with random reminder rules, through ``ReminderRule`` into the
/// scheduler: the issue's properties stated in appointment terms rather than over raw
/// due/expiry pairs (``ReleaseSchedulerPropertyTests`` does those).
struct RuleScenario: Sendable {
    struct Booking: Sendable {
        var id: MessageID
        var arrival: Date
        var start: Date
        var rule: ReminderRule
        var kind: MessageKind
    }

    var calendar: DeliveryCalendar
    var stagger: Duration
    var begin: Date
    var bookings: [Booking]
}

let ruleScenarioGen = Generator<RuleScenario, Shrink.None<RuleScenario>> { rng in
    let zones = ["Europe/London", "Australia/Sydney"]
    let tz = zone(zones[Int.random(in: 0..<zones.count, using: &rng)])
    let windows = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
        let start = Int.random(in: 0..<96, using: &rng) * 15
        let end = min(1440, start + Int.random(in: 1...48, using: &rng) * 15)
        return DeliveryWindow(weekday: Int.random(in: 1...7, using: &rng), startMinute: start, endMinute: end)
    }
    let stagger: Duration = [.zero, .seconds(1), .seconds(45), .seconds(120), .seconds(900),
                             .milliseconds(Int.random(in: 1...3_600_000, using: &rng))].randomElement(using: &rng)!
    // Often within days of a DST change in either direction.
    let begin: Date
    if Int.random(in: 0..<3, using: &rng) > 0 {
        begin = transitions2025.randomElement(using: &rng)!.addingTimeInterval(Double.random(in: -4 * 86_400...0, using: &rng))
    } else {
        begin = instant("2025-01-01T00:00:00Z").addingTimeInterval(Double(Int.random(in: 0..<365 * 86_400, using: &rng)))
    }
    let first = LocalDate(containing: begin, in: tz)
    let closed = Set((0..<Int.random(in: 0...3, using: &rng)).map { _ in first.adding(days: Int.random(in: 0..<10, using: &rng)) })
    var bookings: [RuleScenario.Booking] = []
    for n in 0..<Int.random(in: 1...25, using: &rng) {
        let arrival = begin.addingTimeInterval(Double(Int.random(in: 0...3 * 86_400, using: &rng)))
        // Appointments on the minute, from an hour before the arrival (already started) to 6 days on.
        let start = Date(timeIntervalSince1970: ((arrival.timeIntervalSince1970 + Double(Int.random(in: -3600...6 * 86_400, using: &rng))) / 60).rounded(.down) * 60)
        let lead = Int64.random(in: 1...4 * 86_400, using: &rng)
        let latest: Duration? = Bool.random(using: &rng) ? .seconds(Int64.random(in: 0..<lead, using: &rng)) : nil
        let rule: ReminderRule
        switch Int.random(in: 0..<5, using: &rng) {
        case 0, 1: rule = .before(.seconds(lead), latest: latest)
        case 2:
            let at: LocalTime? = Bool.random(using: &rng)
                ? LocalTime(hour: Int.random(in: 0...23, using: &rng), minute: Int.random(in: 0...59, using: &rng)) : nil
            rule = .daysBefore(Int.random(in: 1...3, using: &rng), at: at, latest: latest.map { min($0, .seconds(86_399)) })
        case 3: rule = .onArrival
        default: rule = .afterArrival(.seconds(Int64.random(in: 0...7200, using: &rng)))
        }
        bookings.append(.init(id: MessageID(rawValue: UInt64(100 + n)), arrival: arrival, start: start, rule: rule,
                              kind: [.appointment, .appointment, .recall, .private].randomElement(using: &rng)!))
    }
    bookings.sort { $0.arrival < $1.arrival }
    return RuleScenario(calendar: DeliveryCalendar(windows: windows, timeZone: tz, closedDates: closed),
                        stagger: stagger, begin: begin, bookings: bookings)
}

@Suite struct ReminderSchedulingPropertyTests {
    /// For every booking, whatever its rule, window, stagger, closed dates and DST change:
    /// - a release is inside a window, at or after the rule's due time (never earlier than
    ///   its lead before the appointment), strictly before the appointment's start and the
    ///   rule's latest time, and at least the stagger after the previous release;
    /// - an expiry comes at or after the message's deadline, never before;
    /// - every booking ends released or expired, exactly once.
    @Test func remindersGoInWindowsAfterTheirLeadAndBeforeTheAppointment() async {
        await propertyCheck(count: 150, input: ruleScenarioGen) { scenario in
            let tz = scenario.calendar.timeZone
            var s = ReleaseScheduler(calendar: scenario.calendar, stagger: scenario.stagger, lastRelease: nil)
            var waiting = scenario.bookings[...]
            var pending: [MessageID: (booking: RuleScenario.Booking, schedule: ReminderRule.Schedule)] = [:]
            var released = 0, expired = 0
            var lastRelease: Date?
            var now = scenario.begin
            for _ in 0..<5_000 {
                while let b = waiting.first, b.arrival <= now {
                    waiting.removeFirst()
                    guard let schedule = b.rule.schedule(arrival: b.arrival, appointmentStart: b.start, timeZone: tz) else {
                        Issue.record("no schedule for \(b.rule) with an appointment")
                        return
                    }
                    pending[b.id] = (b, schedule)
                    s.insert(schedule.entry(id: b.id, kind: b.kind))
                }
                let action = s.nextAction(now: now)
                switch action {
                case .release(let m):
                    guard let (b, schedule) = pending.removeValue(forKey: m) else {
                        Issue.record("released \(m), which is not pending")
                        return
                    }
                    #expect(scenario.calendar.isOpen(at: now), "released outside a window")
                    #expect(now >= schedule.due && now >= b.arrival, "released before it was due")
                    #expect(now < b.start, "released after the appointment started")
                    switch b.rule.timing {
                    case .before(let lead, let latest):
                        #expect(now >= b.start.addingTimeInterval(-lead.timeInterval), "released earlier than its lead")
                        if let latest { #expect(now < b.start.addingTimeInterval(-latest.timeInterval), "released after its latest time") }
                    case .daysBefore(_, _, let latest?):
                        #expect(now < b.start.addingTimeInterval(-latest.timeInterval), "released after its latest time")
                    default:
                        break
                    }
                    if let last = lastRelease {
                        #expect(now >= last.addingTimeInterval(scenario.stagger.timeInterval), "spacing below the stagger")
                    }
                    lastRelease = now
                    released += 1
                case .expire(let m, let reason):
                    guard let (_, schedule) = pending.removeValue(forKey: m), let deadline = schedule.expires else {
                        Issue.record("expired \(m), which is not pending with an expiry")
                        return
                    }
                    #expect(now >= deadline, "expired before its deadline")
                    #expect(!reason.isEmpty)
                    expired += 1
                case .sleep(let until):
                    #expect(until > now, "a sleep that does not advance")
                    now = min(until, waiting.first?.arrival ?? until)
                case .idle:
                    guard let next = waiting.first?.arrival else {
                        #expect(pending.isEmpty, "idle with reminders that have a deadline")
                        #expect(released + expired == scenario.bookings.count)
                        return
                    }
                    now = next
                }
            }
            Issue.record("the run did not finish")
        }
    }
}
