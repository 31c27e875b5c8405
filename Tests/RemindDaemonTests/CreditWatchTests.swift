import Foundation
import Logging
import InMemoryLogging
@testable import RemindDaemon
import RemindCore
import RemindTesting
import ServiceLifecycle
import Testing

/// The low-balance warning: once per crossing, with a STATUS note while below.
@Suite struct CreditWatchTests {
    final class Fixture: EngineScratch {
        let root: String
        let logs = InMemoryLogHandler()

        init() throws {
            root = try Self.makeScratch("credit", templates: .oneLine, config: """
                [schedule]
                reminders = [{ name = "day-before", before = "1d" }]
                """)
        }

        deinit { removeScratch() }
    }

    @Test func oneWarningWhenItFallsBelowOneNoticeWhenItIsBackAndTheStatusNoteInBetween() async throws {
        let f = try Fixture()
        let engine = try f.makeEngine(provider: RecordingProvider(), debug: false, clock: ManualClock(Date(timeIntervalSince1970: 1_795_384_800)))
        try await engine.recover()
        await engine.balanceChecked(150, low: 100)
        #expect(!(await engine.statusLine()).contains("credit"))
        await engine.balanceChecked(84, low: 100)
        #expect(await engine.statusLine().hasSuffix("; credit 84 below 100"))
        await engine.balanceChecked(83.5, low: 100)
        #expect(await engine.statusLine().hasSuffix("; credit 83.5 below 100"))
        await engine.balanceChecked(nil, failure: "timed out", low: 100)  // a failed check changes nothing
        #expect(await engine.statusLine().contains("credit 83.5 below 100"))
        await engine.balanceChecked(120, low: 100)
        #expect(!(await engine.statusLine()).contains("credit"))
        let lines = f.logs.entries.filter { $0.metadata[LogKey.messageID] == "\(EventID.lowBalance.rawValue)" }
        #expect(lines.map(\.level) == [.warning, .notice])
        #expect(lines.first?.metadata["balance"] == "84" && lines.first?.metadata["threshold"] == "100")
    }

    /// The note comes from the balance monitor, outside the release loop. Within a second of
    /// the last STATUS= it is held back, and the idle loop (asleep until the next release,
    /// here none) must wake to send it a second later, not at the next release.
    @Test func aNoteHeldBackByTheThrottleWakesTheIdleReleaseLoop() async throws {
        let f = try Fixture()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_795_384_800))
        let engine = try f.makeEngine(provider: RecordingProvider(), debug: false, clock: clock)
        try await engine.recover()
        await engine.statusChanged()  // the line at start, as the daemon sends it after READY=1
        let group = ServiceGroup(configuration: .init(services: [.init(service: DeliveryService(engine: engine))], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let idle = await clock.waitUntilSleeping()
            #expect(idle > clock.now.addingTimeInterval(1), "idle: asleep for longer than a second")
            await engine.balanceChecked(84, low: 100)
            #expect(await engine.statusDirty, "held back: the last line went out less than a second ago")
            let woken = await clock.waitUntilSleeping()
            #expect(woken <= clock.now.addingTimeInterval(1), "the loop woke and sleeps at most until the note may go")
            clock.advance(by: 1)
            await clock.waitUntilSleeping()
            #expect(await !engine.statusDirty, "the note went out a second later")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func theWatchAlone() {
        var watch = CreditWatch(low: 10)
        #expect(watch.observe(11) == nil)
        #expect(watch.observe(9) == .fellBelow)
        #expect(watch.observe(1) == nil)
        #expect(watch.observe(10) == .cameBack)
        #expect(watch.observe(10) == nil)
    }
}
