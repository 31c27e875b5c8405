import Foundation
@testable import RemindDaemon
import RemindTesting
import Testing

/// When STATUS= is sent: a changed line at most once a second, driven by the manual clock.
@Suite struct StatusThrottleTests {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_795_384_800))

    @Test func theFirstLineGoesAtOnceAndTheSameLineNeverAgain() {
        var status = StatusThrottle()
        status.changed()
        #expect(status.pending)
        #expect(status.offer("queued 1", now: clock.now) == .send("queued 1"))
        #expect(!status.pending)
        clock.advance(by: 5)
        status.changed()
        #expect(status.offer("queued 1", now: clock.now) == .unchanged)
        #expect(!status.pending, "nothing to flush")
    }

    @Test func aChangeWithinASecondIsHeldUntilTheSecondIsOver() {
        var status = StatusThrottle()
        _ = status.offer("queued 1", now: clock.now)
        let sent = clock.now
        clock.advance(by: 0.4)
        status.changed()
        #expect(status.offer("queued 2", now: clock.now) == .hold(until: sent.addingTimeInterval(1)))
        #expect(status.pending)
        clock.advance(by: 0.5)
        #expect(status.offer("queued 3", now: clock.now) == .hold(until: sent.addingTimeInterval(1)), "still within the second")
        clock.advance(by: 0.1)
        #expect(status.offer("queued 3", now: clock.now) == .send("queued 3"), "the latest line, once")
        #expect(!status.pending)
    }

    /// A wall clock set back (an NTP step) does not hold STATUS= back until it catches up.
    @Test func aClockSetBackDoesNotHoldLinesBack() {
        var status = StatusThrottle()
        _ = status.offer("queued 1", now: clock.now)
        clock.set(clock.now.addingTimeInterval(-3600))
        #expect(status.offer("queued 2", now: clock.now) == .send("queued 2"))
    }
}
