import Foundation
import RemindCore
import RemindInbox
import Testing

@Suite struct CSVAppointmentParserTests {
    func format(_ mapping: AppointmentMapping? = nil, encoding: InputEncoding = .auto) throws -> CSVAppointmentFormat {
        CSVAppointmentFormat(mapping: try mapping ?? AppointmentMapping(timeZone: sydney()), encoding: encoding)
    }

    @Test func badRowsAreRejectedAloneWithReasonsThatNameTheColumnNotTheValue() throws {
        let text = """
            ID,First Name,Last Name,Mobile,Start
            1,Ann,Lee,0412345678,2025-03-05 09:00
            2,Bob,Ray,,2025-03-05 09:15
            3,Cy,Park,0412345679
            4,Di,Ng,0412345680,2025-03-05 09:45,extra
            5,Ed,Fox,0412345681,5 March
            6,Flo,Wu,0412345682,2025-10-05 02:30
            7,"Gus,Kim,0412345683,2025-03-05 10:00
            8,Hal,Orr,0412345684,2025-03-05 10:15
            ,Ivy,Roe,0412345685,2025-03-05 10:30
            """
        let parsed = try csv(text, format())
        #expect(parsed.records.map(\.appointment.id) == ["1", "8"])
        #expect(parsed.records.map(\.position.line) == [2, 9])
        let rejections = parsed.rejections.map { "\($0.position.line): \($0.reason)" }
        #expect(rejections == [
            "3: column Mobile is empty",
            "4: the row has 4 fields, the header 5",
            "5: the row has 6 fields, the header 5",
            "6: column Start does not match yyyy-MM-dd HH:mm or yyyy-MM-dd HH:mm:ss or yyyy-MM-dd'T'HH:mm or yyyy-MM-dd'T'HH:mm:ss",
            "7: column Start names a local time that does not exist in Australia/Sydney (the clocks go forward over it)",
            "8: a quoted field opened on this line is never closed",
            "10: column ID is empty",
        ])
        for rejection in parsed.rejections {
            #expect(!rejection.reason.contains("04123"), "a reason quotes a phone number")
            #expect(!rejection.reason.contains("Gus") && !rejection.reason.contains("March"))
        }
    }

    @Test func anAmbiguousLocalTimeTakesItsFirstOccurrence() throws {
        // Sydney's clocks go back from 03:00 AEDT to 02:00 AEST on 6 April 2025.
        let parsed = try csv("id,phone,start\n1,0400000000,2025-04-06 02:30\n2,0400000000,2025-04-06 03:00\n", format())
        #expect(parsed.records.map(\.appointment.start) == [try utc("2025-04-06T02:30:00+11:00"), try utc("2025-04-06T03:00:00+10:00")])
    }

    @Test func theMostPreferredOfSeveralMatchingColumnsWinsAndTheOthersAreExtra() throws {
        let parsed = try csv("Phone,Mobile,id,date,time,Start,Clinic\n02 9999 0000,0412000000,9,x,y,2025-03-05 09:00,North\n", format())
        let appointment = try #require(parsed.records.first?.appointment)
        #expect(appointment.phone == "0412000000")
        #expect(appointment.extra == ["Phone": "02 9999 0000", "date": "x", "time": "y", "Clinic": "North", "location": "North"])
    }

    @Test func aDateColumnWithoutATimeColumnIsReadAsTheStart() throws {
        let mapping = AppointmentMapping(timeZone: try sydney(), startPatterns: [try DateTimePattern("d/M/yyyy h:mm a")])
        let parsed = try csv("Appt ID,Mobile,Date\n1,0400000000,5/3/2025 2:15 pm\n", format(mapping))
        #expect(parsed.records.map(\.appointment.start) == [try utc("2025-03-05T14:15:00+11:00")])
    }

    @Test func delimiterIsSniffedOrConfigured() throws {
        for (text, expected) in [
            ("id;phone;start;note\n1;0400;2025-03-05 09:00;a,b\n", "a,b"),
            ("id\tphone\tstart\tnote\n1\t0400\t2025-03-05 09:00\ta;b\n", "a;b"),
            ("\"id;x\",id,phone,start,note\n1,2,0400,2025-03-05 09:00,c\n", "c"),
        ] {
            let parsed = try csv(text, format())
            #expect(parsed.rejections == [])
            #expect(parsed.records.first?.appointment.extra["note"] == expected)
        }
        var configured = try format()
        configured.delimiter = .semicolon
        let parsed = try csv("id;x,y;phone;start\n1;a,b;0400;2025-03-05 09:00\n", configured)
        #expect(parsed.rejections == [])
        #expect(parsed.records.first?.appointment.extra == ["x,y": "a,b"])
    }

    @Test func filesWithoutAHeaderUseConfiguredColumnNames() throws {
        var configured = try format()
        configured.columnNames = ["id", "phone", "start"]
        let parsed = try csv("1,0400000001,2025-03-05 09:00\n2,0400000002,2025-03-05 09:15\n", configured)
        #expect(parsed.records.map(\.position.line) == [1, 2])
        #expect(parsed.records.map(\.appointment.phone) == ["0400000001", "0400000002"])
    }

    @Test func aMissingRequiredColumnRejectsTheWholeFile() throws {
        let error = #expect(throws: InputError.self) {
            _ = try csv("\n\nID,Name,Start\n1,Ann,2025-03-05 09:00\n", format(), file: "x.csv")
        }
        #expect(error?.code == .missingColumn)
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("x.csv:3: the header has no column for the phone number") == true)
    }

    @Test func anEmptyFileHasNoHeader() throws {
        for text in ["", "\r\n  \n\t\n"] {
            let error = #expect(throws: InputError.self) { _ = try csv(text, format(), file: "e.csv") }
            #expect(error?.code == .noHeader)
        }
    }

    @Test func aHeaderOnlyFileHasNothing() throws {
        #expect(try csv("id,phone,start\r\n", format()) == ParsedInput())
    }

    @Test func forcedUTF8RejectsEachCP1252LineAloneNamingIt() throws {
        let bytes = try fixture("cp1252-accents.csv")
        let parsed = try CSVAppointmentParser(format: format(encoding: .utf8)).parse(bytes, file: "cp.csv")
        // Every data row has an accented name: each is refused on its own line, none is guessed at.
        #expect(parsed.records.isEmpty)
        #expect(parsed.rejections.count >= 4)
        #expect(parsed.rejections.map(\.position.line) == Array(2..<(2 + parsed.rejections.count)))
        #expect(parsed.rejections.allSatisfy { $0.reason == "the line is not valid UTF-8" && $0.position.file == "cp.csv" })
    }

    @Test func anInvalidByteInTheMiddleRejectsOnlyItsOwnRow() throws {
        var bytes = Array("id,phone,start\n1,0412345678,2025-03-05 09:00\n2,04123".utf8)
        bytes += [0xFF]
        bytes += Array("45679,2025-03-05 09:00\n3,0412345680,2025-03-05 09:00\n".utf8)
        let parsed = try CSVAppointmentParser(format: format(encoding: .utf8)).parse(bytes, file: "test.csv")
        #expect(parsed.records.map(\.appointment.id) == ["1", "3"])
        #expect(parsed.rejections == [RowRejection(position: .init(file: "test.csv", line: 3), reason: "the line is not valid UTF-8")])
    }

    @Test func statusWordsAreMappedOrLowerCasedAndEmptyMeansTheDefault() throws {
        let mapping = AppointmentMapping(timeZone: try sydney(), statusMap: [" DNA ": "No-Show"], defaultStatus: "booked")
        let parsed = try csv(
            "id,phone,start,status\n1,04,2025-03-05 09:00,dna\n2,04,2025-03-05 09:00,Arrived\n3,04,2025-03-05 09:00,\n",
            format(mapping))
        #expect(parsed.records.map(\.appointment.status) == ["no-show", "attended", "booked"])
    }

    @Test func columnOverridesReplaceTheDefaultNamesOfThatFieldOnly() throws {
        let mapping = AppointmentMapping(timeZone: try sydney(), columns: AppointmentColumns([.phone: ["SMS Number"]]))
        let parsed = try csv("id,sms_number,mobile,start\n1,0411,0422,2025-03-05 09:00\n", format(mapping))
        #expect(parsed.records.first?.appointment.phone == "0411")
        #expect(parsed.records.first?.appointment.extra == ["mobile": "0422"])
    }
}
