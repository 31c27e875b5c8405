import Foundation
import RemindInbox

// libFuzzer entry point for the CSV parser: every input is parsed with each encoding, a
// custom start pattern, and once without a header (fixed column names).

let csvFormats: [CSVAppointmentFormat] = {
    guard let zone = TimeZone(identifier: "Australia/Sydney"), let pattern = try? DateTimePattern("d/M/yy h:mm a") else {
        fatalError("the fuzz target needs tzdata (Australia/Sydney)")
    }
    return InputEncoding.allCases.map { encoding in
        CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: zone, startPatterns: [pattern]), encoding: encoding)
    } + [
        CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: zone), delimiter: .semicolon, columnNames: ["id", "phone", "start", "x"])
    ]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    for format in csvFormats {
        do {
            let result = try CSVAppointmentParser(format: format).parse(input, file: "fuzz.csv")
            checkPositions(result, file: "fuzz.csv", lines: lineBound(input))
        } catch {
            fuzzCheck(error.file == "fuzz.csv" && !error.message.isEmpty, "an error without file or message")
            if let line = error.line { fuzzCheck(line >= 0 && line <= lineBound(input), "an error line outside the file") }
        }
    }
    return 0
}
