import Foundation
import PropertyBased
import RemindCore
import Testing
@testable import RemindSchedule

/// One random run: a calendar, a pace, and entries arriving (and some withdrawn) over time.
struct Scenario: Sendable {
    struct Arrival: Sendable {
        var at: Date
        var entry: ReleaseScheduler.Entry
    }

    var calendar: DeliveryCalendar
    var stagger: Duration
    var priorityStep: Duration
    var start: Date
    var arrivals: [Arrival]
    var removals: [(at: Date, id: MessageID)]
}

/// The DST changes of 2025 in the scenario zones, so runs often cross one.
let transitions2025 = [
    "2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z",  // London
    "2025-04-05T16:00:00Z", "2025-10-04T16:00:00Z",  // Sydney
    "2025-03-09T07:00:00Z", "2025-11-02T06:00:00Z",  // New York
].map(instant)

let scenarioGen = Generator<Scenario, Shrink.None<Scenario>> { rng in
    let zones = ["UTC", "Europe/London", "Australia/Sydney", "America/New_York"]
    let tz = zone(zones[Int.random(in: 0..<zones.count, using: &rng)])
    let windows = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
        let start = Int.random(in: 0..<96, using: &rng) * 15
        let end = min(1440, start + Int.random(in: 1...40, using: &rng) * 15)
        return DeliveryWindow(weekday: Int.random(in: 1...7, using: &rng), startMinute: start, endMinute: end)
    }
    let stagger: Duration = [.zero, .seconds(1), .seconds(30), .seconds(60), .seconds(180), .seconds(600), .seconds(3600),
                             .milliseconds(Int.random(in: 0...7_200_000, using: &rng))].randomElement(using: &rng)!
    let step: Duration = [.zero, .seconds(60), .seconds(3600), .seconds(86_400)].randomElement(using: &rng)!
    let start: Date
    if Bool.random(using: &rng) {
        start = transitions2025.randomElement(using: &rng)!.addingTimeInterval(Double.random(in: -3 * 86_400...86_400, using: &rng))
    } else {
        start = instant("2025-01-01T00:00:00Z").addingTimeInterval(Double(Int.random(in: 0..<365 * 86_400, using: &rng)))
    }
    let first = LocalDate(containing: start, in: tz)
    let closed = Set((0..<Int.random(in: 0...3, using: &rng)).map { _ in first.adding(days: Int.random(in: 0..<30, using: &rng)) })
    var arrivals: [Scenario.Arrival] = []
    var removals: [(at: Date, id: MessageID)] = []
    for n in 0..<Int.random(in: 1...30, using: &rng) {
        let at = start.addingTimeInterval(Double(Int.random(in: 0...3 * 86_400, using: &rng)))
        // Some due before they arrive (late imports), most later.
        let due = at.addingTimeInterval(Double(Int.random(in: -7200...2 * 86_400, using: &rng)))
        let expires: Date? = Int.random(in: 0..<10, using: &rng) < 4 ? nil
            : due.addingTimeInterval(Double(Int.random(in: -3600...3 * 86_400, using: &rng)))
        let entry = ReleaseScheduler.Entry(
            id: MessageID(rawValue: UInt64(1000 + n)), due: due, expires: expires,
            kind: MessageKind.allCases.randomElement(using: &rng)!,
            expiryCause: ReleaseScheduler.ExpiryCause.allCases.randomElement(using: &rng)!)
        arrivals.append(.init(at: at, entry: entry))
        if Int.random(in: 0..<10, using: &rng) == 0 {
            removals.append((at.addingTimeInterval(Double(Int.random(in: 0...2 * 86_400, using: &rng))), entry.id))
        }
    }
    arrivals.sort { $0.at < $1.at }
    removals.sort { $0.at < $1.at }
    return Scenario(calendar: DeliveryCalendar(windows: windows, timeZone: tz, closedDates: closed),
                    stagger: stagger, priorityStep: step, start: start, arrivals: arrivals, removals: removals)
}

@Suite struct ReleaseSchedulerPropertyTests {
    /// Drives the scheduler through a scenario with a simulated clock that jumps to each
    /// `.sleep` deadline (or the next arrival), checking every action against an oracle
    /// that tracks what is pending:
    /// - no release outside a window, before its due time, or at/after its expiry;
    /// - spacing between releases never below the stagger;
    /// - each release is the best-ranked due entry (rank = due + priority × step), so
    ///   nothing is overtaken except by better-ranked due entries;
    /// - expiries come at their time (or at insertion when already past), never early;
    /// - a sleep never passes an expiry or a release opportunity;
    /// - at the end every entry without expiry was released (none starved), and every
    ///   entry was released, expired or withdrawn.
    @Test func releasesOnlyWhenAllowedAndNeverStarves() async {
        await propertyCheck(count: 150, input: scenarioGen) { scenario in
            var s = ReleaseScheduler(calendar: scenario.calendar, stagger: scenario.stagger, lastRelease: nil,
                                     priorityStep: scenario.priorityStep)
            let step = scenario.priorityStep.timeInterval
            func key(_ e: ReleaseScheduler.Entry) -> (Double, Int, UInt64) {
                (e.due.timeIntervalSinceReferenceDate + Double(e.kind.priority) * step, e.kind.priority, e.id.rawValue)
            }
            var arrivals = scenario.arrivals[...]
            var removals = scenario.removals[...]
            var pending: [MessageID: ReleaseScheduler.Entry] = [:]
            var insertedAt: [MessageID: Date] = [:]
            var released: Set<MessageID> = [], expired: Set<MessageID> = [], removed: Set<MessageID> = []
            var lastRelease: Date?
            var now = scenario.start
            var steps = 0
            while steps < 20_000 {
                steps += 1
                while let a = arrivals.first, a.at <= now {
                    arrivals.removeFirst()
                    s.insert(a.entry)
                    pending[a.entry.id] = a.entry
                    insertedAt[a.entry.id] = now
                }
                while let r = removals.first, r.at <= now {
                    removals.removeFirst()
                    let wasPending = pending.removeValue(forKey: r.id) != nil
                    #expect(s.remove(r.id) == wasPending)
                    if wasPending { removed.insert(r.id) }
                }
                let nextEvent = [arrivals.first?.at, removals.first?.at].compactMap { $0 }.min()
                switch s.nextAction(now: now) {
                case .release(let m):
                    guard let e = pending.removeValue(forKey: m) else {
                        Issue.record("released \(m), which is not pending")
                        return
                    }
                    #expect(scenario.calendar.isOpen(at: now), "released outside a window")
                    #expect(now >= e.due, "released before due")
                    if let x = e.expires { #expect(now < x, "released at or after expiry") }
                    if let last = lastRelease {
                        #expect(now >= last.addingTimeInterval(scenario.stagger.timeInterval), "spacing below the stagger")
                    }
                    for other in pending.values where other.due <= now {
                        #expect(key(e) < key(other), "overtook a better-ranked due entry")
                    }
                    lastRelease = now
                    released.insert(m)
                case .expire(let m, let reason):
                    guard let e = pending.removeValue(forKey: m), let x = e.expires else {
                        Issue.record("expired \(m), which is not pending with an expiry")
                        return
                    }
                    #expect(now >= x, "expired early")
                    #expect(now <= max(x, insertedAt[m]!), "expired late")
                    #expect(!reason.isEmpty)
                    expired.insert(m)
                case .sleep(let until):
                    #expect(until > now, "a sleep that does not advance")
                    if let x = pending.values.compactMap(\.expires).min() { #expect(until <= x, "slept past an expiry") }
                    if let d = pending.values.map(\.due).min() {
                        var c = max(now, d)
                        if let last = lastRelease { c = max(c, last.addingTimeInterval(scenario.stagger.timeInterval)) }
                        if let opening = scenario.calendar.nextOpening(atOrAfter: c) {
                            #expect(until <= opening, "slept past a release opportunity")
                        }
                    }
                    guard until > now else { return }
                    now = min(until, nextEvent ?? until)
                case .idle:
                    #expect(pending.isEmpty, "idle with entries that a window could release")
                    guard let nextEvent else {
                        steps = -1
                        break
                    }
                    now = nextEvent
                }
                if steps < 0 { break }
            }
            #expect(steps < 0, "the run did not finish")
            #expect(s.isEmpty)
            for a in scenario.arrivals where !removed.contains(a.entry.id) {
                if a.entry.expires == nil {
                    #expect(released.contains(a.entry.id), "an entry without expiry starved")
                } else {
                    #expect(released.contains(a.entry.id) != expired.contains(a.entry.id))
                }
            }
        }
    }
}
