// InboxParseBenchmark: parse throughput of the inbox parsers on a 100,000-row export.
//
// Formats: CSV (UTF-8, CP1252, UTF-16), JSON Lines, HL7 v2 SIU (one message per row).
// Builds each file in memory (no disk), parses it five times, and prints the median
// rows per second. Run a release build:
//   swift run -c release InboxParseBenchmark [rows] [csv|jsonl|hl7]
import Foundation
import RemindInbox

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : nil
func wanted(_ format: String) -> Bool { only == nil || only == format }
guard let zone = TimeZone(identifier: "Australia/Sydney") else { fatalError("no tzdata for Australia/Sydney") }
let names = ["René", "Jürgen", "Bjørn", "Begoña", "Ann", "Bob", "Siobhán", "Zoë"]

func csvText(delimiter: String, dayFirst: Bool) -> String {
    var text = ["Appointment ID", "First Name", "Surname", "Mobile", "Date", "Time", "Doctor", "Room", "Status", "Notes"]
        .joined(separator: delimiter) + "\r\n"
    for i in 0..<rows {
        let day = 1 + i % 28, month = 1 + (i / 28) % 12, minute = (i * 5) % 600
        let date = dayFirst ? String(format: "%02d/%02d/2026", day, month) : String(format: "2026-%02d-%02d", month, day)
        let time = String(format: "%02d:%02d", 8 + minute / 60, minute % 60)
        let fields = [
            "A-\(i)", names[i % names.count], "Lefèvre", String(format: "04%08d", i), date, time, "Dr Müller",
            "R\(i % 5)", i % 10 == 0 ? "Cancelled" : "Booked", i % 7 == 0 ? "\"fasting, bring \"\"X-rays\"\"\"" : "",
        ]
        text += fields.joined(separator: delimiter) + "\r\n"
    }
    return text
}

func jsonLinesText() -> String {
    var text = ""
    for i in 0..<rows {
        let day = 1 + i % 28, month = 1 + (i / 28) % 12, minute = (i * 5) % 600
        text += String(
            format: #"{"id":"J-%d","first_name":"%@","last_name":"Lee","phone":"04%08d","start":"2026-%02d-%02dT%02d:%02d:00+10:00","doctor":"Dr Kim","status":"booked","room":"%d"}"#,
            i, names[i % names.count], i, month, day, 8 + minute / 60, minute % 60, i % 5) + "\n"
    }
    return text
}

func measure(_ label: String, bytes: [UInt8], parser: some InputParser) {
    var rates: [Double] = []
    var produced = 0
    for _ in 0..<5 {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try? parser.parse(bytes, file: "bench")
        let elapsed = clock.now - start
        produced = (result?.records.count ?? 0) + (result?.rejections.count ?? 0)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        rates.append(Double(rows) / seconds)
    }
    rates.sort()
    let figures = String(format: "%8.0f rows/s (min %8.0f, max %8.0f)  %d rows out, %.1f MB",
        rates[2], rates[0], rates[4], produced, Double(bytes.count) / 1e6)
    print(label.padding(toLength: 30, withPad: " ", startingAt: 0) + figures)
}

if wanted("csv") {
let utf8Mapping = AppointmentMapping(timeZone: zone, statusMap: ["Booked": "scheduled"])
let csvUTF8 = Array(csvText(delimiter: ",", dayFirst: false).utf8)
measure("CSV UTF-8 , yyyy-MM-dd", bytes: csvUTF8, parser: CSVAppointmentParser(format: CSVAppointmentFormat(mapping: utf8Mapping)))

let dayFirst = AppointmentMapping(timeZone: zone, datePatterns: [try! DateTimePattern("dd/MM/yyyy")])
let semicolon = csvText(delimiter: ";", dayFirst: true)
let cp1252 = semicolon.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }  // all Latin-1 here
measure("CSV CP1252 ; dd/MM/yyyy", bytes: cp1252, parser: CSVAppointmentParser(format: CSVAppointmentFormat(mapping: dayFirst)))

var utf16: [UInt8] = [0xFF, 0xFE]
for unit in semicolon.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
measure("CSV UTF-16LE ; dd/MM/yyyy", bytes: utf16, parser: CSVAppointmentParser(format: CSVAppointmentFormat(mapping: dayFirst)))

}

if wanted("jsonl") {
let jsonl = Array(jsonLinesText().utf8)
measure("JSON Lines", bytes: jsonl, parser: JSONLinesAppointmentParser(mapping: AppointmentMapping(timeZone: zone)))
}

// HL7 v2 SIU: one S12 message per row (MSH, SCH, TQ1, PID with two phones, AIP, AIL), MLLP-framed.
func hl7Text() -> String {
    var text = ""
    for i in 0..<rows {
        let day = 1 + i % 28, month = 1 + (i / 28) % 12, minute = (i * 5) % 600
        let start = String(format: "2026%02d%02d%02d%02d00", month, day, 8 + minute / 60, minute % 60)
        text += "\u{0B}MSH|^~\\&|PRACSOFT|HARBOUR|REMINDD|HARBOUR|20260101120000+1100||SIU^S12^SIU_S12|M\(i)|P|2.5.1\r"
            + "SCH||H-\(i)^PRACSOFT|||||CHK^Check-up||30|MIN|||||||||||||||Booked\r"
            + "TQ1|1||||||\(start)\r"
            + "PID|1||P\(i)^^^PRACSOFT^MR||Lefèvre^\(names[i % names.count])||19800101|F|||||^PRN^PH^^^02^98765432~"
            + String(format: "04%08d", i) + "^PRN^CP\r"
            + "AIP|1||D01^M\\XC3BC\\ller^Anna|DENTIST\r"
            + "AIL|1||Harbour Dental^R\(i % 5)\r\u{1C}\r"
    }
    return text
}

if wanted("hl7") {
    let hl7 = Array(hl7Text().utf8)
    measure("HL7 SIU (MLLP)", bytes: hl7, parser: HL7SIUParser(mapping: AppointmentMapping(timeZone: zone)))
}
