/// Whether the watchdog may ping: no loop (inbox, release) has been busy in one piece of
/// work for longer than WatchdogSec, and a stall is reported once, not at every check.
/// A decision with no clock in it: the engine marks a loop busy and idle with the monotonic
/// time (wall-clock steps must not look like a stall), the ``WatchdogService`` asks ``check(limit:now:)``
/// and does what it returns.
struct LoopHealth: Sendable {
    /// What the watchdog does at a check.
    enum Action: Sendable, Hashable {
        /// Every loop is well: WATCHDOG=1.
        case ping
        /// `loop` has been busy too long: no ping, and say so (the first check of this stall).
        case report(loop: String)
        /// Still stalled, already reported: no ping.
        case withhold
    }

    /// Since when each busy loop has been in its current piece of work.
    private var busySince: [String: ContinuousClock.Instant] = [:]
    /// Whether the current stall has been reported.
    private var reported = false

    /// `loop` starts a piece of work at `now`.
    mutating func busy(_ loop: String, at now: ContinuousClock.Instant) {
        busySince[loop] = now
    }

    /// `loop` waits (for an event, a slot, an answer): it cannot stall.
    mutating func idle(_ loop: String) {
        busySince[loop] = nil
    }

    /// The loop busy longer than `limit` at `now`, if any.
    func stalledLoop(limit: Duration, now: ContinuousClock.Instant) -> String? {
        busySince.filter { now - $0.value > limit }.keys.sorted().first
    }

    /// The watchdog's check at `now`, with WatchdogSec as `limit`.
    mutating func check(limit: Duration, now: ContinuousClock.Instant) -> Action {
        guard let loop = stalledLoop(limit: limit, now: now) else {
            reported = false
            return .ping
        }
        if reported { return .withhold }
        reported = true
        return .report(loop: loop)
    }
}
