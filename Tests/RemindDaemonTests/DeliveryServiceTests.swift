import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import RemindDelivery
import RemindRecipients
import RemindSpool
import RemindTesting
import ServiceLifecycle
import Testing

/// The delivery service on a real engine and spool, with a fake gateway that holds its
/// answers until the test gives them and emits receipts, replies and link states, and a
/// manual clock: nothing here sleeps to let time pass.
@Suite struct DeliveryServiceTests {
    /// Runs the delivery service of `engine` while `body` runs, then stops it gracefully
    /// (as SIGTERM does) and waits for it to return. A `provider` that is a service (the
    /// SMPP link) runs before it, as in the daemon, so it stops after it.
    static func withDeliveryService<T>(_ engine: Engine, provider: (any Service)? = nil,
                                       _ body: () async throws -> T) async throws -> T {
        var services: [any Service] = provider.map { [$0] } ?? []
        services.append(DeliveryService(engine: engine))
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, logger: Logger(label: "test")))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let result = try await body()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// The message ids in a state (batch members included), read from the spool's files.
    static func ids(_ root: String, _ state: MessageState) -> [String] {
        (SpoolInventory.messages(in: SpoolPaths(root: root + "/spool"))[state] ?? []).map { "\($0)" }.sorted()
    }

    /// A manual clock a minute ahead of the wall clock. Ingest still reads the wall clock
    /// (it adopts the injected one separately) and never makes a message due before its
    /// own "now": ahead, what it makes due now is due on this clock too, however slow the run.
    static func manualClock() -> ManualClock { ManualClock(Date().addingTimeInterval(60)) }

    /// An appointment 23 hours after `now`: with the one-day lead it is due now.
    static func soon(_ clock: ManualClock) -> Date { clock.now.addingTimeInterval(86400 - 3600) }

    @Test func handOversGoInFlightUpToTheWindowAndAnswersAreRecordedAsTheyCome() async throws {
        let clock = Self.manualClock()
        let gateway = FakeGateway(concurrency: 3)
        let f = try await EngineFixture(gateway: gateway, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: (1...5).map { ("A-\($0)", "0412 000 00\($0)", Self.soon(clock), "Scheduled") })
        await f.engine.ingest(inboxName: "a.csv")
        try await Self.withDeliveryService(f.engine) {
            try await gateway.waitForInFlight(3)
            // The window is full: the loop waits for an answer and nothing more goes, however
            // long it waits (a moment of real time, for a fourth to have the chance to go wrongly).
            try await Task.sleep(for: .milliseconds(200))
            #expect(gateway.inFlight.count == 3)
            #expect(Self.ids(root, .active).count == 3)
            #expect(Self.ids(root, .queued).count == 2)
            let held = gateway.inFlight
            // Answered out of order: the third first, recorded while the first two are still out.
            gateway.accept(held[2])
            try await gateway.waitUntil("the third recorded sent") { Self.ids(root, .sent) == ["\(held[2])"] }
            #expect(Set(Self.ids(root, .active)).isSuperset(of: ["\(held[0])", "\(held[1])"]))
            // Its slot went to the fourth.
            try await gateway.waitForInFlight(3)
            #expect(gateway.received.count == 4)
            gateway.fail(held[1], DeliveryError(.permanent, "invalid destination"))
            try await gateway.waitUntil("the second recorded failed") { Self.ids(root, .failed) == ["\(held[1])"] }
            #expect(Self.ids(root, .active).contains("\(held[0])"), "the first is still out")
            gateway.accept(held[0])
            try await gateway.waitUntil("all five handed over") { gateway.received.count == 5 }
            for id in gateway.inFlight { gateway.accept(id) }
            try await gateway.waitUntil("four sent") { Self.ids(root, .sent).count == 4 }
        }
        #expect(gateway.mostInFlight == 3)
        #expect(Self.ids(root, .active).isEmpty)
        #expect(f.logged(.messageSent).count == 4)
        #expect(f.logged(.messageFailed).count == 1)
        #expect(await f.engine.statusLine().hasPrefix("queued 0, next -, sent today 4, failed today 1"))
    }

    @Test func receiptsForMessagesSentBeforeARestartMoveThemAfterIt() async throws {
        let clock = Self.manualClock()
        let first = FakeGateway(concurrency: 2, mode: .acceptAfter(.milliseconds(1)))
        let f = try await EngineFixture(gateway: first, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: (1...3).map { ("A-\($0)", "0412 000 00\($0)", Self.soon(clock), "Scheduled") })
        await f.engine.ingest(inboxName: "a.csv")
        try await Self.withDeliveryService(f.engine) {
            try await first.waitUntil("three sent") { Self.ids(root, .sent).count == 3 }
        }
        let ids = first.accepted.map(\.id)
        #expect(ids.count == 3)

        // A new engine and gateway on the same spool, as after `systemctl restart remindd`.
        clock.advance(by: 3 * 86400)  // receipts come days later
        let second = FakeGateway()
        let engine = try f.makeEngine(provider: second, clock: clock)
        try await engine.recover()
        try await Self.withDeliveryService(engine) {
            second.emit(.receipt(.init(reference: FakeGateway.reference(of: ids[0]), outcome: .delivered, code: "DELIVRD", time: clock.now)))
            second.emit(.receipt(.init(reference: FakeGateway.reference(of: ids[1]), outcome: .undeliverable, code: "0x0B", time: clock.now)))
            second.emit(.receipt(.init(reference: "no-such-reference", outcome: .delivered, time: clock.now)))
            second.emit(.receipt(.init(reference: "another-unknown", outcome: .delivered, time: clock.now)))
            second.emit(.receipt(.init(reference: FakeGateway.reference(of: ids[0]), outcome: .delivered, time: clock.now)))  // again
            try await second.waitForHandled(5)
        }
        #expect(Self.ids(root, .delivered) == ["\(ids[0])"])
        #expect(Self.ids(root, .failed) == ["\(ids[1])"])
        #expect(Self.ids(root, .sent) == ["\(ids[2])"])
        #expect(second.handledEvents.allSatisfy { $0.1 }, "every receipt counts as handled (stored or rightly ignored)")
        let delivered = try String(contentsOfFile: root + "/spool/delivered/\(ids[0])", encoding: .utf8)
        #expect(delivered.contains(" delivered receipt=delivered code=DELIVRD\n"))
        let failed = try String(contentsOfFile: root + "/spool/failed/\(ids[1])", encoding: .utf8)
        #expect(failed.contains(" undeliverable receipt=undeliverable code=0x0B\n"))
        #expect(f.logged(.messageDelivered).count == 1)
        #expect(f.logged(.messageUndeliverable).first?.metadata["gateway_code"] == "0x0B")
        #expect(f.logged(.receiptUnknown).count == 1, "an unknown reference is logged once, not per receipt")
        #expect(await engine.statusLine().contains("failed today 1"))
    }

    @Test func aStopReplyOptsTheNumberOutAndEveryReplyLandsInReplies() async throws {
        let clock = Self.manualClock()
        let gateway = FakeGateway(concurrency: 2, mode: .acceptAfter(.milliseconds(1)))
        let f = try await EngineFixture(gateway: gateway, clock: clock)
        let root = f.root
        let later = clock.now.addingTimeInterval(5 * 86400)
        try f.drop("a.csv", rows: [
            ("A-1", "0412 345 678", Self.soon(clock), "Scheduled"), ("A-2", "0412 345 678", later, "Scheduled"),
            ("B-1", "0423 456 789", Self.soon(clock), "Scheduled"),
        ])
        await f.engine.ingest(inboxName: "a.csv")
        try await Self.withDeliveryService(f.engine) {
            try await gateway.waitUntil("two sent") { Self.ids(root, .sent).count == 2 }
            gateway.emit(.inbound(.init(sender: "0412 345 678", text: "Stop please", time: clock.now)))
            gateway.emit(.inbound(.init(sender: "+61423456789", text: "Running 5 min late, sorry", time: clock.now.addingTimeInterval(1))))
            try await gateway.waitForHandled(2)
        }
        let answered = try #require(gateway.accepted.first { $0.recipient == "+61412345678" }).id
        let other = try #require(gateway.accepted.first { $0.recipient == "+61423456789" }).id
        #expect(f.engine.optOuts.contains("+61412345678"))
        #expect(!f.engine.optOuts.contains("+61423456789"))
        #expect(Self.ids(root, .cancelled).count == 1, "the opted-out number's pending reminder is withdrawn")
        #expect(Self.ids(root, .queued).isEmpty)
        let replies = try ReplyLog.read(directory: root + "/spool/replies")
        #expect(replies.count == 2)
        #expect(replies.first == ReplyRecord(
            received: replies[0].received, from: "+61412345678", fromMasked: "+614******78", text: "Stop please", optOut: true,
            inReplyTo: answered, source: "practice", appointmentID: "A-1", kind: "appointment"))
        #expect(replies.last?.optOut == false)
        #expect(replies.last?.inReplyTo == "\(other)")
        #expect(replies.last?.appointmentID == "B-1")
        #expect(replies.last?.text == "Running 5 min late, sorry")
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/spool/replies")
        #expect(files.count == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: root + "/spool/replies/" + files[0])[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let directoryMode = try FileManager.default.attributesOfItem(atPath: root + "/spool/replies")[.posixPermissions] as? Int
        #expect(directoryMode == 0o700)
        #expect(f.logged(.replyReceived).count == 2)
        for entry in f.logs.entries {
            let all = "\(entry.message) \(entry.metadata)"
            #expect(!all.contains("412345678") && !all.contains("Stop please"), "no full number or reply text in the journal")
        }
        #expect(gateway.handledEvents.allSatisfy { $0.1 })
    }

    @Test func theManualClockDrivesARetryAtItsBackoffTime() async throws {
        let clock = Self.manualClock()
        let f = try await EngineFixture(clock: clock)
        let root = f.root
        f.provider.failNext(DeliveryError(.temporary, "gateway down"))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", Self.soon(clock), "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        let failedAt = clock.now
        try await Self.withDeliveryService(f.engine) {
            try await waitUntil("deferred") { Self.ids(root, .deferred).count == 1 }
            // First retry one minute later: not a moment before.
            clock.advance(by: 59)
            await clock.waitUntilSleeping()
            #expect(f.provider.sent.isEmpty)
            #expect(Self.ids(root, .deferred).count == 1)
            var deadline = await clock.waitUntilSleeping()
            #expect(deadline <= failedAt.addingTimeInterval(60), "the loop sleeps no longer than the retry")
            while f.provider.sent.isEmpty && clock.now < failedAt.addingTimeInterval(120) {
                clock.advance(by: max(0, deadline.timeIntervalSince(clock.now)))
                deadline = await clock.waitUntilSleeping()
            }
            #expect(f.provider.sent.count == 1)
            try await waitUntil("sent") { Self.ids(root, .sent).count == 1 }
        }
        let id = try #require(Self.ids(root, .sent).first)
        let text = try String(contentsOfFile: root + "/spool/sent/" + id, encoding: .utf8)
        let retry = Timestamp.format(failedAt.addingTimeInterval(60))
        #expect(text.contains(" deferred retry=\(retry) reason=gateway down\n"))
        #expect(f.logged(.messageDeferred).first?.metadata[LogKey.due] == "\(retry)")
    }

    @Test func theManualClockDrivesExpiryWhileAMessageWaitsForItsSlot() async throws {
        let clock = Self.manualClock()
        let f = try await EngineFixture(stagger: "1h", clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", Self.soon(clock), "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        try await Self.withDeliveryService(f.engine) {
            try await waitUntil("the first sent") { Self.ids(root, .sent).count == 1 }
            // The next slot is an hour away; this appointment starts in 30 minutes.
            try f.drop("b.csv", rows: [("B-1", "0423 456 789", clock.now.addingTimeInterval(1800), "Scheduled")])
            await f.engine.ingest(inboxName: "b.csv")
            await clock.waitUntilSleeping()
            clock.advance(by: 29 * 60)
            await clock.waitUntilSleeping()
            #expect(Self.ids(root, .queued).count == 1, "not expired before the appointment starts")
            clock.advance(by: 61)
            try await waitUntil("expired") { Self.ids(root, .expired).count == 1 }
        }
        #expect(f.provider.sent.count == 1, "the late one never went")
        #expect(f.logged(.messageExpired).count == 1)
    }

    @Test func linkStateShowsInStatusUntilTheLinkIsUp() async throws {
        let clock = Self.manualClock()
        let gateway = FakeGateway()
        let f = try await EngineFixture(gateway: gateway, clock: clock)
        try await Self.withDeliveryService(f.engine) {
            gateway.emit(.link(.down(reason: "connection refused")))
            try await gateway.waitForHandled(1)
            #expect(await f.engine.statusLine().hasSuffix("; link down: connection refused"))
            #expect(await f.engine.statusReport().link == "down: connection refused")
            gateway.emit(.link(.up))
            try await gateway.waitForHandled(2)
            #expect(!(await f.engine.statusLine().contains("link")))
            #expect(await f.engine.statusReport().link == "up")
        }
        #expect(f.logged(.linkChanged).map { $0.metadata[LogKey.state] } == ["down", "up"])
    }

    @Test func aStopWaitsForHandOversInFlightThenLeavesTheUnansweredToTheUncertainRule() async throws {
        let clock = Self.manualClock()
        let gateway = FakeGateway(concurrency: 2)
        let f = try await EngineFixture(gateway: gateway, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: (1...2).map { ("A-\($0)", "0412 000 00\($0)", Self.soon(clock), "Scheduled") })
        await f.engine.ingest(inboxName: "a.csv")
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: DeliveryService(engine: f.engine, stopGrace: .milliseconds(500)))], logger: Logger(label: "test")))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await gateway.waitForInFlight(2)
            let held = gateway.inFlight
            await group.triggerGracefulShutdown()
            gateway.accept(held[0])  // answered within the grace: recorded
            try await tasks.waitForAll()
        }
        #expect(ContinuousClock.now - started < .seconds(60), "bounded by the grace, not by the silent gateway")
        #expect(Self.ids(root, .sent).count == 1)
        // The other was cancelled at the deadline; the fake answers that as a real provider
        // that cannot tell would: uncertain, for an operator.
        #expect(Self.ids(root, .uncertain).count == 1)
        #expect(Self.ids(root, .active).isEmpty)
        #expect(f.logs.entries.contains { "\($0.message)".hasPrefix("hand-overs still in flight at the stop deadline") })
    }
}

/// Polls `condition` every 5 ms for up to 60 s (a bound against a hang, not a timing).
func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let end = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < end else { throw FakeGatewayTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// `spool.example/replies/` and `state/references` must be what remindd reads and writes.
@Suite struct SpoolExampleGatewayFilesTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../spool.example").standardizedFileURL.path

    @Test func theExampleRepliesDecodeAndAnswerTheExampleMessage() throws {
        let replies = try ReplyLog.read(directory: Self.example + "/replies")
        #expect(replies.count == 2)
        #expect(replies.first?.inReplyTo == "032A9C4E1F100002")
        #expect(replies.first?.fromMasked == PhoneMask.mask(replies.first?.from ?? ""))
        #expect(replies.last?.optOut == true)
        let sydney = try #require(TimeZone(identifier: "Australia/Sydney"))
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.example + "/replies")
        #expect(names == [ReplyLog.fileName(for: try #require(replies.first).received, timeZone: sydney)])
        let gus = try String(contentsOfFile: Self.example + "/delivered/032A9C4E1F100002", encoding: .utf8)
        #expect(gus.contains("Recipient: \(try #require(replies.first).from)\n"))
    }

    @Test func theExampleReferenceLogFindsTheDeliveredMessage() throws {
        let index = ReferenceIndex(path: Self.example + "/state/references")
        try index.load()
        #expect(index.count == 1)
        #expect(index.message(forReference: "8f3a12") == MessageID("032A9C4E1F100002"))
        #expect(index.latestMessage(to: "+61478901234") == MessageID("032A9C4E1F100002"))
    }
}

extension DeliveryServiceTests {
    /// A gateway's receipt may overtake the recording of its hand-over's answer: it is kept
    /// and applied once the message is recorded sent (and the gateway is told it was not
    /// stored yet, so it may send it again).
    @Test func aReceiptThatOvertakesItsHandOversAnswerIsAppliedOnceTheAnswerIsRecorded() async throws {
        let clock = Self.manualClock()
        let gateway = FakeGateway()
        let f = try await EngineFixture(gateway: gateway, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", Self.soon(clock), "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        try await Self.withDeliveryService(f.engine) {
            try await gateway.waitForInFlight(1)
            let id = try #require(gateway.inFlight.first)
            gateway.emit(.receipt(.init(reference: FakeGateway.reference(of: id), outcome: .delivered, code: "DELIVRD", time: clock.now)))
            try await gateway.waitForHandled(1)
            #expect(gateway.handledEvents.first?.1 == false, "not stored yet")
            #expect(Self.ids(root, .active) == ["\(id)"])
            gateway.accept(id)
            try await gateway.waitUntil("delivered") { Self.ids(root, .delivered) == ["\(id)"] }
        }
        #expect(f.logged(.receiptUnknown).isEmpty)
        #expect(f.logged(.messageDelivered).count == 1)
    }
}

/// A reminder that runs out of time while it waits for its slot is recorded `expired`
/// with its real reason, after a restart too: the cause is kept in the spool.
@Suite struct ExpiryCauseEngineTests {
    @Test func aReminderThatMissesItsAppointmentSaysSoAfterARestart() async throws {
        let clock = ManualClock(Date().addingTimeInterval(60))
        let f = try await EngineFixture(stagger: "1h", clock: clock)
        try f.drop("a.csv", rows: [
            ("A-1", "0412 345 678", clock.now.addingTimeInterval(86400 - 3600), "Scheduled"),
            ("B-1", "0423 456 789", clock.now.addingTimeInterval(1800), "Scheduled"),
        ])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()  // one goes; the other waits an hour for the next slot
        #expect(f.provider.sent.count == 1)

        let restarted = try f.makeEngine(provider: f.provider, clock: clock)
        try await restarted.recover()
        clock.advance(by: 31 * 60)
        await f.drain(restarted)
        let expired = try SpoolInventory.decoded(in: f.spoolPaths, state: .expired)
        #expect(expired.count == 1)
        #expect(expired.first?.events.last?.what == "expired")
        #expect(expired.first?.events.last?.detail.contains("the appointment started") == true, "\(expired.first?.events.last?.detail ?? "")")
        let logged = f.logged(.messageExpired)
        #expect(logged.count == 1)
        #expect(logged.first?.metadata[LogKey.reason]?.description.contains("the appointment started") == true)
    }
}
