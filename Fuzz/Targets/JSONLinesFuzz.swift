import Foundation
import RemindInbox

// libFuzzer entry point for the JSON Lines parser.

let jsonLinesParser: JSONLinesAppointmentParser = {
    guard let zone = TimeZone(identifier: "Australia/Sydney") else {
        fatalError("the fuzz target needs tzdata (Australia/Sydney)")
    }
    return JSONLinesAppointmentParser(mapping: AppointmentMapping(timeZone: zone))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    do {
        let result = try jsonLinesParser.parse(input, file: "fuzz.jsonl")
        checkPositions(result, file: "fuzz.jsonl", lines: lineBound(input))
    } catch {
        fatalError("JSON Lines never throws, it threw \(error)")
    }
    return 0
}
