import Foundation
import RemindCore
@testable import RemindInbox
import Testing

/// Column names as exporters write them (issue #14): case, spaces, `_` and `-` ignored for
/// every field, and the names practice systems use for location, names, id and phone.
@Suite struct ColumnNamesTests {
    func format() throws -> CSVAppointmentFormat { CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: try sydney())) }

    @Test(arguments: ["Location", "LOCATION", "location", "Site", "Clinic", "Branch", "Practice Location", "practice_location", "PRACTICE-LOCATION"])
    func aLocationColumnFeedsTheLocation(header: String) throws {
        let parsed = try csv("id,phone,start,\(header)\n1,0412000000,2025-03-05 09:00,North Sydney\n", format())
        let appointment = try #require(parsed.records.first?.appointment)
        #expect(appointment.extra["location"] == "North Sydney")
    }

    @Test(arguments: [
        ("Appt,Mobile Phone,Start", "Appt"), ("Appointment No,Cell,Start", "Appointment No"), ("Appt No,SMS Number,Start", "Appt No"),
        ("ApptID,sms_number,Start", "ApptID"), ("APPT-ID,CELL,START", "APPT-ID"),
    ])
    func idAndPhoneAliases(header: String, idColumn: String) throws {
        let parsed = try csv("\(header)\nA7,0412000000,2025-03-05 09:00\n", format())
        #expect(parsed.rejections == [])
        #expect(parsed.records.map(\.appointment.id) == ["A7"])
        #expect(parsed.records.map(\.appointment.phone) == ["0412000000"])
    }

    @Test func forenameAndSurnameAliases() throws {
        for header in ["PatientForename,Surname", "Given Name,Family Name", "patient_forename,FAMILY_NAME"] {
            let parsed = try csv("id,phone,start,\(header)\n1,0412000000,2025-03-05 09:00,Ann,Lee\n", format())
            let a = try #require(parsed.records.first?.appointment, "\(header)")
            #expect((a.firstName, a.lastName) == ("Ann", "Lee"), "\(header)")
        }
    }

    @Test(arguments: [("Ann Lee", "Ann", "Lee"), ("Lee, Ann", "Ann", "Lee"), ("Ann Mary Lee", "Ann Mary", "Lee"), ("Cher", "Cher", "")])
    func aPatientNameColumnIsSplit(name: String, first: String, last: String) throws {
        let parsed = try csv("id,phone,start,Patient Name\n1,0412000000,2025-03-05 09:00,\"\(name)\"\n", format())
        let a = try #require(parsed.records.first?.appointment)
        #expect((a.firstName, a.lastName) == (first, last))
    }

    @Test func separateNameColumnsWinOverAPatientName() throws {
        let parsed = try csv("id,phone,start,Patient Name,First Name\n1,0412000000,2025-03-05 09:00,Ann Lee,Annie\n", format())
        let a = try #require(parsed.records.first?.appointment)
        #expect((a.firstName, a.lastName) == ("Annie", ""))
    }

    @Test func jsonLinesKeysMatchTheSameWay() throws {
        let parser = JSONLinesAppointmentParser(mapping: AppointmentMapping(timeZone: try sydney()))
        let line = #"{"ApptID":"J1","SMS Number":"0412000000","START":"2025-03-05T09:00:00+11:00","Site":"North","Patient Name":"Lee, Ann"}"#
        let parsed = try parser.parse(Array((line + "\n").utf8), file: "a.jsonl")
        let a = try #require(parsed.records.first?.appointment)
        #expect(a.id == "J1" && a.phone == "0412000000")
        #expect(a.extra["location"] == "North")
        #expect((a.firstName, a.lastName) == ("Ann", "Lee"))
    }

    @Test func listsMatchLocationAndPatientNameToo() throws {
        let parser = ListParser(format: ListFormat(kind: .recall))
        let parsed = try parser.parseList(Array("Recall ID,Patient Name,Cell,Due,Clinic\nR1,Ann Lee,0412000000,2025-03-05,North\n".utf8), file: "r.csv")
        let r = try #require(parsed.records.first)
        #expect((r.firstName, r.lastName) == ("Ann", "Lee"))
        #expect(r.extra["location"] == "North")
    }

    @Test func columnUsesNameEachColumnsField() throws {
        let parser = CSVAppointmentParser(format: try format())
        let uses = parser.columnUses(Array("Appt,Patient Name,Mobile Phone,Start,Location,Notes\n".utf8), file: "a.csv")
        #expect(uses.map(\.description) == [
            "Appt → id", "Patient Name → patient_name", "Mobile Phone → phone", "Start → start", "Location → location",
            "Notes → extra",
        ])
    }
}

/// Status words every format shares (issue #14): one built-in meaning for CSV, JSON
/// Lines and HL7 alike, and `status_map` still first.
@Suite struct StatusWordsTests {
    static let words: [(String, String)] = [
        ("Booked", "scheduled"), ("Pending", "scheduled"), ("Tentative", "scheduled"), ("Unconfirmed", "scheduled"),
        ("Rescheduled", "scheduled"), ("Arrived", "attended"), ("Attended", "attended"), ("DNA", "noshow"),
        ("Did Not Attend", "noshow"), ("did-not-attend", "noshow"), ("No Show", "noshow"), ("No-Show", "noshow"),
    ]

    @Test(arguments: words)
    func csvJSONLinesAndHL7AgreeOnEachWord(word: String, status: String) throws {
        let mapping = AppointmentMapping(timeZone: try sydney())
        let fromCSV = try csv("id,phone,start,status\n1,0412000000,2025-03-05 09:00,\(word)\n", CSVAppointmentFormat(mapping: mapping))
        let line = #"{"id":"1","phone":"0412000000","start":"2025-03-05T09:00:00+11:00","status":"\#(word)"}"#
        let fromJSON = try JSONLinesAppointmentParser(mapping: mapping).parse(Array((line + "\n").utf8), file: "a.jsonl")
        let hl7 = [
            "MSH|^~\\&|S|F|R|P|20250301120000||SIU^S14^SIU_S12|C1|P|2.5.1", "SCH||A1" + String(repeating: "|", count: 23) + word,
            "TQ1|1||||||202503100900", "PID|1||P1||Citizen^Jane||||||||0412345678^PRN^CP",
        ].joined(separator: "\r") + "\r"
        let fromHL7 = try HL7SIUParser(mapping: mapping).parse(Array(hl7.utf8), file: "a.hl7")
        #expect(fromCSV.records.map(\.appointment.status) == [status])
        #expect(fromJSON.records.map(\.appointment.status) == [status])
        #expect(fromHL7.records.map(\.appointment.status) == [status])
    }

    @Test func theStatusMapOverridesABuiltInWord() throws {
        let mapping = AppointmentMapping(timeZone: try sydney(), statusMap: ["Tentative": "held", "did not attend": "cancelled"])
        let parsed = try csv(
            "id,phone,start,status\n1,0412000000,2025-03-05 09:00,TENTATIVE\n2,0412000000,2025-03-05 09:00,Did-Not-Attend\n",
            CSVAppointmentFormat(mapping: mapping))
        #expect(parsed.records.map(\.appointment.status) == ["held", "cancelled"])
    }
}
