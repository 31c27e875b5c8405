public import Foundation

/// When the queue would drain and how many messages fit in each coming window, assuming
/// nothing is added or withdrawn (``ReleaseScheduler/forecast(now:maxWindows:limit:)``).
///
/// Counts per window and the drain time hold for any order (every slot with something due
/// is used); *which* messages expire assumes earliest-due-first, so `expiring` is an
/// estimate when kinds compete.
public struct Forecast: Sendable, Hashable {
    /// One coming open interval.
    public struct Window: Sendable, Hashable {
        /// The interval (the first one starts at `now` when open then).
        public var interval: DateInterval
        /// Release slots in it at the current stagger; nil when sending at once (unbounded).
        public var capacity: Int?
        /// How many queued messages would go out in it.
        public var planned: Int
    }

    /// The instant the forecast is for.
    public var now: Date
    /// Entries queued.
    public var queued: Int
    /// Of those, already due at `now` (the backlog).
    public var dueNow: Int
    /// The first `maxWindows` open intervals from `now`.
    public var windows: [Window]
    /// When the last message would go; `now` for an empty queue; nil when some message
    /// finds no slot within the horizon (no windows, or too many messages for the rate).
    public var drainsAt: Date?
    /// Messages that would expire before a slot comes.
    public var expiring: Int
    /// Messages with no slot within the horizon (and no expiry before it).
    public var unplaced: Int
    /// The longest any message would wait: release time minus the later of its due time and
    /// `now`. With everything due now, this is EXACT's "sending takes X".
    public var longestWait: Duration
    /// The warning limit asked about, if any.
    public var limit: Duration?

    /// True when a message would wait longer than `limit`, or could not be placed at all:
    /// the journal and STATUS warning (EXACT's "warn if sending takes longer than X days").
    public var exceedsLimit: Bool {
        if unplaced > 0 { return true }
        guard let limit else { return false }
        return longestWait > limit
    }

    /// How far ahead a forecast simulates.
    public static let horizon = Duration.seconds(10 * 366 * 86_400)
}
