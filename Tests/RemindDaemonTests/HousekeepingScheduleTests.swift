import Foundation
@testable import RemindDaemon
import RemindTesting
import Testing

/// When the spool's housekeeping is due: retention a minute after start and then daily,
/// retries of stopped inputs with a doubling back-off; driven by the manual clock.
@Suite struct HousekeepingScheduleTests {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_795_384_800))

    @Test func retentionRunsAMinuteAfterStartThenDaily() {
        var schedule = HousekeepingSchedule(start: clock.now)
        #expect(schedule.deadline == clock.now.addingTimeInterval(60))
        clock.advance(by: 59)
        #expect(schedule.due(now: clock.now).isEmpty)
        clock.advance(by: 1)
        #expect(schedule.due(now: clock.now) == [.prune])
        #expect(schedule.due(now: clock.now).isEmpty, "once")
        #expect(schedule.deadline == clock.now.addingTimeInterval(86400))
        clock.advance(by: 86400)
        #expect(schedule.due(now: clock.now) == [.prune])
    }

    @Test func aStoppedIngestIsRetriedWithADoublingBackOffUpToFiveMinutes() {
        var schedule = HousekeepingSchedule(start: clock.now)
        var waits: [TimeInterval] = []
        for _ in 0..<7 {
            let stopped = clock.now
            let retry = schedule.ingestStopped(now: clock.now)
            #expect(schedule.ingestStopped(now: clock.now) == nil, "one retry at a time")
            guard let retry else { Issue.record("no retry"); return }
            waits.append(retry.timeIntervalSince(stopped))
            #expect(schedule.deadline == min(retry, schedule.nextPrune))
            clock.set(retry)
            #expect(schedule.due(now: clock.now).contains(.retryStoppedInputs))
        }
        #expect(waits == [15, 30, 60, 120, 240, 300, 300])
        schedule.ingestSucceeded()
        #expect(schedule.ingestStopped(now: clock.now) == clock.now.addingTimeInterval(15), "back to the first back-off")
    }

    @Test func bothDueAtOnceRetryFirst() {
        var schedule = HousekeepingSchedule(start: clock.now)
        _ = schedule.ingestStopped(now: clock.now)
        clock.advance(by: 60)
        #expect(schedule.due(now: clock.now) == [.retryStoppedInputs, .prune])
    }
}
