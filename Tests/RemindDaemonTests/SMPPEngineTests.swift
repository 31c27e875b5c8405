import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindConfig
import RemindCore
import RemindDelivery
import RemindRecipients
import RemindSMPP
import RemindSchedule
import RemindSpool
import RemindTesting
import ServiceLifecycle
import Testing

/// The real engine and delivery service with the SMPP provider, against PyPI's smpp34
/// SMSC on 127.0.0.1 (`TestSMSC`): receipts move messages to `delivered`, a STOP reply
/// opts its sender out, every reply lands in `replies/`, and the journal keeps no full
/// number, text or password.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SMPPEngineTests {
    @Test func receiptsDeliverAndRepliesOptOutThroughTheEngine() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        var s = Configuration.SMPPSettings(host: "127.0.0.1", systemID: "remindd", source: "Harbour")
        s.port = smsc.port
        s.reconnectMin = .milliseconds(100)
        let settings = Daemon.smppSettings(s, password: "pw-12345")
        let providerLogs = InMemoryLogHandler()
        let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(),
                                    logger: Logger(label: "smpp") { _ in providerLogs })
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(gateway: provider, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: [
            ("A-1", "0412 345 678", DeliveryServiceTests.soon(clock), "Scheduled"),  // a DELIVRD receipt comes back
            ("A-2", "0412 347 867", DeliveryServiceTests.soon(clock), "Scheduled"),  // the patient answers STOP
            ("A-3", "0412 347 867", clock.now.addingTimeInterval(5 * 86400), "Scheduled"),  // withdrawn by the STOP
            ("B-1", "0412 347 868", DeliveryServiceTests.soon(clock), "Scheduled"),  // answers "Yes, see you then"
        ])
        await f.engine.ingest(inboxName: "a.csv")
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: provider), .init(service: DeliveryService(engine: f.engine))], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await waitFor("three submits at the SMSC") { smsc.accepted().count == 3 }
                try await waitFor("a delivered message") { DeliveryServiceTests.ids(root, .delivered).count >= 1 }
                try await waitFor("two replies") { ((try? ReplyLog.read(directory: root + "/spool/replies")) ?? []).count == 2 }
                try await waitFor("the deliver_sm_resp of every receipt and reply") { smsc.events("deliver_resp").count == 3 }
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await waitFor("the SMSC to see the unbind sent at stop", timeout: .seconds(5)) { smsc.events("unbound").count == 1 }
        #expect(DeliveryServiceTests.ids(root, .delivered).count == 1)  // the two answered numbers get replies, not receipts
        #expect(DeliveryServiceTests.ids(root, .sent).count == 2)
        #expect(f.engine.optOuts.contains("+61412347867"))
        #expect(!f.engine.optOuts.contains("+61412347868"))
        #expect(DeliveryServiceTests.ids(root, .cancelled).count == 1, "the opted-out number's pending reminder is withdrawn")
        let replies = try ReplyLog.read(directory: root + "/spool/replies")
        #expect(Set(replies.map(\.text)) == ["STOP", "Yes, see you then"])
        #expect(replies.first { $0.text == "STOP" }?.optOut == true)
        // deliver_sm_resp went back only after the receipt or reply was recorded: ESME_ROK, or
        // ESME_RX_T_APPN (0x64, "ask again") for a receipt that overtook the recording of its
        // submit's answer (the engine keeps it and applies it then, as it did here).
        let statuses = smsc.events("deliver_resp").map { $0.status ?? -1 }
        #expect(statuses.allSatisfy { $0 == 0 || $0 == 0x64 }, "\(statuses)")
        #expect(smsc.events("deliver_resp").filter { $0.kind == "mo" }.allSatisfy { $0.status == 0 })
        for entry in f.logs.entries + providerLogs.entries {
            let all = "\(entry.message) \(entry.metadata)"
            #expect(!all.contains("412345678") && !all.contains("412347867"), "no full number in the journal: \(all)")
            #expect(!all.contains("see you then") && !all.contains("pw-12345"), "no text or password in the journal: \(all)")
        }
    }

    /// The link down (nothing listening), then refused (the smpp34 SMSC answering
    /// ESME_RINVPASWD), then up: the messages wait in `queued/` the whole time, with no
    /// attempt spent (a hand-over given back is `requeued`), STATUS= says "link refused"
    /// with the SMSC's status, the journal says it once at err although the bind is
    /// refused again at each slow retry, and once the SMSC takes the bind each message
    /// arrives exactly once.
    @Test func aLinkDownOrRefusedKeepsMessagesQueuedWithNoAttemptSpent() async throws {
        let port = try TestSMSC.freePort()
        var s = Configuration.SMPPSettings(host: "127.0.0.1", systemID: "remindd", source: "Harbour")
        s.port = port
        s.reconnectMin = .milliseconds(100)
        s.reconnectMax = .milliseconds(300)
        s.refusedRetry = .milliseconds(700)  // minutes in the daemon (refused_retry = "5m")
        let provider = SMPPProvider(settings: Daemon.smppSettings(s, password: "pw-12345"), clock: SystemClock(),
                                    sleeper: try WallClockSleeper(), logger: Logger(label: "smpp") { _ in InMemoryLogHandler() })
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(gateway: provider, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: [
            ("R-1", "0412 345 601", DeliveryServiceTests.soon(clock), "Scheduled"),
            ("R-2", "0412 345 602", DeliveryServiceTests.soon(clock), "Scheduled"),
        ])
        await f.engine.ingest(inboxName: "a.csv")
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: provider), .init(service: DeliveryService(engine: f.engine))], logger: Logger(label: "test")))
        var refusing: TestSMSC?
        var accepting: TestSMSC?
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                // Down: nothing listens on the port.
                try await Self.waitForLink("down", f.engine, Self.isDown)
                try await Task.sleep(for: .milliseconds(500))  // several reconnects fail meanwhile
                #expect(DeliveryServiceTests.ids(root, .queued).count == 2)
                // Refused: the SMSC answers the bind with ESME_RINVPASWD, and again at the retry.
                let r = try TestSMSC(port: port, refuseBind: true)
                refusing = r
                try await r.start()
                try await Self.waitForLink("refused", f.engine, Self.isRefused)
                try await waitFor("the bind refused again at the slow retry") { r.events("bind_refused").count >= 2 }
                let status = await f.engine.statusLine()
                #expect(status.contains("link refused: bind refused: ESME_RINVPASWD (0xE)"), "\(status)")
                #expect(DeliveryServiceTests.ids(root, .queued).count == 2)
                r.kill()
                // Up: the same port takes the bind.
                let a = try TestSMSC(port: port)
                accepting = a
                try await a.start()
                do {
                    // Sent, or already delivered: the SMSC sends each a receipt at once.
                    try await waitFor("both messages sent") { Self.out(root).count == 2 }
                } catch {
                    // Where it stuck: the engine's view of the link, the spool, what the SMSC saw.
                    let states = [MessageState.queued, .active, .sent, .delivered, .deferred, .failed, .uncertain]
                        .map { "\($0.rawValue) \(DeliveryServiceTests.ids(root, $0).count)" }.joined(separator: ", ")
                    let links = f.logged(.linkChanged).map { "\($0.level) \($0.metadata[LogKey.state] ?? "")" }
                    Issue.record("""
                        link \(String(describing: await f.engine.link)); status \(await f.engine.statusLine()); \
                        \(states); link changes \(links); SMSC events \(a.log().map(\.event))
                        """)
                    throw error
                }
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(DeliveryServiceTests.ids(root, .deferred).isEmpty && DeliveryServiceTests.ids(root, .failed).isEmpty)
        #expect(refusing?.events("submit").isEmpty == true)
        #expect(accepting?.accepted().map { $0.dest ?? "" }.sorted() == ["61412345601", "61412345602"], "each exactly once")
        let refusals = f.logged(.linkChanged).filter { $0.level == .error }
        #expect(refusals.count == 1, "the refusal at err once, not at every retry: \(refusals.count)")
        let reason = refusals.first.map { "\($0.metadata[LogKey.reason] ?? "")" } ?? ""
        #expect(reason.contains("ESME_RINVPASWD (0xE)"), "\(reason)")
        // Every hand-over the link gave back was undone: one attempt each, the one that went.
        let spool = try OperatorEngineTests.reread(f)
        for id in Self.out(root) {
            let events = try spool.message(MessageID(id)!).events
            #expect(Engine.attempts(events) == 1, "\(events.map(\.what))")
        }
    }

    /// Long messages and replies in parts, through the engine, against the smpp34 SMSC
    /// (Tests/RemindSMPPTests/SMSC/smsc.py): each part's message_id goes into the reference
    /// index, so every part's receipt finds its message (none is "unknown"); a 3-part
    /// message is delivered once all three parts are, and failed when part 2 is UNDELIV.
    /// A reply in two UDH parts (the second first) lands in replies/ as one text, and a
    /// "STOP" split by SAR TLVs into "ST" + "OP" is matched as STOP and opts out.
    @Test func partsReceiptsAndRepliesInPartsAreJoined() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        var s = Configuration.SMPPSettings(host: "127.0.0.1", systemID: "remindd", source: "Harbour")
        s.port = smsc.port
        s.reconnectMin = .milliseconds(100)
        let provider = SMPPProvider(settings: Daemon.smppSettings(s, password: "pw-12345"), clock: SystemClock(),
                                    sleeper: try WallClockSleeper(), logger: Logger(label: "smpp") { _ in InMemoryLogHandler() })
        let clock = DeliveryServiceTests.manualClock()
        let f = try await LongTextFixture(gateway: provider, clock: clock)
        let root = f.root
        try f.dropAppointments("a.csv", [
            ("L-1", "0412 345 611", DeliveryServiceTests.soon(clock), "Scheduled"),  // 3 parts, 3 DELIVRD receipts
            ("L-2", "0412 340 667", DeliveryServiceTests.soon(clock), "Scheduled"),  // 3 parts, part 2 UNDELIV
            ("L-3", "0412 347 869", DeliveryServiceTests.soon(clock), "Scheduled"),  // a reply in two UDH parts
            ("L-4", "0412 347 870", DeliveryServiceTests.soon(clock), "Scheduled"),  // "STOP" in two SAR parts
        ])
        await f.engine.ingest(inboxName: "a.csv")
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: provider), .init(service: DeliveryService(engine: f.engine))], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await waitFor("the 3-part messages settled") {
                    DeliveryServiceTests.ids(root, .delivered).count + DeliveryServiceTests.ids(root, .failed).count >= 2
                }
                try await waitFor("two replies") { ((try? ReplyLog.read(directory: root + "/spool/replies")) ?? []).count == 2 }
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let submits = smsc.accepted()
        #expect(submits.filter { $0.dest == "61412345611" }.count == 3 && submits.filter { $0.dest == "61412340667" }.count == 3)
        #expect(f.logged(.receiptUnknown).isEmpty, "a part's receipt did not find its message")
        let spool = Spool(paths: SpoolPaths(root: root + "/spool"))
        _ = try spool.recover()
        func message(_ number: String) throws -> SpoolMessage {
            let ids = DeliveryServiceTests.ids(root, .delivered) + DeliveryServiceTests.ids(root, .failed) + DeliveryServiceTests.ids(root, .sent)
            return try #require(try ids.map { try spool.message(MessageID($0)!) }.first { $0.recipient == number })
        }
        let delivered = try message("+61412345611")
        #expect(spool.entry(delivered.id)?.state == .delivered)
        #expect(delivered.events.filter { $0.what == "part-delivered" }.count == 2, "\(delivered.events.map(\.what))")
        #expect(delivered.events.last?.detail.contains("parts=3") == true)
        let failed = try message("+61412340667")
        #expect(spool.entry(failed.id)?.state == .failed, "one undeliverable part fails the message")
        let replies = try ReplyLog.read(directory: root + "/spool/replies")
        #expect(Set(replies.map(\.text)) == ["Can I move it to Tuesday please?", "STOP"])
        #expect(replies.first { $0.text == "STOP" }?.optOut == true)
        #expect(f.engine.optOuts.contains("+61412347870"))
        // Every part answered; the last part of each reply only once it was on disk.
        #expect(smsc.events("deliver_resp").filter { $0.kind == "mo-part" }.map { $0.status ?? -1 } == [0, 0, 0, 0])
    }

    /// A graceful stop (`systemctl stop`) with the window full: window 1, so the provider
    /// takes two hand-overs, one submit_sm outstanding (the SMSC answers 2 s after it
    /// arrives) and one waiting beyond the window with nothing written. The outstanding
    /// submit gets its submit_sm_resp within the grace and is `sent`; the waiting one,
    /// which never reached the SMSC, goes back to `queued/` at once (history `requeued`, no
    /// attempt spent), not written once the window frees; the third was never released;
    /// the link unbinds. After a restart on the same spool each goes out exactly once.
    @Test func aStopWithTheWindowFullGivesBackTheMessageWaitingBeyondIt() async throws {
        let smsc = try TestSMSC(submitDelay: .seconds(2))
        try await smsc.start()
        let clock = DeliveryServiceTests.manualClock()
        let first = try Self.provider(smsc, window: 1)
        let f = try await EngineFixture(gateway: first, clock: clock)
        let root = f.root
        try f.drop("a.csv", rows: (1...3).map { ("W-\($0)", "0412 345 62\($0)", DeliveryServiceTests.soon(clock), "Scheduled") })
        await f.engine.ingest(inboxName: "a.csv")
        try await DeliveryServiceTests.withDeliveryService(f.engine, provider: first) {
            // The stop comes while the first submit waits for its answer.
            try await waitFor("one submit at the SMSC and two hand-overs in the provider") {
                smsc.events("submit").count == 1 && DeliveryServiceTests.ids(root, .active).count == 2
            }
        }
        try await waitFor("the SMSC to see the unbind sent at stop", timeout: .seconds(5)) { smsc.events("unbound").count == 1 }
        let submitted = smsc.events("submit").map { $0.dest ?? "" }
        #expect(submitted.count == 1, "nothing written after the stop began: \(submitted)")
        #expect(DeliveryServiceTests.ids(root, .sent).count == 1 && DeliveryServiceTests.ids(root, .queued).count == 2)
        #expect(DeliveryServiceTests.ids(root, .active).isEmpty && DeliveryServiceTests.ids(root, .uncertain).isEmpty)
        #expect(!f.logs.entries.contains { "\($0.message)".hasPrefix("hand-overs still in flight at the stop deadline") },
                "the outstanding submit was answered within the grace")
        var spool = try OperatorEngineTests.reread(f)
        let sent = try spool.message(MessageID(try #require(DeliveryServiceTests.ids(root, .sent).first))!)
        #expect(sent.recipient == "+" + (submitted.first ?? ""))
        let histories = try DeliveryServiceTests.ids(root, .queued).map { try spool.message(MessageID($0)!).events }
        let requeued = try #require(histories.first { $0.count > 1 })
        #expect(requeued.map(\.what) == ["queued", "active", Engine.requeuedEvent], "\(requeued.map(\.what))")
        #expect(requeued.last?.detail == "reason=remindd is stopping")
        #expect(Engine.attempts(requeued) == 0)
        #expect(histories.filter { $0.map(\.what) == ["queued"] }.count == 1, "the third was never released")

        // A new engine and link on the same spool, as after `systemctl start remindd`.
        let second = try Self.provider(smsc, window: 1)
        let engine = try f.makeEngine(provider: second, clock: clock)
        try await engine.recover()
        try await DeliveryServiceTests.withDeliveryService(engine, provider: second) {
            try await waitFor("the other two sent") { DeliveryServiceTests.ids(root, .sent).count == 3 }
        }
        #expect(smsc.events("submit").map { $0.dest ?? "" }.sorted() == ["61412345621", "61412345622", "61412345623"],
                "each exactly once")
        spool = try OperatorEngineTests.reread(f)
        for id in DeliveryServiceTests.ids(root, .sent) {
            let events = try spool.message(MessageID(id)!).events
            #expect(Engine.attempts(events) == 1, "\(events.map(\.what))")
        }
    }

    /// An SMPP provider for the test SMSC: a transceiver asking for no receipts, so nothing
    /// comes back to be answered while it stops.
    static func provider(_ smsc: TestSMSC, window: Int) throws -> SMPPProvider {
        var s = Configuration.SMPPSettings(host: "127.0.0.1", systemID: "remindd", source: "Harbour")
        s.port = smsc.port
        s.reconnectMin = .milliseconds(100)
        s.window = window
        s.receipts = false
        return SMPPProvider(settings: Daemon.smppSettings(s, password: "pw-12345"), clock: SystemClock(),
                            sleeper: try WallClockSleeper(), logger: Logger(label: "smpp") { _ in InMemoryLogHandler() })
    }

    /// Polls the engine's link state (at most 30 s).
    static func waitForLink(_ what: String, _ engine: Engine, _ condition: (LinkState?) -> Bool) async throws {
        for _ in 0..<1500 {
            if condition(await engine.link) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the link never \(what): \(String(describing: await engine.link))")
        throw CancellationError()
    }

    /// The messages that went out: sent, or delivered since.
    static func out(_ root: String) -> [String] {
        DeliveryServiceTests.ids(root, .sent) + DeliveryServiceTests.ids(root, .delivered)
    }

    static func isDown(_ link: LinkState?) -> Bool { if case .down? = link { true } else { false } }
    static func isRefused(_ link: LinkState?) -> Bool { if case .refused? = link { true } else { false } }
}

/// An engine whose appointment template makes a 3-part GSM-7 text (max_segments 3).
final class LongTextFixture: EngineScratch {
    let root: String
    let engine: Engine
    let logs = InMemoryLogHandler()

    init(gateway: any Provider, clock: ManualClock) async throws {
        root = try Self.makeScratch("long", config: """
            max_length = 459
            max_segments = 3
            [schedule]
            stagger = "0"
            windows = ["mon-sun 00:00-24:00"]
            """)
        let filler = String(repeating: "Please bring your referral, your Medicare card and a list of your medicines. ", count: 4)
        try ("Hi {{first_name}}, see you on {{date}} at {{time}}. " + filler + "{{practice_name}}")
            .write(toFile: root + "/templates/appointment.mustache", atomically: true, encoding: .utf8)
        engine = try Self.makeEngine(root: root, provider: gateway, logs: logs, clock: clock)
        try await engine.recover()
    }

    deinit { removeScratch() }
}
