import Foundation
import RemindCore
import RemindInbox
import Testing

/// The HL7 fixtures (Fixtures/make-hl7-fixtures.py), each parsed to its exact records and
/// rejections, and the parser's rules one at a time on inline messages.
@Suite struct HL7SIUParserTests {
    func parser(_ statusMap: [String: String] = [:]) throws -> HL7SIUParser {
        HL7SIUParser(mapping: AppointmentMapping(timeZone: try sydney(), statusMap: statusMap))
    }

    func parse(_ name: String) throws -> ParsedInput {
        try parser().parse(try fixture(name), file: name)
    }

    static let harbourDental = [
        "location": "Harbour Dental", "provider_id": "D01", "provider_family": "Nguyen", "provider_given": "Anh",
    ]

    // MARK: Fixtures

    @Test func fiveMessagesOneForEachTriggerEventAndTheirNetEffect() throws {
        let file = "siu-five-events.hl7"
        let parsed = try parse(file)
        #expect(parsed.rejections == [])
        let jane = { (start: String) throws -> Appointment in
            Appointment(
                id: "1001", firstName: "Jane", lastName: "Citizen", phone: "0412 345 678", start: try utc(start),
                doctor: "Dr Anh Nguyen", office: "2", status: "scheduled", extra: Self.harbourDental)
        }
        let expected = [
            ParsedAppointment(position: .init(file: file, line: 1), appointment: try jane("2025-03-09T22:00:00Z"), event: .booked),
            ParsedAppointment(
                position: .init(file: file, line: 7), appointment: try jane("2025-03-10T23:30:00Z"), event: .rescheduled),
            ParsedAppointment(
                position: .init(file: file, line: 13),
                appointment: Appointment(
                    id: "1002", firstName: "John", lastName: "Doe", phone: "", start: try utc("2025-03-12T03:00:00Z"),
                    doctor: "Prof Sam Ray", status: "cancelled",
                    extra: ["provider_id": "D02", "provider_family": "Ray", "provider_given": "Sam"]),
                event: .cancelled),
            ParsedAppointment(
                position: .init(file: file, line: 17),
                appointment: Appointment(
                    id: "1003", firstName: "Ann", lastName: "Roe", phone: "0400000003", start: try utc("2025-03-12T21:00:00Z"),
                    status: "deleted"),
                event: .deleted),
            ParsedAppointment(
                position: .init(file: file, line: 20),
                appointment: Appointment(
                    id: "1004", firstName: "Ed", lastName: "Poe", phone: "0400000004", start: try utc("2025-02-28T23:00:00Z"),
                    status: "noshow"),
                event: .noShow),
        ]
        #expect(parsed.records == expected)
        // Net effect: 1001 stands at its new time; 1002, 1003 and 1004 are withdrawn.
        let net = SIUReconciliation.reconcile(parsed.records)
        #expect(net == Array(expected.dropFirst()))
        #expect(net.map { "\($0.appointment.id) \($0.appointment.status)" } == [
            "1001 scheduled", "1002 cancelled", "1003 deleted", "1004 noshow",
        ])
        #expect(net.filter { $0.event?.withdraws == true }.map(\.appointment.id) == ["1002", "1003", "1004"])
    }

    @Test func mllpFramedFileReadsLikeThePlainOne() throws {
        let file = "siu-mllp.hl7"
        let bytes = try fixture(file)
        #expect(MLLP.isFramed(bytes))
        let parsed = try parser().parse(bytes, file: file)
        #expect(parsed.rejections == [])
        #expect(parsed.records == [
            ParsedAppointment(
                position: .init(file: file, line: 1),
                appointment: Appointment(
                    id: "2001", firstName: "Jane", lastName: "Citizen", phone: "0412 345 678",
                    start: try utc("2025-03-09T22:00:00Z"), doctor: "Dr Anh Nguyen", office: "3", status: "scheduled",
                    extra: Self.harbourDental),
                event: .booked),
            // 0x1C 0x0D after the first message is its frame's trailer, no line end: the
            // second MSH is on line 6, as in the same messages unframed.
            ParsedAppointment(
                position: .init(file: file, line: 6),
                appointment: Appointment(
                    id: "2002", firstName: "Kim", lastName: "Lee", phone: "+61412000002",
                    start: try utc("2025-03-09T23:00:00Z"), status: "scheduled"),
                event: .modified),
        ])
        // Unframed: the start blocks and each 0x1C 0x0D trailer removed.
        var unframed: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == MLLP.endBlock {
                i += (i + 1 < bytes.count && bytes[i + 1] == 0x0D) ? 2 : 1
                continue
            }
            if bytes[i] != MLLP.startBlock { unframed.append(bytes[i]) }
            i += 1
        }
        #expect(!MLLP.isFramed(unframed))
        #expect(try parser().parse(unframed, file: file) == parsed)
    }

    @Test func version23WithSCH11StartPlacerIDUnformattedNumberAndPV1Provider() throws {
        let file = "siu-v23-sch11.hl7"
        let parsed = try parse(file)
        #expect(parsed.rejections == [])
        // 29 October 2005 14:30 in Sydney: standard time (+10:00), daylight saving began the next day.
        #expect(parsed.records == [
            ParsedAppointment(
                position: .init(file: file, line: 1),
                appointment: Appointment(
                    id: "PL77", firstName: "Tom", lastName: "Brown", phone: "0412000077",
                    start: try utc("2005-10-29T04:30:00Z"), doctor: "Dr Meg Hart", status: "scheduled",
                    extra: ["provider_id": "D09", "provider_family": "Hart", "provider_given": "Meg"]),
                event: .booked)
        ])
    }

    @Test func version25WithTQ1StartsCarryingOffsetsAndAnAIS4Start() throws {
        let file = "siu-v25-tq1.hl7"
        let parsed = try parse(file)
        #expect(parsed.rejections == [])
        #expect(parsed.records.map(\.position.line) == [1, 5, 9])
        #expect(parsed.records.map(\.appointment.id) == ["3001", "3002", "3003"])
        #expect(parsed.records.map(\.appointment.start) == [
            try utc("2025-06-14T23:30:00Z"),  // TQ1-7 +1000 wins over SCH-11.4 (2099)
            try utc("2025-06-15T14:30:00Z"),  // -0500
            try utc("2025-06-15T22:00:00Z"),  // AIS-4 without offset, Sydney winter (+10:00)
        ])
        // The same offsets read the same instants whatever the practice's zone.
        let elsewhere = HL7SIUParser(mapping: AppointmentMapping(timeZone: try #require(TimeZone(identifier: "America/New_York"))))
        #expect(try elsewhere.parse(try fixture(file), file: file).records.map(\.appointment.start).prefix(2)
            == parsed.records.map(\.appointment.start).prefix(2))
    }

    @Test func escapesAndTheMessagesOwnEncodingCharacters() throws {
        let file = "siu-escapes.hl7"
        let parsed = try parse(file)
        #expect(parsed.rejections == [])
        #expect(parsed.records == [
            ParsedAppointment(
                position: .init(file: file, line: 1),
                appointment: Appointment(
                    id: "4001", firstName: "Mary^Ann\\", lastName: "O&Brien|Smith", phone: "0412345678",
                    start: try utc("2025-03-09T22:00:00Z"), doctor: "Dr José Nuñez", office: "A~B", status: "scheduled",
                    extra: [
                        "location": "Harbour Dental", "provider_id": "D01", "provider_family": "Nuñez",
                        "provider_given": "José",
                    ]),
                event: .booked),
            // MSH|*%$# — component *, repetition %, escape $, subcomponent #; ^ is plain text.
            ParsedAppointment(
                position: .init(file: file, line: 7),
                appointment: Appointment(
                    id: "4002", firstName: "Libold", lastName: "Ng", phone: "04 1234 5678",
                    start: try utc("2025-03-09T22:30:00Z"), status: "scheduled"),
                event: .booked),
        ])
    }

    @Test func badMessagesAmongGoodOnesAreRejectedAloneWithTheirLines() throws {
        let file = "siu-bad-among-good.hl7"
        let parsed = try parse(file)
        // 5002 has no mobile: a valid message, accepted (AA), that the pipeline gives no reminder.
        #expect(parsed.records.map(\.appointment.id) == ["5001", "5002", "5007"])
        #expect(parsed.records.map(\.position.line) == [1, 5, 23])
        #expect(parsed.records.map(\.unremindable) == [nil, "PID-13 has no mobile number (no repetition with equipment type CP)", nil])
        #expect(parsed.records.map(\.appointment.start) == [
            try utc("2025-03-09T22:00:00Z"), try utc("2025-03-09T22:15:00Z"), try utc("2025-03-09T23:30:00Z"),
        ])
        #expect(parsed.rejections.map { "\($0.position.line): \($0.reason)" } == [
            "9: the message has no SCH segment",
            "14: TQ1-7 is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])",
            "20: the line is not an HL7 segment (a three-character segment id and the field separator)",
            "21: MSH-9 is ADT^A04, not an SIU message",
        ])
        Self.expectNoPatientData(parsed.rejections)
    }

    /// No reason quotes a name, a number or an id from the messages.
    static func expectNoPatientData(_ rejections: [RowRejection]) {
        for rejection in rejections {
            for secret in ["Cit", "Jo", "Jane", "0412", "98765432", "P1234", "P1", "500", "2025", "09:45"] {
                #expect(!rejection.reason.contains(secret), "\(rejection.reason) quotes \(secret)")
            }
        }
    }

    // MARK: Inline messages

    static func msh(_ trigger: String, version: String = "2.5.1", control: String = "C1") -> String {
        "MSH|^~\\&|SENDER|SITE|REMINDD|PRACTICE|20250301120000||SIU^\(trigger)^SIU_S12|\(control)|P|\(version)"
    }
    static let mobile = "PID|1||P1||Citizen^Jane||||||||0412345678^PRN^CP"

    func parse(_ segments: [String], separator: String = "\r", mapping statusMap: [String: String] = [:]) throws -> ParsedInput {
        try parser(statusMap).parse(Array((segments.joined(separator: separator) + separator).utf8), file: "m.hl7")
    }

    @Test(arguments: [
        ("Booked", "scheduled"), ("BOOKED", "scheduled"), ("Overbook", "scheduled"), ("Pending", "scheduled"),
        ("Waitlist", "waitlist"), ("Cancelled", "cancelled"), ("Deleted", "deleted"), ("Noshow", "noshow"),
        ("Complete", "complete"), ("Started", "started"), ("Blocked", "blocked"), ("Dc", "cancelled"),
        ("", "scheduled"), ("Arrived", "attended"), ("^Booked", "scheduled"),
    ])
    func fillerStatusFromTable0278(word: String, status: String) throws {
        let parsed = try parse([Self.msh("S14"), "SCH||A1" + String(repeating: "|", count: 23) + word, "TQ1|1||||||202503100900", Self.mobile])
        #expect(parsed.rejections == [])
        #expect(parsed.records.map(\.appointment.status) == [status])
    }

    @Test func configuredStatusWordsComeBeforeTheTable() throws {
        let parsed = try parse(
            [Self.msh("S12"), "SCH||A1" + String(repeating: "|", count: 23) + "Booked", "TQ1|1||||||202503100900", Self.mobile],
            mapping: ["booked": "Confirmed"])
        #expect(parsed.records.map(\.appointment.status) == ["confirmed"])
    }

    @Test(arguments: [("S15", "cancelled"), ("S17", "deleted"), ("S26", "noshow"), ("S12", "scheduled"), ("S13", "scheduled")])
    func theTriggerEventDecidesWhateverSCH25Says(trigger: String, status: String) throws {
        let parsed = try parse([Self.msh(trigger), "SCH||A1" + String(repeating: "|", count: 23) + "Booked", "TQ1|1||||||202503100900", Self.mobile])
        #expect(parsed.records.map(\.appointment.status) == [status])
        #expect(parsed.records.map(\.event?.rawValue) == [trigger])
    }

    /// A booking without a mobile is a valid message (acknowledged AA): accepted, with the
    /// reason no reminder can come of it; a cancellation needs no phone at all.
    @Test func cancellationsNeedNoPhoneAndBookingsWithoutOneAreAcceptedUnremindable() throws {
        let noMobile = "PID|1||P1||Citizen^Jane||||||||^PRN^PH^^^02^98765432"
        let cancelled = "SCH||A1" + String(repeating: "|", count: 23) + "Cancelled"
        let parsed = try parse([
            Self.msh("S15"), "SCH||A1|||||||||^^^202503100900", noMobile,  // 1-3
            Self.msh("S12"), "SCH||A2|||||||||^^^202503100900", noMobile,  // 4-6: no mobile
            Self.msh("S14"), cancelled, "TQ1|1||||||202503100900",  // 7-9: a cancelled status needs no PID
            Self.msh("S13"), "SCH||A4|||||||||^^^202503100900",  // 10-11: no PID at all
        ])
        #expect(parsed.rejections == [])
        #expect(parsed.records.map(\.appointment.id) == ["A1", "A2", "A1", "A4"])
        #expect(parsed.records.map(\.appointment.phone) == ["", "", "", ""])
        #expect(parsed.records.map(\.unremindable) == [
            nil, "PID-13 has no mobile number (no repetition with equipment type CP)", nil, "the message has no PID segment",
        ])
    }

    @Test func thePhoneComesFromTheFirstMobileRepetitionWithANumber() throws {
        func phone(_ xtn: String) throws -> String? {
            let record = try parse([Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", "PID|1||P1||Citizen^Jane||||||||" + xtn])
                .records.first
            return record?.unremindable == nil ? record?.appointment.phone : nil
        }
        #expect(try phone("0299990000^PRN^PH~^PRN^CP~0411111111^PRN^CP~0422222222^PRN^CP") == "0411111111")
        #expect(try phone("0411111111^PRN^cp^^^^^^^^^0499999999") == "0411111111")  // XTN-1 before XTN-12
        #expect(try phone("^PRN^CP^^^^^^^^^0499999999") == "0499999999")
        #expect(try phone("^PRN^CP^^61^04^11111111") == "+61411111111")  // trunk zero dropped after a country code
        #expect(try phone("^PRN^CP^^+44^07700^900123") == "+447700900123")
        #expect(try phone("^PRN^CP^^^04^11111111") == "0411111111")
        #expect(try phone("^PRN^CP^^61^4") == nil)  // no local number
        #expect(try phone("0411111111^PRN^PH") == nil)  // a landline is never texted
    }

    @Test(arguments: [
        ("2025031009", "2025-03-09T22:00:00Z"),  // hour precision
        ("202503100930", "2025-03-09T22:30:00Z"),
        ("20250310093015.1234", "2025-03-09T22:30:15Z"),
        ("20250310093000+11", "2025-03-09T22:30:00Z"),
        ("20250310093000+0000", "2025-03-10T09:30:00Z"),
        ("20250310093000-0330", "2025-03-10T13:00:00Z"),
        ("20250406023000", "2025-04-05T15:30:00Z"),  // DST ends: 02:30 happens twice, the first is taken
        ("20250310093000^S", "2025-03-09T22:30:00Z"),  // v2.3 TS degree of precision ignored
    ])
    func timestamps(text: String, instant: String) throws {
        let parsed = try parse([Self.msh("S12"), "SCH||A1", "TQ1|1||||||" + text, Self.mobile])
        #expect(parsed.rejections == [])
        #expect(parsed.records.map(\.appointment.start) == [try utc(instant)])
    }

    @Test(arguments: [
        ("20250310", "TQ1-7 has a date but no time of day"),
        ("20251005023000", "TQ1-7 names a local time that does not exist in Australia/Sydney (the clocks go forward over it)"),
        ("20250230093000", "TQ1-7 is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])"),
        ("202503100960", "TQ1-7 is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])"),
        ("20250310093000+2400", "TQ1-7 is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])"),
        ("2025031009300", "TQ1-7 is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])"),
        ("next Tuesday", "TQ1-7 is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])"),
    ])
    func badTimestampsAreRejectedOnTheirSegmentsLine(text: String, reason: String) throws {
        let parsed = try parse([Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", "TQ1|1||||||" + text, Self.mobile])
        #expect(parsed.records == [])
        #expect(parsed.rejections == [RowRejection(position: SourcePosition(file: "m.hl7", line: 3), reason: reason)])
    }

    @Test func startFallsBackFromTQ1ToSCH11ToAISToAIP() throws {
        let parsed = try parse([
            Self.msh("S12"), "SCH||A1|||||||||^^^202503101000", "TQ1|1", "TQ1|2||||||202503100900", Self.mobile,
            Self.msh("S12"), "SCH||A2|||||||||^^^202503101000", "TQ1|1", Self.mobile,
            Self.msh("S12"), "SCH||A3", Self.mobile, "AIS|1||X|", "AIS|2||X|202503101100", "AIP|1||D1|||202503101200",
            Self.msh("S12"), "SCH||A4", Self.mobile, "AIP|1||D1|||202503101200^M",
            Self.msh("S12"), "SCH||A5", Self.mobile, "AIS|1||X",
        ])
        #expect(parsed.records.map(\.appointment.id) == ["A1", "A2", "A3", "A4"])
        #expect(parsed.records.map(\.appointment.start) == [
            try utc("2025-03-09T22:00:00Z"), try utc("2025-03-09T23:00:00Z"), try utc("2025-03-10T00:00:00Z"),
            try utc("2025-03-10T01:00:00Z"),
        ])
        #expect(parsed.rejections.map { "\($0.position.line): \($0.reason)" } == [
            "20: the message has no start (TQ1-7, SCH-11.4, AIS-4 and AIP-6 are all empty)"
        ])
    }

    @Test func idFromFillerElsePlacerElseRejected() throws {
        let parsed = try parse([
            Self.msh("S12"), "SCH|P1^PLACER|F1^FILLER|||||||||^^^202503100900", Self.mobile,
            Self.msh("S12"), "SCH|P2^PLACER|\"\"|||||||||^^^202503100900", Self.mobile,
            Self.msh("S12"), "SCH|^PLACER|^FILLER|||||||||^^^202503100900", Self.mobile,
        ])
        #expect(parsed.records.map(\.appointment.id) == ["F1", "P2"])
        #expect(parsed.rejections.map { "\($0.position.line): \($0.reason)" } == [
            "8: SCH-2 and SCH-1 (the appointment id) are both empty"
        ])
    }

    @Test func providerAndLocationDisplays() throws {
        func appointment(_ segments: String...) throws -> Appointment? {
            try parse([Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", Self.mobile] + segments).records.first?.appointment
        }
        #expect(try appointment("AIP|1||^Lee")?.doctor == "Dr Lee")
        #expect(try appointment("AIP|1||D7")?.doctor == "")
        #expect(try appointment("AIP|1||D7")?.extra == ["provider_id": "D7"])
        #expect(try appointment("AIP|1||", "AIP|2||D8^Kim^Ana^B^Jr^Ms")?.doctor == "Ms Ana Kim")
        #expect(try appointment("PV1|1|O|||||^Hart^Meg", "AIP|1||D1^Nguyen^Anh")?.doctor == "Dr Anh Nguyen")
        #expect(try appointment("PV1|1|O|||||^Hart^Meg")?.doctor == "Dr Meg Hart")
        #expect(try appointment("AIL|1||^^^Harbour Campus")?.extra["location"] == "Harbour Campus")
        #expect(try appointment("AIL|1||^4^^^^^^^Harbour Dental, level 2")?.extra["location"] == "Harbour Dental, level 2")
        #expect(try appointment("AIL|1||^4^^^^^^^Harbour Dental, level 2")?.office == "4")
        #expect(try appointment("AIL|1||", "AIL|2||Main^7")?.office == "7")
    }

    @Test func segmentsEndAtCRLForCRLFAndLinesAreCountedAsEditorsDo() throws {
        let segments = [Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", Self.mobile]
        for separator in ["\r", "\n", "\r\n"] {
            let parsed = try parse(segments + ["", " "] + segments, separator: separator)
            #expect(parsed.records.map(\.position.line) == [1, 6], "separator \(Array(separator.utf8))")
        }
    }

    @Test func textBeforeTheFirstMessageIsOneRejectionAndBatchEnvelopesAreSkipped() throws {
        let parsed = try parse([
            "garbage", "more garbage",
            "FHS|^~\\&|X", "BHS|^~\\&|X",
            Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", Self.mobile,
            "BTS|1", "FTS|1",
        ])
        #expect(parsed.records.map(\.position.line) == [5])
        #expect(parsed.rejections.map { "\($0.position.line): \($0.reason)" } == [
            "1: the text is not part of an HL7 message (no MSH segment before it)"
        ])
    }

    @Test func unusableEncodingCharactersRejectTheMessageAlone() throws {
        let parser = try parser()
        let bytes = Array(([
            "MSH|^~\\^|SENDER", "SCH||A0|||||||||^^^202503100900", Self.mobile,  // ^ twice
            "MSHA^~\\&|SENDER",  // a letter as field separator
            "MSH",
            Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", Self.mobile,
        ].joined(separator: "\r") + "\r").utf8)
        let messages = try parser.messages(bytes, file: "m.hl7")
        #expect(messages.map(\.line) == [1, 4, 5, 6])
        #expect(messages.map { $0.header == nil } == [true, true, true, false])
        let reason = "MSH-1 or MSH-2 (the encoding characters) is not valid: each must be a distinct printable character other than a letter, digit or space"
        #expect(try parser.parse(bytes, file: "m.hl7").rejections.map(\.reason) == [reason, reason, reason])
    }

    @Test func otherMessagesAndTriggersAreRejectedWithoutQuotingData() throws {
        let parsed = try parse([
            Self.msh("S16"), "SCH||A1|||||||||^^^202503100900", Self.mobile,
            "MSH|^~\\&|A|B|C|D|2025||SIU^Jane Citizen 0412345678|C2|P|2.5", "SCH||A2|||||||||^^^202503100900", Self.mobile,
            "MSH|^~\\&|A|B|C|D|2025||Citizen^S12|C3|P|2.5", Self.mobile,
        ])
        #expect(parsed.rejections.map { "\($0.position.line): \($0.reason)" } == [
            "1: trigger event S16 (MSH-9.2) is not one remindd reads (S12, S13, S14, S15, S17, S26)",
            "4: trigger event (not a code) (MSH-9.2) is not one remindd reads (S12, S13, S14, S15, S17, S26)",
            "7: MSH-9 is (not a code)^S12, not an SIU message",
        ])
    }

    @Test func aFileWithoutAnyMessageIsNotHL7AndAnEmptyOneIsNothing() throws {
        let parser = try parser()
        #expect(throws: InputError(code: .notHL7, message: "the file holds no HL7 message (no MSH segment)", file: "x.hl7")) {
            try parser.parse(Array("id,phone\n1,0412\n".utf8), file: "x.hl7")
        }
        #expect(try parser.parse([], file: "x.hl7") == ParsedInput())
        #expect(try parser.parse(Array("\r\n \n\u{0B}\u{1C}\r".utf8), file: "x.hl7") == ParsedInput())
    }

    @Test func encodingsDecodeBeforeParsing() throws {
        let text = [Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", "PID|1||P1||Lefèvre^René||||||||0412345678^PRN^CP"]
            .joined(separator: "\r")
        let cp1252 = text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        #expect(try parse([text]).records.first?.appointment.lastName == "Lefèvre")
        #expect(try parser().parse(cp1252, file: "m.hl7").records.first?.appointment.firstName == "René")
        let forcedUTF8 = HL7SIUParser(mapping: AppointmentMapping(timeZone: try sydney()), encoding: .utf8)
        #expect(throws: InputError.self) { try forcedUTF8.parse(cp1252, file: "m.hl7") }
    }

    @Test func reconcileKeepsTheLastRecordPerAppointment() throws {
        let parsed = try parse([
            Self.msh("S12"), "SCH||A1|||||||||^^^202503100900", Self.mobile,
            Self.msh("S12"), "SCH||A2|||||||||^^^202503100900", Self.mobile,
            Self.msh("S15"), "SCH||A1|||||||||^^^202503100900", Self.mobile,
            Self.msh("S17"), "SCH||A2|||||||||^^^202503100900", Self.mobile,
            Self.msh("S12"), "SCH||A2|||||||||^^^202503111500", Self.mobile,
        ])
        let net = SIUReconciliation.reconcile(parsed.records)
        #expect(net.map { "\($0.position.line) \($0.appointment.id) \($0.appointment.status)" } == [
            "7 A1 cancelled", "13 A2 scheduled",
        ])
        #expect(net.last?.appointment.start == (try utc("2025-03-11T04:00:00Z")))
        #expect(SIUReconciliation.reconcile([]) == [])
    }
}
