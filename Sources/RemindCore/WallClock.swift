public import Foundation

/// The time of day as the daemon sees it: one value injected everywhere a decision needs
/// `now` (release, retry, expiry, status, housekeeping), so tests drive time instead of
/// sleeping through it.
///
/// The daemon uses ``SystemClock``; tests use `ManualClock` (RemindTesting).
public protocol WallClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }
}

/// The system's wall clock (`CLOCK_REALTIME`, what `Date()` reads).
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

/// Why a ``Sleeper/sleep(until:)`` ended.
public enum WakeReason: Sendable, Hashable {
    /// The clock reached the deadline.
    case deadline
    /// The clock was set (stepped) during the sleep: recompute what is due.
    case clockChanged
    /// ``Sleeper/wake()`` was called (during the sleep, or since the last one ended).
    case woken
    /// The sleeping task was cancelled.
    case cancelled
}

/// What the release loop sleeps on: until a wall-clock instant, or until woken.
///
/// One sleep at a time. A ``wake()`` with no sleep in progress ends the next sleep at once
/// (a wake-up is never lost); wake-ups collapse. The daemon's is `WallClockSleeper`
/// (RemindSchedule, a `CLOCK_REALTIME` timerfd); tests use `ManualClock`, whose sleeps end
/// when the test advances its time past the deadline.
public protocol Sleeper: AnyObject, Sendable {
    /// Sleeps until the clock reaches `deadline` (returns at once when it already has),
    /// until the clock is set, until ``wake()``, or until the task is cancelled.
    func sleep(until deadline: Date) async -> WakeReason
    /// Ends the current sleep with ``WakeReason/woken``, or the next one if none is in progress.
    func wake()
}
