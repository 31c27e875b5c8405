import Foundation
@testable import RemindDaemon
import RemindConfig
import RemindCore
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

    func pipeline(lead: Duration = .seconds(86400)) throws -> IngestPipeline {
        let templates = TemplateSet(sources: ["appointment": "Hi {{first_name}}, see {{doctor}} on {{date}} at {{time}}."])
        return IngestPipeline(
            parser: try Self.config.appointmentParser(), templates: templates, source: "pracsoft", lead: lead,
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
            A-5,Ed,Oh,0412 345 681,2026-11-25,12:00,Dr Patel,3,Pending
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
        #expect(prepared.withdrawals.map(\.key.recordID) == ["A-4"])
        #expect(prepared.skipped == 2)  // a status not reminded, an appointment already past
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
