public import Foundation

/// Releases paused because the spool could not move a message out of `queued/` (a full
/// disk, too many open files): a pure decision over `now`, like ``RetryPolicy``.
///
/// The first failure starts an *episode*: the caller logs it once, with its cause, and
/// shows the cause in STATUS=. Releases then wait ``delay`` (15 s, doubling to 5 min)
/// before the next try, and every failure in between only counts. The first release that
/// works again ends the episode, and the caller logs once how many failed. The message
/// that failed goes back into the schedule at its own time, so nothing is stranded and
/// nothing waits for a restart.
public struct ReleasePause: Sendable, Hashable {
    public static let firstDelay: TimeInterval = 15
    public static let maximumDelay: TimeInterval = 300

    /// No release before this instant; nil: releases go.
    public private(set) var until: Date?
    /// The last failure's cause, for STATUS= (`disk full`).
    public private(set) var cause: String?
    /// Failures in this episode.
    public private(set) var failures = 0
    private var delay = ReleasePause.firstDelay

    public init() {}

    /// Whether releases wait at `now`.
    public func isPaused(now: Date) -> Bool { until.map { now < $0 } ?? false }

    /// A release failed at `now`: releases pause. True when this starts an episode (log it).
    public mutating func failed(cause: String, now: Date) -> Bool {
        let starts = failures == 0
        failures += 1
        self.cause = cause
        until = now.addingTimeInterval(delay)
        delay = min(delay * 2, Self.maximumDelay)
        return starts
    }

    /// A release worked: the episode ends. Returns how many failed in it, nil when there
    /// was none (nothing to log).
    public mutating func succeeded() -> Int? {
        guard failures > 0 else { return nil }
        defer { self = ReleasePause() }
        return failures
    }
}
