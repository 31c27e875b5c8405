public import Foundation
public import RemindCore
import Synchronization

/// A wall clock that only moves when the test moves it, and a ``Sleeper`` whose sleep ends
/// when the test advances the time past its deadline (or wakes it): retries, expiry and
/// housekeeping run without sleeping through real time.
///
/// ```swift
/// let clock = ManualClock(Date(timeIntervalSince1970: 1_780_000_000))
/// let engine = Engine(..., clock: clock, sleeper: clock, ...)
/// await clock.waitUntilSleeping()      // the release loop is asleep
/// clock.advance(by: 60)                // and wakes up one minute later
/// ```
public final class ManualClock: WallClock, Sleeper {
    private struct Sleep {
        var id: UInt64
        var deadline: Date
        var continuation: CheckedContinuation<WakeReason, Never>
    }

    private struct State {
        var now: Date
        var sleep: Sleep?
        var nextID: UInt64 = 0
        var pendingWake = false
        var sleepWaiters: [CheckedContinuation<Date, Never>] = []
    }

    private let state: Mutex<State>

    public init(_ now: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        state = Mutex(State(now: now))
    }

    public var now: Date { state.withLock { $0.now } }

    /// The deadline of the sleep in progress, if any.
    public var sleepingUntil: Date? { state.withLock { $0.sleep?.deadline } }

    /// Moves the time forward by `interval` seconds; a sleep whose deadline is reached ends
    /// with ``WakeReason/deadline``.
    public func advance(by interval: TimeInterval) {
        precondition(interval >= 0, "a manual clock only advances forward; use set(_:) to step it")
        let resume = state.withLock { state -> (CheckedContinuation<WakeReason, Never>, WakeReason)? in
            state.now = state.now.addingTimeInterval(interval)
            return Self.end(&state, ifReached: true)
        }
        if let (c, reason) = resume { c.resume(returning: reason) }
    }

    /// Moves the time forward by `duration`.
    public func advance(by duration: Duration) {
        let c = duration.components
        advance(by: TimeInterval(c.seconds) + TimeInterval(c.attoseconds) / 1e18)
    }

    /// Sets the time (a step, as `settimeofday`): a sleep in progress ends, with
    /// ``WakeReason/deadline`` when the new time reaches its deadline, else
    /// ``WakeReason/clockChanged``.
    public func set(_ date: Date) {
        let resume = state.withLock { state -> (CheckedContinuation<WakeReason, Never>, WakeReason)? in
            state.now = date
            return Self.end(&state, ifReached: false)
        }
        if let (c, reason) = resume { c.resume(returning: reason) }
    }

    private static func end(_ state: inout State, ifReached: Bool) -> (CheckedContinuation<WakeReason, Never>, WakeReason)? {
        guard let sleep = state.sleep else { return nil }
        if sleep.deadline <= state.now {
            state.sleep = nil
            return (sleep.continuation, .deadline)
        }
        if ifReached { return nil }
        state.sleep = nil
        return (sleep.continuation, .clockChanged)
    }

    public func sleep(until deadline: Date) async -> WakeReason {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WakeReason, Never>) in
                let (immediate, waiters) = state.withLock { state -> (WakeReason?, [CheckedContinuation<Date, Never>]) in
                    precondition(state.sleep == nil, "one sleep at a time")
                    if Task.isCancelled { return (.cancelled, []) }
                    if state.pendingWake {
                        state.pendingWake = false
                        return (.woken, [])
                    }
                    if deadline <= state.now { return (.deadline, []) }
                    state.sleep = Sleep(id: id, deadline: deadline, continuation: continuation)
                    let waiters = state.sleepWaiters
                    state.sleepWaiters = []
                    return (nil, waiters)
                }
                if let immediate { continuation.resume(returning: immediate) }
                for waiter in waiters { waiter.resume(returning: deadline) }
            }
        } onCancel: {
            let c = state.withLock { state -> CheckedContinuation<WakeReason, Never>? in
                guard let sleep = state.sleep, sleep.id == id else { return nil }
                state.sleep = nil
                return sleep.continuation
            }
            c?.resume(returning: .cancelled)
        }
    }

    public func wake() {
        let c = state.withLock { state -> CheckedContinuation<WakeReason, Never>? in
            guard let sleep = state.sleep else {
                state.pendingWake = true
                return nil
            }
            state.sleep = nil
            return sleep.continuation
        }
        c?.resume(returning: .woken)
    }

    /// Waits until a sleep is in progress (returns at once when one is), and returns its
    /// deadline: the loop has done everything due at the current time.
    @discardableResult
    public func waitUntilSleeping() async -> Date {
        await withCheckedContinuation { (continuation: CheckedContinuation<Date, Never>) in
            let deadline = state.withLock { state -> Date? in
                if let sleep = state.sleep { return sleep.deadline }
                state.sleepWaiters.append(continuation)
                return nil
            }
            if let deadline { continuation.resume(returning: deadline) }
        }
    }
}
