import FileSystemKit
import Foundation
import RemindCore
@testable import RemindSpool
import Testing

/// Batches on a real spool in a temporary directory: members leaving them, the `.left`
/// log, what recovery does with the states a crash can leave, and the compact index.
@Suite struct SpoolBatchTests {
    let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3 * 86400).rounded(.down))

    func leftLog(_ t: TemporarySpool, _ batch: MessageID) throws -> Set<MessageID> {
        try BatchFile.readLeft(t.spool.paths.directory(for: .queued) + "/\(batch)" + BatchFile.leftSuffix)
    }

    @Test func aMemberLeavesForItsOwnFileAndTheEmptyBatchIsDeleted() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...3).map { t.message("A-\($0)", start: start) }), input: nil)
        let batch = queued[0].id
        #expect(queued.allSatisfy { t.spool.batch(of: $0.id) == batch })
        try t.spool.transition(queued[1].id, to: .active, detail: "provider=outbox")
        #expect(t.spool.batch(of: queued[1].id) == nil)
        #expect(t.names(.active) == ["\(queued[1].id)"])
        #expect(try leftLog(t, batch) == [queued[1].id])
        #expect(t.messages(.queued) == [queued[0].id, queued[2].id])
        let own = try t.spool.message(queued[1].id)
        #expect(own.events.map(\.what) == ["queued", "active"], "the batch record's history, then the new event")
        #expect(own.text == "Hi Ann")
        try t.spool.transition(queued[0].id, to: .held)
        try t.spool.transition(queued[2].id, to: .cancelled, detail: "operator")
        #expect(t.names(.queued).isEmpty, "the batch and its log are gone once every member left")
        #expect(t.spool.stateCounts[.queued] == 0 && t.spool.stateCounts[.held] == 1 && t.spool.stateCounts[.cancelled] == 1)
        let report = try Spool(paths: t.spool.paths).recover()
        #expect(report.countsByState[.active] == 0 && report.interrupted == [queued[1].id] && report.countsByState[.held] == 1)
    }

    /// A crash after the own file is durable and before its id reaches the `.left` log:
    /// the message is in both; the own file (the later state) wins and the log is repaired.
    @Test(arguments: [false, true])
    func aMemberInBothItsBatchAndItsOwnFileIsResolvedByTheOwnFile(checkpointed: Bool) throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...3).map { t.message("A-\($0)", start: start) }), input: nil)
        let batch = queued[0].id
        if checkpointed { try t.spool.checkpoint() }
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent)
        let log = t.spool.paths.directory(for: .queued) + "/\(batch)" + BatchFile.leftSuffix
        try FileManager.default.removeItem(atPath: log)  // the crash's effect: no log line
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.countsByState[.sent] == 1 && report.pendingCount == 2)
        #expect(fresh.entry(queued[0].id)?.state == .sent)
        #expect(try leftLog(t, batch) == [queued[0].id], "recovery wrote the missing log line")
        #expect(t.messages(.queued) == [queued[1].id, queued[2].id])
        // Pruning the sent file now cannot bring the message back as queued.
        #expect(try fresh.prune(before: Date().addingTimeInterval(60)).messages == 1)
        let again = Spool(paths: t.spool.paths)
        let after = try again.recover()
        #expect(after.pendingCount == 2 && again.entry(queued[0].id) == nil)
        #expect(again.plan(candidates: [t.message("A-1", start: start)]).add.count == 1, "a pruned key is new again")
    }

    /// A `.left` line that cannot be written (here a directory is in its way, as a full
    /// disk could be): the message is not pruned meanwhile, a checkpoint still records it
    /// in its batch, and recovery writes the line; after that nothing brings it back.
    @Test func anUnwritableLeftLogDelaysPruningAndIsRepairedAtRecovery() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...2).map { t.message("A-\($0)", start: start) }), input: nil)
        let log = t.spool.paths.directory(for: .queued) + "/\(queued[0].id)" + BatchFile.leftSuffix
        try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: false)
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent)
        #expect(t.spool.entry(queued[0].id)?.state == .sent)
        #expect(try t.spool.prune(before: Date().addingTimeInterval(60)).messages == 0, "not pruned before its .left line is written")
        try t.spool.checkpoint()
        try FileManager.default.removeItem(atPath: log)
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.countsByState[.sent] == 1 && report.pendingCount == 1)
        #expect(try leftLog(t, queued[0].id) == [queued[0].id])
        #expect(try fresh.prune(before: Date().addingTimeInterval(60)).messages == 1)
        try FileManager.default.removeItem(atPath: t.spool.paths.state + "/index")
        let third = Spool(paths: t.spool.paths)
        let after = try third.recover()
        #expect(after.pendingCount == 1 && third.entry(queued[0].id) == nil, "a pruned member never comes back")
    }

    @Test(arguments: [false, true])
    func aDeferredMessagesRetryTimeSurvivesARestart(checkpointed: Bool) throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...2).map { t.message("A-\($0)", start: start) }), input: nil)
        let retry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 600).rounded(.down))
        try t.spool.transition(queued[0].id, to: .active)
        let deferred = try t.spool.transition(queued[0].id, to: .deferred, detail: "reason=gateway down", due: retry)
        #expect(deferred.due == retry)
        #expect(try t.spool.message(queued[0].id).events.last?.detail == "retry=\(Timestamp.format(retry)) reason=gateway down")
        if checkpointed { try t.spool.checkpoint() }
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.filesRead == (checkpointed ? 1 : 2))  // the deferred file always; the batch's other record without a checkpoint
        var pending: [MessageID: Date] = [:]
        fresh.forEachPending { pending[$0.id] = $0.due }
        #expect(pending[queued[0].id] == retry)
        #expect(pending[queued[1].id] == queued[1].due, "the other keeps its own due time")
        // A second deferral from its own file replaces the retry time.
        try fresh.transition(queued[0].id, to: .active)
        let later = retry.addingTimeInterval(1200)
        try fresh.transition(queued[0].id, to: .deferred, detail: "reason=gateway down", due: later)
        let third = Spool(paths: t.spool.paths)
        _ = try third.recover()
        #expect(third.entry(queued[0].id)?.due == later)
    }

    @Test func aRescheduleWithdrawsTheBatchMemberIntoItsOwnCancelledFile() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...3).map { t.message("A-\($0)", start: start) }), input: nil)
        let plan = t.spool.plan(candidates: [t.message("A-2", start: start.addingTimeInterval(3600))])
        #expect(plan.cancel.map(\.id) == [queued[1].id] && plan.add.count == 1)
        let added = try t.spool.commit(plan, input: nil)
        #expect(t.names(.cancelled) == ["\(queued[1].id)"])
        #expect(try leftLog(t, queued[0].id) == [queued[1].id])
        #expect(try t.spool.message(queued[1].id).events.map(\.what) == ["queued", "cancelled"])
        #expect(Set(t.messages(.queued)) == [queued[0].id, queued[2].id, added[0].id])
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.pendingCount == 3 && report.countsByState[.cancelled] == 1 && report.corrupt.isEmpty)
        #expect(fresh.entry(forKey: MessageKey(source: "test", recordID: "A-2", rule: "24h"))?.id == added[0].id)
    }

    @Test func aDamagedBatchIsMovedAsideNotDropped() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...2).map { t.message("A-\($0)", start: start) }), input: nil)
        let path = t.spool.paths.directory(for: .queued) + "/\(queued[0].id)" + BatchFile.suffix
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 4).write(to: URL(fileURLWithPath: path))  // the End: record torn
        let report = try Spool(paths: t.spool.paths).recover()
        #expect(report.corrupt == [path])
        #expect(report.pendingCount == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.rejected).contains { $0.hasSuffix(".batch") })
    }

    /// A readable batch with one damaged record: the record's bytes go to rejected/, it
    /// is logged as left, the others stay queued, and when they leave and the batch is
    /// deleted the damaged record's bytes are still there.
    @Test func aDamagedRecordIsMovedAsideAndOutlivesItsBatch() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...3).map { t.message("A-\($0)", start: start) }), input: nil)
        let batch = queued[0].id
        let path = t.spool.paths.directory(for: .queued) + "/\(batch)" + BatchFile.suffix
        var bytes = try FileOperations.readFile(path)
        let member = try BatchFile.members(of: bytes, path: path)[1]
        let record = Array(bytes[Int(member.offset)..<Int(member.offset + member.length)])
        let needle = Array("Kind: appointment".utf8)
        let at = Int(member.offset) + (try #require((0...(record.count - needle.count)).first { Array(record[$0..<($0 + needle.count)]) == needle }))
        bytes[at + 6] = UInt8(ascii: "X")  // "Kind: Xppointment": the batch still splits, the record does not decode
        try FileOperations.replaceFile(at: path, contents: bytes)
        let damaged = Array(bytes[Int(member.offset)..<Int(member.offset + member.length)])

        let spool = Spool(paths: t.spool.paths)
        let report = try spool.recover()
        #expect(report.corrupt == [path + "#\(member.id)"])
        #expect(report.pendingCount == 2)
        let aside = t.spool.paths.rejected + "/corrupt-\(batch)\(BatchFile.suffix)-\(member.id)"
        #expect(try FileOperations.readFile(aside) == damaged)
        #expect(try leftLog(t, batch) == [member.id])

        for entry in queued where entry.id != member.id { try spool.transition(entry.id, to: .cancelled) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileOperations.readFile(aside) == damaged)
        // A second recovery finds nothing damaged and nothing pending.
        let again = try Spool(paths: t.spool.paths).recover()
        #expect(again.corrupt.isEmpty && again.pendingCount == 0)
    }

    @Test func theLeftLogSkipsATornLine() throws {
        let t = try TemporarySpool()
        let log = t.spool.paths.directory(for: .queued) + "/0000000000000001.left"
        try Data("032A9C4E1F2".utf8).write(to: URL(fileURLWithPath: log))  // a torn append
        try BatchFile.appendLeft(log, [MessageID(rawValue: 0x32A9C4E1F200002)])
        #expect(try BatchFile.readLeft(log) == [MessageID(rawValue: 0x32A9C4E1F200002)])
    }

    @Test func batchRecordsSplitBackExactly() throws {
        let t = try TemporarySpool()
        var messages = (1...4).map { t.message("A-\($0)", start: start, text: "Line\\none \u{2019}\($0)") }
        for i in messages.indices { messages[i].events = [SpoolEvent(time: start, what: "queued")] }
        let (bytes, members) = BatchFile.encode(id: messages[0].id, input: "a b.csv", messages: messages)
        #expect(try BatchFile.members(of: bytes, path: "x") == members)
        for (m, member) in zip(messages, members) {
            #expect(try MessageFile.decode(Array(bytes[Int(member.offset)..<Int(member.offset + member.length)]), path: "x") == m)
        }
        #expect(throws: SpoolError.self) { try BatchFile.members(of: Array(bytes.dropLast(3)), path: "x") }
    }

    /// A batch large enough to be encoded in parallel slices is byte for byte the records
    /// one after another, each member's range is its own record, in message order.
    @Test func aLargeBatchIsTheRecordsInOrder() throws {
        let t = try TemporarySpool()
        let count = BatchFile.parallelThreshold * 2 + 3
        var messages = (0..<count).map { t.message("A-\($0)", start: start, text: $0 % 7 == 0 ? "Line\none \($0)" : "Hi \($0)") }
        for i in messages.indices { messages[i].events = [SpoolEvent(time: start, what: "queued")] }
        let (bytes, members) = BatchFile.encode(id: messages[0].id, input: "big.csv", messages: messages)
        var expected = Array("Batch: \(messages[0].id)\nInput: big.csv\nCount: \(count)\n\n".utf8)
        for m in messages { expected += MessageFile.encode(m) + [10] }
        expected += Array("End: \(count)\n".utf8)
        #expect(bytes == expected)
        #expect(members.map(\.id) == messages.map(\.id))
        // In pieces, with the `queued` event added as the messages are encoded: the same bytes.
        let bare = messages.map { var m = $0; m.events = []; return m }
        let parts = BatchFile.encodeParts(id: messages[0].id, input: "big.csv", messages: bare, eventIfNone: SpoolEvent(time: start, what: "queued"))
        #expect(parts.parts.count > 3)
        #expect(Array(parts.parts.joined()) == expected)
        #expect(parts.members == members)
        #expect(try BatchFile.members(of: bytes, path: "x") == members)
        for i in [0, 1, count / 2, count - 1] {
            let member = members[i]
            #expect(try MessageFile.decode(Array(bytes[Int(member.offset)..<Int(member.offset + member.length)]), path: "x") == messages[i])
        }
    }
}

@Suite struct SlotTableTests {
    /// Random inserts and removals against a `Set`, with a deliberately poor hash (many collisions).
    @Test(arguments: [1, 7, 1 << 20])
    func behavesLikeASet(spread: Int) {
        var table = SlotTable()
        var model = Set<Int32>()
        var generator = SystemRandomNumberGenerator()
        let hash: (Int32) -> Int = { Int($0) % spread * 31 }
        for _ in 0..<20_000 {
            let slot = Int32.random(in: 0..<2_000, using: &generator)
            if model.contains(slot) {
                table.remove(slot, hash: hash(slot), rehash: hash)
                model.remove(slot)
            } else {
                table.insert(slot, hash: hash(slot), rehash: hash)
                model.insert(slot)
            }
        }
        #expect(table.count == model.count)
        for slot in Int32(0)..<2_000 {
            #expect((table.find(hash(slot)) { $0 == slot } != nil) == model.contains(slot))
        }
    }
}

@Suite struct SpoolCheckpointSizeTests {
    /// A checkpoint of more than one 1 MB piece is written and read back across the
    /// pieces' boundaries; many withdrawals in one commit take the syncfs path.
    @Test func aMultiMegabyteCheckpointRoundTrips() throws {
        let t = try TemporarySpool()
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3 * 86400).rounded(.down))
        let rows = 15_000
        try t.spool.commit(t.spool.plan(candidates: (1...rows).map { t.message("A-\($0)-with-a-longer-record-id", start: start) }), input: nil)
        let moved = (1...20).map { t.message("A-\($0)-with-a-longer-record-id", start: start.addingTimeInterval(600)) }
        let plan = t.spool.plan(candidates: moved)
        #expect(plan.cancel.count == 20 && plan.cancel.count > Spool.fewWithdrawals)
        try t.spool.commit(plan, input: nil)
        try t.spool.checkpoint()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: t.spool.paths.state + "/index")[.size] as? Int)
        #expect(size > 1 << 20)
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.fromCheckpoint == rows + 20 && report.filesRead == 0)
        #expect(report.pendingCount == rows && report.countsByState[.cancelled] == 20)
        #expect(fresh.entry(forKey: MessageKey(source: "test", recordID: "A-\(rows)-with-a-longer-record-id", rule: "24h"))?.state == .queued)
        #expect(fresh.entry(forKey: MessageKey(source: "test", recordID: "A-3-with-a-longer-record-id", rule: "24h"))?.appointmentStart == start.addingTimeInterval(600))
    }
}

@Suite struct IndexSlotTests {
    /// The 300 MB start-up budget at a million messages counts on 64-byte slots.
    @Test func aSlotIsSixtyFourBytes() {
        #expect(MemoryLayout<IndexSlot>.stride == 64)
    }

    @Test(arguments: [0.0, 1_577_836_800, 1_795_420_805, 4_102_444_799])
    func secondsRoundTripAndClamp(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let packed = Seconds32(date)
        if seconds < 1_577_836_800 + Double(Int32.max) && seconds > 1_577_836_800 - Double(Int32.max) {
            #expect(packed.date == date)
        } else {
            #expect(packed.date! < date, "clamped to 2088")
        }
        #expect(Seconds32(nil).isNone && Seconds32(nil).date == nil && Seconds32(nil).seconds.isNaN)
        #expect(Seconds32(Date(timeIntervalSince1970: 1_795_420_805.9)).date == Date(timeIntervalSince1970: 1_795_420_805))
    }
}
