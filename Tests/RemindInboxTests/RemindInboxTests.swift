import Foundation
import RemindCore
import RemindInbox
import Testing

/// The checked-in fixtures (see Fixtures/make-fixtures.py), each parsed to its exact
/// records and rejections.
@Suite struct FixtureTests {
    @Test func cp1252ExportWithAccentedNames() throws {
        let mapping = AppointmentMapping(timeZone: try sydney(), statusMap: ["Booked": "scheduled"])
        let parsed = try CSVAppointmentParser(format: CSVAppointmentFormat(mapping: mapping))
            .parse(try fixture("cp1252-accents.csv"), file: "cp1252-accents.csv")
        let file = "cp1252-accents.csv"
        #expect(parsed.rejections == [])
        #expect(parsed.records == [
            record(file, 2, Appointment(
                id: "A-1001", firstName: "René", lastName: "Lefèvre", phone: "0412 345 678",
                start: try utc("2025-03-04T22:30:00Z"), doctor: "Dr Müller", office: "R1", status: "scheduled")),
            record(file, 3, Appointment(
                id: "A-1002", firstName: "Jürgen", lastName: "Groß", phone: "0412345679",
                start: try utc("2025-03-04T23:00:00Z"), doctor: "Dr Müller", office: "R1", status: "scheduled")),
            record(file, 4, Appointment(
                id: "A-1003", firstName: "Bjørn", lastName: "Ødegård", phone: "0412345680",
                start: try utc("2025-03-04T23:15:00Z"), doctor: "Dr Núñez", office: "R2", status: "confirmed")),
            record(file, 5, Appointment(
                id: "A-1004", firstName: "Begoña", lastName: "Muñoz", phone: "0412345681",
                start: try utc("2025-03-06T03:45:00Z"), doctor: "Dr Núñez", office: "R2", status: "scheduled")),
            record(file, 6, Appointment(
                id: "A-1005", firstName: "Siobhán", lastName: "O\u{2019}Brien", phone: "0412345682",
                start: try utc("2025-03-06T04:00:00Z"), doctor: "Dr Müller", office: "R1", status: "scheduled")),
        ])
    }

    @Test func utf16LittleEndianWithBOM() throws {
        let file = "utf16le-bom.csv"
        let parsed = try CSVAppointmentParser(format: CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: try sydney())))
            .parse(try fixture(file), file: file)
        #expect(parsed.rejections == [])
        #expect(parsed.records == [
            record(file, 2, Appointment(
                id: "7001", firstName: "Zoë", lastName: "Wang 王", phone: "+61412000001",
                start: try utc("2025-04-06T22:00:00Z"), doctor: "Dr Lee", extra: ["Notes": "fasting 🍎"])),
            record(file, 3, Appointment(
                id: "7002", firstName: "Łukasz", lastName: "Nowak", phone: "+61412000002",
                start: try utc("2025-04-06T22:20:00Z"), doctor: "Dr Lee", extra: ["Notes": ""])),
        ])
    }

    @Test func semicolonExportWithDayFirstDatesAndCRLF() throws {
        let file = "semicolon-ddmmyyyy.csv"
        let mapping = AppointmentMapping(
            timeZone: try sydney(), datePatterns: [try DateTimePattern("dd/MM/yyyy")],
            statusMap: ["gebucht": "scheduled", "BESTÄTIGT": "Confirmed", "Storniert": "cancelled"])
        let parsed = try CSVAppointmentParser(format: CSVAppointmentFormat(mapping: mapping))
            .parse(try fixture(file), file: file)
        #expect(parsed.rejections == [])
        #expect(parsed.records == [
            record(file, 2, Appointment(
                id: "S1", firstName: "Anna", lastName: "Schmidt", phone: "0401000001",
                start: try utc("2025-04-06T23:00:00Z"), doctor: "Dr Weber", office: "A", status: "scheduled")),
            record(file, 3, Appointment(
                id: "S2", firstName: "Ben", lastName: "Fischer", phone: "0401000002",
                start: try utc("2025-04-06T23:30:00Z"), doctor: "Dr Weber", office: "A", status: "confirmed")),
            record(file, 4, Appointment(
                id: "S3", firstName: "Carla", lastName: "Wolf", phone: "0401000003",
                start: try utc("2025-12-31T06:45:00Z"), doctor: "Dr Braun", office: "B", status: "cancelled")),
        ])
    }

    @Test func quotedFieldWithLineBreaksKeepsLaterLineNumbersRight() throws {
        let file = "quoted-newline.csv"
        let parsed = try CSVAppointmentParser(format: CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: try sydney())))
            .parse(try fixture(file), file: file)
        #expect(parsed.rejections == [])
        #expect(parsed.records == [
            record(file, 2, Appointment(
                id: "Q1", firstName: "Ann", lastName: "Lee", phone: "0400000001", start: try utc("2025-04-30T23:00:00Z"),
                extra: ["notes": "Bring X-rays,\nand the referral"])),
            record(file, 4, Appointment(
                id: "Q2", firstName: "Bob", lastName: "O\"Neil", phone: "0400000002", start: try utc("2025-04-30T23:30:00Z"),
                extra: ["notes": ""])),
            record(file, 6, Appointment(
                id: "Q3", firstName: "Cy", lastName: "Park", phone: "0400000003", start: try utc("2025-05-01T00:00:00Z"),
                extra: ["notes": "three\nline\nnote"])),
            record(file, 9, Appointment(
                id: "Q4", firstName: "Di", lastName: "Ng", phone: "0400000004", start: try utc("2025-05-01T00:30:00Z"),
                extra: ["notes": "plain"])),
        ])
    }

    @Test func oneMalformedRowIsRejectedAloneWithItsLine() throws {
        let file = "one-bad-row.csv"
        let parsed = try CSVAppointmentParser(format: CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: try sydney())))
            .parse(try fixture(file), file: file)
        #expect(parsed.records == [
            record(file, 2, Appointment(
                id: "B1", firstName: "Ann", lastName: "Lee", phone: "0400000001", start: try utc("2025-02-26T22:00:00Z"))),
            record(file, 4, Appointment(
                id: "B3", firstName: "Cy", lastName: "Park", phone: "0400000003", start: try utc("2025-02-27T23:00:00Z"))),
        ])
        #expect(parsed.rejections == [
            RowRejection(position: SourcePosition(file: file, line: 3), reason: "column date does not match yyyy-MM-dd")
        ])
    }

    @Test func jsonLines() throws {
        let file = "appointments.jsonl"
        let parsed = try JSONLinesAppointmentParser(mapping: AppointmentMapping(timeZone: try sydney()))
            .parse(try fixture(file), file: file)
        #expect(parsed.records == [
            record(file, 1, Appointment(
                id: "J1", firstName: "Ann", lastName: "Lee", phone: "+61400000001", start: try utc("2025-03-04T22:30:00Z"),
                doctor: "Dr Kim", office: "2", status: "confirmed", extra: ["language": "fr"])),
            record(file, 2, Appointment(
                id: "1042", firstName: "Zoë", lastName: "Ng", phone: "0400000002", start: try utc("2025-03-04T23:15:00Z"),
                extra: ["vip": "true", "visits": "3", "tags": #"["new","x"]"#])),
            record(file, 7, Appointment(
                id: "J5", firstName: "Eve", lastName: "Park", phone: "0400000005", start: try utc("2025-03-05T21:00:00Z"))),
        ])
        #expect(parsed.rejections == [
            RowRejection(position: SourcePosition(file: file, line: 4), reason: "the line is not valid JSON"),
            RowRejection(position: SourcePosition(file: file, line: 5), reason: "the line is not a JSON object"),
            RowRejection(position: SourcePosition(file: file, line: 6), reason: "phone is missing"),
        ])
    }
}

// MARK: Helpers shared by the suites

func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return Array(try Data(contentsOf: url))
}

/// The practice zone of the fixtures, from the system's tzdata; fails loudly without it.
func sydney() throws -> TimeZone {
    try #require(TimeZone(identifier: "Australia/Sydney"))
}

/// An instant written in ISO 8601 with an offset, read by Foundation (not by remindd's parser).
func utc(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return try #require(formatter.date(from: text))
}

func record(_ file: String, _ line: Int, _ appointment: Appointment) -> ParsedAppointment {
    ParsedAppointment(position: SourcePosition(file: file, line: line), appointment: appointment)
}

func csv(_ text: String, _ format: CSVAppointmentFormat, file: String = "test.csv") throws -> ParsedInput {
    try CSVAppointmentParser(format: format).parse(Array(text.utf8), file: file)
}
