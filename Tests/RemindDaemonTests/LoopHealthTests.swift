@testable import RemindDaemon
import Testing

/// When the watchdog pings: decided from monotonic instants the test makes, so a stall of
/// 30 s is checked without waiting 30 s.
@Suite struct LoopHealthTests {
    let start = ContinuousClock.now
    let limit: Duration = .seconds(30)

    @Test func aLoopBusyWithinTheLimitOrWaitingLetsThePingsGo() {
        var health = LoopHealth()
        #expect(health.check(limit: limit, now: start) == .ping)
        health.busy("inbox", at: start)
        #expect(health.check(limit: limit, now: start + .seconds(30)) == .ping, "exactly the limit is not over it")
        health.idle("inbox")
        #expect(health.check(limit: limit, now: start + .seconds(600)) == .ping, "a loop that waits cannot stall")
    }

    @Test func aStallIsReportedOnceAndPingsWithheldUntilItEnds() {
        var health = LoopHealth()
        health.busy("release", at: start)
        #expect(health.check(limit: limit, now: start + .seconds(31)) == .report(loop: "release"))
        #expect(health.check(limit: limit, now: start + .seconds(46)) == .withhold)
        #expect(health.check(limit: limit, now: start + .seconds(61)) == .withhold)
        health.busy("release", at: start + .seconds(62))  // the next piece of work: progress
        #expect(health.check(limit: limit, now: start + .seconds(63)) == .ping)
        #expect(health.check(limit: limit, now: start + .seconds(93)) == .report(loop: "release"), "a new stall is reported again")
    }

    @Test func whenSeveralHaveStalledTheFirstByNameIsNamed() {
        var health = LoopHealth()
        health.busy("release", at: start)
        health.busy("inbox", at: start + .seconds(1))
        #expect(health.stalledLoop(limit: limit, now: start + .seconds(40)) == "inbox")
        #expect(health.stalledLoop(limit: limit, now: start + .seconds(30.5)) == "release")
    }
}
