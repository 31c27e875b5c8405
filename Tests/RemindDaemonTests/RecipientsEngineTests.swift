import Foundation
import InMemoryLogging
import Logging
import RemindAssembly
import RemindConfig
import RemindControl
import RemindCore
@testable import RemindDaemon
import RemindDelivery
import RemindRecipients
import RemindSchedule
import RemindSpool
import RemindTesting
import SystemdKit
import Testing

/// The daily per-recipient limit and `remindctl optout` through the real Engine: a real
/// spool in a temporary directory, a recording provider, the log kept in memory.
@Suite struct RecipientsEngineTests {
    static let sydney = TimeZone(identifier: "Australia/Sydney")!
    static let ann = "0412 345 678", annE164 = "+61412345678"
    static let bob = "0423 456 789", bobE164 = "+61423456789"

    final class Fixture: EngineScratch {
        let root: String
        let settings: Assembly
        let logs = InMemoryLogHandler()
        let provider = RecordingProvider()

        init(lead: String = "3d", stagger: String = "0", dailyLimit: Int = 1, windows: String = "mon-sun 00:00-24:00") throws {
            root = try Self.makeScratch("recipients", templates: .oneLine, config: """
                [schedule]
                lead = "\(lead)"
                stagger = "\(stagger)"
                windows = ["\(windows)"]
                [recipients]
                daily_limit = \(dailyLimit)
                """)
            settings = try Assembly.load(configPath: root + "/remindd.toml")
        }

        deinit { removeScratch() }

        func engine() async throws -> Engine {
            let engine = try makeEngine(provider: provider, debug: true)
            try await engine.recover()
            return engine
        }

        /// Appointments at `start` (default: in two days, so a one-day deferral is before it).
        func drop(_ name: String, _ rows: [(id: String, phone: String)], start: Date = Date().addingTimeInterval(2 * 86400)) throws {
            try dropAppointments(name, rows.map { ($0.id, $0.phone, start, "Scheduled") })
        }

        /// Fails the test if any log line holds one of the numbers in full.
        func expectNoFullNumbers(sourceLocation: SourceLocation = #_sourceLocation) {
            for e in logs.entries {
                let text = "\(e.message) \(e.metadata)"
                for digits in ["412345678", "423456789"] {
                    #expect(!text.contains(digits), "a full number in the log: \(text)", sourceLocation: sourceLocation)
                }
            }
        }

        var sentTo: [String] { provider.sent.map(\.recipient) }
    }

    /// The start of the local day after today in Sydney.
    static var tomorrow: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = sydney
        return calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: Date()))!
    }

    // MARK: Daily limit

    @Test func overTheLimitAMessageWaitsForTomorrowAndTheJournalSaysSoMasked() async throws {
        let fx = try Fixture(dailyLimit: 1)
        let engine = try await fx.engine()
        try fx.drop("family.csv", [("A-1", Self.ann), ("A-2", Self.ann), ("A-3", Self.ann), ("B-1", Self.bob)])
        await engine.ingest(inboxName: "family.csv")
        #expect(fx.files(in: .queued).count == 4)
        await fx.drain(engine)

        // One for each number today; Ann's other two wait for tomorrow's window.
        #expect(fx.sentTo.sorted() == [Self.annE164, Self.bobE164])
        #expect(fx.files(in: .deferred).count == 2)
        let waiting = try await engine.scheduledEntries()
        #expect(waiting.count == 2)
        #expect(waiting.allSatisfy { $0.due == Self.tomorrow })
        let spool = Spool(paths: fx.settings.paths)
        _ = try spool.recover()
        for name in fx.files(in: .deferred) {
            let message = try spool.message(try #require(MessageID(name)))
            #expect(message.recipient == Self.annE164)
            #expect(message.events.last?.detail == "retry=\(Timestamp.format(Self.tomorrow)) reason=daily limit")
        }
        let deferred = fx.logged(.messageDeferred)
        #expect(deferred.count == 2)
        #expect(deferred.allSatisfy { $0.metadata[LogKey.reason] == "daily limit" && $0.metadata[LogKey.recipient] == "+614******78" })
        #expect(deferred.allSatisfy { $0.metadata[LogKey.due] == .string(Timestamp.format(Self.tomorrow)) })
        #expect(Set(deferred.compactMap { $0.metadata[LogKey.spoolID].map { "\($0)" } }) == Set(fx.files(in: .deferred)))
        fx.expectNoFullNumbers()
        let status = await engine.statusReport()
        #expect(status.counts["deferred"] == 2)
    }

    @Test func theCountsSurviveARestart() async throws {
        let fx = try Fixture(dailyLimit: 1)
        let first = try await fx.engine()
        try fx.drop("a.csv", [("A-1", Self.ann)])
        await first.ingest(inboxName: "a.csv")
        await fx.drain(first)
        #expect(fx.sentTo == [Self.annE164])

        // A restart forgets memory: the count comes back from the spool's sent/ records.
        let second = try await fx.engine()
        try fx.drop("b.csv", [("A-2", Self.ann), ("B-1", Self.bob)])
        await second.ingest(inboxName: "b.csv")
        await fx.drain(second)
        #expect(fx.sentTo == [Self.annE164, Self.bobE164])
        #expect(fx.files(in: .deferred).count == 1)
        #expect(await second.recipientGate.limit.count(Self.annE164, on: Date()) == 1)
        #expect(await second.recipientGate.limit.count(Self.bobE164, on: Date()) == 1)
    }

    @Test func aDeferredMessageDoesNotHoldUpTheRateForOtherNumbers() async throws {
        let fx = try Fixture(stagger: "1h", dailyLimit: 1)
        let first = try await fx.engine()
        try fx.drop("a.csv", [("A-1", Self.ann)])
        await first.ingest(inboxName: "a.csv")
        await fx.drain(first)
        #expect(fx.sentTo == [Self.annE164])
        // The hour of stagger has passed since (as far as the spool knows).
        try Spool(paths: fx.settings.paths).recordRelease(Date().addingTimeInterval(-7200))

        let second = try await fx.engine()
        try fx.drop("b.csv", [("A-2", Self.ann), ("B-1", Self.bob)])  // A-2 first: same due time, smaller id
        await second.ingest(inboxName: "b.csv")
        await fx.drain(second)
        // A-2 was chosen first and deferred; its slot went to Bob at once, not an hour later.
        #expect(fx.sentTo == [Self.annE164, Self.bobE164])
        #expect(fx.files(in: .deferred).count == 1)
        #expect(fx.logged(.messageDeferred).count == 1)
    }

    @Test func pastItsExpiryTheMessageEndsExpiredWithReasonDailyLimit() async throws {
        // A window from this hour to midnight every day: open now, and tomorrow's opens ~23 h
        // on, after appointments in ten minutes, whatever the time of day the test runs.
        var sydney = Calendar(identifier: .gregorian)
        sydney.timeZone = TimeZone(identifier: "Australia/Sydney")!
        let hour = sydney.component(.hour, from: Date())
        let fx = try Fixture(lead: "1d", dailyLimit: 1, windows: String(format: "mon-sun %02d:00-24:00", hour))
        let engine = try await fx.engine()
        // Appointments in ten minutes: tomorrow's first window is after their start.
        try fx.drop("soon.csv", [("A-1", Self.ann), ("A-2", Self.ann)], start: Date().addingTimeInterval(600))
        await engine.ingest(inboxName: "soon.csv")
        await fx.drain(engine)
        #expect(fx.sentTo == [Self.annE164])
        #expect(fx.files(in: .expired).count == 1)
        let spool = Spool(paths: fx.settings.paths)
        _ = try spool.recover()
        let name = try #require(fx.files(in: .expired).first)
        let expired = try spool.message(try #require(MessageID(name)))
        #expect(expired.events.last?.detail == "reason=daily limit")
        let logged = try #require(fx.logged(.messageExpired).first)
        #expect(logged.metadata[LogKey.reason] == "daily limit")
        #expect(logged.metadata[LogKey.recipient] == "+614******78")
        fx.expectNoFullNumbers()
    }

    @Test func aReleaseTheProviderRefusedDoesNotCount() async throws {
        let fx = try Fixture(dailyLimit: 1)
        let engine = try await fx.engine()
        fx.provider.failNext(DeliveryError(.permanent, "invalid destination"))
        try fx.drop("a.csv", [("A-1", Self.ann), ("A-2", Self.ann)])
        await engine.ingest(inboxName: "a.csv")
        await fx.drain(engine)
        #expect(fx.files(in: .failed).count == 1)
        #expect(fx.sentTo == [Self.annE164], "the failed attempt did not use up the day")
        #expect(fx.files(in: .deferred).isEmpty)
    }

    @Test func withoutALimitEverythingGoes() async throws {
        let fx = try Fixture(dailyLimit: 0)
        let engine = try await fx.engine()
        try fx.drop("a.csv", [("A-1", Self.ann), ("A-2", Self.ann), ("A-3", Self.ann)])
        await engine.ingest(inboxName: "a.csv")
        await fx.drain(engine)
        #expect(fx.sentTo == [Self.annE164, Self.annE164, Self.annE164])
    }

    @Test(arguments: [("2", true), ("0", true), ("-1", false), ("1001", false), ("\"3\"", false)])
    func dailyLimitIsValidated(value: String, valid: Bool) {
        let text = "[practice]\ntime_zone = \"UTC\"\n[recipients]\ndaily_limit = \(value)\n"
        do {
            let config = try Configuration.parse(text, file: "/etc/remindd/remindd.toml")
            #expect(valid)
            #expect(config.recipients.dailyLimit == Int(value))
        } catch {
            #expect(!valid)
            #expect(error.description.contains("recipients.daily_limit"))
        }
    }

    // MARK: remindctl optout

    @Test func optOutAddWithdrawsThePendingMessagesOfTheNumberAtOnce() async throws {
        let fx = try Fixture(dailyLimit: 0)
        let engine = try await fx.engine()
        try fx.drop("a.csv", [("A-1", Self.ann), ("A-2", Self.ann), ("B-1", Self.bob)],
                    start: Date().addingTimeInterval(10 * 86400))  // due in a week
        await engine.ingest(inboxName: "a.csv")
        #expect(fx.files(in: .queued).count == 3)

        let response = await engine.optOutAdd("+61 (0)412-345-678", reason: "asked at the desk")
        #expect(response.ok)
        let report = try #require(response.optOut)
        #expect(report.number == Self.annE164)
        #expect(report.changed == true)
        #expect(Set(report.withdrawn ?? []) == Set(fx.files(in: .cancelled)))
        #expect(fx.files(in: .cancelled).count == 2)
        #expect(fx.files(in: .queued).count == 1)
        #expect(try await engine.scheduledEntries().count == 1)
        #expect(engine.optOuts.entry(for: Self.annE164)?.source == "remindctl (asked at the desk)")
        let spool = Spool(paths: fx.settings.paths)
        _ = try spool.recover()
        for name in fx.files(in: .cancelled) {
            #expect(try spool.message(try #require(MessageID(name))).events.last?.detail == "reason=opted-out")
        }
        let cancelled = fx.logged(.messageCancelled)
        #expect(cancelled.count == 2)
        #expect(cancelled.allSatisfy { $0.metadata[LogKey.reason] == "opted-out" && $0.metadata[LogKey.recipient] == "+614******78" })
        #expect(Set(cancelled.compactMap { $0.metadata[LogKey.spoolID].map { "\($0)" } }) == Set(fx.files(in: .cancelled)))
        fx.expectNoFullNumbers()

        // Again: nothing new on the list, nothing left to withdraw.
        let again = await engine.optOutAdd(Self.ann, reason: nil)
        #expect(again.optOut?.changed == false)
        #expect(again.optOut?.withdrawn == [])
    }

    @Test func aBadNumberIsRefusedWithTheNormalisersReason() async throws {
        let fx = try Fixture()
        let engine = try await fx.engine()
        let response = await engine.optOutAdd("0412 ABC 678", reason: nil)
        #expect(!response.ok)
        #expect(response.errorCode == .badArgument)
        #expect(response.error == "not a phone number for AU: the phone number has letters between its digits")
        let short = await engine.optOutRemove("0412")
        #expect(short.errorCode == .badArgument)
        #expect(short.error?.contains("too short") == true)
        #expect(engine.optOuts.count == 0)
    }

    @Test func listAndRemoveAndANewExportQueuesAgain() async throws {
        let fx = try Fixture(dailyLimit: 0)
        let engine = try await fx.engine()
        _ = await engine.optOutAdd(Self.ann, reason: nil)
        _ = await engine.optOutAdd("02 9999 0000", reason: "landline")  // any type may be listed
        let list = await engine.optOutList()
        #expect(list.optOut?.entries.map(\.number) == ["+61299990000", Self.annE164])
        #expect(list.optOut?.timeZone == "Australia/Sydney")

        try fx.drop("a.csv", [("A-1", Self.ann)], start: Date().addingTimeInterval(10 * 86400))
        await engine.ingest(inboxName: "a.csv")
        #expect(fx.files(in: .queued).isEmpty, "refused at ingest while opted out")

        let removed = await engine.optOutRemove("+61412345678")
        #expect(removed.optOut?.changed == true)
        #expect(await engine.optOutRemove("+61412345678").optOut?.changed == false)
        try fx.drop("b.csv", [("A-1", Self.ann)], start: Date().addingTimeInterval(10 * 86400))
        await engine.ingest(inboxName: "b.csv")
        #expect(fx.files(in: .queued).count == 1)
        fx.expectNoFullNumbers()
    }

    @Test func aReloadReadsTheListAgain() async throws {
        let fx = try Fixture()
        let engine = try await fx.engine()
        // remindctl changed the file while the daemon was not listening (or an operator restored it).
        try OptOutList(path: engine.optOuts.path).add(Self.annE164, source: "remindctl")
        #expect(!engine.optOuts.contains(Self.annE164))
        await engine.reloadRecipients()
        #expect(engine.optOuts.contains(Self.annE164))
    }
}

extension RecipientsEngineTests {
    @Test func aReloadThatSetsALimitCountsTodaysReleasesFromTheSpool() async throws {
        let fx = try Fixture(dailyLimit: 0)
        let engine = try await fx.engine()
        try fx.drop("a.csv", [("A-1", Self.ann)])
        await engine.ingest(inboxName: "a.csv")
        await fx.drain(engine)
        #expect(fx.sentTo == [Self.annE164])

        // systemctl reload with daily_limit = 1: today's release counts.
        let config = try Configuration.parse("""
            [practice]
            name = "Harbour Dental"
            time_zone = "Australia/Sydney"
            [spool]
            root = "\(fx.root)/spool"
            [templates]
            directory = "\(fx.root)/templates"
            [schedule]
            lead = "3d"
            stagger = "0"
            windows = ["mon-sun 00:00-24:00"]
            [recipients]
            daily_limit = 1
            """, file: fx.root + "/remindd.toml")
        #expect(await engine.apply(try Assembly.build(config)) == nil)
        await engine.reloadRecipients()
        try fx.drop("b.csv", [("A-2", Self.ann)])
        await engine.ingest(inboxName: "b.csv")
        await fx.drain(engine)
        #expect(fx.sentTo == [Self.annE164])
        #expect(fx.files(in: .deferred).count == 1)
    }
}
