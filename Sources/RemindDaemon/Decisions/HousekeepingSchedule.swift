import Foundation

/// When the spool's housekeeping is due: the retention pass (a minute after start, then
/// daily) and the retry of inputs a spool error stopped (15 s after the first failure,
/// doubling to 5 min while it keeps failing, back to 15 s after a success). A decision with
/// no clock or spool in it: the engine asks it what is ``due(now:)`` and does it, and caps
/// the release loop's sleep at its ``deadline`` (so an idle daemon wakes once a day, and
/// while ingest is stopped at the back-off: never a busy loop, never a timer of its own).
struct HousekeepingSchedule: Sendable {
    /// Work that is due.
    enum Work: Sendable, Hashable {
        /// Ingest again the inputs a spool error left in `incoming/`.
        case retryStoppedInputs
        /// Delete what is older than `spool.retention`.
        case prune
    }

    static let firstPrune: TimeInterval = 60
    static let pruneInterval: TimeInterval = 86400
    static let firstIngestRetry: TimeInterval = 15
    static let maximumIngestRetry: TimeInterval = 300

    /// The next retention pass.
    private(set) var nextPrune: Date
    /// The next retry of stopped inputs, while ingest is stopped.
    private(set) var ingestRetry: Date?
    /// The back-off the next stop waits.
    private(set) var ingestRetryDelay = HousekeepingSchedule.firstIngestRetry

    /// The schedule of a daemon started at `start`.
    init(start: Date) {
        nextPrune = start.addingTimeInterval(Self.firstPrune)
    }

    /// The earliest deadline: the next pass or retry.
    var deadline: Date {
        ingestRetry.map { min($0, nextPrune) } ?? nextPrune
    }

    /// What is due at `now`, in the order to do it; each is taken off (a retry) or
    /// rescheduled (the next pass a day later).
    mutating func due(now: Date) -> [Work] {
        var work: [Work] = []
        if let retry = ingestRetry, retry <= now {
            ingestRetry = nil
            work.append(.retryStoppedInputs)
        }
        if nextPrune <= now {
            nextPrune = now.addingTimeInterval(Self.pruneInterval)
            work.append(.prune)
        }
        return work
    }

    /// A spool error stopped an ingest at `now`: the retry time, when this schedules one
    /// (nil while one is already scheduled). Each retry that is scheduled doubles the next
    /// back-off, up to ``maximumIngestRetry``.
    mutating func ingestStopped(now: Date) -> Date? {
        guard ingestRetry == nil else { return nil }
        let retry = now.addingTimeInterval(ingestRetryDelay)
        ingestRetry = retry
        ingestRetryDelay = min(ingestRetryDelay * 2, Self.maximumIngestRetry)
        return retry
    }

    /// An ingest succeeded: the next stop waits the first back-off again.
    mutating func ingestSucceeded() {
        ingestRetryDelay = Self.firstIngestRetry
    }
}
