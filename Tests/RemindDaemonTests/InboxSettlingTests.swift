import Foundation
@testable import RemindDaemon
import RemindTesting
import Testing

/// When an inbox file has settled: decided from its modification time and `now`, with the
/// manual clock giving `now` (nothing here waits).
@Suite struct InboxSettlingTests {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_795_384_800))

    @Test func withoutASettleTimeEveryFileIsClaimedAtOnce() {
        var settling = InboxSettling()
        #expect(settling.look(at: "a.csv", modified: clock.now.timeIntervalSince1970, settle: .zero, now: clock.now) == .claim)
        #expect(settling.nextCheck == nil)
    }

    @Test func aFileIsClaimedOnceItHasBeenUnchangedForTheSettleTime() {
        var settling = InboxSettling()
        let written = clock.now.timeIntervalSince1970
        #expect(settling.look(at: "a.csv", modified: written, settle: .seconds(20), now: clock.now)
            == .wait(until: clock.now.addingTimeInterval(20)))
        #expect(settling.nextCheck == clock.now.addingTimeInterval(20))
        clock.advance(by: 19.5)
        #expect(settling.due(now: clock.now).isEmpty, "half a second early")
        #expect(settling.look(at: "a.csv", modified: written, settle: .seconds(20), now: clock.now) != .claim)
        clock.advance(by: 0.5)
        #expect(settling.due(now: clock.now) == ["a.csv"])
        #expect(settling.nextCheck == nil, "taken off when due")
        #expect(settling.look(at: "a.csv", modified: written, settle: .seconds(20), now: clock.now) == .claim)
    }

    /// A writer that closes and reopens: each write restarts the settle time.
    @Test func aWriteRestartsTheSettleTime() {
        var settling = InboxSettling()
        let first = clock.now
        _ = settling.look(at: "a.csv", modified: first.timeIntervalSince1970, settle: .seconds(20), now: clock.now)
        clock.advance(by: 15)
        let second = clock.now
        #expect(settling.look(at: "a.csv", modified: second.timeIntervalSince1970, settle: .seconds(20), now: clock.now)
            == .wait(until: second.addingTimeInterval(20)))
        clock.advance(by: 5)
        #expect(settling.due(now: clock.now).isEmpty, "20 s after the first write, 5 s after the second")
        #expect(settling.nextCheck == second.addingTimeInterval(20))
    }

    @Test func severalFilesComeDueInNameOrderAndAVanishedOneIsForgotten() {
        var settling = InboxSettling()
        let written = clock.now.timeIntervalSince1970
        for name in ["c.csv", "a.csv", "b.csv", "gone.csv"] {
            _ = settling.look(at: name, modified: written, settle: .seconds(5), now: clock.now)
        }
        _ = settling.look(at: "late.csv", modified: written + 3, settle: .seconds(5), now: clock.now)
        settling.forget("gone.csv")
        clock.advance(by: 5)
        #expect(settling.due(now: clock.now) == ["a.csv", "b.csv", "c.csv"])
        #expect(settling.nextCheck == clock.now.addingTimeInterval(3))
    }
}
