import Foundation
@testable import RemindAssembly
import RemindConfig
import RemindCore
import RemindRecipients
import Testing

/// `remindctl preview` says when a row's field lost control or bidi characters, so the
/// sysadmin who checks an export sees it; the text it shows is the clean one.
@Suite struct PreviewCleaningTests {
    let directory = NSTemporaryDirectory() + "remindd-preview-clean-\(UUID().uuidString)"

    /// 2026-11-23 09:00 in Sydney (UTC+11).
    static let now = Date(timeIntervalSince1970: 1_795_384_800)

    func assembly() throws -> Assembly {
        try FileManager.default.createDirectory(atPath: directory + "/templates", withIntermediateDirectories: true)
        try "Hi {{first_name}} {{last_name}}, see {{doctor}} on {{date}}.\nReply C to confirm."
            .write(toFile: directory + "/templates/appointment.mustache", atomically: true, encoding: .utf8)
        return try Assembly.build(try Configuration.parse("""
            [practice]
            name = "Harbour Dental"
            time_zone = "Australia/Sydney"
            region = "AU"
            [templates]
            directory = "templates"
            [schedule]
            reminders = [{ name = "day-before", before = "1d" }]
            """, file: directory + "/remindd.toml"))
    }

    @Test func aRowWhoseFieldsWereCleanedSaysSo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let export = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\r\n"
            + "A-1,A\u{0}nn\u{07},Lee\u{1B}\u{202E},0412 345 678,2026-11-25,10:30,Dr\u{85}Patel,3,Scheduled\r\n"
            + "A-2,Bo,Ng,0412 345 679,2026-11-25,11:00,Dr Patel,3,Scheduled\r\n"
        let rows = try assembly().preview(
            Array(export.utf8), file: "export.csv", now: Self.now, optOuts: OptOutList(path: "/nonexistent/opt-out")
        ).get()
        #expect(rows.map(\.line) == [2, 3])
        let cleaned = try #require(rows.first)
        #expect(cleaned.rejected == nil)
        let text = try #require(cleaned.text)
        #expect(text.hasPrefix("Hi Ann Lee, see Dr Patel on "))
        #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        #expect(cleaned.encoding == "gsm7")
        #expect(cleaned.cleaned == [
            "1 control character removed from doctor",
            "2 control characters removed from first_name",
            "2 control characters removed from last_name",
        ])
        #expect(rows[1].cleaned == nil, "a clean row has no notice")
    }
}
