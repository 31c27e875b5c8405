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
}

/// The spool's index: every message's ``IndexSlot`` in one array, found by id and by
/// key through two open-addressing tables of slot numbers (4 bytes per bucket, not a
/// `Dictionary` of keys and entries), and the batches of `queued/` with how many
/// members each still holds.
///
/// Not thread-safe (the ``Spool`` that owns it is confined to one thread).
struct SpoolIndex {
    static let ownFile = UInt32.max
    private(set) var slots: [IndexSlot] = []
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
            since: s.since.date ?? Date(timeIntervalSince1970: 0))
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
            kind: e.kind, state: e.state)
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
            batch: Self.ownFile, offset: 0, length: 0, kind: .appointment, state: .queued)
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

/// A time as whole seconds since 2020-01-01 in 32 bits (1952 to 2088; later or earlier
/// times are clamped), or none.
struct Seconds32: Hashable {
    var raw: Int32
    static let none = Seconds32(raw: .min)
    static let epoch: Double = 1_577_836_800

    init(raw: Int32) { self.raw = raw }

    init(_ date: Date?) {
        guard let date else { self = .none; return }
        let s = (date.timeIntervalSince1970 - Self.epoch).rounded(.down)
        raw = Int32(max(Double(Int32.min + 1), min(Double(Int32.max), s)))
    }

    var isNone: Bool { raw == .min }
    var date: Date? { isNone ? nil : Date(timeIntervalSince1970: Double(raw) + Self.epoch) }
    /// Seconds since 1970; NaN for none.
    var seconds: Double { isNone ? .nan : Double(raw) + Self.epoch }
}

/// A linear-probing hash table of slot numbers (-1: empty), load at most one half,
/// deletion by backward shift (no tombstones). The caller supplies the hash of a slot.
struct SlotTable {
    private var buckets: [Int32] = Array(repeating: -1, count: 16)
    private(set) var count = 0

    func find(_ hash: Int, _ matches: (Int32) -> Bool) -> Int32? {
        let mask = buckets.count - 1
        var i = hash & mask
        while true {
            let s = buckets[i]
            if s < 0 { return nil }
            if matches(s) { return s }
            i = (i + 1) & mask
        }
    }

    mutating func reserve(_ n: Int, rehash: (Int32) -> Int) {
        var capacity = buckets.count
        while capacity < n * 2 { capacity *= 2 }
        if capacity != buckets.count { resize(capacity, rehash) }
    }

    mutating func insert(_ slot: Int32, hash: Int, rehash: (Int32) -> Int) {
        if (count + 1) * 2 > buckets.count { resize(buckets.count * 2, rehash) }
        let mask = buckets.count - 1
        var i = hash & mask
        while buckets[i] >= 0 { i = (i + 1) & mask }
        buckets[i] = slot
        count += 1
    }

    /// Puts `new` in the bucket of `old` (both have the same hash).
    mutating func replace(_ old: Int32, with new: Int32, hash: Int) {
        let mask = buckets.count - 1
        var i = hash & mask
        while buckets[i] != old {
            precondition(buckets[i] >= 0, "slot not in the table")
            i = (i + 1) & mask
        }
        buckets[i] = new
    }

    mutating func remove(_ slot: Int32, hash: Int, rehash: (Int32) -> Int) {
        let mask = buckets.count - 1
        var i = hash & mask
        while buckets[i] != slot {
            precondition(buckets[i] >= 0, "slot not in the table")
            i = (i + 1) & mask
        }
        var j = i
        while true {
            j = (j + 1) & mask
            let s = buckets[j]
            if s < 0 { break }
            let k = rehash(s) & mask
            // Leave s where it is if its home k lies cyclically in (i, j].
            let stays = i <= j ? (i < k && k <= j) : (i < k || k <= j)
            if stays { continue }
            buckets[i] = s
            i = j
        }
        buckets[i] = -1
        count -= 1
    }

    private mutating func resize(_ capacity: Int, _ rehash: (Int32) -> Int) {
        let old = buckets
        buckets = Array(repeating: -1, count: capacity)
        let mask = capacity - 1
        for s in old where s >= 0 {
            var i = rehash(s) & mask
            while buckets[i] >= 0 { i = (i + 1) & mask }
            buckets[i] = s
        }
    }
}
