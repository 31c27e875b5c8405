import Foundation
import RemindCore
import Testing
@testable import RemindSchedule

/// `nextAction` outside `#expect` (the macro cannot call mutating methods).
func step(_ s: inout ReleaseScheduler, _ now: Date) -> ReleaseScheduler.Action { s.nextAction(now: now) }

@Suite struct ReleaseSchedulerTests {
    let calendar = DeliveryCalendar(windows: officeHours, timeZone: zone("UTC"))
    let monday9 = instant("2025-06-02T09:00:00Z")

    func entry(_ n: UInt64, _ due: Date, _ kind: MessageKind = .appointment, expires: Date? = nil,
               cause: ReleaseScheduler.ExpiryCause = .deadline) -> ReleaseScheduler.Entry {
        .init(id: id(n), due: due, expires: expires, kind: kind, expiryCause: cause)
    }

    @Test func emptyIsIdle() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        do { let a = step(&s, monday9); #expect(a == .idle) }
        #expect(s.nextReleaseTime(now: monday9) == nil)
        #expect(s.count == 0)
    }

    @Test func releasesAtDueTimeInsideAWindow() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        let due = monday9.addingTimeInterval(3600)
        s.insert(entry(1, due))
        do { let a = step(&s, monday9); #expect(a == .sleep(until: due)) }
        #expect(s.nextReleaseTime(now: monday9) == due)
        do { let a = step(&s, due); #expect(a == .release(id(1))) }
        #expect(s.count == 0)
        #expect(s.lastRelease == due)
        do { let a = step(&s, due); #expect(a == .idle) }
    }

    @Test func waitsForTheWindowToOpen() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .zero, lastRelease: nil)
        let saturday = instant("2025-06-07T10:00:00Z")
        s.insert(entry(1, saturday))
        do { let a = step(&s, saturday); #expect(a == .sleep(until: instant("2025-06-09T09:00:00Z"))) }
        do { let a = step(&s, instant("2025-06-09T09:00:00Z")); #expect(a == .release(id(1))) }
    }

    @Test func staggerSpacesReleases() {
        var s = ReleaseScheduler(calendar: calendar, rate: .oneEvery(.seconds(180)), lastRelease: nil)
        for n in 1...3 { s.insert(entry(UInt64(n), monday9)) }
        do { let a = step(&s, monday9); #expect(a == .release(id(1))) }
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(180))) }
        do { let a = step(&s, monday9.addingTimeInterval(179)); #expect(a == .sleep(until: monday9.addingTimeInterval(180))) }
        do { let a = step(&s, monday9.addingTimeInterval(180)); #expect(a == .release(id(2))) }
        // A hand-over that finished late moves the mark.
        s.recordRelease(at: monday9.addingTimeInterval(200))
        do { let a = step(&s, monday9.addingTimeInterval(360)); #expect(a == .sleep(until: monday9.addingTimeInterval(380))) }
        do { let a = step(&s, monday9.addingTimeInterval(380)); #expect(a == .release(id(3))) }
    }

    @Test func lastReleaseFromBeforeARestartCounts() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: monday9.addingTimeInterval(-30))
        s.insert(entry(1, monday9))
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(30))) }
    }

    @Test func atOnceReleasesEverythingDue() {
        var s = ReleaseScheduler(calendar: calendar, rate: .atOnce, lastRelease: nil)
        for n in 1...100 { s.insert(entry(UInt64(n), monday9, .recall)) }
        var released: [MessageID] = []
        while case .release(let m) = s.nextAction(now: monday9) { released.append(m) }
        #expect(released == (1...100).map { id(UInt64($0)) })
    }

    @Test func perMinuteRate() {
        #expect(ReleaseRate.perMinute(4).interval == .seconds(15))
        let seventh = ReleaseRate.perMinute(7).interval
        #expect(seventh * 7 >= .seconds(60) && seventh * 7 < .seconds(60) + .nanoseconds(1))
        #expect(ReleaseRate.atOnce.isAtOnce)
    }

    @Test func uncontendedGoesEarliestDueFirst() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        s.insert(entry(1, monday9.addingTimeInterval(600), .appointment))
        s.insert(entry(2, monday9, .broadcast))
        do { let a = step(&s, monday9); #expect(a == .release(id(2))) }
        do { let a = step(&s, monday9.addingTimeInterval(60)); #expect(a == .sleep(until: monday9.addingTimeInterval(600))) }
        do { let a = step(&s, monday9.addingTimeInterval(600)); #expect(a == .release(id(1))) }
    }

    /// Contended: all due at once, one slot a minute: appointment (and private), recall,
    /// birthday, broadcast; within a kind, earliest due, then id.
    @Test func contendedGoesByKindPriority() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        let early = monday9.addingTimeInterval(-3600)
        s.insert(entry(10, early, .broadcast))
        s.insert(entry(11, monday9, .birthday))
        s.insert(entry(12, monday9, .recall))
        s.insert(entry(13, monday9, .appointment))
        s.insert(entry(14, early, .recall))
        s.insert(entry(15, monday9, .private))
        var order: [MessageID] = []
        var now = monday9
        while let next = s.nextReleaseTime(now: now) {
            now = next
            if case .release(let m) = s.nextAction(now: now) { order.append(m) }
        }
        #expect(order == [13, 15, 14, 12, 11, 10].map { id($0) })
    }

    /// A broadcast due more than three priority steps before a stream of appointment
    /// reminders goes before them: no starvation.
    @Test func waitingLongEnoughBeatsAnyKind() {
        var s = ReleaseScheduler(calendar: DeliveryCalendar(windows: (1...7).map { window($0, "00:00", "24:00") }, timeZone: zone("UTC")),
                                 stagger: .seconds(60), lastRelease: nil, priorityStep: .seconds(600))
        s.insert(entry(1, monday9, .broadcast))  // rank = 09:30
        for n in 0..<100 { s.insert(entry(UInt64(100 + n), monday9.addingTimeInterval(Double(n * 30)), .appointment)) }
        var releasedAt: [MessageID: Date] = [:]
        var now = monday9
        while let next = s.nextReleaseTime(now: now) {
            now = next
            if case .release(let m) = s.nextAction(now: now) { releasedAt[m] = now }
        }
        // Appointments due up to 09:30 go first (61 of them: 09:00, 09:00:30, …, 09:30), then the broadcast.
        let broadcast = try! #require(releasedAt[id(1)])
        #expect(broadcast == monday9.addingTimeInterval(61 * 60))
        #expect(releasedAt.count == 101)
    }

    @Test func expiresWithReasons() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(3600), lastRelease: nil)
        let friday17 = instant("2025-06-06T17:00:00Z")
        // Due Friday night, appointment Monday 08:00: no window in between.
        s.insert(entry(1, friday17, expires: instant("2025-06-09T08:00:00Z"), cause: .appointmentStart))
        // Its latest time is before it is due.
        s.insert(entry(2, friday17, expires: friday17.addingTimeInterval(-60), cause: .latestTime))
        do { let a = step(&s, friday17); #expect(a == .expire(id(2), reason: "the rule's latest time passed before it was due")) }
        do { let a = step(&s, friday17); #expect(a == .sleep(until: instant("2025-06-09T08:00:00Z"))) }
        do { let a = step(&s, instant("2025-06-09T08:00:00Z")); #expect(a
            == .expire(id(1), reason: "the appointment started before a delivery window opened")) }
        // Two due at 09:00, one slot an hour, the second expires at 09:30.
        s.insert(entry(3, monday9, .appointment))
        s.insert(entry(4, monday9, .recall, expires: monday9.addingTimeInterval(1800)))
        do { let a = step(&s, monday9); #expect(a == .release(id(3))) }
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(1800))) }
        do { let a = step(&s, monday9.addingTimeInterval(1800)); #expect(a
            == .expire(id(4), reason: "its expiry time passed while it waited for a release slot")) }
        #expect(s.isEmpty)
    }

    @Test func expiryIsReportedAtItsTimeNotAtTheFront() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        for n in 1...10 { s.insert(entry(UInt64(n), monday9, .appointment)) }
        s.insert(entry(99, monday9, .broadcast, expires: monday9.addingTimeInterval(90)))
        do { let a = step(&s, monday9); #expect(a == .release(id(1))) }
        do { let a = step(&s, monday9.addingTimeInterval(60)); #expect(a == .release(id(2))) }
        do { let a = step(&s, monday9.addingTimeInterval(61)); #expect(a == .sleep(until: monday9.addingTimeInterval(90))) }
        guard case .expire(let m, _) = s.nextAction(now: monday9.addingTimeInterval(90)) else {
            Issue.record("expected an expiry")
            return
        }
        #expect(m == id(99))
    }

    @Test func neverReleasesAtExpiry() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .zero, lastRelease: nil)
        s.insert(entry(1, monday9, expires: monday9))
        guard case .expire = s.nextAction(now: monday9) else {
            Issue.record("released at its expiry instant")
            return
        }
    }

    @Test func removeAndReplace() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        s.insert(entry(1, monday9))
        s.insert(entry(2, monday9.addingTimeInterval(60), expires: monday9.addingTimeInterval(120)))
        let removed = s.remove(id(1)), again = s.remove(id(1)), unknown = s.remove(id(7))
        #expect(removed && !again && !unknown)
        #expect(s.count == 1)
        // A moved appointment: same id, new due time and expiry.
        s.insert(entry(2, monday9.addingTimeInterval(7200)))
        #expect(s.count == 1)
        #expect(s.entry(id(2))?.expires == nil)
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(7200))) }
        // The old expiry at +120 s no longer fires.
        do { let a = step(&s, monday9.addingTimeInterval(120)); #expect(a == .sleep(until: monday9.addingTimeInterval(7200))) }
        do { let a = step(&s, monday9.addingTimeInterval(7200)); #expect(a == .release(id(2))) }
    }

    @Test func reconfigureTakesEffect() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(600), lastRelease: nil)
        s.insert(entry(1, monday9))
        s.insert(entry(2, monday9))
        do { let a = step(&s, monday9); #expect(a == .release(id(1))) }
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(600))) }
        s.reconfigure(calendar: DeliveryCalendar(windows: [window(1, "09:00", "09:05"), window(2, "09:00", "17:00")], timeZone: zone("UTC")),
                      stagger: .seconds(60))
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(60))) }
        s.reconfigure(calendar: s.calendar, stagger: .seconds(600))
        do { let a = step(&s, monday9.addingTimeInterval(60)); #expect(a == .sleep(until: instant("2025-06-03T09:00:00Z"))) }
    }

    @Test func reconfiguringThePriorityStepReordersTheDue() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil, priorityStep: .zero)
        s.insert(entry(1, monday9.addingTimeInterval(-60), .broadcast))
        s.insert(entry(2, monday9, .appointment))
        _ = s.nextReleaseTime(now: monday9)
        s.reconfigure(calendar: calendar, stagger: .seconds(60), priorityStep: .seconds(3600))
        do { let a = step(&s, monday9); #expect(a == .release(id(2))) }
    }

    @Test func clockGoingBackNeverReleasesEarly() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        s.insert(entry(1, monday9.addingTimeInterval(3600)))
        s.insert(entry(2, monday9.addingTimeInterval(3600)))
        do { let a = step(&s, monday9.addingTimeInterval(3600)); #expect(a == .release(id(1))) }
        // The clock is stepped back an hour: entry 2 is no longer due, and goes at 10:00 again.
        var now = monday9.addingTimeInterval(60)
        var releases: [(MessageID, Date)] = []
        for _ in 0..<10 {
            let action = s.nextAction(now: now)
            if case .release(let m) = action { releases.append((m, now)) }
            if case .sleep(let until) = action { now = until }
            if action == .idle { break }
        }
        #expect(releases.map(\.0) == [id(2)])
        #expect(releases.map(\.1) == [monday9.addingTimeInterval(3600)])
    }

    @Test func noWindowsMeansIdleUnlessSomethingExpires() {
        var s = ReleaseScheduler(calendar: DeliveryCalendar(windows: [], timeZone: zone("UTC")), stagger: .zero, lastRelease: nil)
        s.insert(entry(1, monday9))
        do { let a = step(&s, monday9); #expect(a == .idle) }
        s.insert(entry(2, monday9, expires: monday9.addingTimeInterval(60)))
        do { let a = step(&s, monday9); #expect(a == .sleep(until: monday9.addingTimeInterval(60))) }
    }
}
