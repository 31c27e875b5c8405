import Foundation
import PropertyBased
import RemindCore
import Testing
@testable import RemindSchedule

@Suite struct ReminderRuleTests {
    let utc = zone("UTC")
    let start = instant("2025-06-04T10:00:00Z")

    @Test func onArrivalAndAfterArrival() throws {
        let arrival = instant("2025-06-01T08:00:00Z")
        let now = try #require(ReminderRule.onArrival.schedule(arrival: arrival, timeZone: utc))
        #expect(now == .init(due: arrival, expires: nil, expiryCause: .deadline))
        let later = try #require(ReminderRule.afterArrival(.seconds(600)).schedule(arrival: arrival, appointmentStart: start, timeZone: utc))
        #expect(later == .init(due: arrival.addingTimeInterval(600), expires: start, expiryCause: .appointmentStart))
    }

    @Test func beforeWithLatest() throws {
        let rule = ReminderRule.before(.seconds(7200), latest: .seconds(3600))
        let early = try #require(rule.schedule(arrival: instant("2025-06-01T08:00:00Z"), appointmentStart: start, timeZone: utc))
        #expect(early == .init(due: instant("2025-06-04T08:00:00Z"), expires: instant("2025-06-04T09:00:00Z"), expiryCause: .latestTime))
        #expect(!early.cannotBeSent)
        // Imported after the lead time but before the latest: goes at arrival.
        let late = try #require(rule.schedule(arrival: instant("2025-06-04T08:30:00Z"), appointmentStart: start, timeZone: utc))
        #expect(late.due == instant("2025-06-04T08:30:00Z"))
        // Imported 50 minutes before: it cannot make it, and ends expired with its reason.
        let tooLate = try #require(rule.schedule(arrival: instant("2025-06-04T09:10:00Z"), appointmentStart: start, timeZone: utc))
        #expect(tooLate.cannotBeSent)
        var s = ReleaseScheduler(calendar: DeliveryCalendar(windows: (1...7).map { window($0, "00:00", "24:00") }, timeZone: utc),
                                 stagger: .zero, lastRelease: nil)
        s.insert(tooLate.entry(id: id(1), kind: .appointment))
        let action = s.nextAction(now: instant("2025-06-04T09:10:00Z"))
        #expect(action == .expire(id(1), reason: "the rule's latest time passed before it was due"))
    }

    /// The issue's example: a "2 hours before, not later than 1 hour before" reminder whose
    /// window only opens 10 minutes before the appointment is dropped, never sent late.
    @Test func aReminderTheWindowWouldMakeLateIsDropped() throws {
        let rule = ReminderRule.before(.seconds(7200), latest: .seconds(3600))
        let schedule = try #require(rule.schedule(arrival: instant("2025-06-01T08:00:00Z"), appointmentStart: start, timeZone: utc))
        // Wednesday 2025-06-04: the only window opens at 09:50.
        let calendar = DeliveryCalendar(windows: [window(3, "09:50", "17:00")], timeZone: utc)
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(60), lastRelease: nil)
        s.insert(schedule.entry(id: id(1), kind: .appointment))
        do { let a = step(&s, instant("2025-06-04T08:00:00Z")); #expect(a == .sleep(until: instant("2025-06-04T09:00:00Z"))) }
        do { let a = step(&s, instant("2025-06-04T09:00:00Z")); #expect(a
            == .expire(id(1), reason: "the rule's latest time passed before a delivery window opened")) }
        #expect(s.isEmpty)
    }

    @Test func beforeWithoutLatestExpiresAtTheStart() throws {
        let rule = ReminderRule.before(.seconds(2 * 86_400))
        let s = try #require(rule.schedule(arrival: instant("2025-06-01T08:00:00Z"), appointmentStart: start, timeZone: utc))
        #expect(s == .init(due: instant("2025-06-02T10:00:00Z"), expires: start, expiryCause: .appointmentStart))
        #expect(rule.schedule(arrival: start, timeZone: utc) == nil)
    }

    @Test func daysBeforeKeepsTheLocalTimeAcrossDST() throws {
        // Sunday 2025-03-30 10:00 BST (09:00Z); the day before is Saturday 10:00 GMT: 23 hours.
        let london = zone("Europe/London")
        let appointment = instant("2025-03-30T09:00:00Z")
        let s = try #require(ReminderRule.daysBefore(1).schedule(arrival: instant("2025-03-01T00:00:00Z"),
                                                                 appointmentStart: appointment, timeZone: london))
        #expect(s.due == instant("2025-03-29T10:00:00Z"))
        #expect(s.expires == appointment)
        // Sydney, Monday 2025-10-06 09:00 AEDT; two days before at 18:00 is Saturday 18:00 AEST.
        let sydney = zone("Australia/Sydney")
        let t = try #require(ReminderRule.daysBefore(2, at: LocalTime(hour: 18), latest: .seconds(3 * 3600))
            .schedule(arrival: instant("2025-09-01T00:00:00Z"), appointmentStart: instant("2025-10-06T09:00:00+11:00"), timeZone: sydney))
        #expect(t == .init(due: instant("2025-10-04T18:00:00+10:00"), expires: instant("2025-10-06T06:00:00+11:00"), expiryCause: .latestTime))
    }

    @Test func birthdayOnTheDay() throws {
        let sydney = zone("Australia/Sydney")
        let rule = ReminderRule.birthday(at: LocalTime(hour: 9, minute: 30))
        let born = LocalDate(year: 1980, month: 6, day: 15)
        let ahead = try #require(rule.schedule(arrival: instant("2025-06-01T12:00:00+10:00"), birthDate: born, timeZone: sydney))
        #expect(ahead == .init(due: instant("2025-06-15T09:30:00+10:00"), expires: instant("2025-06-16T00:00:00+10:00"), expiryCause: .endOfDay))
        let sameDay = try #require(rule.schedule(arrival: instant("2025-06-15T13:00:00+10:00"), birthDate: born, timeZone: sydney))
        #expect(sameDay.due == instant("2025-06-15T13:00:00+10:00"))
        let missed = try #require(rule.schedule(arrival: instant("2025-06-16T08:00:00+10:00"), birthDate: born, timeZone: sydney))
        #expect(missed.due == instant("2026-06-15T09:30:00+10:00"))
        let leap = try #require(rule.schedule(arrival: instant("2025-02-01T00:00:00+11:00"), birthDate: LocalDate(year: 2000, month: 2, day: 29), timeZone: sydney))
        #expect(leap.due == instant("2025-02-28T09:30:00+11:00"))
        #expect(rule.schedule(arrival: instant("2025-06-01T12:00:00+10:00"), timeZone: sydney) == nil)
    }

    @Test func atAFixedLocalTime() throws {
        let rule = ReminderRule.at(LocalDate(year: 2025, month: 12, day: 1), LocalTime(hour: 9))
        let s = try #require(rule.schedule(arrival: instant("2025-11-01T00:00:00Z"), timeZone: zone("Australia/Sydney")))
        #expect(s == .init(due: instant("2025-12-01T09:00:00+11:00"), expires: nil, expiryCause: .deadline))
    }

    @Test(arguments: [
        (ReminderRule.onArrival, "on-arrival"),
        (.afterArrival(.seconds(600)), "after-arrival-600s"),
        (.before(.seconds(7200), latest: .seconds(3600)), "before-7200s-latest-3600s"),
        (.daysBefore(1, at: LocalTime(hour: 18)), "days-before-1-at-18:00"),
        (.birthday(at: LocalTime(hour: 9)), "birthday-09:00"),
        (.at(LocalDate(year: 2025, month: 12, day: 1), LocalTime(hour: 9)), "at-2025-12-01-09:00"),
    ])
    func stableNames(_ rule: ReminderRule, _ name: String) {
        #expect(rule.description == name)
    }

    @Test func codableRoundTrip() throws {
        let rules: [ReminderRule] = [.before(.seconds(7200), latest: .seconds(3600)), .birthday(at: LocalTime(hour: 9)), .onArrival]
        let data = try JSONEncoder().encode(rules)
        #expect(try JSONDecoder().decode([ReminderRule].self, from: data) == rules)
    }

    /// Over random appointments, arrivals, leads and latest times: a reminder never expires
    /// after the appointment starts, never falls due before it arrives, goes at its lead
    /// time when it arrives in time, and cannot be sent exactly when it arrives at or after
    /// its latest time.
    @Test func beforeRuleProperties() async {
        let tz = zone("Europe/London")
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000), Gen.int(in: -400_000...1_000_000),
                            Gen.int(in: 0...300_000), Gen.int(in: 0...299_999)) { startOffset, arrivalOffset, lead, latest in
            let base = instant("2025-01-01T00:00:00Z")
            let start = base.addingTimeInterval(Double(startOffset))
            let arrival = base.addingTimeInterval(Double(arrivalOffset))
            let latestTime: Duration? = latest < lead ? .seconds(latest) : nil
            let rule = ReminderRule.before(.seconds(lead), latest: latestTime)
            guard let s = rule.schedule(arrival: arrival, appointmentStart: start, timeZone: tz) else {
                Issue.record("no schedule for an appointment")
                return
            }
            let expires = try #require(s.expires)
            #expect(expires <= start)
            #expect(s.due >= arrival)
            let leadTime = start.addingTimeInterval(-Double(lead))
            if arrival <= leadTime { #expect(s.due == leadTime) } else { #expect(s.due == arrival) }
            let cutoff = latestTime.map { start.addingTimeInterval(-$0.timeInterval) } ?? start
            #expect(s.cannotBeSent == (arrival >= cutoff))
        }
    }
}
