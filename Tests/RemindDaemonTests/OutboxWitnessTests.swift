import Foundation
@testable import RemindDaemon
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import RemindTesting
import Testing

/// The outbox is its own witness after a crash: a message's file is staged in `.tmp/`
/// before it moves to `active/`, so a message left in `active/` whose temporary file is
/// still in `.tmp/` was not handed over (queued again, the temporary copy removed), and
/// one without it was (sent), whether smsd has taken the file already or not. The outbox
/// never leaves a message uncertain (#15 item 12). Also when a debug switch wraps it.
@Suite struct OutboxWitnessTests {
    @Test func witnessAnswersFromTheFinalAndTheTemporaryFile() throws {
        let dir = NSTemporaryDirectory() + "remindd-outbox-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outbox = OutboxProvider(directory: dir)
        try outbox.prepare()
        let (a, b, c) = (MessageID(rawValue: 0xA), MessageID(rawValue: 0xB), MessageID(rawValue: 0xC))
        FileManager.default.createFile(atPath: dir + "/remindd-\(a)", contents: Data("To: 61412345678\n\nHi".utf8))
        FileManager.default.createFile(atPath: dir + "/.tmp/remindd-\(b)", contents: Data("To: 61412345678\n\nHi".utf8))
        #expect(outbox.handOverWitness(a) == true)
        #expect(outbox.handOverWitness(b) == false)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.tmp/remindd-\(b)"), "the temporary copy holds a number and a text")
        #expect(outbox.handOverWitness(c) == true, "staged before active/: without its temporary file it was renamed, and taken")
        let wrapped: any Provider = DebugSwitches.DelayedProvider(base: outbox, delay: .zero)
        #expect(wrapped.handOverWitness(a) == true, "the witness survives the debug wrapper")
        FileManager.default.createFile(atPath: dir + "/.tmp/remindd-\(c)", contents: Data())
        #expect(outbox.removeLeftovers() == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.tmp").isEmpty)
    }

    /// Three messages left in `active/` by a crash, each staged in `.tmp/` before: one the
    /// outbox still has, one whose rename never happened, one smsd has already taken. After
    /// the restart they are sent, queued (and go out) and sent: none uncertain, nothing
    /// handed over twice.
    @Test func aRestartSettlesEveryMessageTheOutboxWasGivenAndRequeuesWhatItNeverGot() async throws {
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(clock: clock)
        let dir = f.root + "/outbox"
        let outbox = OutboxProvider(directory: dir)
        try outbox.prepare()
        let engine = try f.makeEngine(provider: DebugSwitches.DelayedProvider(base: outbox, delay: .zero), clock: clock)
        try await engine.recover()
        let start = clock.now.addingTimeInterval(86400 - 3600)
        try f.drop("a.csv", rows: (1...3).map { ("W-\($0)", "0412 000 00\($0)", start, "Scheduled") })
        await engine.ingest(inboxName: "a.csv")
        var begun: [HandOver] = []
        for _ in 0..<3 {
            let action = await engine.nextAction()
            guard case .release(let id) = action else {
                Issue.record("nothing released: \(action)")
                return
            }
            guard let h = await engine.beginRelease(id) else {
                Issue.record("not begun")
                return
            }
            begun.append(h)
        }
        #expect(f.files(in: .active).count == 3)
        let ids = begun.map { "\($0.message.id)" }
        // Staged, whole, before the move to active/ (the witness the restart reads).
        for (h, id) in zip(begun, ids) {
            #expect(FileManager.default.contents(atPath: dir + "/.tmp/remindd-" + id) == Data(OutboxProvider.render(h.message)))
        }
        // The crash: the first was renamed into the outbox, the second not, the third was
        // renamed and smsd has taken it since.
        try FileManager.default.moveItem(atPath: dir + "/.tmp/remindd-" + ids[0], toPath: dir + "/remindd-" + ids[0])
        try FileManager.default.moveItem(atPath: dir + "/.tmp/remindd-" + ids[2], toPath: dir + "/remindd-" + ids[2])
        try FileManager.default.removeItem(atPath: dir + "/remindd-" + ids[2])

        let restarted = try f.makeEngine(provider: DebugSwitches.DelayedProvider(base: outbox, delay: .zero), clock: clock)
        try await restarted.recover()
        #expect(f.files(in: .sent) == [ids[0], ids[2]].sorted())
        #expect(f.files(in: .uncertain).isEmpty)
        #expect(f.files(in: .queued) == [ids[1]])
        #expect(outbox.removeLeftovers() == 0, "the witness removed the temporary copy")
        await f.drain(restarted)
        #expect(f.files(in: .sent) == ids.sorted())
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("remindd-") }
        #expect(files.sorted() == ["remindd-" + ids[0], "remindd-" + ids[1]].sorted(), "each handed over once")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.tmp").isEmpty)
    }
}
