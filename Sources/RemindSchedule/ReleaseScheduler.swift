public import Foundation
import HeapModule
public import RemindCore

/// Decides which queued message goes out when: a pure state machine with no clock inside.
/// The caller passes the time in, performs the ``Action`` it gets back, and calls again.
///
/// Guarantees, for every ``Action/release(_:)`` it returns at `now`:
/// - `now` lies in an open interval of the ``DeliveryCalendar``;
/// - `now` is at least the entry's `due` and strictly before its `expires`;
/// - `now` is at least `stagger` after the previous release (the one this scheduler
///   returned, or the later of it and ``recordRelease(at:)``, or `lastRelease` at init).
///
/// **Order.** Only entries already due compete for a release slot. Among them the one with
/// the smallest *rank* goes first, where `rank = due + kind.priority × priorityStep`
/// (ties: lower priority number, then the smaller id). Uncontended, every entry goes at its
/// due time, earliest due first. Contended (more due than slots), an appointment reminder
/// (or private message) due up to one `priorityStep` later than a recall still goes before
/// it, a recall before a birthday greeting, a greeting before a broadcast (each up to one
/// step later per level of `MessageKind.priority`). No entry starves: its rank is fixed,
/// and an entry inserted later with `due` at or after the time it is inserted has a rank
/// after it once that time passes its rank, so only finitely many entries can overtake it.
///
/// **Expiry.** An entry whose `expires` has come (`now >= expires`) is taken out with
/// ``Action/expire(_:reason:)`` before anything is released, whenever that is: expiry is
/// reported at its time, not when the entry reaches the front.
///
/// **Costs.** Insert, remove, release and expire are O(log n) (three heaps with lazy
/// deletion and a dictionary by id); memory is about 110 bytes per entry (measured by
/// `Benchmarks/Schedule`).
public struct ReleaseScheduler: Sendable {
    /// One queued message as the scheduler sees it.
    public struct Entry: Sendable, Hashable {
        public var id: MessageID
        /// Not released before this instant.
        public var due: Date
        /// Never released at or after this instant; nil: never expires.
        public var expires: Date?
        public var kind: MessageKind
        /// What `expires` stands for, for the expiry reason.
        public var expiryCause: ExpiryCause

        public init(id: MessageID, due: Date, expires: Date? = nil, kind: MessageKind,
                    expiryCause: ExpiryCause = .deadline) {
            self.id = id
            self.due = due
            self.expires = expires
            self.kind = kind
            self.expiryCause = expiryCause
        }
    }

    /// What an entry's expiry time stands for.
    public enum ExpiryCause: UInt8, Sendable, Hashable, Codable, CaseIterable {
        /// The appointment's start: a reminder never goes after it.
        case appointmentStart
        /// A rule's latest time ("not later than 1 hour before").
        case latestTime
        /// The end of the local day the message belongs to (a birthday greeting).
        case endOfDay
        /// Any other deadline.
        case deadline

        var phrase: String {
            switch self {
            case .appointmentStart: "the appointment started"
            case .latestTime: "the rule's latest time passed"
            case .endOfDay: "its day ended"
            case .deadline: "its expiry time passed"
            }
        }
    }

    /// What the caller should do now.
    public enum Action: Sendable, Hashable {
        /// Hand this message to the provider now. The scheduler has already forgotten it and
        /// counted `now` as the last release.
        case release(MessageID)
        /// This message's time has passed: record it as expired with this reason (constant
        /// text, no patient data). The scheduler has already forgotten it.
        case expire(MessageID, reason: String)
        /// Nothing to do before this instant (unless something is inserted or reconfigured).
        case sleep(until: Date)
        /// Nothing to do until something changes: the queue is empty, or nothing in it can
        /// ever be released or expire under the current calendar.
        case idle
    }

    public private(set) var calendar: DeliveryCalendar
    /// The least spacing between two releases; `.zero` sends everything due at once.
    public private(set) var stagger: Duration
    /// How much later an entry of the next more urgent kind may be due and still go first
    /// when the rate is contended (see the type's overview).
    public private(set) var priorityStep: Duration
    /// The instant of the previous release, if any.
    public private(set) var lastRelease: Date?

    struct Slot {
        var due: Double  // timeIntervalSinceReferenceDate
        var expires: Double  // .infinity: never
        var seq: UInt32
        var kind: MessageKind
        var cause: ExpiryCause
    }

    private var slots: [MessageID: Slot] = [:]
    /// How many queued entries share each (due, expiry): the forecast walks these groups,
    /// not every entry, so it costs the number of distinct times (a few thousand for a
    /// practice's appointment book), not the queue's size (see ReleaseScheduler+Forecast.swift).
    var groups: [GroupKey: Int] = [:]
    private var waiting = Heap<QueueItem>()  // not yet found due: (due, priority, id)
    private var ready = Heap<QueueItem>()  // found due: (rank, priority, id)
    private var expiries = Heap<ExpiryItem>()  // entries with an expiry: (expires, id)
    private var nextSeq: UInt32 = 0
    private var openCache: DateInterval?
    private var staggerSeconds: Double
    private var stepSeconds: Double

    /// The default ``priorityStep``: one day, so a backlog of recalls or a broadcast never
    /// holds up a day's appointment reminders, and still drains within days.
    public static let defaultPriorityStep = Duration.seconds(86_400)

    /// - Parameters:
    ///   - calendar: when releases may happen.
    ///   - stagger: the least spacing between releases (`.zero`: send at once); see ``ReleaseRate``.
    ///   - lastRelease: the previous release, from the spool's history after a restart.
    ///   - priorityStep: see the type's overview; `.zero` gives plain earliest-due-first.
    public init(calendar: DeliveryCalendar, stagger: Duration, lastRelease: Date?,
                priorityStep: Duration = ReleaseScheduler.defaultPriorityStep) {
        precondition(stagger >= .zero && priorityStep >= .zero, "stagger and priorityStep are not negative")
        self.calendar = calendar
        self.stagger = stagger
        self.priorityStep = priorityStep
        self.lastRelease = lastRelease
        self.staggerSeconds = stagger.timeInterval
        self.stepSeconds = priorityStep.timeInterval
    }

    /// ``init(calendar:stagger:lastRelease:priorityStep:)`` with a ``ReleaseRate``.
    public init(calendar: DeliveryCalendar, rate: ReleaseRate, lastRelease: Date?,
                priorityStep: Duration = ReleaseScheduler.defaultPriorityStep) {
        self.init(calendar: calendar, stagger: rate.interval, lastRelease: lastRelease, priorityStep: priorityStep)
    }

    /// Number of queued entries.
    public var count: Int { slots.count }
    public var isEmpty: Bool { slots.isEmpty }

    public func contains(_ id: MessageID) -> Bool { slots[id] != nil }

    /// The queued entry with this id.
    public func entry(_ id: MessageID) -> Entry? {
        slots[id].map { Self.entry(id, $0) }
    }

    /// Every queued entry, in no particular order.
    public var entries: [Entry] { slots.map { Self.entry($0.key, $0.value) } }

    /// Queues an entry; an entry with the same id is replaced (a moved appointment).
    public mutating func insert(_ e: Entry) {
        nextSeq &+= 1
        let slot = Slot(
            due: e.due.timeIntervalSinceReferenceDate,
            expires: e.expires?.timeIntervalSinceReferenceDate ?? .infinity,
            seq: nextSeq, kind: e.kind, cause: e.expiryCause)
        let old = slots.updateValue(slot, forKey: e.id)
        let replaced = old != nil
        if let old { ungroup(old) }
        groups[GroupKey(due: slot.due, expires: slot.expires), default: 0] += 1
        waiting.insert(QueueItem(key: slot.due, id: e.id.rawValue, seq: slot.seq, priority: UInt8(e.kind.priority)))
        if slot.expires.isFinite {
            expiries.insert(ExpiryItem(expires: slot.expires, id: e.id.rawValue, seq: slot.seq))
        }
        if replaced { cleanHeads() }
    }

    /// Withdraws an entry; false when it is not queued.
    @discardableResult
    public mutating func remove(_ id: MessageID) -> Bool {
        guard let old = slots.removeValue(forKey: id) else { return false }
        ungroup(old)
        cleanHeads()
        return true
    }

    /// Moves the last-release mark to `at` if that is later (the hand-over finished after
    /// the instant ``nextAction(now:)`` was called with).
    public mutating func recordRelease(at instant: Date) {
        if let last = lastRelease, last >= instant { return }
        lastRelease = instant
    }

    /// Takes back the last-release mark of a `.release` the caller did not perform (it
    /// withheld the message: opted out, or over its number's daily limit), so the slot
    /// goes to the next due entry instead of waiting a stagger. `previous` is
    /// ``lastRelease`` as it was before that ``nextAction(now:)``.
    public mutating func undoRelease(restoring previous: Date?) {
        lastRelease = previous
    }

    /// Swaps calendar and stagger (a reload); queued entries stay. `priorityStep` nil keeps it.
    public mutating func reconfigure(calendar: DeliveryCalendar, stagger: Duration, priorityStep: Duration? = nil) {
        precondition(stagger >= .zero, "stagger is not negative")
        self.calendar = calendar
        self.stagger = stagger
        self.staggerSeconds = stagger.timeInterval
        self.openCache = nil
        if let step = priorityStep, step != self.priorityStep {
            precondition(step >= .zero, "priorityStep is not negative")
            self.priorityStep = step
            self.stepSeconds = step.timeInterval
            let items = ready.unordered.compactMap { item -> QueueItem? in
                guard let slot = slots[MessageID(rawValue: item.id)], slot.seq == item.seq else { return nil }
                return QueueItem(key: rank(slot), id: item.id, seq: item.seq, priority: item.priority)
            }
            ready = Heap(items)
        }
    }

    /// What to do at `now`. Call again after performing a `.release` or `.expire`; after a
    /// `.sleep`, call again at its time or when something was inserted, removed or
    /// reconfigured.
    public mutating func nextAction(now: Date) -> Action {
        let t = now.timeIntervalSinceReferenceDate
        if let last = lastRelease, now < last { lastRelease = now }  // the clock went back

        // 1. Expiries first, at their time.
        if let top = expiries.min, top.expires <= t {
            expiries.removeMin()
            let id = MessageID(rawValue: top.id)
            let slot = slots.removeValue(forKey: id)!  // heads are kept live
            ungroup(slot)
            cleanHeads()
            return .expire(id, reason: expiryReason(slot))
        }

        // 2. Entries that have come due join the contest.
        while let top = waiting.min, top.key <= t {
            waiting.removeMin()
            guard let slot = slots[MessageID(rawValue: top.id)], slot.seq == top.seq else { continue }
            ready.insert(QueueItem(key: rank(slot), id: top.id, seq: top.seq, priority: top.priority))
        }

        // 3. Release the best-ranked due entry if the slot is open.
        let staggerOK = lastRelease.map { now >= $0.addingTimeInterval(staggerSeconds) } ?? true
        if staggerOK, !ready.isEmpty, isOpen(now) {
            while let top = ready.popMin() {
                let id = MessageID(rawValue: top.id)
                guard let slot = slots[id], slot.seq == top.seq else { continue }
                if slot.due > t {  // the clock went back since it was found due
                    waiting.insert(QueueItem(key: slot.due, id: top.id, seq: top.seq, priority: top.priority))
                    continue
                }
                slots.removeValue(forKey: id)
                ungroup(slot)
                cleanHeads()
                lastRelease = now
                return .release(id)
            }
        }

        // 4. Sleep until the next expiry or release opportunity.
        var wake = expiries.min.map { Date(timeIntervalSinceReferenceDate: $0.expires) }
        if let release = nextReleaseTime(now: now) {
            wake = wake.map { min($0, release) } ?? release
        }
        guard let wake else { return .idle }
        return .sleep(until: wake)
    }

    /// The earliest instant at or after `now` at which a release can happen (ignoring
    /// expiries that may come first); nil when the queue is empty or no window comes.
    /// For STATUS= and `remindctl status`.
    public func nextReleaseTime(now: Date) -> Date? {
        guard !slots.isEmpty else { return nil }
        var earliest = now
        if ready.isEmpty, let top = waiting.min {
            earliest = max(earliest, Date(timeIntervalSinceReferenceDate: top.key))
        }
        if let last = lastRelease {  // a mark after `now` (the clock went back) counts as `now`
            earliest = max(earliest, min(last, now).addingTimeInterval(staggerSeconds))
        }
        if let cache = openCache, cache.start <= earliest, earliest < cache.end { return earliest }
        return calendar.nextOpening(atOrAfter: earliest)
    }

    /// The earliest expiry among queued entries.
    public var nextExpiry: Date? { expiries.min.map { Date(timeIntervalSinceReferenceDate: $0.expires) } }

    // MARK: - Internals

    private func rank(_ slot: Slot) -> Double {
        slot.due + Double(slot.kind.priority) * stepSeconds
    }

    private mutating func isOpen(_ now: Date) -> Bool {
        if let cache = openCache, cache.start <= now, now < cache.end { return true }
        guard let piece = calendar.firstPiece(endingAfter: now), piece.start <= now else { return false }
        openCache = piece
        return true
    }

    /// Pops stale items (removed or replaced entries) off each heap's head, so each head is live.
    /// Entries that share a due time and an expiry, for the forecast.
    struct GroupKey: Hashable {
        var due: Double
        var expires: Double
    }

    private mutating func ungroup(_ slot: Slot) {
        let key = GroupKey(due: slot.due, expires: slot.expires)
        if let n = groups[key], n > 1 { groups[key] = n - 1 } else { groups[key] = nil }
    }

    private mutating func cleanHeads() {
        while let top = waiting.min, slots[MessageID(rawValue: top.id)]?.seq != top.seq { waiting.removeMin() }
        while let top = ready.min, slots[MessageID(rawValue: top.id)]?.seq != top.seq { ready.removeMin() }
        while let top = expiries.min, slots[MessageID(rawValue: top.id)]?.seq != top.seq { expiries.removeMin() }
    }

    private func expiryReason(_ slot: Slot) -> String {
        let why: String
        if slot.expires <= slot.due {
            why = "before it was due"
        } else if let open = calendar.nextOpening(atOrAfter: Date(timeIntervalSinceReferenceDate: slot.due)),
                  open.timeIntervalSinceReferenceDate < slot.expires {
            why = "while it waited for a release slot"
        } else {
            why = "before a delivery window opened"
        }
        return "\(slot.cause.phrase) \(why)"
    }

    static func entry(_ id: MessageID, _ slot: Slot) -> Entry {
        Entry(id: id, due: Date(timeIntervalSinceReferenceDate: slot.due),
              expires: slot.expires.isFinite ? Date(timeIntervalSinceReferenceDate: slot.expires) : nil,
              kind: slot.kind, expiryCause: slot.cause)
    }
}

/// A message in the `waiting` heap (keyed by its due time) or the `ready` heap (keyed by
/// its rank): earliest key first, then the kind's priority, then the id.
struct QueueItem: Comparable, Sendable {
    var key: Double
    var id: UInt64
    var seq: UInt32
    var priority: UInt8

    static func < (a: Self, b: Self) -> Bool {
        if a.key != b.key { return a.key < b.key }
        if a.priority != b.priority { return a.priority < b.priority }
        return a.id < b.id
    }
    static func == (a: Self, b: Self) -> Bool { a.id == b.id && a.seq == b.seq }
}

struct ExpiryItem: Comparable, Sendable {
    var expires: Double
    var id: UInt64
    var seq: UInt32

    static func < (a: Self, b: Self) -> Bool {
        if a.expires != b.expires { return a.expires < b.expires }
        return a.id < b.id
    }
    static func == (a: Self, b: Self) -> Bool { a.id == b.id && a.seq == b.seq }
}

extension Duration {
    /// This duration in seconds, as Foundation counts time.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
