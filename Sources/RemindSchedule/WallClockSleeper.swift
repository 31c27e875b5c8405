public import Foundation
import CLinux
public import RemindCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Sleeps until a wall-clock instant, and notices when the wall clock is set.
///
/// A `CLOCK_REALTIME` timerfd armed at an absolute time with `TFD_TIMER_CANCEL_ON_SET`
/// fires at the instant the wall clock reaches the deadline (so a slow clock correction is
/// followed, not a stale interval), and is cancelled when the clock is set discontinuously
/// (`settimeofday`, an NTP step): the sleep then ends with ``WakeReason/clockChanged`` so the
/// caller recomputes instead of sending early or skipping a window.
///
/// One dedicated thread blocks in `poll(2)` on the timerfd, an eventfd for ``wake()`` and an
/// internal eventfd; it resumes the sleeping task's continuation. No polling loop, nothing
/// on the cooperative pool blocks, and an idle sleeper costs no wakeups. One sleep at a time
/// (a second concurrent ``sleep(until:)`` is a programmer error).
public final class WallClockSleeper: Sleeper {
    /// Why a sleep ended (``RemindCore/WakeReason``).
    public typealias WakeReason = RemindCore.WakeReason

    private let core: SleeperCore
    private let thread: pthread_t

    /// Opens the timerfd and eventfds and starts the thread.
    public init() throws {
        let timerFD = clinux_timerfd_create_realtime()
        guard timerFD >= 0 else {
            throw ScheduleError(code: .timerUnavailable, message: "cannot create a CLOCK_REALTIME timer",
                                systemCall: "timerfd_create", errno: clinux_errno())
        }
        let wakeFD = clinux_eventfd(0)
        guard wakeFD >= 0 else {
            let e = clinux_errno()
            close(timerFD)
            throw ScheduleError(code: .eventUnavailable, message: "cannot create the wake-up event",
                                systemCall: "eventfd", errno: e)
        }
        let controlFD = clinux_eventfd(0)
        guard controlFD >= 0 else {
            let e = clinux_errno()
            close(timerFD)
            close(wakeFD)
            throw ScheduleError(code: .eventUnavailable, message: "cannot create the control event",
                                systemCall: "eventfd", errno: e)
        }
        let core = SleeperCore(timerFD: timerFD, wakeFD: wakeFD, controlFD: controlFD)
        // The thread owns one retained reference, passed through the void* argument.
        let box = Unmanaged.passRetained(core).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { argument in
            let core = Unmanaged<SleeperCore>.fromOpaque(argument!).takeRetainedValue()
            core.run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<SleeperCore>.fromOpaque(box).release()
            core.closeDescriptors()
            throw ScheduleError(code: .threadUnavailable, message: "cannot start the sleeper thread",
                                systemCall: "pthread_create", errno: rc)
        }
        self.core = core
        self.thread = thread
    }

    deinit {
        core.state.withLock { $0.shutdown = true }
        core.signalControl()
        pthread_join(thread, nil)
        core.closeDescriptors()
    }

    /// Sleeps until the wall clock reaches `deadline` (at once when it already has), until
    /// the clock is set, until ``wake()``, or until the task is cancelled, whichever is
    /// first. Never returns ``WakeReason/deadline`` before the wall clock reads `deadline`.
    public func sleep(until deadline: Date) async -> WakeReason {
        let id = core.state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WakeReason, Never>) in
                let immediate = core.state.withLock { state -> WakeReason? in
                    precondition(state.request == nil, "one sleep at a time")
                    if state.shutdown || Task.isCancelled { return .cancelled }
                    state.request = SleeperCore.Request(id: id, deadline: deadline, continuation: continuation)
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                } else {
                    core.signalControl()
                }
            }
        } onCancel: {
            let found = core.state.withLock { state -> Bool in
                guard state.request?.id == id else { return false }
                state.request?.cancelled = true
                return true
            }
            if found { core.signalControl() }
        }
    }

    /// Ends the current sleep with ``WakeReason/woken``; with no sleep in progress, the next
    /// one ends at once (a wake-up is never lost). Any thread or task; wake-ups collapse.
    public func wake() {
        var one: UInt64 = 1
        _ = write(core.wakeFD, &one, 8)
    }
}

/// The state shared between sleeping tasks and the thread.
final class SleeperCore: Sendable {
    struct Request: Sendable {
        var id: UInt64
        var deadline: Date
        var continuation: CheckedContinuation<WallClockSleeper.WakeReason, Never>
        var armed = false
        var cancelled = false
    }

    struct State: Sendable {
        var request: Request?
        var nextID: UInt64 = 0
        var shutdown = false
    }

    let timerFD: Int32
    let wakeFD: Int32
    let controlFD: Int32
    let state = Mutex(State())

    init(timerFD: Int32, wakeFD: Int32, controlFD: Int32) {
        self.timerFD = timerFD
        self.wakeFD = wakeFD
        self.controlFD = controlFD
    }

    func signalControl() {
        var one: UInt64 = 1
        _ = write(controlFD, &one, 8)
    }

    func closeDescriptors() {
        close(timerFD)
        close(wakeFD)
        close(controlFD)
    }

    /// The thread's loop: block in poll, act on what became readable.
    func run() {
        var fds = [
            pollfd(fd: controlFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: timerFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            // Watch the timer and wake-ups only while a sleep is armed. Only this thread
            // arms and ends requests, so the armed one is still current after poll returns.
            let armedID = state.withLock { $0.request.flatMap { $0.armed ? $0.id : nil } }
            let sleeping = armedID != nil
            for i in fds.indices { fds[i].revents = 0 }
            let rc = poll(&fds, sleeping ? 3 : 1, -1)
            if rc < 0 {
                let e = errno
                if e == EINTR { continue }
                preconditionFailure("poll on the sleeper's descriptors failed: errno \(e)")
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                // A new, cancelled or final request: handle it, then poll afresh (the other
                // descriptors' readiness may belong to a request that just ended).
                drain(controlFD)
                if handleControl() { return }
                continue
            }
            guard let armedID else { continue }
            if fds[1].revents & Int16(POLLIN) != 0 {
                var ticks: UInt64 = 0
                let n = read(timerFD, &ticks, 8)
                if n == 8 {
                    finish(.deadline, id: armedID)
                } else if n < 0 && errno == ECANCELED {
                    finish(.clockChanged, id: armedID)
                }
                // EAGAIN: nothing expired after all; poll again.
            } else if fds[2].revents & Int16(POLLIN) != 0 {
                drain(wakeFD)
                finish(.woken, id: armedID)
            }
        }
    }

    /// Arms a new request, ends a cancelled one; true when the thread should exit.
    private func handleControl() -> Bool {
        enum Step { case exit(CheckedContinuation<WallClockSleeper.WakeReason, Never>?), cancel(CheckedContinuation<WallClockSleeper.WakeReason, Never>), arm(Date), nothing }
        let step = state.withLock { state -> Step in
            if state.shutdown {
                let continuation = state.request?.continuation
                state.request = nil
                return .exit(continuation)
            }
            guard var request = state.request else { return .nothing }
            if request.cancelled {
                state.request = nil
                return .cancel(request.continuation)
            }
            if !request.armed {
                request.armed = true
                state.request = request
                return .arm(request.deadline)
            }
            return .nothing
        }
        switch step {
        case .exit(let continuation):
            disarm()
            continuation?.resume(returning: .cancelled)
            return true
        case .cancel(let continuation):
            disarm()
            continuation.resume(returning: .cancelled)
        case .arm(let deadline):
            let (seconds, nanoseconds) = Self.timespec(deadline)
            if clinux_timerfd_set_absolute_cancel_on_set(timerFD, seconds, nanoseconds) != 0 {
                // Only a time beyond the kernel's range can fail here: sleep on, until a
                // wake-up or cancellation, rather than report a deadline that has not come.
                disarm()
            }
        case .nothing:
            break
        }
        return false
    }

    /// Ends the armed request `id` (and no other) with `reason`.
    private func finish(_ reason: WallClockSleeper.WakeReason, id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<WallClockSleeper.WakeReason, Never>? in
            guard let request = state.request, request.id == id else { return nil }
            state.request = nil
            return request.continuation
        }
        if reason != .deadline { disarm() }
        continuation?.resume(returning: reason)
    }

    private func disarm() {
        _ = clinux_timerfd_set_relative(timerFD, 0, 0)
    }

    private func drain(_ fd: Int32) {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }

    /// The deadline as an absolute CLOCK_REALTIME time, rounded up to the nanosecond so the
    /// timer never fires before `Date()` reads the deadline; at least 1 ns (0 disarms).
    static func timespec(_ deadline: Date) -> (Int64, Int64) {
        let t = deadline.timeIntervalSince1970
        guard t > 0 else { return (0, 1) }
        var seconds = Int64(t.rounded(.down))
        var nanoseconds = Int64(((t - Double(seconds)) * 1e9).rounded(.up))
        if nanoseconds >= 1_000_000_000 {
            seconds += 1
            nanoseconds -= 1_000_000_000
        }
        if seconds == 0 && nanoseconds == 0 { nanoseconds = 1 }
        return (seconds, nanoseconds)
    }
}
