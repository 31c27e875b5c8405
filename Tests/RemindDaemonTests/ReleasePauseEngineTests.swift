import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindTesting
import Testing

/// A release the spool cannot make (its `active/` directory broken on the real file
/// system) leaves the message queued and scheduled, pauses releases with one journal
/// line, and everything goes out by itself once the spool works again: no restart.
@Suite struct ReleasePauseEngineTests {
    @Test func aSpoolFailureAtReleasePausesAndEverythingGoesOutOnceItIsFixed() async throws {
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(clock: clock)
        let start = clock.now.addingTimeInterval(86400 - 3600)  // due now
        try f.drop("a.csv", rows: (1...3).map { ("A-\($0)", "0412 000 00\($0)", start, "Scheduled") })
        await f.engine.ingest(inboxName: "a.csv")
        #expect(f.files(in: .queued).count == 3)

        // active/ becomes a plain file: moving a message there fails (ENOTDIR).
        let active = f.root + "/spool/active"
        try FileManager.default.moveItem(atPath: active, toPath: active + ".off")
        FileManager.default.createFile(atPath: active, contents: Data())
        await f.drain()
        #expect(f.provider.sent.isEmpty)
        #expect(f.files(in: .queued).count == 3, "nothing lost")
        #expect(try await f.engine.scheduledEntries().count == 3, "all still scheduled")
        #expect(f.logged(.spoolError).count == 1)
        #expect(await f.engine.statusLine().contains("release paused: spool error"))

        // Still broken at the next try: counted, not logged again, and no busy loop.
        guard case .sleep(let until) = await f.engine.nextAction() else { Issue.record("expected a sleep"); return }
        #expect(until == clock.now.addingTimeInterval(ReleasePause.firstDelay) || until <= clock.now.addingTimeInterval(1))
        clock.advance(by: ReleasePause.firstDelay)
        await f.drain()
        #expect(f.provider.sent.isEmpty)
        #expect(f.logged(.spoolError).count == 1, "one journal line per episode")

        // Fixed: everything goes at the next try, by itself.
        try FileManager.default.removeItem(atPath: active)
        try FileManager.default.moveItem(atPath: active + ".off", toPath: active)
        clock.advance(by: 2 * ReleasePause.firstDelay)
        await f.drain()
        #expect(f.provider.sent.count == 3)
        #expect(Set(f.provider.sent.map(\.id)).count == 3)
        let resumed = f.logs.entries.filter { "\($0.message)".hasPrefix("releases resumed") }
        #expect(resumed.count == 1)
        #expect(resumed.first?.metadata[LogKey.count] == "2")
        #expect(await !f.engine.statusLine().contains("release paused"))
    }

    @Test func thePauseDoublesToFiveMinutesAndAWorkingReleaseEndsTheEpisode() {
        var pause = ReleasePause()
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        #expect(!pause.isPaused(now: t0))
        let started = pause.failed(cause: "disk full", now: t0)
        #expect(started)
        #expect(pause.until == t0.addingTimeInterval(15))
        #expect(pause.isPaused(now: t0.addingTimeInterval(14.9)) && !pause.isPaused(now: t0.addingTimeInterval(15)))
        var t = t0
        var delays: [TimeInterval] = []
        for _ in 0..<7 {
            t = pause.until!
            let again = pause.failed(cause: "too many open files", now: t)
            #expect(!again)
            delays.append(pause.until!.timeIntervalSince(t))
        }
        #expect(delays == [30, 60, 120, 240, 300, 300, 300])
        #expect(pause.cause == "too many open files")
        let failures = pause.succeeded()
        #expect(failures == 8)
        let none = pause.succeeded()
        #expect(none == nil)
        #expect(pause.until == nil)
        let restarted = pause.failed(cause: "disk full", now: t)
        #expect(restarted, "a new episode")
        #expect(pause.until == t.addingTimeInterval(15))
    }
}
