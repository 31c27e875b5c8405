public import Foundation
public import RemindCore

/// Which pending messages the ``ReleaseScheduler`` holds in memory: those whose *key* (the
/// earlier of due time and expiry) comes before a boundary about one ``span`` ahead of now.
/// The rest are known only to the spool's index, which has every pending message's due time
/// and expiry anyway; the boundary moves forward with the clock, and entries it passes are
/// fetched from the index (``beginFetch(now:)`` … ``finishFetch(_:earliestBeyond:)``).
///
/// Why: the scheduler costs about 110 bytes an entry, the index 82. A practice's export
/// of a year of recalls or two million appointments would hold both for every message;
/// with the horizon, the scheduler holds the next hour's messages and whatever is already
/// due and waiting (a backlog, a closed window, a retry), so memory follows what is about
/// to go out, not the size of the queue.
///
/// **The rule that keeps it exact.** Every pending message is either held, or the index has
/// it with the same due time and expiry and a key at or after ``boundary``. So
/// ``insert(_:)`` holds an entry whose key is before the boundary and passes over the others
/// (the caller has written that due time to the index: a deferral's retry time, say), and
/// a fetch of `[boundary, new boundary)` from the index brings in exactly what the move
/// uncovers. Releases and expiries then come out in the same order, at the same instants, as
/// from one scheduler holding everything (`ReleaseHorizonTests` check this against one).
///
/// **A fetch in flight.** The index lives on the spool's thread, so a fetch is asynchronous
/// and the caller may insert and remove meanwhile. Those ids are remembered and win over
/// what the fetch returns (the fetch may have read the index before the change); entries
/// inserted past the old boundary meanwhile are held or passed over against the new one.
///
/// A pure value like ``ReleaseScheduler``: no clock inside, `now` comes in.
public struct ReleaseHorizon: Sendable {
    public typealias Entry = ReleaseScheduler.Entry
    public typealias Action = ReleaseScheduler.Action

    /// The entries held, and the release decisions.
    public private(set) var scheduler: ReleaseScheduler
    /// How far ahead of now the boundary is kept (the default: one hour). A fetch happens
    /// when a passed-over key comes within half a span of now.
    public let span: TimeInterval
    /// Entries whose key is before this instant are held; the index alone has the others.
    public private(set) var boundary: Date
    /// A lower bound of the keys passed over (exact after a fetch); nil when nothing is,
    /// so the boundary moves with the clock without a fetch.
    public private(set) var earliestBeyond: Date?
    private var fetch: Fetch?
    /// After a fetch failed: not before this instant again.
    private var retryFetchAt: Date?

    /// One hour: a fetch every half hour at most, and only while something waits beyond.
    public static let defaultSpan: TimeInterval = 3600

    private struct Fetch: Sendable {
        var to: Date
        /// Ids inserted or removed since the fetch began: the fetch's copy of them is stale.
        var touched: Set<MessageID> = []
        /// Entries inserted past the old boundary since the fetch began.
        var passed: [MessageID: Entry] = [:]
    }

    /// - Parameters:
    ///   - scheduler: holding every pending entry whose key is before `boundary`.
    ///   - boundary: the first key not held.
    ///   - earliestBeyond: the earliest key the index has at or after `boundary`, nil: none.
    public init(scheduler: ReleaseScheduler, span: TimeInterval = ReleaseHorizon.defaultSpan, boundary: Date, earliestBeyond: Date?) {
        precondition(span > 0, "the span is positive")
        self.scheduler = scheduler
        self.span = span
        self.boundary = boundary
        self.earliestBeyond = earliestBeyond
    }

    /// An entry's key: its due time, or its expiry when that comes first (it must be held
    /// by then to be expired at its time).
    public static func key(due: Date, expires: Date?) -> Date {
        guard let expires, expires < due else { return due }
        return expires
    }

    static func key(_ e: Entry) -> Date { key(due: e.due, expires: e.expires) }

    // MARK: The scheduler's interface

    public var lastRelease: Date? { scheduler.lastRelease }
    /// Entries held (not the whole queue: the index counts that).
    public var heldCount: Int { scheduler.count }
    public func contains(_ id: MessageID) -> Bool { scheduler.contains(id) }
    /// The entries held, in no particular order.
    public var heldEntries: [Entry] { scheduler.entries }
    /// The held entry with this id; nil when it is not held (not pending, or past the boundary).
    public func entry(_ id: MessageID) -> Entry? { scheduler.entry(id) }

    /// Queues an entry (a new message, a retry, an operator's release), replacing one with
    /// the same id. One whose key is at or after the boundary is passed over: the caller
    /// must have given the index the same due time and expiry.
    public mutating func insert(_ e: Entry) {
        let key = Self.key(e)
        fetch?.touched.insert(e.id)
        if key < boundary {
            scheduler.insert(e)
            fetch?.passed[e.id] = nil
        } else {
            scheduler.remove(e.id)
            earliestBeyond = earliestBeyond.map { min($0, key) } ?? key
            fetch?.passed[e.id] = e
        }
    }

    /// Withdraws an entry, held or not; false when it was not held.
    @discardableResult
    public mutating func remove(_ id: MessageID) -> Bool {
        fetch?.touched.insert(id)
        fetch?.passed[id] = nil
        return scheduler.remove(id)
    }

    public mutating func recordRelease(at instant: Date) { scheduler.recordRelease(at: instant) }
    public mutating func undoRelease(restoring previous: Date?) { scheduler.undoRelease(restoring: previous) }

    public mutating func reconfigure(calendar: DeliveryCalendar, stagger: Duration, priorityStep: Duration? = nil) {
        scheduler.reconfigure(calendar: calendar, stagger: stagger, priorityStep: priorityStep)
    }

    /// What to do at `now` (``ReleaseScheduler/nextAction(now:)``). Call ``fetchDue(now:)``
    /// first and fetch when it says so. A sleep ends no later than the next fetch is due.
    public mutating func nextAction(now: Date) -> Action {
        moveWithoutFetch(now: now)
        let action = scheduler.nextAction(now: now)
        guard let fetchAt = nextFetch else { return action }
        switch action {
        case .sleep(let until): return .sleep(until: min(until, max(fetchAt, now)))
        case .idle: return .sleep(until: max(fetchAt, now))
        default: return action
        }
    }

    /// The earliest instant at or after `now` a release can happen, held or not (STATUS).
    public func nextReleaseTime(now: Date) -> Date? {
        let held = scheduler.nextReleaseTime(now: now)
        guard let beyond = earliestBeyond else { return held }
        if let held, held <= beyond { return held }
        var earliest = max(now, beyond)
        if let last = scheduler.lastRelease {
            earliest = max(earliest, min(last, now).addingTimeInterval(scheduler.stagger.timeInterval))
        }
        let opening = scheduler.calendar.nextOpening(atOrAfter: earliest)
        guard let held else { return opening }
        return opening.map { min($0, held) } ?? held
    }

    // MARK: Moving the boundary

    /// Whether entries passed over are about to matter: a key within half a span of `now`.
    public func fetchDue(now: Date) -> Bool {
        guard fetch == nil, let at = nextFetch else { return false }
        return now >= at
    }

    /// When the next fetch is due: half a span before the earliest key passed over (or
    /// when a failed one may be tried again); nil when nothing is passed over.
    private var nextFetch: Date? {
        guard let beyond = earliestBeyond else { return nil }
        let at = beyond.addingTimeInterval(-span / 2)
        return retryFetchAt.map { max($0, at) } ?? at
    }

    /// Starts a fetch: the caller reads the index's pending entries with keys in the
    /// returned range (and the earliest key at or after its end), then calls
    /// ``finishFetch(_:earliestBeyond:)``, or ``abandonFetch()`` when it could not.
    public mutating func beginFetch(now: Date) -> Range<Date> {
        precondition(fetch == nil, "one fetch at a time")
        let to = max(boundary, now.addingTimeInterval(span))
        fetch = Fetch(to: to)
        return boundary..<to
    }

    /// Takes what the index had in the range ``beginFetch(now:)`` returned, and moves the
    /// boundary to its end.
    public mutating func finishFetch(_ entries: [Entry], earliestBeyond beyond: Date?) {
        guard let f = fetch else { preconditionFailure("no fetch in flight") }
        fetch = nil
        retryFetchAt = nil
        for e in entries where !f.touched.contains(e.id) && !scheduler.contains(e.id) {
            scheduler.insert(e)
        }
        boundary = f.to
        earliestBeyond = beyond
        for e in f.passed.values { insert(e) }
    }

    /// Gives up a fetch (the spool could not be read): the boundary stays, entries inserted
    /// past it meanwhile stay passed over, and ``fetchDue(now:)`` says to try again at `retryAt`.
    public mutating func abandonFetch(retryAt: Date) {
        fetch = nil
        retryFetchAt = retryAt
    }

    public var isFetching: Bool { fetch != nil }

    /// The boundary moves without reading the index up to the earliest key passed over
    /// (nothing not held comes before it), and at most a span ahead of now.
    private mutating func moveWithoutFetch(now: Date) {
        guard fetch == nil else { return }
        var to = now.addingTimeInterval(span)
        if let beyond = earliestBeyond { to = min(to, beyond) }
        if to > boundary { boundary = to }
    }
}
