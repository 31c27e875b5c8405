import Foundation
import Testing
import RemindCore
@testable import RemindSchedule

#if canImport(Glibc)
import Glibc
#endif

/// The real timerfd and eventfds. Upper bounds are generous (a loaded CI machine); only
/// "not early" is tight. Serialized, so the resource count sees only its own sleepers.
@Suite(.serialized) struct WallClockSleeperTests {
    @Test func wakesAtTheDeadlineNotBefore() async throws {
        let sleeper = try WallClockSleeper()
        let started = Date()
        let deadline = started.addingTimeInterval(0.1)
        let reason = await sleeper.sleep(until: deadline)
        let woke = Date()
        #expect(reason == .deadline)
        #expect(woke >= deadline, "woke \(deadline.timeIntervalSince(woke)) s early")
        #expect(woke.timeIntervalSince(started) < 60, "the cooperative pool may be busy with other tests, but not this long")
    }

    @Test func aPastDeadlineReturnsAtOnce() async throws {
        let sleeper = try WallClockSleeper()
        let started = Date()
        #expect(await sleeper.sleep(until: started.addingTimeInterval(-10)) == .deadline)
        #expect(await sleeper.sleep(until: Date(timeIntervalSince1970: 0)) == .deadline)
        #expect(Date().timeIntervalSince(started) < 60, "the cooperative pool may be busy with other tests, but not this long")
    }

    @Test func sleepsRepeatedly() async throws {
        let sleeper = try WallClockSleeper()
        for _ in 0..<5 {
            let deadline = Date().addingTimeInterval(0.02)
            #expect(await sleeper.sleep(until: deadline) == .deadline)
            #expect(Date() >= deadline)
        }
    }

    @Test func wakeInterruptsASleep() async throws {
        let sleeper = try WallClockSleeper()
        let started = Date()
        let reason = await withTaskGroup(of: WallClockSleeper.WakeReason?.self) { group in
            group.addTask { await sleeper.sleep(until: started.addingTimeInterval(60)) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(100))
                sleeper.wake()
                return nil
            }
            var result: WallClockSleeper.WakeReason?
            for await r in group where r != nil { result = r }
            return result
        }
        #expect(reason == .woken)
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func sleepingForeverEndsOnWake() async throws {
        let sleeper = try WallClockSleeper()
        let reason = await withTaskGroup(of: WallClockSleeper.WakeReason?.self) { group in
            group.addTask { await sleeper.sleep(until: .distantFuture) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(50))
                sleeper.wake()
                return nil
            }
            var result: WallClockSleeper.WakeReason?
            for await r in group where r != nil { result = r }
            return result
        }
        #expect(reason == .woken)
    }

    @Test func aWakeBeforeTheSleepIsNotLostAndWakesCollapse() async throws {
        let sleeper = try WallClockSleeper()
        sleeper.wake()
        sleeper.wake()
        let started = Date()
        #expect(await sleeper.sleep(until: started.addingTimeInterval(60)) == .woken)
        #expect(Date().timeIntervalSince(started) < 60)
        // Both wakes were consumed by that one sleep.
        #expect(await sleeper.sleep(until: Date().addingTimeInterval(0.05)) == .deadline)
    }

    @Test func cancellationEndsTheSleep() async throws {
        let sleeper = try WallClockSleeper()
        let started = Date()
        let reason = await withTaskGroup(of: WallClockSleeper.WakeReason.self) { group in
            group.addTask { await sleeper.sleep(until: started.addingTimeInterval(60)) }
            try? await Task.sleep(for: .milliseconds(100))
            group.cancelAll()
            return await group.next()!
        }
        #expect(reason == .cancelled)
        #expect(Date().timeIntervalSince(started) < 60)
        // The sleeper is usable afterwards.
        let deadline = Date().addingTimeInterval(0.02)
        #expect(await sleeper.sleep(until: deadline) == .deadline)
    }

    @Test func anAlreadyCancelledTaskDoesNotSleep() async throws {
        let sleeper = try WallClockSleeper()
        let started = Date()
        let reason = await withTaskGroup(of: WallClockSleeper.WakeReason.self) { group in
            group.addTask {
                withUnsafeCurrentTask { $0?.cancel() }
                return await sleeper.sleep(until: started.addingTimeInterval(60))
            }
            return await group.next()!
        }
        #expect(reason == .cancelled)
        #expect(Date().timeIntervalSince(started) < 60)
    }

    /// Many short sleeps raced against wake-ups and cancellations: every sleep ends, a
    /// `.deadline` is never early, and each ending belongs to its own sleep.
    @Test func racesEndEverySleepCorrectly() async throws {
        let sleeper = try WallClockSleeper()
        var seen: Set<WallClockSleeper.WakeReason> = []
        for round in 0..<200 {
            let deadline = Date().addingTimeInterval(Double(round % 4) * 0.001)
            let reason = await withTaskGroup(of: WallClockSleeper.WakeReason?.self) { group in
                group.addTask { await sleeper.sleep(until: deadline) }
                switch round % 3 {
                case 0: sleeper.wake()
                case 1: group.cancelAll()
                default: break
                }
                var result: WallClockSleeper.WakeReason?
                for await r in group where r != nil { result = r }
                return result
            }
            let ended = try #require(reason)
            if ended == .deadline { #expect(Date() >= deadline, "round \(round) woke early") }
            seen.insert(ended)
        }
        #expect(seen.contains(.deadline))
        #expect(!seen.contains(.clockChanged))
        // Still usable: one sleep absorbs a wake-up the last rounds may have left, then a
        // fresh sleep runs to its deadline.
        _ = await sleeper.sleep(until: Date())
        let deadline = Date().addingTimeInterval(0.02)
        #expect(await sleeper.sleep(until: deadline) == .deadline)
    }

    /// Each sleeper's thread ends and its three descriptors close when it goes away: twenty
    /// sleepers leave no more than a few (other suites' transient) threads and files.
    @Test func releasesItsThreadAndDescriptors() async throws {
        func openDescriptors() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        }
        func threads() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
        }
        // Warm up whatever Foundation and the test runner open lazily.
        _ = try WallClockSleeper()
        let fdsBefore = try openDescriptors(), threadsBefore = try threads()
        for _ in 0..<20 {
            let sleeper = try WallClockSleeper()
            #expect(await sleeper.sleep(until: Date()) == .deadline)
        }
        #expect(try openDescriptors() < fdsBefore + 5)
        #expect(try threads() < threadsBefore + 5)
    }
}
