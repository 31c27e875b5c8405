import Foundation
import RemindCore
import RemindInbox
import Testing

@Suite struct JSONLinesAppointmentParserTests {
    func parse(_ bytes: [UInt8]) throws -> ParsedInput {
        try JSONLinesAppointmentParser(mapping: AppointmentMapping(timeZone: try sydney())).parse(bytes, file: "j.jsonl")
    }

    @Test func aBadLineIsRejectedAloneWhateverIsWrongWithIt() throws {
        var bytes = Array("\u{FEFF}{\"id\":\"1\",\"phone\":\"04\",\"start\":\"2025-03-05T09:00:00+11:00\"}\r\n".utf8)
        bytes += Array("{\"id\":\"2\",\"phone\":\"04\",\"start\":\"".utf8) + [0xE9] + Array("\"}\n".utf8)
        bytes += Array("{\"id\":\"3\",\"phone\":\"04\",\"start\":\"2025-10-05T02:30:00\"}\n".utf8)
        bytes += Array("{\"id\":\"4\",\"phone\":[\"04\"],\"start\":\"2025-03-05T09:00:00Z\"}\n".utf8)
        bytes += Array("{\"id\":\"5\",\"phone\":\"  \",\"start\":\"2025-03-05T09:00:00Z\"}\n".utf8)
        bytes += Array("{\"id\":\"6\",\"phone\":\"04\",\"start\":\"tomorrow\"}\n".utf8)
        bytes += Array("{\"id\":true,\"phone\":\"0499\",\"date\":\"2025-03-05\",\"time\":\"9:00\"}".utf8)
        let parsed = try parse(bytes)
        #expect(parsed.records.map(\.appointment.id) == ["1", "true"])
        #expect(parsed.records.map(\.position.line) == [1, 7])
        #expect(parsed.rejections.map { "\($0.position.line): \($0.reason)" } == [
            "2: the line is not valid UTF-8",
            "3: field start names a local time that does not exist in Australia/Sydney (the clocks go forward over it)",
            "4: field phone is not a string or number",
            "5: field phone is empty",
            "6: field start does not match yyyy-MM-dd HH:mm or yyyy-MM-dd HH:mm:ss or yyyy-MM-dd'T'HH:mm or yyyy-MM-dd'T'HH:mm:ss",
        ])
    }

    @Test func deeplyNestedJSONIsRejectedNotRecursedInto() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let nested = "{\"id\":\"1\",\"phone\":\"04\",\"start\":\"2025-03-05T09:00:00Z\",\"x\":" + String(repeating: "{\"a\":", count: 100) + "1"
            + String(repeating: "}", count: 101)
        let parsed = try parse(Array((deep + "\n" + nested + "\n").utf8))
        #expect(parsed.rejections.map(\.position.line) == [1])
        #expect(parsed.records.first?.appointment.extra["x"]?.hasPrefix(#"{"a":{"a":"#) == true)
    }

    @Test func anEmptyFileHasNoRecordsAndNoError() throws {
        #expect(try parse([]) == ParsedInput())
        #expect(try parse(Array("\n \n\r\n".utf8)) == ParsedInput())
    }
}
