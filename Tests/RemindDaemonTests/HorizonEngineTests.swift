import Foundation
@testable import RemindDaemon
import RemindControl
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindTesting
import Testing

/// The engine's scheduler holds only the next hour's messages (``ReleaseHorizon``); the
/// spool's index has the rest until the horizon reaches them. Through the real engine and
/// spool, on a manual clock.
@Suite struct HorizonEngineTests {
    static func rows(_ prefix: String, _ n: Int, start: Date) -> [(id: String, phone: String, start: Date, status: String)] {
        (1...n).map { ("\(prefix)-\($0)", "0412 000 \(String(format: "%03d", $0 + (prefix == "A" ? 0 : prefix == "B" ? 100 : 200)))", start, "Scheduled") }
    }

    @Test func messagesPastTheHorizonWaitInTheIndexAndGoOutAtTheirTime() async throws {
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(clock: clock)
        let t0 = clock.now
        // With the one-day lead: A due now, B in three hours, C in two days.
        try f.drop("a.csv", rows: Self.rows("A", 3, start: t0.addingTimeInterval(86400 - 3600))
                    + Self.rows("B", 3, start: t0.addingTimeInterval(86400 + 3 * 3600))
                    + Self.rows("C", 3, start: t0.addingTimeInterval(3 * 86400)))
        await f.engine.ingest(inboxName: "a.csv")
        #expect(f.files(in: .queued).count == 9)
        #expect(await f.engine.scheduler.heldCount == 3, "only what is due within the hour is held")
        #expect(await f.engine.forecastReport().queued == 9, "the forecast counts what the index has past the horizon")

        await f.drain()
        #expect(f.provider.sent.count == 3)
        // The loop sleeps until half an hour before B is due (to fetch it), not until B.
        let bDue = t0.addingTimeInterval(3 * 3600)
        // (Asked of a copy of the engine's scheduler: the engine's own answer is capped at
        // a second while STATUS= waits to be sent.)
        var copy = await f.engine.scheduler
        var wake: Date?
        if case .sleep(let until) = copy.nextAction(now: clock.now) { wake = until }
        let until = try #require(wake, "expected a sleep")
        #expect(until <= bDue.addingTimeInterval(-1800) && until > t0)
        #expect(await f.engine.statusLine().contains("next -") == false, "STATUS shows the next release past the horizon")

        clock.set(until)
        await f.drain()
        #expect(f.provider.sent.count == 3, "nothing before its time")
        let horizon = await f.engine.scheduler
        #expect(horizon.heldCount == 3, "B fetched from the index: \(horizon.heldCount) held, boundary \(horizon.boundary), beyond \(String(describing: horizon.earliestBeyond)), now \(clock.now), until \(until)")
        clock.set(bDue.addingTimeInterval(1))
        await f.drain()
        #expect(f.provider.sent.count == 6)

        // A restart holds nothing of C (two days away) and still knows when it goes.
        let restarted = try f.makeEngine(provider: f.provider, clock: clock)
        try await restarted.recover()
        #expect(await restarted.scheduler.heldCount == 0)
        #expect(await restarted.scheduler.earliestBeyond != nil)
        #expect(await restarted.forecastReport().queued == 3)
        clock.set(t0.addingTimeInterval(2 * 86400 + 1))
        await f.drain(restarted)
        #expect(f.provider.sent.count == 9)
        #expect(f.files(in: .queued).isEmpty)
        #expect(Set(f.provider.sent.map(\.id)).count == 9, "each once")
    }

    /// A message withdrawn while past the horizon never comes back with a fetch; one an
    /// operator holds is not refused as busy.
    @Test func changesToMessagesPastTheHorizonStick() async throws {
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(clock: clock)
        let t0 = clock.now
        let start = t0.addingTimeInterval(86400 + 3 * 3600)  // due in three hours
        try f.drop("a.csv", rows: Self.rows("A", 3, start: start))
        await f.engine.ingest(inboxName: "a.csv")
        #expect(await f.engine.scheduler.heldCount == 0)
        try f.drop("b.csv", rows: [("A-1", "0412 000 001", start, "Cancelled")])
        await f.engine.ingest(inboxName: "b.csv")
        let ids = f.files(in: .queued)
        #expect(ids.count == 2)
        let held = await OperatorEngineTests.ask(f, .hold, [try #require(MessageID(ids[0]))])
        #expect(held.changes.first?.ok == true, "\(held.changes.first?.error ?? "")")
        clock.set(t0.addingTimeInterval(3 * 3600 + 1))
        await f.drain()
        #expect(f.provider.sent.count == 1)
        #expect(f.provider.sent.first?.id == MessageID(ids[1]))
    }
}
