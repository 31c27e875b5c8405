import Foundation
import RemindCore
import RemindInbox
import Testing

@Suite struct ListParserTests {
    func parse(_ kind: SourceKind, _ text: String, format: ListFormat.FileFormat = .csv, columns: [ListField: [String]] = [:],
               dates: [String] = ["yyyy-MM-dd"], encoding: InputEncoding = .auto, bytes: [UInt8]? = nil) throws -> ParsedList {
        let parser = ListParser(format: ListFormat(
            kind: kind, fileFormat: format, encoding: encoding, columns: columns, datePatterns: try dates.map { try DateTimePattern($0) }))
        return try parser.parseList(bytes ?? Array(text.utf8), file: "list")
    }

    @Test func aSemicolonRecallListWithDayFirstDatesAndCRLF() throws {
        let parsed = try parse(.recall, "Patient No;First Name;Surname;Mobile;Due Date;Reason;Branch\r\nP-1;Ann;Lee;0412 345 678;05/03/2026;Check-up;North\r\nP-2;Bob;Ng;0423 456 789;2026-03-05;Hygiene;South\r\n", dates: ["dd/MM/yyyy"])
        #expect(parsed.records == [ListRecord(
            position: SourcePosition(file: "list", line: 2), id: "P-1", firstName: "Ann", lastName: "Lee", phone: "0412 345 678",
            date: CivilDate(year: 2026, month: 3, day: 5), text: "Check-up", extra: ["Branch": "North", "location": "North"])])
        #expect(parsed.rejections == [RowRejection(position: SourcePosition(file: "list", line: 3), reason: "column Due Date does not match dd/MM/yyyy")])
    }

    @Test func aCP1252PatientListWithAccentedNames() throws {
        // "Zoë;Müller" in CP1252: ë = 0xEB, ü = 0xFC.
        var bytes = Array("Patient ID;First Name;Last Name;Mobile;DOB\n1;Zo".utf8)
        bytes += [0xEB] + Array(";M".utf8) + [0xFC] + Array("ller;0412345678;1980-02-29\n".utf8)
        let parsed = try parse(.patient, "", bytes: bytes)
        #expect(parsed.records.map(\.firstName) == ["Zoë"])
        #expect(parsed.records.map(\.lastName) == ["Müller"])
        #expect(parsed.records.map(\.date) == [CivilDate(year: 1980, month: 2, day: 29)])
    }

    @Test func aPrivateMessageKeepsAQuotedLineBreakAndItsLine() throws {
        let parsed = try parse(.private, "Mobile,Message\n0412345678,\"Line one\nline \"\"two\"\"\"\n0423456789,\n")
        #expect(parsed.records.map(\.text) == ["Line one\nline \"two\""])
        #expect(parsed.rejections == [RowRejection(position: SourcePosition(file: "list", line: 4), reason: "column Message is empty")])
    }

    @Test func broadcastRecipientsInJSONLinesWithTheirGenderAndOtherKeys() throws {
        let parsed = try parse(.broadcast, """
            {"id": 17, "first_name": "Ann", "mobile": "0412345678", "sex": "F", "age_group": "adult"}
            not json
            {"first_name": "Bob"}
            """, format: .jsonl)
        #expect(parsed.records == [ListRecord(
            position: SourcePosition(file: "list", line: 1), id: "17", firstName: "Ann", phone: "0412345678", gender: "F",
            extra: ["age_group": "adult"])])
        #expect(parsed.records.first?.value(ofColumn: "Age Group") == "adult")
        #expect(parsed.records.first?.value(ofColumn: "gender") == "F")
        #expect(parsed.rejections.map(\.position.line) == [2, 3])
        #expect(parsed.rejections.last?.reason == "phone is missing")
    }

    @Test func aMissingRequiredColumnRejectsTheFileAndConfiguredColumnsWin() throws {
        #expect(throws: InputError.self) { try parse(.patient, "Patient ID,Mobile\n1,0412345678\n") }
        do {
            _ = try parse(.recall, "Chart,Cell,Recall On\n")
            Issue.record("expected a missing column")
        } catch let error as InputError {
            #expect(error.code == .missingColumn)
            #expect(error.message.contains("the id"))
        }
        let parsed = try parse(.recall, "Chart,Cell,Recall On\nC-9,0412345678,2026-01-02\n", columns: [.id: ["Chart"], .date: ["Recall On"]])
        #expect(parsed.records.map(\.id) == ["C-9"])
        #expect(parsed.records.map(\.date) == [CivilDate(year: 2026, month: 1, day: 2)])
    }

    @Test(arguments: [[UInt8](), [0xFF, 0xFE, 0x41], Array("\"unclosed\n".utf8), [0x00, 0x0A, 0x0A]])
    func arbitraryBytesNeverTrap(bytes: [UInt8]) {
        for kind in [SourceKind.recall, .patient, .broadcast, .private] {
            for format in ListFormat.FileFormat.allCases {
                _ = try? parse(kind, "", format: format, bytes: bytes)
            }
        }
    }
}
