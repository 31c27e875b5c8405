import Foundation
import RemindCore
@testable import RemindSpool
import Testing

/// The index checkpoint, hand-over resolution, retention and re-exports across restarts,
/// on a real spool in a temporary directory.
@Suite struct SpoolIndexTests {
    let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3 * 86400).rounded(.down))

    @Test func checkpointRoundTripsAndRejectsDamage() throws {
        let t = try TemporarySpool()
        var entries = (1...3).map { SpoolEntry(t.message("A-\($0)", start: start), state: .queued, since: start) }
        entries[1].state = .sent
        entries[2].expires = nil
        let batch = entries[0].id
        let locations = [MessageLocation(batch: batch, offset: 40, length: 300), .ownFile, MessageLocation(batch: batch, offset: 341, length: 299)]
        let bytes = SpoolCheckpoint.encode(batches: [batch], count: 3, entries: Array(zip(entries, locations)))
        let path = t.spool.paths.state + "/index"
        func decode(_ bytes: [UInt8]) throws -> (batches: [MessageID], entries: [SpoolEntry], locations: [MessageLocation])? {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var out: (batches: [MessageID], entries: [SpoolEntry], locations: [MessageLocation]) = ([], [], [])
            let ok = SpoolCheckpoint.decode(path: path, batches: { out.batches = $0 }, reserve: { _ in },
                                            each: { out.entries.append($0); out.locations.append($1) })
            return ok ? out : nil
        }
        let decoded = try #require(try decode(bytes))
        #expect(decoded.batches == [batch])
        #expect(decoded.entries == entries)
        #expect(decoded.locations == locations)
        #expect(try decode(Array(bytes.dropLast())) == nil, "a torn checkpoint is not used")
        var flipped = bytes
        flipped[20] ^= 0xFF
        flipped.removeLast(9)
        #expect(try decode(flipped) == nil)
        #expect(try decode(bytes + [0]) == nil, "bytes after the end record")
    }

    @Test func restartFromCheckpointOpensNoMessageFile() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...50).map { t.message("A-\($0)", start: start) }), input: nil)
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent)
        try t.spool.checkpoint()
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.fromCheckpoint == 50 && report.filesRead == 0)
        #expect(report.pendingCount == 49 && report.countsByState[.sent] == 1)
        #expect(fresh.plan(candidates: (1...50).map { t.message("A-\($0)", start: start) }).add.isEmpty)
    }

    @Test func filesChangedAfterTheCheckpointWin() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...5).map { t.message("A-\($0)", start: start) }), input: nil)
        try t.spool.transition(queued[1].id, to: .active)
        try t.spool.transition(queued[1].id, to: .sent)
        try t.spool.checkpoint()
        // After the checkpoint: one more sent (it leaves the batch), one sent file removed
        // behind the spool's back, and a new batch of two.
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent)
        try FileManager.default.removeItem(atPath: t.spool.paths.path(of: queued[1].id, in: .sent))
        try t.spool.commit(t.spool.plan(candidates: [t.message("B-1", start: start), t.message("B-2", start: start)]), input: nil)
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.fromCheckpoint == 3)  // still in the known batch
        #expect(report.filesRead == 3)  // the sent one and the new batch's two records
        #expect(report.pendingCount == 5)
        #expect(fresh.entry(queued[1].id) == nil)
        #expect(fresh.entry(queued[0].id)?.state == .sent)
        #expect(fresh.entry(forKey: MessageKey(source: "test", recordID: "B-2", rule: "24h")) != nil)
    }

    @Test func aGarbageCheckpointIsIgnored() throws {
        let t = try TemporarySpool()
        try t.spool.commit(t.spool.plan(candidates: (1...4).map { t.message("A-\($0)", start: start) }), input: nil)
        try Array("RMDIDX01garbage-garbage-RMDIDX01".utf8).withUnsafeBytes {
            try Data($0).write(to: URL(fileURLWithPath: t.spool.paths.state + "/index"))
        }
        let report = try Spool(paths: t.spool.paths).recover()
        #expect(report.fromCheckpoint == 0 && report.filesRead == 4 && report.pendingCount == 4)
    }

    @Test(arguments: [(Bool?.some(true), MessageState.sent), (.some(false), .queued), (nil, .uncertain)])
    func activeIsResolvedByTheProviderWitness(answer: Bool?, expected: MessageState) throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: [t.message("A-1", start: start)]), input: nil)
        try t.spool.transition(queued[0].id, to: .active)
        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover(interrupted: .hold, handedOver: { _ in answer })
        #expect(fresh.entry(queued[0].id)?.state == expected)
        #expect(t.names(expected) == ["\(queued[0].id)"])
        #expect(t.names(.active).isEmpty)
        #expect(report.confirmedSent.count == (expected == .sent ? 1 : 0))
        #expect(report.interrupted.count == (expected == .uncertain ? 1 : 0))
        #expect(try fresh.message(queued[0].id).events.last?.what == expected.rawValue)
    }

    @Test func pruneRemovesOnlyOldFinalMessagesAndInputs() throws {
        let t = try TemporarySpool()
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...4).map { t.message("A-\($0)", start: start) }), input: nil)
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent)
        try t.spool.transition(queued[1].id, to: .cancelled)
        try t.spool.transition(queued[2].id, to: .active)
        try t.spool.transition(queued[2].id, to: .uncertain)
        try t.dropInput("old.csv", "x")
        let claimed = try #require(try t.spool.claim(inboxName: "old.csv"))
        try t.spool.reject(claimed, reason: "test")
        // Nothing is old enough yet.
        #expect(try t.spool.prune(before: Date().addingTimeInterval(-60)) == PruneReport())
        let report = try t.spool.prune(before: Date().addingTimeInterval(60))
        #expect(report.messages == 2 && report.inputs == 2)
        #expect(t.names(.sent).isEmpty && t.names(.cancelled).isEmpty)
        #expect(t.names(.uncertain).count == 1 && t.messages(.queued).count == 1)
        #expect(t.spool.stateCounts[.sent] == 0 && t.spool.stateCounts[.queued] == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.rejected).isEmpty)
    }

    /// The re-export rule end to end, across a restart: the same file adds nothing; one
    /// appointment moved and one cancelled leave exactly the expected pending set.
    @Test func reExportAcrossARestartLeavesExactlyTheExpectedPendingSet() throws {
        let t = try TemporarySpool()
        let rows = (1...10).map { t.message("A-\($0)", start: start) }
        try t.spool.commit(t.spool.plan(candidates: rows), input: nil)
        try t.spool.checkpoint()
        let fresh = Spool(paths: t.spool.paths)
        _ = try fresh.recover()
        let same = fresh.plan(candidates: (1...10).map { t.message("A-\($0)", start: start) })
        #expect(same.add.isEmpty && same.cancel.isEmpty && same.unchanged == 10)
        var again = (1...10).map { t.message("A-\($0)", start: start) }
        again[3] = t.message("A-4", start: start.addingTimeInterval(7200))
        again.remove(at: 6)  // A-7 cancelled: the export lists it as a withdrawal
        let plan = fresh.plan(candidates: again, withdraw: [(MessageKey(source: "test", recordID: "A-7", rule: "24h"), "cancelled")])
        try fresh.commit(plan, input: nil)
        var pending: [MessageKey: SpoolEntry] = [:]
        fresh.forEachPending { pending[$0.key] = $0 }
        #expect(Set(pending.keys.map(\.recordID)) == Set((1...10).filter { $0 != 7 }.map { "A-\($0)" }))
        #expect(pending[MessageKey(source: "test", recordID: "A-4", rule: "24h")]?.appointmentStart == start.addingTimeInterval(7200))
        #expect(t.names(.cancelled).count == 2)
        let reasons = try t.names(.cancelled).map { try fresh.message(MessageID($0)!).events.last!.detail }.sorted()
        #expect(reasons == ["cancelled", "rescheduled"])
    }
}

@Suite struct SameOccasionTests {
    /// A re-export computes "due" again (clamped to now once the lead time has passed):
    /// only the appointment's start tells a moved appointment from a re-export.
    @Test func aLaterDueForTheSameAppointmentIsNotAReschedule() throws {
        let t = try TemporarySpool()
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3600).rounded(.down))
        var first = t.message("A-1", start: start)
        first.due = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let queued = try t.spool.commit(t.spool.plan(candidates: [first]), input: nil)
        var again = t.message("A-1", start: start)
        again.due = first.due.addingTimeInterval(90)
        let pending = t.spool.plan(candidates: [again])
        #expect(pending.add.isEmpty && pending.cancel.isEmpty && pending.unchanged == 1)
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent)
        let sent = t.spool.plan(candidates: [again])
        #expect(sent.add.isEmpty && sent.alreadyHandled == 1, "a re-export must never send a sent reminder again")
    }
}
