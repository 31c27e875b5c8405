import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindConfig
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import RemindTesting
import SystemdKit
import Testing

/// The engine in-process, on a real spool in a temporary directory, with a recording
/// provider in place of a gateway.
final class EngineFixture: EngineScratch {
    let root: String
    let engine: Engine
    let provider = RecordingProvider()
    let logs = InMemoryLogHandler()
    /// The engine's clock when the fixture was made with one.
    let clock: ManualClock?

    /// - Parameters:
    ///   - gateway: a real provider to use instead of ``provider`` (which then sees nothing).
    ///   - clock: a manual clock for the engine to read and sleep on, instead of the wall clock.
    init(stagger: String = "0", windows: String = "mon-sun 00:00-24:00", schedule: String = "", gateway: (any Provider)? = nil,
         clock: ManualClock? = nil) async throws {
        self.clock = clock
        root = try Self.makeScratch("engine", config: """
            [schedule]
            stagger = "\(stagger)"
            windows = ["\(windows)"]
            \(schedule)
            """)
        engine = try Self.makeEngine(root: root, provider: gateway ?? provider, logs: logs, clock: clock)
        try await engine.recover()
    }

    deinit { removeScratch() }

    func drop(_ name: String, rows: [(id: String, phone: String, start: Date, status: String)]) throws {
        try dropAppointments(name, rows)
    }

    /// Runs the release loop's actions until it would sleep or idle (at most `limit` steps).
    func drain(limit: Int = 50) async { await drain(engine, limit: limit) }
}

@Suite struct EngineTests {
    /// The drain warning stands while it holds and clears by itself once the backlog has
    /// drained, without another ingest or reload.
    @Test func theBacklogWarningClearsOnceTheBacklogDrains() async throws {
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(stagger: "2s", schedule: "drain_warning = \"1s\"", clock: clock)
        let start = clock.now.addingTimeInterval(86400 - 3600)  // due an hour ago
        try f.drop("b.csv", rows: [("B-1", "0412 000 001", start, "Scheduled"), ("B-2", "0412 000 002", start, "Scheduled"),
                                   ("B-3", "0412 000 003", start, "Scheduled")])
        await f.engine.ingest(inboxName: "b.csv")
        let warning = await f.engine.problems["backlog"]
        #expect(warning?.contains("to drain") == true, "\(warning ?? "no warning")")
        #expect(f.logged(.backlogWarning).count == 1)
        var sent = 0
        for _ in 0..<20 where sent < 3 {
            await f.drain()
            sent = f.provider.sent.count
            if sent < 3 { clock.advance(by: 0.5) }  // the stagger passes on the manual clock, not in real time
        }
        #expect(sent == 3)
        await f.drain()
        let after = await f.engine.problems["backlog"]
        #expect(after == nil, "the warning outlived the backlog: \(after ?? "")")
    }

    /// An appointment 23 hours away: with the one-day lead it is due now.
    let soon = Date().addingTimeInterval(86400 - 3600)

    @Test func ingestQueuesAndReleaseSends() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled"), ("A-2", "0423 456 789", soon, "Confirmed")])
        await f.engine.ingest(inboxName: "a.csv")
        #expect(f.files("queued").count == 2)
        #expect(f.files("archive").count == 1)
        await f.drain()
        #expect(f.provider.sent.map(\.recipient) == ["+61412345678", "+61423456789"])
        #expect(f.files("sent").count == 2)
        #expect(f.logged(.messageSent).count == 2)
        #expect(await f.engine.statusLine().hasPrefix("queued 0, next -, sent today 2, failed today 0"))
    }

    @Test func reExportAddsNothingAndACancellationWithdraws() async throws {
        let f = try await EngineFixture(windows: "mon-sun 00:00-00:01")  // (almost) never open: nothing leaves
        let later = Date().addingTimeInterval(5 * 86400)
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", later, "Scheduled"), ("A-2", "0423 456 789", later, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        try f.drop("b.csv", rows: [("A-1", "0412 345 678", later, "Scheduled"), ("A-2", "0423 456 789", later, "Scheduled")])
        await f.engine.ingest(inboxName: "b.csv")
        #expect(f.files("queued").count == 2)
        try f.drop("c.csv", rows: [("A-1", "0412 345 678", later.addingTimeInterval(3600), "Scheduled"), ("A-2", "0423 456 789", later, "Cancelled")])
        await f.engine.ingest(inboxName: "c.csv")
        #expect(f.files("queued").count == 1)
        #expect(f.files("cancelled").count == 2)
        let reasons = f.logged(.messageCancelled).compactMap { $0.metadata[LogKey.reason]?.description }.sorted()
        #expect(reasons == ["cancelled", "rescheduled"])
    }

    @Test func temporaryFailureDefersAndPermanentFailureFails() async throws {
        let f = try await EngineFixture()
        f.provider.failNext(DeliveryError(.temporary, "gateway down"), DeliveryError(.permanent, "invalid destination"))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled"), ("A-2", "0423 456 789", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        #expect(f.provider.sent.isEmpty)
        #expect(f.files("deferred").count == 1)
        #expect(f.files("failed").count == 1)
        #expect(f.logged(.messageDeferred).first?.metadata[LogKey.reason] == "gateway down")
        #expect(await f.engine.statusLine().contains("failed today 1"))
        #expect(await f.engine.statusLine().contains("provider recording failing"))
    }

    /// STATUS= (and `remindctl status`, which prints the same line) gives a failing
    /// provider's reason, so a wrong proxy password reads as one, not as "failing"; an
    /// accepted hand-over clears it. A reason of several lines, or a long one, is one line
    /// of at most 200 characters.
    @Test func aFailingProvidersReasonIsInTheStatusLineUntilAHandOverIsAccepted() async throws {
        let clock = DeliveryServiceTests.manualClock()
        let f = try await EngineFixture(clock: clock)
        let refusal = "the proxy 127.0.0.1:3128 refused our credentials (407 Proxy Authentication Required): check proxy_user and the proxy password credential; nothing was sent"
        f.provider.failNext(DeliveryError(.temporary, refusal))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", clock.now.addingTimeInterval(86400 - 3600), "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        #expect(f.files("deferred").count == 1)
        let line = await f.engine.statusLine()
        #expect(line.hasSuffix("; provider recording failing: " + refusal), "\(line)")
        #expect(await f.engine.statusReport().problem == "provider recording failing: " + refusal)
        clock.advance(by: 61)  // the first retry is a minute after the attempt
        await f.drain()
        #expect(f.provider.sent.count == 1)
        #expect(await f.engine.problems["provider"] == nil, "an accepted hand-over clears the note")

        let long = Engine.failingNote(provider: "http", reason: "first line\nsecond " + String(repeating: "x", count: 300))
        #expect(long.hasPrefix("provider http failing: first line second xxx") && long.hasSuffix("x…"), "\(long)")
        #expect(long.count == "provider http failing: ".count + 200 && !long.contains("\n"))
    }

    @Test func anUnreadableFileIsRejectedWithItsBytesAndAReason() async throws {
        let f = try await EngineFixture()
        try Data([0x00, 0xFF, 0x10, 0x42]).write(to: URL(fileURLWithPath: f.root + "/spool/inbox/garbage.csv"))
        await f.engine.ingest(inboxName: "garbage.csv")
        let rejected = f.files("rejected")
        #expect(rejected.count == 2)
        let data = try Data(contentsOf: URL(fileURLWithPath: f.root + "/spool/rejected/" + rejected[0]))
        #expect(Array(data) == [0x00, 0xFF, 0x10, 0x42])
        let reason = try String(contentsOfFile: f.root + "/spool/rejected/" + rejected[1], encoding: .utf8)
        #expect(reason.contains("garbage.csv"))
        #expect(f.logged(.inputRejected).count == 1)
    }

    @Test func logsNeverCarryAFullNumberOrTheText() async throws {
        let f = try await EngineFixture()
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled"), ("A-2", "bad", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        for entry in f.logs.entries {
            let all = "\(entry.message) \(entry.metadata)"
            #expect(!all.contains("412345678"))
            #expect(!all.contains("this is a reminder"))
        }
        #expect(f.logged(.messageSent).first?.metadata[LogKey.recipient] == "+614******78")
    }

    @Test func dotfilesAndPartialFilesAreNeverClaimed() async throws {
        let f = try await EngineFixture()
        for name in [".hidden.csv", "x.csv.tmp", "x.csv.part"] {
            try f.drop(name, rows: [("A-1", "0412 345 678", soon, "Scheduled")])
            await f.engine.ingest(inboxName: name)
        }
        #expect(f.files("queued").isEmpty)
        #expect(f.files("incoming").isEmpty)
    }
}
