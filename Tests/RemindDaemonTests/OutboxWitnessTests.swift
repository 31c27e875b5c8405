import Foundation
@testable import RemindDaemon
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import RemindTesting
import Testing

/// The outbox is its own witness after a crash: a message left in `active/` whose final
/// outbox file exists was handed over (sent); one whose temporary file is still in
/// `.tmp/` was not (queued again, the temporary copy removed); with neither, the
/// `spool.interrupted` rule decides. Also when a debug switch wraps the provider.
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
        #expect(outbox.handOverWitness(c) == nil)
        let wrapped: any Provider = DebugSwitches.DelayedProvider(base: outbox, delay: .zero)
        #expect(wrapped.handOverWitness(a) == true, "the witness survives the debug wrapper")
        FileManager.default.createFile(atPath: dir + "/.tmp/remindd-\(c)", contents: Data())
        #expect(outbox.removeLeftovers() == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.tmp").isEmpty)
    }

    /// Three messages left in `active/` by a crash: one the outbox has, one whose write was
    /// cut before its rename, one never begun. After the restart they are sent, queued (and
    /// go out), and uncertain (the default `hold` rule), and nothing is handed over twice.
    @Test func aRestartSettlesWhatTheOutboxCanTellAndRequeuesWhatItNeverGot() async throws {
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
        // The crash: the first was renamed into the outbox, the second's write was cut, the third never begun.
        let rendered = begun.map { OutboxProvider.render($0.message) }
        FileManager.default.createFile(atPath: dir + "/remindd-\(begun[0].message.id)", contents: Data(rendered[0]))
        FileManager.default.createFile(atPath: dir + "/.tmp/remindd-\(begun[1].message.id)", contents: Data(rendered[1].prefix(10)))

        let restarted = try f.makeEngine(provider: DebugSwitches.DelayedProvider(base: outbox, delay: .zero), clock: clock)
        try await restarted.recover()
        #expect(f.files(in: .sent) == ["\(begun[0].message.id)"])
        #expect(f.files(in: .uncertain) == ["\(begun[2].message.id)"])
        #expect(f.files(in: .queued) == ["\(begun[1].message.id)"])
        #expect(outbox.removeLeftovers() == 0, "the witness removed the temporary copy")
        await f.drain(restarted)
        #expect(f.files(in: .sent).sorted() == ["\(begun[0].message.id)", "\(begun[1].message.id)"].sorted())
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("remindd-") }
        #expect(files.count == 2, "each handed over once")
        let second = try String(contentsOfFile: dir + "/remindd-\(begun[1].message.id)", encoding: .utf8)
        #expect(second.utf8.count == rendered[1].count, "the cut write was redone whole")
    }
}
