import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindConfig
import RemindControl
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import RemindTesting
import SystemdKit
import Testing

/// remindctl's queue commands through the real Engine (``EngineFixture``: a real spool in
/// a temporary directory, a recording provider, the log in memory).
@Suite struct OperatorEngineTests {
    /// An appointment 23 hours away: with the one-day lead it is due now.
    let soon = Date().addingTimeInterval(86400 - 3600)
    /// An appointment five days away: its reminder is due in four.
    let later = Date().addingTimeInterval(5 * 86400)

    static func ask(_ f: EngineFixture, _ action: OperatorAction, _ ids: [MessageID], _ extra: [String: String] = [:]) async -> OperatorReport {
        var arguments = extra
        arguments["ids"] = ControlRequest.idsArgument(ids.map { "\($0)" })
        let command = ControlRequest.Command(rawValue: action.rawValue)!
        return await f.engine.operate(action, ControlRequest(command, arguments: arguments)).changes!
    }

    static func queue(_ f: EngineFixture, _ query: QueueQuery = QueueQuery()) async throws -> QueueReport {
        try #require(await f.engine.queueReport(query.arguments).queue)
    }

    /// The spool as a restart finds it.
    static func reread(_ f: EngineFixture) throws -> Spool {
        let spool = Spool(paths: SpoolPaths(root: f.root + "/spool"))
        _ = try spool.recover()
        return spool
    }

    /// No log line carries a full number or the operator's own words.
    static func expectNothingPrivateLogged(_ f: EngineFixture, words: [String] = []) {
        for e in f.logs.entries {
            let text = "\(e.message) \(e.metadata)"
            for needle in ["412345678", "423456789", "434567890", "411111111"] + words {
                #expect(!text.contains(needle), "private data in the log: \(text)")
            }
        }
    }

    @Test func holdCancelRetryAndReleaseChangeTheSpoolTheScheduleAndTheJournal() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [
            ("A-1", "0412 345 678", later, "Scheduled"), ("A-2", "0423 456 789", later.addingTimeInterval(60), "Scheduled"),
            ("A-3", "0434 567 890", later.addingTimeInterval(120), "Scheduled"), ("A-4", "0411 111 111", later.addingTimeInterval(180), "Scheduled"),
        ])
        await f.engine.ingest(inboxName: "a.csv")
        let listed = try await Self.queue(f)
        #expect(listed.total == 4)
        #expect(listed.items.map(\.appointmentID) == ["A-1", "A-2", "A-3", "A-4"], "oldest due first")
        #expect(listed.items.map(\.recipient) == ["+614******78", "+614******89", "+614******90", "+614******11"])
        #expect(listed.items.allSatisfy { $0.state == .queued && $0.reason == nil && $0.source == "practice" })
        let (a, b, c, d) = (listed.items[0].id, listed.items[1].id, listed.items[2].id, listed.items[3].id)

        // hold A: held on disk, out of the schedule; a second hold changes nothing.
        let held = await Self.ask(f, .hold, [a])
        #expect(held.changes == [.init(id: "\(a)", ok: true, changed: true, from: .queued, to: .held)])
        #expect(f.files("held") == ["\(a)"])
        #expect(await !f.engine.scheduler.contains(a))
        #expect(await Self.ask(f, .hold, [a]).changes.first == .init(id: "\(a)", ok: true, changed: false, from: .held, to: .held))

        // cancel B with the operator's words: kept in the history, never logged.
        let cancelled = await Self.ask(f, .cancel, [b], ["reason": "patient rang the desk"])
        #expect(cancelled.changes.first?.to == .cancelled)
        #expect(await !f.engine.scheduler.contains(b))

        // retry C (queued for days): due now, and it goes at once.
        let retried = await Self.ask(f, .retry, [c])
        #expect(retried.changes.first?.changed == true)
        let due = try #require(retried.changes.first?.due)
        #expect(abs(due.timeIntervalSinceNow) < 60)
        await f.drain()
        #expect(f.provider.sent.map(\.recipient) == ["+61434567890"])

        // hold and retry D: queued and sent now too.
        _ = await Self.ask(f, .hold, [d])
        #expect(await Self.ask(f, .retry, [d]).changes.first == .init(id: "\(d)", ok: true, changed: true, from: .held, to: .queued, due: await f.engine.scheduler.entry(d)?.due))
        await f.drain()
        #expect(f.provider.sent.map(\.recipient) == ["+61434567890", "+61411111111"])

        // release A: back in the schedule at its own (later) due time; nothing goes now.
        let released = await Self.ask(f, .release, [a])
        let spool = try Self.reread(f)
        let aDue = try #require(spool.entry(a)?.due)
        #expect(released.changes.first?.due == aDue)
        #expect(try await f.engine.scheduledEntries().first { $0.id == a }?.due == aDue)
        await f.drain()
        #expect(f.provider.sent.count == 2)

        // What a restart finds, with each step in the history.
        #expect(spool.entry(a)?.state == .queued && spool.entry(b)?.state == .cancelled)
        #expect(spool.entry(c)?.state == .sent && spool.entry(d)?.state == .sent)
        #expect(try spool.message(a).events.map(\.detail) == ["", "reason=operator", "reason=operator release"])
        #expect(try spool.message(b).events.last?.detail == "reason=operator: patient rang the desk")
        #expect(try spool.message(d).events.map(\.what) == ["queued", "held", "queued", "active", "sent"])

        // One journal entry per change, masked number, reason "operator…".
        let heldLog = f.logged(.messageHeld)
        #expect(heldLog.count == 2)
        #expect(heldLog.first?.metadata[LogKey.spoolID] == "\(a)")
        #expect(heldLog.first?.metadata[LogKey.recipient] == "+614******78")
        #expect(heldLog.first?.metadata[LogKey.reason] == "operator")
        #expect(heldLog.first?.level == .notice)
        let cancelLog = try #require(f.logged(.messageCancelled).first)
        #expect(cancelLog.metadata[LogKey.reason] == "operator" && cancelLog.metadata[LogKey.recipient] == "+614******89")
        let requeued = f.logged(.messageRequeued)
        #expect(requeued.map { $0.metadata[LogKey.spoolID]?.description } == ["\(c)", "\(d)", "\(a)"])
        #expect(requeued.map { $0.metadata[LogKey.reason]?.description } == ["operator retry", "operator retry", "operator release"])
        #expect(requeued.map { $0.metadata["previous_state"]?.description } == ["queued", "held", "held"])
        Self.expectNothingPrivateLogged(f, words: ["patient rang"])
    }

    @Test func whatDoesNotApplyIsRefusedPerIDAndTheRestIsDone() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled"), ("A-2", "0423 456 789", later, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        let sent = try #require(try Self.reread(f).allEntries.first { $0.state == .sent }?.id)
        let queued = try #require(try Self.reread(f).allEntries.first { $0.state == .queued }?.id)
        let unknown = MessageID(rawValue: 42)

        let report = await f.engine.operate(.hold, ControlRequest(.hold, arguments: ["ids": "\(sent) zz \(unknown) \(queued)"])).changes!
        #expect(report.changes.map(\.id) == ["\(sent)", "zz", "\(unknown)", "\(queued)"])
        #expect(report.changes.map(\.ok) == [false, false, false, true])
        #expect(report.changes.map(\.errorCode) == [.wrongState, .badID, .badID, nil])
        #expect(report.changes[0].error == "is sent: nothing to hold")
        #expect(f.files("held") == ["\(queued)"])
        #expect(await Self.ask(f, .release, [sent]).changes.first?.errorCode == .wrongState)
        #expect(await Self.ask(f, .cancel, [sent]).changes.first?.errorCode == .wrongState)
        #expect(f.files("sent") == ["\(sent)"])
        #expect(f.logged(.messageHeld).count == 1)
        // An empty request and a bad query are refused whole.
        #expect(await f.engine.operate(.hold, ControlRequest(.hold)).errorCode == .badArgument)
        #expect(await f.engine.queueReport(["states": "nonsense"]).errorCode == .badArgument)
    }

    @Test func aDeferredMessageIsListedAtItsNextAttemptAndRetriedNow() async throws {
        let f = try await EngineFixture()
        f.provider.failNext(DeliveryError(.temporary, "gateway down"))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        let item = try #require(try await Self.queue(f, QueueQuery(states: [.deferred])).items.first)
        #expect(item.reason == "gateway down")
        #expect(item.due > Date(), "listed at its retry time, not its first due time")
        #expect(await f.engine.scheduler.entry(item.id)?.due == item.due)

        let retried = await Self.ask(f, .retry, [item.id])
        #expect(retried.changes.first == .init(id: "\(item.id)", ok: true, changed: true, from: .deferred, to: .queued, due: retried.changes.first?.due))
        await f.drain()
        #expect(f.provider.sent.map(\.recipient) == ["+61412345678"])
        #expect(f.files("sent") == ["\(item.id)"])
    }

    @Test func anUncertainMessageIsSentAgainOnlyWithForce() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        // remindd "dies" after moving it to active/: the next start finds it uncertain.
        guard case .release(let id) = await f.engine.nextAction() else { Issue.record("nothing to release"); return }
        _ = try await f.engine.withSpool { try $0.transition(id, to: .active) }
        let provider = RecordingProvider()
        let restarted = try f.makeEngine(provider: provider)
        try await restarted.recover()
        #expect(f.files("uncertain") == ["\(id)"])

        let refused = await restarted.operate(.retry, ControlRequest(.retry, arguments: ["ids": "\(id)"])).changes!.changes[0]
        #expect(refused.errorCode == .wrongState && refused.error?.contains("--force") == true)
        #expect(await restarted.operate(.hold, ControlRequest(.hold, arguments: ["ids": "\(id)"])).changes!.changes[0].ok == false)
        let listed = try #require(await restarted.queueReport(QueueQuery(states: [.uncertain]).arguments).queue)
        #expect(listed.items.map(\.id) == [id] && listed.items.first?.reason == "interrupted while active")

        let forced = await restarted.operate(.retry, ControlRequest(.retry, arguments: ["ids": "\(id)", "force": "true"])).changes!.changes[0]
        #expect(forced.ok && forced.from == .uncertain && forced.to == .queued)
        while case .release(let next) = await restarted.nextAction() { await restarted.release(next) }
        #expect(provider.sent.map(\.id) == [id])
        let spool = try Self.reread(f)
        #expect(try spool.message(id).events.contains { $0.detail == "reason=operator retry (forced: it was uncertain)" })
    }

    @Test func aMessageChosenForReleaseIsBusyAndOneMovedAfterTheChoiceIsNotSent() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled"), ("A-2", "0423 456 789", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")

        // The release loop has chosen it: a hold now would race the hand-over, so it is refused.
        guard case .release(let first) = await f.engine.nextAction() else { Issue.record("nothing to release"); return }
        let busy = await Self.ask(f, .hold, [first]).changes[0]
        #expect(busy.errorCode == .busy && busy.from == .queued)
        await f.engine.release(first)
        #expect(f.provider.sent.map(\.id) == [first])

        // Moved after the choice (by anything): the release skips it and the slot is given back.
        guard case .release(let second) = await f.engine.nextAction() else { Issue.record("nothing to release"); return }
        _ = try await f.engine.withSpool { try $0.transition(second, to: .held, detail: "reason=operator") }
        await f.engine.release(second)
        #expect(f.provider.sent.map(\.id) == [first])
        #expect(f.files("held") == ["\(second)"])
        #expect(f.logged(.spoolError).isEmpty)
    }

    @Test func statsCountWhatEndedTodayByKind() async throws {
        let f = try await EngineFixture()
        f.provider.failNext(DeliveryError(.permanent, "invalid destination"))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled"), ("A-2", "0423 456 789", soon, "Scheduled"),
                                   ("A-3", "0434 567 890", later, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        let queued = try #require(try await Self.queue(f).items.first?.id)
        _ = await Self.ask(f, .cancel, [queued])
        let stats = try #require(await f.engine.statsReport(["days": "1"]).stats)
        #expect(stats.rows.count == 1)
        let row = try #require(stats.rows.first)
        #expect(row.kind == .appointment && row.sent == 1 && row.failed == 1 && row.cancelled == 1 && row.expired == 0)
        #expect(row.segments == 1)
        #expect(await f.engine.statsReport(["days": "0"]).errorCode == .badArgument)
    }

    @Test func showGivesTheHistoryAndTheTextAndNumberOnlyWhenAsked() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", later, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        let id = try #require(try await Self.queue(f).items.first?.id)
        _ = await Self.ask(f, .hold, [id])

        let plain = try #require(await f.engine.messageReport(ControlRequest(.show, arguments: ["ids": "\(id)"])).message)
        #expect(plain.recipient == "+614******78" && plain.text == nil)
        #expect(plain.state == .held && plain.reason == "operator")
        #expect(plain.events.map(\.what) == ["queued", "held"])
        #expect(plain.key.recordID == "A-1" && plain.sourceFile == "a.csv" && plain.sourceLine == 2)
        #expect(plain.timeZone == "Australia/Sydney")
        let full = try #require(await f.engine.messageReport(ControlRequest(.show, arguments: ["ids": "\(id)", "text": "true", "full": "true"])).message)
        #expect(full.recipient == "+61412345678")
        #expect(full.text?.hasPrefix("Hi Ann") == true)

        #expect(await f.engine.messageReport(ControlRequest(.show, arguments: ["ids": "0000000000000001"])).errorCode == .badID)
        #expect(await f.engine.messageReport(ControlRequest(.show, arguments: ["ids": "nope"])).errorCode == .badID)
        Self.expectNothingPrivateLogged(f)
    }
}
