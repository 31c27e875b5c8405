import Foundation
import InMemoryLogging
import Logging
import RemindAssembly
import RemindConfig
import RemindCore
@testable import RemindDaemon
import RemindDelivery
import RemindRecipients
import RemindSchedule
import RemindSpool
import SystemdKit
import Testing

/// The opt-out list through the real Engine: a real spool in a temporary directory,
/// a provider that records what it is handed, and the log kept in memory.
@Suite struct OptOutEngineTests {
    /// Hands nothing to a gateway; remembers every recipient.
    final class RecordingProvider: Provider, @unchecked Sendable {
        let name = "recording"
        private let lock = NSLock()
        private var _sent: [String] = []
        var sent: [String] { lock.withLock { _sent } }
        func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
            lock.withLock { _sent.append(message.recipient) }
            return DeliveryResult(reference: "r\(message.id)")
        }
    }

    struct Fixture: EngineScratch {
        let root: String
        let settings: Assembly
        let logs = InMemoryLogHandler()
        let provider = RecordingProvider()

        init() throws {
            root = try Self.makeScratch("optout", templates: .oneLine, config: """
                [schedule]
                lead = "1d"
                stagger = "0"
                windows = ["mon-sun 00:00-24:00"]
                """)
            settings = try Assembly.load(configPath: root + "/remindd.toml")
        }

        func engine() throws -> Engine { try makeEngine(provider: provider, debug: true) }

        /// Appointments two hours from now, so their reminders are due at once.
        func drop(_ name: String, _ rows: [(id: String, phone: String)]) throws {
            let start = Date().addingTimeInterval(7200)
            try dropAppointments(name, rows.map { ($0.id, $0.phone, start, "Scheduled") })
        }

        /// Releases everything due now.
        func releaseAll(_ engine: Engine) async {
            while case .release(let id) = await engine.nextAction() { await engine.release(id) }
        }

        func remove() { removeScratch() }
    }

    @Test func aNumberOptedOutAfterQueueingIsCancelledAtReleaseNotTexted() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let engine = try fx.engine()
        try await engine.recover()
        try fx.drop("a.csv", [("A-1", "0412 345 678"), ("A-2", "0423 456 789")])
        await engine.ingest(inboxName: "a.csv")
        #expect(fx.files(in: .queued).count == 2)

        // The patient replies STOP after the reminder was queued.
        #expect(OptOutKeywords().isOptOut(replyText: "Stop"))
        try engine.optOuts.add("+61412345678", source: "sms-reply")
        await fx.releaseAll(engine)

        #expect(fx.provider.sent == ["+61423456789"])
        #expect(fx.files(in: .cancelled).count == 1)
        #expect(fx.files(in: .sent).count == 1)
        let spool = Spool(paths: fx.settings.paths)
        _ = try spool.recover()
        let cancelled = try #require(spool.allEntries.first { $0.state == .cancelled })
        #expect(try spool.message(cancelled.id).events.last?.detail == "reason=opted-out")

        // The journal says why, with the number masked, and never prints it in full.
        let entry = try #require(fx.logs.entries.first { $0.metadata[LogKey.messageID] == "\(EventID.messageCancelled.rawValue)" })
        #expect(entry.metadata[LogKey.reason] == "opted-out")
        #expect(entry.metadata[LogKey.recipient] == "+614******78")
        #expect(entry.metadata[LogKey.spoolID] == "\(cancelled.id)")
        for e in fx.logs.entries {
            let text = "\(e.message) \(e.metadata)"
            #expect(!text.contains("412345678") && !text.contains("423456789"), "a full number in the log: \(text)")
        }
    }

    @Test func theListSurvivesARestartAndRefusesTheNumberAtIngest() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let first = try fx.engine()
        try await first.recover()
        try first.optOuts.add("+61412345678", source: "remindctl")

        let second = try fx.engine()  // a restart: a new engine over the same spool
        try await second.recover()
        #expect(second.optOuts.contains("+61412345678"))
        try fx.drop("b.csv", [("B-1", "+61 412 345 678"), ("B-2", "0423 456 789")])
        await second.ingest(inboxName: "b.csv")
        #expect(fx.files(in: .queued).count == 1)
        let rejected = try #require(fx.logs.entries.first { $0.metadata[LogKey.messageID] == "\(EventID.rowRejected.rawValue)" })
        #expect(rejected.metadata[LogKey.reason] == "opted out")
        #expect(rejected.metadata[LogKey.inboxLine] == "2")
        await fx.releaseAll(second)
        #expect(fx.provider.sent == ["+61423456789"])
    }

    @Test func aReExportOfAnOptedOutNumberWithdrawsItsQueuedReminder() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let engine = try fx.engine()
        try await engine.recover()
        try fx.drop("c.csv", [("C-1", "0412 345 678")])
        await engine.ingest(inboxName: "c.csv")
        #expect(fx.files(in: .queued).count == 1)
        try engine.optOuts.add("+61412345678", source: "sms-reply")
        try fx.drop("c2.csv", [("C-1", "0412 345 678")])
        await engine.ingest(inboxName: "c2.csv")
        #expect(fx.files(in: .queued).isEmpty)
        #expect(fx.files(in: .cancelled).count == 1)
        let withdrawn = try #require(fx.logs.entries.first { $0.metadata[LogKey.messageID] == "\(EventID.messageCancelled.rawValue)" })
        #expect(withdrawn.metadata[LogKey.reason] == "opted-out")
        await fx.releaseAll(engine)
        #expect(fx.provider.sent.isEmpty)
    }

    @Test func aFileOfNumbersDroppedInTheInboxFeedsTheList() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let engine = try fx.engine()
        try await engine.recover()
        try fx.drop("a.csv", [("A-1", "0412 345 678"), ("A-2", "0423 456 789")])
        await engine.ingest(inboxName: "a.csv")
        try "Mobile\n0412 345 678\nnot a number\n+61 (0)412-345-678\n".write(
            toFile: fx.settings.paths.inbox + "/optout-2026-11-23.csv", atomically: false, encoding: .utf8)
        await engine.ingest(inboxName: "optout-2026-11-23.csv")

        #expect(engine.optOuts.entries.map(\.number) == ["+61412345678"])
        #expect(engine.optOuts.entries.first?.source == "inbox optout-2026-11-23.csv")
        #expect(fx.files(in: .queued).count == 2)  // cancelled at release, not before
        #expect(try FileManager.default.contentsOfDirectory(atPath: fx.settings.paths.archive).contains { $0.hasSuffix("optout-2026-11-23.csv") })
        let rejected = try #require(fx.logs.entries.first { $0.metadata[LogKey.messageID] == "\(EventID.rowRejected.rawValue)" })
        #expect(rejected.metadata[LogKey.inboxLine] == "3")
        #expect(fx.logs.entries.contains { $0.message == "opt-out file ingested" && $0.metadata[LogKey.count] == "1" })

        await fx.releaseAll(engine)
        #expect(fx.provider.sent == ["+61423456789"])
        let restarted = try fx.engine()
        try await restarted.recover()
        #expect(restarted.optOuts.contains("+61412345678"))
    }
}
