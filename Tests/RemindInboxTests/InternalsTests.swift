import Foundation
import Testing

@testable import RemindInbox

@Suite struct CSVReaderTests {
    func records(_ text: String, _ delimiter: CSVDelimiter = .comma) -> [CSVReader.Record] {
        var reader = CSVReader(utf8: Array(text.utf8), delimiter: delimiter)
        var out: [CSVReader.Record] = []
        while let record = reader.next() { out.append(record) }
        return out
    }

    @Test func lineBreaksOfEveryKindCountAsPhysicalLines() {
        let result = records("a,b\r\nc,d\re,f\ng,\"h\r\ni\"\n\nj")
        #expect(result.map(\.line) == [1, 2, 3, 4, 7])
        #expect(result.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h\ni"], ["j"]])
    }

    @Test func quotesAreRFC4180AndLenient() {
        #expect(records(#""a ""b"", c",x"#).map(\.fields) == [[#"a "b", c"#, "x"]])
        #expect(records(#""a"b,c"#).map(\.fields) == [["ab", "c"]])
        #expect(records(#"5" tall,"",x"#).map(\.fields) == [[#"5" tall"#, "", "x"]])
        #expect(records("a,b,\n, ,\n;;\n\"\",\n").map(\.fields) == [["a", "b", ""], [";;"], ["", ""]])
        #expect(records("  a  ;\t b \t", .semicolon).map(\.fields) == [["a", "b"]])
    }

    @Test func anUnclosedQuoteCostsOneLineAndReadingResumesAfterIt() {
        let result = records("h1,h2\n1,\"oops\n2,b\n3,c")
        #expect(result == [
            CSVReader.Record(line: 1, fields: ["h1", "h2"], error: nil),
            CSVReader.Record(line: 2, fields: [], error: "a quoted field opened on this line is never closed"),
            CSVReader.Record(line: 3, fields: ["2", "b"], error: nil),
            CSVReader.Record(line: 4, fields: ["3", "c"], error: nil),
        ])
    }

    @Test func sniffing() {
        #expect(CSVDelimiter.sniff(Array("\n\na;b;c,d\n1,2,3,4,5,6".utf8)) == .semicolon)
        #expect(CSVDelimiter.sniff(Array("a\tb\tc".utf8)) == .tab)
        #expect(CSVDelimiter.sniff(Array("a,b;c".utf8)) == .semicolon)
        #expect(CSVDelimiter.sniff(Array("\"a;b;c\",d".utf8)) == .comma)
        #expect(CSVDelimiter.sniff(Array("single".utf8)) == .comma)
        #expect(CSVDelimiter.sniff(Array(";;;\n\t\n a,b\tc\tx".utf8)) == .tab)
    }
}

@Suite struct InputEncodingTests {
    /// remindd's own table against Foundation's `.windowsCP1252` on this platform, for all
    /// 256 bytes. Foundation refuses the five bytes CP1252 leaves undefined; remindd maps
    /// them to C1 controls (as Windows does) so that no file is undecodable.
    @Test func cp1252TableAgreesWithFoundation() {
        var undefined: [UInt8] = []
        for byte in UInt8.min...UInt8.max {
            let ours = String(decoding: CP1252.decodeToUTF8([byte]), as: UTF8.self)
            if let foundation = String(data: Data([byte]), encoding: .windowsCP1252) {
                #expect(ours == foundation, "byte \(byte)")
            } else {
                undefined.append(byte)
                #expect(ours.unicodeScalars.map(\.value) == [UInt32(byte)])
            }
        }
        #expect(undefined == [0x81, 0x8D, 0x8F, 0x90, 0x9D])
    }

    @Test func byteOrderMarksWinOverTheConfiguredEncoding() throws {
        let text = "id,Zoë 🍎\n"
        let utf16BE: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        let utf16LE: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let utf8: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        for encoding in InputEncoding.allCases {
            for bytes in [utf16BE, utf16LE, utf8] {
                #expect(try encoding.decodeToUTF8(bytes).get() == Array(text.utf8), "\(encoding)")
            }
        }
    }

    @Test func autoDetectsUTF8ThenCP1252AndBOMlessUTF16() throws {
        #expect(try InputEncoding.auto.decodeToUTF8(Array("Zoë".utf8)).get() == Array("Zoë".utf8))
        #expect(try InputEncoding.auto.decodeToUTF8([0x5A, 0x6F, 0xEB, 0x80]).get() == Array("Zoë€".utf8))
        #expect(try InputEncoding.auto.decodeToUTF8([0x69, 0, 0x64, 0]).get() == Array("id".utf8))
        #expect(try InputEncoding.auto.decodeToUTF8([0, 0x69, 0, 0x64]).get() == Array("id".utf8))
        #expect(try InputEncoding.latin1.decodeToUTF8([0x80, 0xE9]).get() == Array("\u{80}é".utf8))
        #expect(try InputEncoding.cp1252.decodeToUTF8([0x80, 0xE9]).get() == Array("€é".utf8))
    }

    @Test func malformedUTF8AndUTF16AreReportedWithTheirLine() {
        #expect(InputEncoding.utf8.decodeToUTF8(Array("a\nb\n".utf8) + [0xC0, 0x80]) == .failure(.init(line: 3, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf8.decodeToUTF8([0xED, 0xA0, 0x80]) == .failure(.init(line: 1, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf8.decodeToUTF8([0xF4, 0x90, 0x80, 0x80]) == .failure(.init(line: 1, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf8.decodeToUTF8([0xE2, 0x82]) == .failure(.init(line: 1, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf16LE.decodeToUTF8([0x61, 0]) == .success([0x61]))
        #expect(InputEncoding.utf16LE.decodeToUTF8([0x61, 0, 0x62]) == .failure(.init(line: 1, reason: "has an odd number of bytes for UTF-16")))
        #expect(InputEncoding.utf16LE.decodeToUTF8([0x0A, 0, 0x00, 0xD8, 0x61, 0]) == .failure(.init(line: 2, reason: "has an unpaired UTF-16 surrogate")))
        #expect(InputEncoding.utf16BE.decodeToUTF8([0xDC, 0x00]) == .failure(.init(line: 1, reason: "has an unpaired UTF-16 surrogate")))
        for valid in ["", "ascii", "é", "€", "🍎", "\u{10FFFF}", "\u{D7FF}\u{E000}"] {
            #expect(InputEncoding.firstInvalidUTF8(Array(valid.utf8), from: 0) == nil, "\(valid)")
        }
    }
}

@Suite struct DateTimePatternTests {
    static let cases: [(String, String, [Int]?)] = [
        ("yyyy-MM-dd HH:mm", "2025-03-05 09:30", [2025, 3, 5, 9, 30, 0]),
        ("yyyy-MM-dd HH:mm", "2025-3-5 9:30", [2025, 3, 5, 9, 30, 0]),
        ("yyyy-MM-dd HH:mm", "2025-03-05 09:30:00", nil),
        ("yyyy-MM-dd HH:mm", "25-03-05 09:30", nil),
        ("yyyy-MM-dd HH:mm", "2025-02-29 09:30", nil),
        ("yyyy-MM-dd HH:mm", "2024-02-29 09:30", [2024, 2, 29, 9, 30, 0]),
        ("yyyy-MM-dd HH:mm", "2025-03-05 24:00", nil),
        ("dd/MM/yyyy HH:mm", "31/12/2025 23:59", [2025, 12, 31, 23, 59, 0]),
        ("dd/MM/yyyy HH:mm", "31/04/2025 10:00", nil),
        ("d/M/yyyy h:mm a", "5/3/2025 9:05 am", [2025, 3, 5, 9, 5, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 12:00 AM", [2025, 3, 5, 0, 0, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 12:30 PM", [2025, 3, 5, 12, 30, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 1:30 PM", [2025, 3, 5, 13, 30, 0]),
        ("d/M/yyyy h:mm a", "5/3/2025 13:30 PM", nil),
        ("d/M/yyyy h:mm a", "5/3/2025 1:30", nil),
        ("dd.MM.yy", "05.03.25", [2025, 3, 5, 0, 0, 0]),
        ("yyyyMMdd", "20250305", [2025, 3, 5, 0, 0, 0]),
        ("yyyyMMddHHmm", "202503050930", [2025, 3, 5, 9, 30, 0]),
        ("yyyyMMdd", "202535", nil),
        ("d MMM yyyy", "5 Mar 2025", [2025, 3, 5, 0, 0, 0]),
        ("d MMMM yyyy", "5 march 2025", [2025, 3, 5, 0, 0, 0]),
        ("EEE d MMM yyyy", "Wed 5 Mar 2025", [2025, 3, 5, 0, 0, 0]),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2025-03-05T09:30:15.250", [2025, 3, 5, 9, 30, 15]),
        ("HH:mm", "9:05", [0, 0, 0, 9, 5, 0]),
        ("HH:mm:ss", "09:05", nil),
        ("h.mm a", "9.05 pm", [0, 0, 0, 21, 5, 0]),
        ("'at' HH'h'mm", "at 09h30", [0, 0, 0, 9, 30, 0]),
    ]

    @Test(arguments: cases)
    func parses(pattern: String, text: String, expected: [Int]?) throws {
        let parsed = try DateTimePattern(pattern).parse(Substring(text))
        let components = parsed.map { [$0.year ?? 0, $0.month ?? 0, $0.day ?? 0, $0.hour, $0.minute, $0.second] }
        #expect(components == expected)
    }

    /// On every value remindd accepts, a POSIX-locale non-lenient DateFormatter in UTC
    /// reads the same wall-clock time.
    @Test(arguments: cases.filter { $0.2 != nil && $0.2![0] != 0 && !$0.1.contains("25-03-05 ") })
    func agreesWithDateFormatter(pattern: String, text: String, expected: [Int]?) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.isLenient = false
        formatter.dateFormat = pattern
        let date = try #require(formatter.date(from: text), "DateFormatter refuses \(text)")
        let ours = try #require(try DateTimePattern(pattern).parse(Substring(text)))
        #expect(Int64(date.timeIntervalSince1970) == ours.wallSeconds)
    }

    @Test func unsupportedPatternsAreRefused() {
        for pattern in ["yyyy-MM-dd zzz", "'open", "", "HHH:mm", "Q yyyy"] {
            #expect(throws: DateTimePattern.PatternError.self, "\(pattern)") { _ = try DateTimePattern(pattern) }
        }
        let date = try? DateTimePattern("yyyy-MM-dd")
        let time = try? DateTimePattern("HH:mm")
        #expect(date?.hasDate == true && date?.hasTime == false)
        #expect(time?.hasDate == false && time?.hasTime == true)
    }

    @Test func localTimesResolveWithTheZonesRules() throws {
        let zone = try sydney()
        func instant(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int) -> CivilDateTime.Resolution {
            CivilDateTime(year: y, month: mo, day: d, hour: h, minute: mi).resolve(in: zone)
        }
        #expect(instant(2025, 10, 5, 2, 30) == .skipped)
        #expect(instant(2025, 10, 5, 1, 59) == .instant(try utc("2025-10-05T01:59:00+10:00")))
        #expect(instant(2025, 10, 5, 3, 0) == .instant(try utc("2025-10-05T03:00:00+11:00")))
        #expect(instant(2025, 4, 6, 2, 30) == .instant(try utc("2025-04-06T02:30:00+11:00")))
        #expect(instant(2025, 7, 1, 12, 0) == .instant(try utc("2025-07-01T12:00:00+10:00")))
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(CivilDateTime(year: 2025, month: 3, day: 9, hour: 2, minute: 30).resolve(in: newYork) == .skipped)
        #expect(CivilDateTime(year: 2025, month: 11, day: 2, hour: 1, minute: 30).resolve(in: newYork)
            == .instant(try utc("2025-11-02T01:30:00-04:00")))
    }

    @Test func iso8601Timestamps() throws {
        func parse(_ text: String) -> Int64? {
            guard let (time, offset) = ISO8601Timestamp.parse(Substring(text)) else { return nil }
            return time.wallSeconds - Int64(offset ?? 0)
        }
        let expected = Int64(try utc("2025-03-04T22:30:00Z").timeIntervalSince1970)
        #expect(parse("2025-03-05T09:30:00+11:00") == expected)
        #expect(parse("2025-03-05T09:30+1100") == expected)
        #expect(parse("2025-03-05 09:30:00.123+11") == expected)
        #expect(parse("2025-03-04T22:30:00Z") == expected)
        #expect(parse("2025-03-04T22:30:00") == expected)  // no offset: local, resolved by the caller
        for bad in ["2025-03-05", "2025-03-05T9:30", "2025-03-05T09:30+25:00", "2025-02-30T09:30Z", "2025-03-05T09:30Zx"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }
}
