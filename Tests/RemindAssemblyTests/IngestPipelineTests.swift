import Foundation
@testable import RemindAssembly
import RemindConfig
import RemindCore
import RemindSchedule
import RemindInbox
import RemindRecipients
import RemindSpool
import RemindText
import Testing

@Suite struct IngestPipelineTests {
    static let config = try! Configuration.parse("""
        [practice]
        name = "Harbour Dental"
        phone = "02 9999 0000"
        time_zone = "Australia/Sydney"
        [input]
        source = "pracsoft"
        """, file: "/etc/remindd/remindd.toml")

    func pipeline(reminders: [Configuration.Reminder] = [.init(name: "reminder", rule: .before(.seconds(86400)))]) throws -> IngestPipeline {
        let templates = TemplateSet(sources: ["appointment": "Hi {{first_name}}, see {{doctor}} on {{date}} at {{time}}."])
        return IngestPipeline(
            parser: Self.config.appointmentParser(), templates: templates, source: "pracsoft",
            reminders: reminders, timeZone: TimeZone(identifier: "Australia/Sydney")!,
            statuses: ["scheduled", "confirmed", "unreachable"], withdrawStatuses: ["cancelled"],
            fields: FieldMaker(config: Self.config), phones: PhoneNumberNormalizer(defaultRegion: "AU"),
            phoneFields: PhoneFields(), ids: MessageIDGenerator())
    }

    /// 2026-11-23 09:00 in Sydney (UTC+11).
    let now = Date(timeIntervalSince1970: 1_795_384_800)

    @Test func goodRowsBecomeMessagesAndBadRowsAreRejectedWithTheirLine() throws {
        let csv = """
            AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status
            A-1,Ann,Lee,0412 345 678,2026-11-25,10:30,Dr Patel,3,Scheduled
            A-2,Bob,Smith,0412 345 679,2026-13-45,10:30,Dr Patel,3,Scheduled
            A-3,Cy,Ng,not a number,2026-11-25,11:00,Dr Patel,3,Scheduled
            A-4,Di,Ho,0412 345 680,2026-11-25,11:30,Dr Patel,3,Cancelled
            A-5,Ed,Oh,0412 345 681,2026-11-25,12:00,Dr Patel,3,Waitlist
            A-6,Flo,Ma,+61 412 345 682,2026-11-23,08:00,Dr Patel,3,Scheduled

            """
        let prepared = try pipeline().prepare(Array(csv.utf8), file: "appointments.csv", now: now, optOuts: noOptOuts).get()
        #expect(prepared.candidates.count == 1, "\(prepared.rejections) skipped \(prepared.skipped)")
        let m = try #require(prepared.candidates.first)
        #expect(m.key == MessageKey(source: "pracsoft", recordID: "A-1", rule: "reminder"))
        #expect(m.recipient == "+61412345678")
        #expect(m.text == "Hi Ann, see Dr Patel on Wed 25 Nov at 10:30 am.")
        #expect(m.appointmentStart == Date(timeIntervalSince1970: 1_795_563_000))  // 2026-11-25 10:30 +11:00
        #expect(m.due == m.appointmentStart!.addingTimeInterval(-86400))
        #expect(m.expires == m.appointmentStart)
        #expect(m.source == SourcePosition(file: "appointments.csv", line: 2))
        #expect(prepared.rejections.map(\.position.line) == [3, 4])
        #expect(prepared.rejections.allSatisfy { !$0.reason.contains("0412") })
        // Cancelled withdraws; so does a status not reminded (a reminder queued while A-5 was
        // scheduled must not go out now that it is on the waitlist), with the status as the reason.
        #expect(prepared.withdrawals.map(\.key.recordID) == ["A-4", "A-5"])
        #expect(prepared.withdrawals.map(\.reason) == ["cancelled", "waitlist"])
        #expect(prepared.skipped == 2)  // a status not reminded, an appointment already past
    }

    /// A large export is prepared in parallel slices; what comes out is in file order
    /// all the same: candidates, rejections (with their lines) and withdrawals, and ids
    /// increasing along the file (the scheduler breaks ties by id).
    @Test func aLargeExportPreparedInSlicesKeepsFileOrder() throws {
        let rows = 10_000
        var sliced = try pipeline()
        sliced.maxSlices = 4  // in four slices whatever the machine
        #expect(IngestPipeline.chunkCount(rows: rows, maxSlices: sliced.maxSlices) == 4)
        var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
        var bad: [Int] = [], cancelled: [String] = [], good: [String] = []
        for i in 0..<rows {
            let line = i + 2
            if i % 997 == 5 {
                csv += "L-\(i),Ann,Lee,02 9999 \(String(format: "%04d", i)),2026-11-25,10:30,Dr Patel,3,Scheduled\n"  // a landline
                bad.append(line)
            } else if i % 1009 == 7 {
                csv += "L-\(i),Ann,Lee,0412 \(String(format: "%06d", i)),2026-11-25,10:30,Dr Patel,3,Cancelled\n"
                cancelled.append("L-\(i)")
            } else {
                csv += "L-\(i),Ann,Lee,0412 \(String(format: "%06d", i)),2026-11-25,10:30,Dr Patel,3,Scheduled\n"
                good.append("L-\(i)")
            }
        }
        let prepared = try sliced.prepare(Array(csv.utf8), file: "big.csv", now: now, optOuts: noOptOuts).get()
        #expect(prepared.candidates.map(\.key.recordID) == good)
        #expect(prepared.rejections.map(\.position.line) == bad)
        #expect(prepared.withdrawals.map(\.key.recordID) == cancelled)
        let ids = prepared.candidates.map(\.id.rawValue)
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "ids do not increase along the file")
        #expect(!ids.contains(IngestPipeline.placeholderID.rawValue))
        #expect(prepared.candidates.first?.recipient == "+61412000000")
        #expect(prepared.candidates.last?.text == "Hi Ann, see Dr Patel on Wed 25 Nov at 10:30 am.")
    }

    @Test func aReminderInsideTheLeadTimeIsDueNow() throws {
        let csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\nA-1,Ann,Lee,0412345678,2026-11-23,15:00,Dr P,3,Scheduled\n"
        let m = try #require(try pipeline().prepare(Array(csv.utf8), file: "a.csv", now: now, optOuts: noOptOuts).get().candidates.first)
        #expect(m.due == now)
    }

    /// An empty list (never loaded, so nothing touches the disk).
    let noOptOuts = OptOutList(path: "/nonexistent/opt-out")

    @Test func landlinesAreRefusedAndAMobileInAnotherColumnIsUsed() throws {
        let csv = """
            AppointmentID,FirstName,LastName,Mobile,Home Phone,Date,Time,Doctor,Office,Status
            A-1,Ann,Lee,(02) 9999 0000,,2026-11-25,10:30,Dr Patel,3,Scheduled
            A-2,Bob,Smith,(02) 9999 0001,0423 456 789,2026-11-25,11:00,Dr Patel,3,Scheduled
            A-3,Cy,Ng,1800 123 456,+61 (0)434-567-890,2026-11-25,11:30,Dr Patel,3,Scheduled

            """
        let prepared = try pipeline().prepare(Array(csv.utf8), file: "a.csv", now: now, optOuts: noOptOuts).get()
        #expect(prepared.candidates.map(\.recipient) == ["+61423456789", "+61434567890"])
        #expect(prepared.rejections == [RowRejection(position: SourcePosition(file: "a.csv", line: 2), reason: "phone: a landline is not texted")])
    }

    @Test func severalRemindersMakeOneMessageEachAndAnUnreachableOneStillQueuesToExpire() throws {
        let csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\nA-1,Ann,Lee,0412345678,2026-11-23,09:45,Dr P,3,Scheduled\nA-2,Bob,Ng,0412345679,2026-11-25,10:30,Dr P,3,Cancelled\n"
        let p = try pipeline(reminders: [
            .init(name: "day-before", rule: .before(.seconds(86400))),
            .init(name: "same-day", rule: .before(.seconds(3 * 3600), latest: .seconds(3600))),
        ])
        // 09:00 for a 09:45 appointment: the day-before reminder goes now (until the start), the
        // same-day one (3 h before, not later than 1 h before, so by 08:45) cannot make it and will expire.
        let prepared = try p.prepare(Array(csv.utf8), file: "a.csv", now: now, optOuts: noOptOuts).get()
        #expect(prepared.candidates.map(\.key.rule) == ["day-before", "same-day"])
        let dayBefore = prepared.candidates[0], sameDay = prepared.candidates[1]
        #expect(dayBefore.due == now && dayBefore.expires == dayBefore.appointmentStart)
        #expect(sameDay.expires! <= sameDay.due, "scheduled to expire, with its reason, not dropped")
        #expect(Set(prepared.withdrawals.map(\.key.rule)) == ["day-before", "same-day"])
    }

    @Test func anOptedOutNumberIsRefusedAndItsPendingReminderWithdrawn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("remindd-pipeline-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let optOuts = OptOutList(path: dir + "/opt-out")
        try optOuts.add("+61412345678", source: "sms-reply")
        let csv = """
            AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status
            A-1,Ann,Lee,0412 345 678,2026-11-25,10:30,Dr Patel,3,Scheduled
            A-2,Bob,Smith,0423 456 789,2026-11-25,11:00,Dr Patel,3,Scheduled

            """
        let prepared = try pipeline().prepare(Array(csv.utf8), file: "a.csv", now: now, optOuts: optOuts).get()
        #expect(prepared.candidates.map(\.key.recordID) == ["A-2"])
        #expect(prepared.rejections == [RowRejection(position: SourcePosition(file: "a.csv", line: 2), reason: "opted out")])
        #expect(prepared.withdrawals.map(\.key.recordID) == ["A-1"])
        #expect(prepared.withdrawals.map(\.reason) == ["opted-out"])
    }
}

/// The message files in `spool.example/` must say what remindd would really write.
@Suite struct SpoolExampleTextTests {
    @Test func exampleMessagesMatchTheExampleTemplateRenderingOfTheArchivedExport() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../spool.example").standardizedFileURL.path
        var config = try Configuration.parse("""
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "Australia/Sydney"
            [input]
            source = "pracsoft"
            """, file: example + "/remindd.toml")
        config.text.directory = example + "/templates"
        let settings = try Assembly.build(config)
        let archive = try FileManager.default.contentsOfDirectory(atPath: example + "/archive").first { $0.hasSuffix(".csv") }!
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: example + "/archive/" + archive)))
        let created = Date(timeIntervalSince1970: 1_795_420_805)  // 2026-11-23T08:00:05Z
        let prepared = try settings.pipeline.prepare(bytes, file: "appointments-2026-11-23.csv", now: created, optOuts: OptOutList(path: "/nonexistent/opt-out")).get()
        #expect(prepared.rejections.map(\.position.line) == [7], "A-1006 has no usable number; \(prepared.candidates.count) candidates, \(prepared.skipped) skipped")
        var checked = 0
        for state in MessageState.allCases {
            // Own files, and in queued/ the members of a batch that have not left it.
            var messages: [(name: String, message: SpoolMessage)] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: example + "/" + state.rawValue) where !name.hasPrefix(".") {
                let path = example + "/" + state.rawValue + "/" + name
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                if name.hasSuffix(BatchFile.leftSuffix) { continue }
                if name.hasSuffix(BatchFile.suffix) {
                    let left = try BatchFile.readLeft(String(path.dropLast(BatchFile.suffix.count)) + BatchFile.leftSuffix)
                    for member in try BatchFile.members(of: bytes, path: path) where !left.contains(member.id) {
                        let record = Array(bytes[Int(member.offset)..<Int(member.offset + member.length)])
                        messages.append((name, try MessageFile.decode(record, path: path)))
                    }
                } else {
                    messages.append((name, try MessageFile.decode(bytes, path: path)))
                }
            }
            for (name, message) in messages {
                guard let candidate = prepared.candidates.first(where: { $0.key == message.key }) else { continue }
                #expect(message.text == candidate.text, "\(state.rawValue)/\(name)")
                #expect(message.recipient == candidate.recipient)
                #expect(message.appointmentStart == candidate.appointmentStart)
                #expect(message.due == candidate.due)
                checked += 1
            }
        }
        #expect(checked == 4)  // queued, held, active, deferred come from this export (cancelled A-1003 was withdrawn)
    }
}
