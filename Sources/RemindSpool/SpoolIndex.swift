import Foundation
import RemindCore

/// Where a message's bytes are: its own file in its state's directory, or a record in a
/// batch file of `queued/`.
struct MessageLocation: Hashable, Sendable {
    /// The batch holding the message, or nil: its own file.
    var batch: MessageID?
    /// The record's byte range in the batch file (unused for an own file).
    var offset: UInt32
    var length: UInt32

    static let ownFile = MessageLocation(batch: nil, offset: 0, length: 0)
}

/// What the spool keeps in memory of one message: 64 bytes, with the key's source and
/// rule interned (a practice has a handful of each), `due` exact and the other times as
/// whole seconds (the spool's files keep seconds) in 32 bits (see ``Seconds32``).
struct IndexSlot {
    var id: MessageID
    /// Seconds since 1970 (exact: a message queued now keeps its sub-second due time).
    var due: Double
    var recordID: String
    // (Declaration order is layout order: the 4-byte fields together keep it at 64.)
    var expires: Seconds32
    var appointment: Seconds32
    var since: Seconds32
    var context: UInt32
    /// The batch's number in ``SpoolIndex``, or ``SpoolIndex/ownFile``.
    var batch: UInt32
    var offset: UInt32
    var length: UInt32
    var kind: MessageKind
    var state: MessageState
    var cause: ExpiryCause
}

/// The spool's index: every message's ``IndexSlot`` in one array, found by id and by
/// key through two open-addressing tables of slot numbers (4 bytes per bucket, not a
/// `Dictionary` of keys and entries), and the batches of `queued/` with how many
/// members each still holds.
///
/// Not thread-safe (the ``Spool`` that owns it is confined to one thread).
struct SpoolIndex {
    static let ownFile = UInt32.max
    private(set) var slots = SlotStore()
    private var free: [Int32] = []
    private var byID = SlotTable()
    private var byKey = SlotTable()
    private var contexts: [KeyContext] = []
    private var contextNumbers: [KeyContext: UInt32] = [:]
    /// Batches by number: id and members still inside.
    private(set) var batches: [UInt32: BatchInfo] = [:]
    private var batchNumbers: [MessageID: UInt32] = [:]
    private var nextBatch: UInt32 = 0
    private(set) var counts: [MessageState: Int] = [:]
    private(set) var count = 0

    struct KeyContext: Hashable {
        var source: String
        var rule: String
    }

    struct BatchInfo {
        var id: MessageID
        var remaining: Int
    }

    mutating func removeAll() { self = SpoolIndex() }

    mutating func reserve(_ n: Int) {
        slots.reserveCapacity(n)
        let s = slots
        byID.reserve(n) { Self.idHash(s[Int($0)].id) }
        byKey.reserve(n) { Self.keyHash(s[Int($0)].recordID, s[Int($0)].context) }
    }

    // MARK: Lookup

    func slotNumber(of id: MessageID) -> Int32? {
        let s = slots
        return byID.find(Self.idHash(id)) { s[Int($0)].id == id }
    }

    func slotNumber(forKey key: MessageKey) -> Int32? {
        guard let context = contextNumbers[KeyContext(source: key.source, rule: key.rule)] else { return nil }
        let s = slots
        let record = key.recordID
        return byKey.find(Self.keyHash(record, context)) { s[Int($0)].context == context && s[Int($0)].recordID == record }
    }

    subscript(slot: Int32) -> IndexSlot { slots[Int(slot)] }

    func entry(_ slot: Int32) -> SpoolEntry {
        let s = slots[Int(slot)]
        let c = contexts[Int(s.context)]
        return SpoolEntry(
            id: s.id, key: MessageKey(source: c.source, recordID: s.recordID, rule: c.rule), kind: s.kind, state: s.state,
            due: Date(timeIntervalSince1970: s.due), expires: s.expires.date, appointmentStart: s.appointment.date,
            since: s.since.date ?? Date(timeIntervalSince1970: 0), expiryCause: s.cause)
    }

    func location(_ slot: Int32) -> MessageLocation {
        let s = slots[Int(slot)]
        guard s.batch != Self.ownFile, let batch = batches[s.batch] else { return .ownFile }
        return MessageLocation(batch: batch.id, offset: s.offset, length: s.length)
    }

    func key(_ slot: Int32) -> MessageKey {
        let s = slots[Int(slot)]
        let c = contexts[Int(s.context)]
        return MessageKey(source: c.source, recordID: s.recordID, rule: c.rule)
    }

    /// Every live slot number.
    var liveSlots: some Sequence<Int32> {
        let s = slots
        return (0..<Int32(s.count)).lazy.filter { s[Int($0)].id.rawValue != 0 }
    }

    func batchNumber(_ id: MessageID) -> UInt32? { batchNumbers[id] }

    // MARK: Changes

    /// Adds a message (its id must be new); the key maps to it unless the key already
    /// has a newer message.
    @discardableResult
    mutating func insert(_ e: SpoolEntry, location: MessageLocation, keyed: Bool = true) -> Int32 {
        precondition(slotNumber(of: e.id) == nil, "message \(e.id) indexed twice")
        let context = contextNumber(e.key)
        var batch = Self.ownFile
        if let id = location.batch {
            batch = batchNumber(adding: id)
            batches[batch]!.remaining += 1
        }
        let slot = IndexSlot(
            id: e.id, due: e.due.timeIntervalSince1970, recordID: e.key.recordID, expires: Seconds32(e.expires),
            appointment: Seconds32(e.appointmentStart), since: Seconds32(e.since), context: context, batch: batch, offset: location.offset, length: location.length,
            kind: e.kind, state: e.state, cause: e.expiryCause)
        let n: Int32
        if let reused = free.popLast() {
            n = reused
            slots[Int(n)] = slot
        } else {
            n = Int32(slots.count)
            slots.append(slot)
        }
        let s = slots
        byID.insert(n, hash: Self.idHash(e.id)) { Self.idHash(s[Int($0)].id) }
        if keyed { indexKey(n) }
        counts[e.state, default: 0] += 1
        count += 1
        return n
    }

    /// Maps the slot's key to it unless the key has a newer message.
    private mutating func indexKey(_ n: Int32) {
        let s = slots
        let slot = s[Int(n)]
        let context = slot.context
        let record = slot.recordID
        let hash = Self.keyHash(record, context)
        if let old = byKey.find(hash, { s[Int($0)].context == context && s[Int($0)].recordID == record }) {
            if s[Int(old)].id < slot.id { byKey.replace(old, with: n, hash: hash) }
        } else {
            byKey.insert(n, hash: hash) { Self.keyHash(s[Int($0)].recordID, s[Int($0)].context) }
        }
    }

    /// Builds the key table again from every live slot (after a recovery that inserted
    /// without keys and dropped stale entries).
    mutating func rebuildKeys() {
        byKey = SlotTable()
        let s = slots
        byKey.reserve(count) { Self.keyHash(s[Int($0)].recordID, s[Int($0)].context) }
        for n in liveSlots { indexKey(n) }
    }

    /// Records a state change (and, when the message left its batch, its own file).
    mutating func update(_ n: Int32, state: MessageState, since: Date, due: Date? = nil, leftBatch: Bool = false) {
        let old = slots[Int(n)].state
        counts[old, default: 0] -= 1
        counts[state, default: 0] += 1
        slots[Int(n)].state = state
        slots[Int(n)].since = Seconds32(since)
        if let due { slots[Int(n)].due = due.timeIntervalSince1970 }
        if leftBatch { detachFromBatch(n) }
    }

    /// The message now has its own file; returns its batch when that was its last member.
    @discardableResult
    mutating func detachFromBatch(_ n: Int32) -> MessageID? {
        let b = slots[Int(n)].batch
        guard b != Self.ownFile else { return nil }
        slots[Int(n)].batch = Self.ownFile
        slots[Int(n)].offset = 0
        slots[Int(n)].length = 0
        batches[b]!.remaining -= 1
        if batches[b]!.remaining == 0 {
            let id = batches[b]!.id
            batches[b] = nil
            batchNumbers[id] = nil
            return id
        }
        return nil
    }

    /// Removes a message from the index.
    mutating func remove(_ n: Int32) {
        let slot = slots[Int(n)]
        precondition(slot.id.rawValue != 0, "slot removed twice")
        detachFromBatch(n)
        do {
            let s = slots  // a reference for the hash closures; dropped before slots changes again
            byID.remove(n, hash: Self.idHash(slot.id)) { Self.idHash(s[Int($0)].id) }
            let hash = Self.keyHash(slot.recordID, slot.context)
            if byKey.find(hash, { $0 == n }) != nil {
                byKey.remove(n, hash: hash) { Self.keyHash(s[Int($0)].recordID, s[Int($0)].context) }
            }
        }
        counts[slot.state, default: 0] -= 1
        count -= 1
        slots[Int(n)] = IndexSlot(
            id: MessageID(rawValue: 0), due: 0, recordID: "", expires: .none, appointment: .none, since: .none, context: 0,
            batch: Self.ownFile, offset: 0, length: 0, kind: .appointment, state: .queued, cause: .deadline)
        free.append(n)
    }

    /// Registers a batch (with no members yet) and returns its number.
    mutating func batchNumber(adding id: MessageID) -> UInt32 {
        if let n = batchNumbers[id] { return n }
        let n = nextBatch
        nextBatch += 1
        batchNumbers[id] = n
        batches[n] = BatchInfo(id: id, remaining: 0)
        return n
    }

    /// Forgets an empty batch (recovery: every member left or was dropped).
    mutating func forgetBatch(_ id: MessageID) {
        guard let n = batchNumbers.removeValue(forKey: id) else { return }
        batches[n] = nil
    }

    private mutating func contextNumber(_ key: MessageKey) -> UInt32 {
        let c = KeyContext(source: key.source, rule: key.rule)
        if let n = contextNumbers[c] { return n }
        let n = UInt32(contexts.count)
        contexts.append(c)
        contextNumbers[c] = n
        return n
    }

    static func idHash(_ id: MessageID) -> Int {
        // Fibonacci hashing of the 64-bit id; the table takes the low bits of the high half.
        Int(truncatingIfNeeded: (id.rawValue &* 0x9E37_79B9_7F4A_7C15) >> 24)
    }

    static func keyHash(_ record: String, _ context: UInt32) -> Int {
        var h = Hasher()
        h.combine(record)
        h.combine(context)
        return h.finalize()
    }
}

extension SpoolIndex {
    /// A pending slot's key for the release horizon: its due time, or its expiry when that
    /// comes first (seconds since 1970).
    static func horizonKey(_ s: IndexSlot) -> Double {
        let expires = s.expires.seconds  // NaN: none
        return expires < s.due ? expires : s.due
    }

    /// Pending (queued or deferred) slots with a key in `[from, below)`, and the earliest
    /// key at or after `below`. One pass over the slots, no key strings made.
    func pendingTimes(keysFrom from: Double, below: Double) -> (times: [PendingTimes], earliestBeyond: Double?) {
        var times: [PendingTimes] = []
        var beyond = Double.infinity
        for s in slots where s.id.rawValue != 0 && (s.state == .queued || s.state == .deferred) {
            let key = Self.horizonKey(s)
            if key >= below {
                if key < beyond { beyond = key }
            } else if key >= from {
                times.append(PendingTimes(
                    id: s.id, due: Date(timeIntervalSince1970: s.due), expires: s.expires.date, kind: s.kind, expiryCause: s.cause))
            }
        }
        return (times, beyond.isFinite ? beyond : nil)
    }

    /// Pending slots with a key at or after `from`, counted by (due, expiry).
    func pendingGroups(keysFrom from: Double) -> [PendingGroup] {
        struct Key: Hashable { var due: Double; var expires: Int32 }
        var counts: [Key: Int] = [:]
        for s in slots where s.id.rawValue != 0 && (s.state == .queued || s.state == .deferred) && Self.horizonKey(s) >= from {
            counts[Key(due: s.due, expires: s.expires.raw), default: 0] += 1
        }
        return counts.map {
            PendingGroup(due: Date(timeIntervalSince1970: $0.key.due), expires: Seconds32(raw: $0.key.expires).date, count: $0.value)
        }
    }
}
