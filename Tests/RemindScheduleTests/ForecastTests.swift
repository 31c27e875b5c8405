import Foundation
import PropertyBased
import RemindCore
import Testing
@testable import RemindSchedule

@Suite struct ForecastTests {
    let calendar = DeliveryCalendar(windows: officeHours, timeZone: zone("UTC"))
    let monday9 = instant("2025-06-02T09:00:00Z")

    func scheduler(_ n: Int, stagger: Duration = .seconds(180), due: Date? = nil) -> ReleaseScheduler {
        var s = ReleaseScheduler(calendar: calendar, stagger: stagger, lastRelease: nil)
        for i in 0..<n { s.insert(.init(id: id(UInt64(i + 1)), due: due ?? monday9, kind: .recall)) }
        return s
    }

    /// EXACT's example: 100 messages, one every 3 minutes, take 300 minutes (the last goes
    /// after 297); all fit in Monday's 09:00–17:00 window of 160 slots.
    @Test func exactsExample() {
        let f = scheduler(100).forecast(now: monday9, maxWindows: 2, limit: .seconds(86_400))
        #expect(f.queued == 100 && f.dueNow == 100)
        #expect(f.windows.count == 2)
        #expect(f.windows[0] == .init(interval: DateInterval(start: monday9, end: instant("2025-06-02T17:00:00Z")), capacity: 160, planned: 100))
        #expect(f.windows[1].planned == 0 && f.windows[1].capacity == 160)
        #expect(f.drainsAt == monday9.addingTimeInterval(99 * 180))
        #expect(f.longestWait == .seconds(99 * 180))
        #expect(!f.exceedsLimit)
        #expect(scheduler(100).forecast(now: monday9, maxWindows: 1, limit: .seconds(4 * 3600)).exceedsLimit)
    }

    @Test func spillsOverSeveralWindows() {
        let f = scheduler(500).forecast(now: monday9, maxWindows: 3, limit: .seconds(2 * 86_400))
        #expect(f.windows.map(\.planned) == [160, 160, 160])
        // The last 20 go on Thursday.
        #expect(f.drainsAt == instant("2025-06-05T09:00:00Z").addingTimeInterval(19 * 180))
        #expect(f.exceedsLimit)
    }

    @Test func startsMidWindowAfterTheLastRelease() {
        var s = ReleaseScheduler(calendar: calendar, stagger: .seconds(600), lastRelease: instant("2025-06-02T16:05:00Z"))
        s.insert(.init(id: id(1), due: monday9, kind: .recall))
        s.insert(.init(id: id(2), due: monday9, kind: .recall))
        let f = s.forecast(now: instant("2025-06-02T16:10:00Z"), maxWindows: 2)
        // Slots at 16:15, 16:25, …, 16:55: five.
        #expect(f.windows[0].capacity == 5)
        #expect(f.windows[0].interval.start == instant("2025-06-02T16:10:00Z"))
        #expect(f.windows.map(\.planned) == [2, 0])
        #expect(f.drainsAt == instant("2025-06-02T16:25:00Z"))
    }

    @Test func emptyQueueDrainsNowAndStillListsWindows() {
        let f = scheduler(0).forecast(now: instant("2025-06-07T10:00:00Z"), maxWindows: 2)
        #expect(f.drainsAt == instant("2025-06-07T10:00:00Z"))
        #expect(f.windows.map(\.interval.start) == [instant("2025-06-09T09:00:00Z"), instant("2025-06-10T09:00:00Z")])
        #expect(!f.exceedsLimit)
    }

    @Test func atOnceHasNoCapacityLimit() {
        let f = scheduler(1000, stagger: .zero).forecast(now: monday9, maxWindows: 1)
        #expect(f.windows == [.init(interval: DateInterval(start: monday9, end: instant("2025-06-02T17:00:00Z")), capacity: nil, planned: 1000)])
        #expect(f.drainsAt == monday9)
    }

    @Test func noWindowsNeverDrains() {
        var s = ReleaseScheduler(calendar: DeliveryCalendar(windows: [], timeZone: zone("UTC")), stagger: .seconds(60), lastRelease: nil)
        s.insert(.init(id: id(1), due: monday9, kind: .recall))
        s.insert(.init(id: id(2), due: monday9, expires: monday9.addingTimeInterval(60), kind: .appointment))
        let f = s.forecast(now: monday9, maxWindows: 3)
        #expect(f.windows.isEmpty)
        #expect(f.drainsAt == nil)
        #expect(f.unplaced == 1 && f.expiring == 1)
        #expect(f.exceedsLimit)
    }

    @Test func countsWhatWouldExpire() {
        var s = scheduler(10, stagger: .seconds(600))
        // Due with the others, expiring at 10:00: the queue ahead fills the slots until then.
        s.insert(.init(id: id(99), due: monday9.addingTimeInterval(1), expires: monday9.addingTimeInterval(3600), kind: .broadcast))
        let f = s.forecast(now: monday9, maxWindows: 1)
        #expect(f.expiring == 1)
        #expect(f.windows[0].planned == 10)
    }

    /// Future messages count from their due time: a birthday next week is no backlog.
    @Test func futureMessagesDoNotWarn() {
        let f = scheduler(3, due: instant("2025-06-09T09:00:00Z")).forecast(now: monday9, maxWindows: 1, limit: .seconds(3600))
        #expect(f.dueNow == 0)
        #expect(f.longestWait == .seconds(360))
        #expect(!f.exceedsLimit)
    }

    /// With no expiries, the forecast matches what the scheduler then does: the same drain
    /// instant and the same count in each reported window (any work-conserving order releases
    /// at the same instants).
    @Test func matchesTheScheduler() async {
        await propertyCheck(count: 60, input: scenarioGen) { scenario in
            var s = ReleaseScheduler(calendar: scenario.calendar, stagger: scenario.stagger, lastRelease: nil,
                                     priorityStep: scenario.priorityStep)
            for a in scenario.arrivals {
                var e = a.entry
                e.expires = nil
                s.insert(e)
            }
            let forecast = s.forecast(now: scenario.start, maxWindows: 5)
            var releases: [Date] = []
            var now = scenario.start
            for _ in 0..<10_000 {
                switch s.nextAction(now: now) {
                case .release: releases.append(now)
                case .sleep(let until): now = until
                case .expire, .idle: break
                }
                if s.isEmpty { break }
            }
            #expect(s.isEmpty)
            #expect(forecast.drainsAt == releases.last)
            for w in forecast.windows {
                let actual = releases.filter { w.interval.start <= $0 && $0 < w.interval.end }.count
                #expect(w.planned == actual)
                if let capacity = w.capacity { #expect(actual <= capacity) }
            }
        }
    }
}
