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
}
