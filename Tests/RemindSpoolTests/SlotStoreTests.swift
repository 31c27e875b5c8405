import Foundation
import RemindCore
@testable import RemindSpool
import Testing

/// The index's chunked slot storage and the horizon's reads of it.
@Suite struct SlotStoreTests {
    static func slot(_ n: Int) -> IndexSlot {
        IndexSlot(id: MessageID(rawValue: UInt64(n + 1)), due: Double(n), recordID: "R-\(n)", expires: .none, appointment: .none,
                  since: .none, context: 0, batch: SpoolIndex.ownFile, offset: UInt32(n), length: 0, kind: .appointment,
                  state: .queued, cause: .deadline)
    }

    @Test func slotsAcrossChunksReadAndChangeInPlace() {
        var store = SlotStore()
        let n = SlotStore.chunkSize * 2 + 17
        store.reserveCapacity(n)
        for i in 0..<n { store.append(Self.slot(i)) }
        #expect(store.count == n)
        #expect(store[SlotStore.chunkSize - 1].offset == UInt32(SlotStore.chunkSize - 1))
        #expect(store[SlotStore.chunkSize].recordID == "R-\(SlotStore.chunkSize)")
        #expect(store[n - 1].id == MessageID(rawValue: UInt64(n)))
        store[SlotStore.chunkSize + 5].state = .held
        #expect(store[SlotStore.chunkSize + 5].state == .held)
        #expect(store[SlotStore.chunkSize + 4].state == .queued)
        #expect(store.map(\.offset) == (0..<n).map(UInt32.init))
    }

    /// The horizon's read: pending slots with a key in the range, the earliest key past
    /// it, an expiry before the due time counting as the key, other states ignored.
    @Test func pendingTimesReadsTheRangeAndTheEarliestKeyPastIt() throws {
        let t = try TemporarySpool()
        let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 86400).rounded(.down))
        var index = SpoolIndex()
        func add(_ name: String, due: TimeInterval, expires: TimeInterval? = nil, state: MessageState = .queued) -> MessageID {
            var e = SpoolEntry(t.message(name, start: base.addingTimeInterval(due + 86400)), state: state, since: base)
            e.due = base.addingTimeInterval(due)
            e.expires = expires.map { base.addingTimeInterval($0) }
            index.insert(e, location: .ownFile)
            return e.id
        }
        let a = add("A", due: 10)
        let b = add("B", due: 100, expires: 50)  // key 50
        _ = add("C", due: 20, state: .held)
        _ = add("D", due: 30, state: .sent)
        let e = add("E", due: 200, state: .deferred)
        _ = add("F", due: 3600)
        let (times, beyond) = index.pendingTimes(keysFrom: base.timeIntervalSince1970, below: base.addingTimeInterval(60).timeIntervalSince1970)
        #expect(Set(times.map(\.id)) == [a, b])
        #expect(beyond == base.addingTimeInterval(200).timeIntervalSince1970)
        let (later, none) = index.pendingTimes(keysFrom: base.addingTimeInterval(60).timeIntervalSince1970, below: .infinity)
        #expect(Set(later.map(\.id)).contains(e) && later.count == 2)
        #expect(none == nil)
        let groups = index.pendingGroups(keysFrom: base.addingTimeInterval(60).timeIntervalSince1970)
        #expect(groups.map(\.count).reduce(0, +) == 2)
    }
}
