import Foundation
import InMemoryLogging
import Logging
import RemindAssembly
@testable import RemindDaemon
import RemindCore
import RemindRecipients
import RemindSpool
import RemindTesting
import Testing

/// `remindctl preview` and the daemon's ingest go through one pipeline
/// (``Assembly/preview(_:file:source:now:optOuts:)`` and the engine's ingest): on the same
/// file, at the same time and with the same opt-out list, the texts the preview shows are
/// the texts queued, for the same rules, and the rows it says are rejected are the rows the
/// journal rejects, with the same reasons.
@Suite struct PreviewAgreementTests {
    final class Fixture: EngineScratch {
        let root: String
        let logs = InMemoryLogHandler()

        init() throws {
            root = try Self.makeScratch("preview", config: """
                [schedule]
                reminders = [{ name = "day-before", before = "1d" }, { name = "same-day", before = "3h" }]
                """)
        }

        deinit { removeScratch() }
    }

    /// 2026-11-23 09:00 in Sydney (UTC+11).
    static let now = Date(timeIntervalSince1970: 1_795_384_800)

    static let export = """
        AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status
        A-1,Ann,Lee,0412 345 678,2026-11-25,10:30,Dr Patel,3,Scheduled
        A-2,Zoë,Łukasiewicz,0412 345 679,2026-11-25,11:00,Dr Patel,3,Confirmed
        A-3,Cy,Ng,02 9999 1234,2026-11-25,11:30,Dr Patel,3,Scheduled
        A-4,Di,Ho,0412 345 680,2026-13-45,11:30,Dr Patel,3,Scheduled
        A-5,Ed,Oh,0412 345 681,2026-11-25,12:00,Dr Patel,3,Cancelled
        A-6,Flo,Ma,0412 345 682,2026-11-25,12:30,Dr Patel,3,Waitlist
        A-7,Gus,Li,0412 345 683,2026-11-23,08:00,Dr Patel,3,Scheduled
        A-8,Hal,Wu,0412 345 677,2026-11-25,13:00,Dr Patel,3,Scheduled
        A-9,Maximiliana-Josephina,Lee,0412 345 684,2026-11-25,13:30,Dr Konstantinopoulos-Wellington,3,Scheduled

        """

    @Test func previewAndIngestAgreeOnTheSameFile() async throws {
        let f = try Fixture()
        let clock = ManualClock(Self.now)
        let engine = try f.makeEngine(provider: RecordingProvider(), clock: clock)
        try await engine.recover()
        _ = try engine.optOuts.add("+61412345677", source: "test")
        try Self.export.write(toFile: f.inbox + "/export.csv", atomically: false, encoding: .utf8)

        // What remindctl preview shows: its own assembly of the same configuration file.
        let assembly = try Assembly.load(configPath: f.root + "/remindd.toml")
        let rows = try assembly.preview(Array(Self.export.utf8), file: "export.csv", now: clock.now, optOuts: engine.optOuts).get()

        // What the daemon queues and logs.
        await engine.ingest(inboxName: "export.csv")
        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        var queuedByLine: [Int: [(rule: String, text: String, encoding: SMSEncoding, segments: Int)]] = [:]
        for m in queued { queuedByLine[m.source?.line ?? 0, default: []].append((m.key.rule, m.text, m.encoding, m.segments)) }
        let rejected = f.logged(.rowRejected).map { entry -> (line: Int, reason: String) in
            let line = entry.metadata[LogKey.inboxLine].map { Int("\($0)") ?? -1 } ?? -1
            return (line, entry.metadata[LogKey.reason].map { "\($0)" } ?? "")
        }

        // The same texts, for the same lines and rules, in the same encoding.
        let previewed = rows.filter { $0.text != nil }
        #expect(previewed.map(\.line) == queuedByLine.keys.sorted())
        #expect(previewed.map(\.line) == [2, 3, 10])
        for row in previewed {
            let messages = queuedByLine[row.line] ?? []
            #expect(Set(messages.map(\.rule)) == Set(row.rules ?? []), "line \(row.line)")
            #expect(messages.count == 2, "both reminders of line \(row.line)")
            for m in messages {
                #expect(m.text == row.text, "line \(row.line)")
                #expect(m.encoding.name == row.encoding)
                #expect(m.segments == row.segments)
            }
        }
        #expect(previewed.first { $0.line == 3 }?.encoding == "ucs2")
        #expect(previewed.first { $0.line == 10 }?.truncated?.isEmpty == false, "the long doctor's name is cut in both")

        // The same refusals: lines and reasons as the journal has them.
        let refused = rows.filter { $0.rejected != nil }
        #expect(refused.map(\.line) == rejected.map(\.line).sorted())
        #expect(refused.map(\.line) == [4, 5, 9])
        for row in refused {
            #expect(rejected.first { $0.line == row.line }?.reason == row.rejected, "line \(row.line)")
        }
        #expect(refused.first { $0.line == 9 }?.rejected?.contains("opted") == true)

        // The rows left out on purpose are the ones the ingest counted as skipped; the
        // cancelled one withdraws.
        let left = rows.filter { $0.skipped != nil && !($0.skipped ?? "").contains("withdraws") }
        #expect(left.map(\.line) == [7, 8])
        let ingested = try #require(f.logged(.inputIngested).first)
        #expect(ingested.metadata["skipped"].map { "\($0)" } == "\(left.count)")
        #expect(rows.first { $0.line == 6 }?.skipped?.contains("withdraws") == true)
    }

    /// A list source (a broadcast with a filter) routed by the file's name: the same
    /// texts, the same refused rows and the filtered-out rows said as left out.
    @Test func previewAndIngestAgreeOnABroadcastList() async throws {
        let clock = ManualClock(Self.now)
        let f = try await KindsFixture(clock: clock)
        let csv = """
            Patient ID,First Name,Last Name,Mobile,Gender
            P-1,Ann,Lee,0412 345 678,F
            P-2,Bob,Ng,0423 456 789,M
            P-3,Zoë,Ho,0434 567 890,female
            P-4,Di,Oh,,F
            P-5,Em,Wu,02 9999 1234,F

            """
        try f.write("flu-2026.csv", csv)
        let assembly = try Assembly.load(configPath: f.root + "/remindd.toml")
        let rows = try assembly.preview(Array(csv.utf8), file: "flu-2026.csv", now: clock.now, optOuts: f.engine.optOuts).get()
        await f.engine.ingest(inboxName: "flu-2026.csv")
        let queued = try f.messages("queued")
        #expect(queued.count == 2)
        for m in queued {
            let row = try #require(rows.first { $0.line == m.source?.line })
            #expect(row.text == m.text)
            #expect(row.encoding == m.encoding.name)
            #expect(row.rules == [m.key.rule])
            #expect(row.template == "broadcast.flu-clinic")
        }
        let rejected = f.logged(.rowRejected).map { entry in
            (line: entry.metadata[LogKey.inboxLine].map { Int("\($0)") ?? -1 } ?? -1, reason: entry.metadata[LogKey.reason].map { "\($0)" } ?? "")
        }
        let refused = rows.filter { $0.rejected != nil }
        #expect(refused.map(\.line) == [5, 6])
        #expect(refused.map(\.line) == rejected.map(\.line).sorted())
        for row in refused { #expect(rejected.first { $0.line == row.line }?.reason == row.rejected) }
        #expect(rows.filter { $0.skipped != nil }.map(\.line) == [3], "Bob is not in the filter")
    }
}
