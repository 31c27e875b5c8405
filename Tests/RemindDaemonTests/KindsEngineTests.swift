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

/// The engine with `[[source]]` tables for every kind, on a real spool in a temporary
/// directory, with the example templates and a recording provider.
final class KindsFixture: EngineScratch {
    let root: String
    let engine: Engine
    let provider = RecordingProvider()
    let logs = InMemoryLogHandler()
    static let zone = TimeZone(identifier: "Australia/Sydney")!

    init(inbox: String = "max_size = 4000", clock: ManualClock? = nil) async throws {
        root = try Self.makeScratch("kinds", directories: ["spool/inbox/recalls", "spool/inbox/book"], config: """
            [schedule]
            stagger = "0"
            windows = ["mon-sun 00:00-24:00"]
            [inbox]
            \(inbox)
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            date_format = "dd/MM/yyyy"
            [[source]]
            name = "patients"
            kind = "patient"
            pattern = "patients*.csv"
            reminders = [{ name = "birthday", at = "09:00" }]
            [[source]]
            name = "flu"
            kind = "broadcast"
            pattern = "flu*.csv"
            template = "flu-clinic"
            filter = { gender = ["F", "female"] }
            [[source]]
            name = "notes"
            kind = "private"
            format = "jsonl"
            pattern = "*.private"
            [[source]]
            name = "book"
            kind = "appointment"
            subdirectory = "book"
            snapshot = true
            [[source]]
            name = "pas"
            kind = "appointment"
            format = "hl7"
            pattern = "*.hl7"
            ack = true
            """)
        engine = try Self.makeEngine(root: root, provider: provider, logs: logs, clock: clock)
        try await engine.recover()
    }

    deinit { removeScratch() }

    func write(_ path: String, _ text: String) throws {
        try text.write(toFile: inbox + "/" + path, atomically: false, encoding: .utf8)
    }

    /// The messages in a state, decoded (batch members included), in id order.
    func messages(_ state: String) throws -> [SpoolMessage] {
        let s = try #require(MessageState(rawValue: state))
        return try SpoolInventory.decoded(in: spoolPaths, state: s).sorted { "\($0.id)" < "\($1.id)" }
    }

    /// Runs the release loop's actions until it would sleep or idle.
    func drain(limit: Int = 50) async { await drain(engine, limit: limit) }

    static func day(_ date: Date, _ format: String = "yyyy-MM-dd") -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = format
        return f.string(from: date)
    }
}

@Suite struct KindsEngineTests {
    @Test func recallsFromASubdirectoryGoFromTheirDueDateAndExpireAfterTheirLifetime() async throws {
        let f = try await KindsFixture()
        let overdue = KindsFixture.day(Date().addingTimeInterval(-2 * 86400), "dd/MM/yyyy")
        let later = Date().addingTimeInterval(10 * 86400)
        try f.write("recalls/recalls.csv", """
            Patient No;First Name;Surname;Mobile;Due Date;Reason\r
            P-1;Ann;Lee;0412 345 678;\(overdue);Check-up\r
            P-2;Bob;Ng;0423 456 789;\(KindsFixture.day(later, "dd/MM/yyyy"));Hygiene\r
            P-3;Cy;Ho;0434 567 890;31/02/2026;Check-up\r

            """)
        await f.engine.ingest(inboxName: "recalls/recalls.csv")
        await f.drain()
        #expect(f.provider.sent.map(\.recipient) == ["+61412345678"])
        #expect(f.provider.sent.first?.text == "Hi Ann, it's time for your check-up - please call Harbour Dental on 02 9999 0000 to book.")
        let queued = try f.messages("queued")
        #expect(queued.map(\.key) == [MessageKey(source: "recalls", recordID: "P-2", rule: "recall")])
        let from = LocalDate(containing: later, in: KindsFixture.zone).instant(atMinute: 0, in: KindsFixture.zone)
        #expect(queued.first?.due == from)
        #expect(queued.first?.expires == from.addingTimeInterval(30 * 86400))
        #expect(queued.first?.kind == .recall)
        #expect(f.logged(.rowRejected).map { $0.metadata[LogKey.inboxLine] } == [.string("4")])
        #expect(f.logged(.rowRejected).first?.metadata[LogKey.inboxFile] == .string("recalls/recalls.csv"))
        #expect(f.files("archive").count == 1)

        // The same list again: nothing new, nothing sent twice.
        try f.write("recalls/recalls.csv", "Patient No;First Name;Surname;Mobile;Due Date;Reason\nP-1;Ann;Lee;0412 345 678;\(overdue);Check-up\n")
        await f.engine.ingest(inboxName: "recalls/recalls.csv")
        await f.drain()
        #expect(f.provider.sent.count == 1)
        #expect(try f.messages("queued").count == 1)
        let report = await f.engine.statusReport()
        #expect(report.rowsRejected == 1 && report.filesRejected == 0)
    }

    @Test func birthdaysGoOnTheDayAtTheSetTimeWithTheYearInTheKey() async throws {
        let f = try await KindsFixture()
        let now = Date()
        let today = LocalDate(containing: now, in: KindsFixture.zone)
        let tomorrow = today.adding(days: 1)
        // Born on today's and tomorrow's day of the month, decades ago (29 February aside).
        func dob(_ d: LocalDate) -> String {
            let day = d.month == 2 && d.day == 29 ? 28 : d.day
            return "1980-\(d.month < 10 ? "0" : "")\(d.month)-\(day < 10 ? "0" : "")\(day)"
        }
        let csv = "Patient ID,First Name,Last Name,Mobile,DOB\nP-7,Dee,Ho,0456 789 012,\(dob(today))\nP-8,Eve,Ma,0467 890 123,\(dob(tomorrow))\n"
        try f.write("patients-2026.csv", csv)
        await f.engine.ingest(inboxName: "patients-2026.csv")
        let all = try f.messages("queued")
        #expect(all.count == 2)
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.key.recordID, $0) })
        let todays = try #require(byID["P-7@\(today.year)"])
        let tomorrows = try #require(byID["P-8@\(tomorrow.year)"])
        #expect(todays.key.rule == "birthday" && todays.kind == .birthday)
        #expect(todays.text == "Happy birthday, Dee! Best wishes from everyone at Harbour Dental.")
        let nine = today.instant(at: LocalTime(hour: 9), in: KindsFixture.zone)
        #expect(todays.due == Date(timeIntervalSince1970: max(nine, todays.created).timeIntervalSince1970.rounded(.down)))
        #expect(todays.expires == tomorrow.instant(atMinute: 0, in: KindsFixture.zone))
        #expect(tomorrows.due == tomorrow.instant(at: LocalTime(hour: 9), in: KindsFixture.zone))

        // The daily export again: nothing new.
        try f.write("patients-2026.csv", csv)
        await f.engine.ingest(inboxName: "patients-2026.csv")
        #expect(try f.messages("queued").count == 2)
        #expect(f.logged(.inputIngested).last?.metadata["unchanged"] == .string("2"))
    }

    @Test func aBroadcastGoesThroughItsTemplateToTheFilteredRowsOncePerFile() async throws {
        let f = try await KindsFixture()
        let csv = """
            Patient ID,First Name,Last Name,Mobile,Gender
            P-1,Ann,Lee,0412 345 678,F
            P-2,Bob,Ng,0423 456 789,M
            P-3,Cy,Ho,0434 567 890,female
            P-4,Di,Oh,,F

            """
        try f.write("flu-2026.csv", csv)
        await f.engine.ingest(inboxName: "flu-2026.csv")
        await f.drain()
        #expect(f.provider.sent.map(\.recipient) == ["+61412345678", "+61434567890"])
        #expect(f.provider.sent.map(\.text) == [
            "Hi Ann, flu vaccines are now available at Harbour Dental. Call 02 9999 0000 to book.",
            "Hi Cy, flu vaccines are now available at Harbour Dental. Call 02 9999 0000 to book.",
        ])
        let sent = try f.messages("sent")
        #expect(Set(sent.map(\.key)) == [
            MessageKey(source: "flu", recordID: "flu-2026.csv/P-1", rule: "broadcast"),
            MessageKey(source: "flu", recordID: "flu-2026.csv/P-3", rule: "broadcast"),
        ])
        #expect(sent.allSatisfy { $0.kind == .broadcast && $0.appointmentStart == nil })
        #expect(f.logged(.rowRejected).count == 1, "P-4 has no number")
        #expect(f.logged(.inputIngested).first?.metadata["skipped"] == .string("1"), "Bob is filtered out")

        // The same file dropped again after it was sent: nobody gets it twice.
        try f.write("flu-2026.csv", csv)
        await f.engine.ingest(inboxName: "flu-2026.csv")
        await f.drain()
        #expect(f.provider.sent.count == 2)
        #expect(f.files("queued").isEmpty)
    }

    @Test func privateMessagesSendTheirLiteralTextOnce() async throws {
        let f = try await KindsFixture()
        let lines = """
            {"phone": "0412 345 678", "first_name": "Ann", "text": "Your results are in. Please call Dr Patel – no rush."}
            {"id": "M-2", "mobile": "+61 423 456 789", "message": "Line one\\nline two"}
            {"phone": "0434 567 890"}

            """
        try f.write("today.private", lines)
        await f.engine.ingest(inboxName: "today.private")
        await f.drain()
        #expect(f.provider.sent.map(\.text) == ["Your results are in. Please call Dr Patel - no rush.", "Line one\nline two"])
        let sent = try f.messages("sent")
        #expect(sent.allSatisfy { $0.kind == .private })
        #expect(sent.contains { $0.key == MessageKey(source: "notes", recordID: "M-2", rule: "private") })
        #expect(f.logged(.rowRejected).map { $0.metadata[LogKey.inboxLine] } == [.string("3")])
        try f.write("today.private", lines)
        await f.engine.ingest(inboxName: "today.private")
        await f.drain()
        #expect(f.provider.sent.count == 2)
    }

    static func bookCSV(_ rows: [(id: String, start: Date, status: String)]) -> String {
        var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Status\n"
        for (i, r) in rows.enumerated() {
            csv += "\(r.id),P\(i),Lee,04123456\(10 + i),\(KindsFixture.day(r.start)),\(KindsFixture.day(r.start, "HH:mm")),\(r.status)\n"
        }
        return csv
    }

    @Test func aSnapshotTwiceAddsNothingAndAMovedACancelledAndAMissingOneLeaveTheExactSet() async throws {
        let f = try await KindsFixture()
        let base = LocalDate(containing: Date(), in: KindsFixture.zone).adding(days: 5)
        func at(_ day: Int, _ hour: Int) -> Date { base.adding(days: day).instant(at: LocalTime(hour: hour), in: KindsFixture.zone) }
        // A5 is outside the snapshot's range (its day is not in the later file): it stays.
        try f.write("book/other.csv", Self.bookCSV([(id: "A5", start: at(9, 10), status: "Scheduled")]))
        await f.engine.ingest(inboxName: "book/other.csv")
        let first = Self.bookCSV([(id: "A1", start: at(0, 9), status: "Scheduled"), (id: "A2", start: at(0, 10), status: "Scheduled"),
                                  (id: "A3", start: at(1, 11), status: "Confirmed")])
        try f.write("book/snapshot.csv", first)
        await f.engine.ingest(inboxName: "book/snapshot.csv")
        #expect(Set(try f.messages("queued").map(\.key.recordID)) == ["A1", "A2", "A3", "A5"])

        try f.write("book/snapshot.csv", first)
        await f.engine.ingest(inboxName: "book/snapshot.csv")
        #expect(try f.messages("queued").count == 4, "the same snapshot twice: nothing new")
        #expect(f.files("cancelled").isEmpty)
        #expect(f.logged(.inputIngested).last?.metadata[LogKey.count] == .string("0"))

        // A1 moved within the range, A2 cancelled, A3 missing, A4 new.
        try f.write("book/snapshot.csv", Self.bookCSV([
            (id: "A1", start: at(1, 14), status: "Scheduled"), (id: "A2", start: at(0, 10), status: "Cancelled"),
            (id: "A4", start: at(0, 15), status: "Scheduled"),
        ]))
        await f.engine.ingest(inboxName: "book/snapshot.csv")
        let queued = try f.messages("queued")
        #expect(Set(queued.map(\.key.recordID)) == ["A1", "A4", "A5"])
        #expect(queued.first { $0.key.recordID == "A1" }?.appointmentStart == at(1, 14))
        let cancelled = try f.messages("cancelled")
        let reasons = Dictionary(uniqueKeysWithValues: cancelled.map { ($0.key.recordID, $0.events.last?.detail ?? "") })
        #expect(reasons == ["A1": "rescheduled", "A2": "cancelled", "A3": "missing from snapshot"])

        // Idempotent across a restart: the index is recovered, and the last file changes nothing.
        let again = try await KindsFixture.restart(f)
        try f.write("book/snapshot.csv", Self.bookCSV([
            (id: "A1", start: at(1, 14), status: "Scheduled"), (id: "A2", start: at(0, 10), status: "Cancelled"),
            (id: "A4", start: at(0, 15), status: "Scheduled"),
        ]))
        await again.ingest(inboxName: "book/snapshot.csv")
        #expect(Set(try f.messages("queued").map(\.key.recordID)) == ["A1", "A4", "A5"])
        #expect(try f.messages("cancelled").count == 3)
    }

    @Test func hl7EventsApplyLastPerAppointmentAndEachMessageIsAcknowledged() async throws {
        let f = try await KindsFixture()
        let day = LocalDate(containing: Date(), in: KindsFixture.zone).adding(days: 4)
        func ts(_ hour: Int) -> String { "\(day.description.replacingOccurrences(of: "-", with: ""))\(hour < 10 ? "0" : "")\(hour)00" }
        func msh(_ trigger: String, _ control: String) -> String {
            "MSH|^~\\&|PAS|SITE|REMINDD|PRACTICE|20250301120000||SIU^\(trigger)^SIU_S12|\(control)|P|2.5.1"
        }
        let pid = "PID|1||P1||Citizen^Jane||||||||0412345678^PRN^CP"
        let pidB = "PID|1||P2||Citizen^John||||||||0423456789^PRN^CP"
        let segments = [
            msh("S12", "C1"), "SCH||H-1|||||||||^^^\(ts(9))", "TQ1|1||||||\(ts(9))", pid,
            msh("S12", "C2"), "SCH||H-2|||||||||^^^\(ts(10))", "TQ1|1||||||\(ts(10))", pidB,
            msh("S13", "C3"), "SCH||H-1|||||||||^^^\(ts(11))", "TQ1|1||||||\(ts(11))", pid,
            msh("S15", "C4"), "SCH||H-2|||||||||^^^\(ts(10))", "TQ1|1||||||\(ts(10))", pidB,
            msh("S12", "C5"), "SCH||H-3", pid,
        ]
        try f.write("feed.hl7", segments.joined(separator: "\r") + "\r")
        await f.engine.ingest(inboxName: "feed.hl7")
        let queued = try f.messages("queued")
        #expect(queued.map(\.key.recordID) == ["H-1"])
        #expect(queued.first?.appointmentStart == day.instant(at: LocalTime(hour: 11), in: KindsFixture.zone))
        #expect(f.logged(.rowRejected).count == 1, "H-3 has no start: \(f.logged(.rowRejected).map { $0.metadata })")
        let acks = f.files("ack")
        #expect(acks.count == 1 && acks[0].hasSuffix("feed.hl7.ack"))
        let ack = try String(contentsOfFile: f.root + "/spool/ack/" + acks[0], encoding: .utf8)
        let msa = ack.split(separator: "\r").filter { $0.hasPrefix("MSA|") }
        #expect(msa.count == 5)
        #expect(msa.prefix(4).allSatisfy { $0.hasPrefix("MSA|AA|C") })
        #expect(msa.last?.hasPrefix("MSA|AE|C5|") == true)
    }

    @Test func symlinksFIFOsOversizeFilesAndUnknownSubdirectoriesAreRefusedWithTheirReason() async throws {
        let f = try await KindsFixture(inbox: "max_size = 200")
        try "AppointmentID,Mobile,Start\n".write(toFile: f.root + "/outside.csv", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: f.inbox + "/link.csv", withDestinationPath: f.root + "/outside.csv")
        #expect(mkfifo(f.inbox + "/pipe.csv", 0o600) == 0)
        try f.write("big.csv", "AppointmentID,Mobile,Start\n" + String(repeating: "A-1,0412345678,2030-01-01 09:00\n", count: 10))
        try FileManager.default.createDirectory(atPath: f.inbox + "/elsewhere", withIntermediateDirectories: true)
        try f.write("elsewhere/x.csv", "AppointmentID,Mobile,Start\n")
        for name in ["link.csv", "pipe.csv", "big.csv", "elsewhere/x.csv"] { await f.engine.ingest(inboxName: name) }
        let rejected = f.files("rejected")
        #expect(rejected.filter { $0.hasSuffix(".reason") }.count == 4)
        func reason(_ suffix: String) throws -> String {
            let name = try #require(rejected.first { $0.hasSuffix(suffix + ".reason") })
            return try String(contentsOfFile: f.root + "/spool/rejected/" + name, encoding: .utf8)
        }
        #expect(try reason("link.csv").contains("symbolic link"))
        #expect(try reason("pipe.csv").contains("FIFO"))
        #expect(try reason("big.csv").contains("over the limit of 200"))
        #expect(try reason("elsewhere%2Fx.csv").contains("no source reads elsewhere/x.csv"))
        // The link itself moved, its target untouched; the FIFO moved unopened.
        let link = try #require(rejected.first { $0.hasSuffix("link.csv") })
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: f.root + "/spool/rejected/" + link) == f.root + "/outside.csv")
        #expect(FileManager.default.fileExists(atPath: f.root + "/outside.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.inbox).sorted() == ["book", "elsewhere", "recalls"])
        #expect(f.logged(.inputRejected).count == 4)
        #expect(await f.engine.statusReport().filesRejected == 4)
    }

    /// Settling is measured between each write's modification time and the engine's clock:
    /// both are the manual clock here, so the test moves time instead of waiting for it.
    @Test func aFileWrittenSlowlyInPiecesIsReadOnceAndWholeAfterItSettles() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let f = try await KindsFixture(inbox: "settle = \"20s\"", clock: clock)
        let start = clock.now.addingTimeInterval(3 * 86400)
        let path = f.inbox + "/slow.csv"
        func touch() throws { try FileManager.default.setAttributes([.modificationDate: clock.now], ofItemAtPath: path) }
        let header = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Status\n"
        try header.write(toFile: path, atomically: false, encoding: .utf8)
        try touch()
        // Each piece: the writer closes and reopens (an SMB client); each close is an event.
        await f.engine.ingest(inboxName: "slow.csv")
        #expect(FileManager.default.fileExists(atPath: path), "not claimed before it settles")
        for i in 1...3 {
            clock.advance(by: 7)  // within the settle time of the previous write
            await f.engine.housekeeping()
            #expect(FileManager.default.fileExists(atPath: path), "not claimed 7 s after a write")
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("A-\(i),Ann,Lee,04123456\(10 + i),\(KindsFixture.day(start)),09:00,Scheduled\n".utf8))
            try handle.close()
            try touch()
            await f.engine.ingest(inboxName: "slow.csv")
            #expect(FileManager.default.fileExists(atPath: path))
        }
        let lastWrite = clock.now
        // A second short of the settle time: still waiting, and the release loop sleeps until
        // the file's settle time, not longer.
        clock.advance(by: 19)
        await f.engine.housekeeping()
        #expect(FileManager.default.fileExists(atPath: path))
        guard case .sleep(let until) = await f.engine.nextAction() else { Issue.record("expected a sleep"); return }
        #expect(until == lastWrite.addingTimeInterval(20))
        clock.advance(by: 1)
        await f.engine.housekeeping()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(Set(try f.messages("queued").map(\.key.recordID)) == ["A-1", "A-2", "A-3"])
        #expect(f.logged(.inputIngested).count == 1)
        #expect(f.files("archive").count == 1)
        #expect(f.logged(.rowRejected).isEmpty)
    }
}

extension KindsFixture {
    /// A second engine over the same spool and configuration, recovered (a restart).
    static func restart(_ f: KindsFixture) async throws -> Engine {
        let engine = try makeEngine(root: f.root, provider: f.provider, logs: InMemoryLogHandler())
        try await engine.recover()
        return engine
    }
}
