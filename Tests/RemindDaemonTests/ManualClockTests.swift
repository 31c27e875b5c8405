import Foundation
import RemindCore
import RemindTesting
import Testing

/// The manual clock the engine tests drive: its sleeps end when the test moves time, never by themselves.
@Suite struct ManualClockTests {
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func aSleepEndsWhenTimeIsAdvancedToItsDeadlineAndNotBefore() async {
        let clock = ManualClock(start)
        async let reason = clock.sleep(until: start.addingTimeInterval(60))
        #expect(await clock.waitUntilSleeping() == start.addingTimeInterval(60))
        clock.advance(by: 59.5)
        #expect(clock.sleepingUntil != nil, "still asleep half a second early")
        clock.advance(by: .milliseconds(500))
        #expect(await reason == .deadline)
        #expect(clock.now == start.addingTimeInterval(60))
        #expect(clock.sleepingUntil == nil)
    }

    @Test func aDeadlineAlreadyReachedEndsAtOnce() async {
        let clock = ManualClock(start)
        #expect(await clock.sleep(until: start) == .deadline)
        #expect(await clock.sleep(until: start.addingTimeInterval(-1)) == .deadline)
    }

    @Test func aWakeEndsTheSleepOrTheNextOneAndIsNeverLost() async {
        let clock = ManualClock(start)
        async let first = clock.sleep(until: .distantFuture)
        await clock.waitUntilSleeping()
        clock.wake()
        #expect(await first == .woken)
        clock.wake()
        clock.wake()  // wake-ups collapse
        #expect(await clock.sleep(until: .distantFuture) == .woken)
        async let next = clock.sleep(until: start.addingTimeInterval(1))
        await clock.waitUntilSleeping()
        clock.advance(by: 1)
        #expect(await next == .deadline, "the collapsed wake-up was used once")
    }

    @Test func settingTheClockIsAStep() async {
        let clock = ManualClock(start)
        async let early = clock.sleep(until: start.addingTimeInterval(3600))
        await clock.waitUntilSleeping()
        clock.set(start.addingTimeInterval(-3600))
        #expect(await early == .clockChanged)
        async let late = clock.sleep(until: start)
        await clock.waitUntilSleeping()
        clock.set(start.addingTimeInterval(7200))
        #expect(await late == .deadline)
    }

    @Test func aCancelledSleepEnds() async {
        let clock = ManualClock(start)
        await withTaskGroup(of: WakeReason.self) { group in
            group.addTask { await clock.sleep(until: .distantFuture) }
            await clock.waitUntilSleeping()
            group.cancelAll()
            #expect(await group.next() == .cancelled)
        }
        #expect(clock.sleepingUntil == nil)
    }
}
