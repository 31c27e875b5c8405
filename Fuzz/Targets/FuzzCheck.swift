import RemindCore
import RemindInbox

// Invariants every parser's output must keep, whatever the bytes: positions inside the
// file and in file order. A broken invariant traps, which libFuzzer reports as a crash.

func fuzzCheck(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(what())") }
}

/// An upper bound on a file's physical lines in any encoding.
func lineBound(_ bytes: [UInt8]) -> Int { bytes.count + 1 }

func checkPositions(_ result: ParsedInput, file: String, lines: Int) {
    let records = result.records.map(\.position.line)
    let rejections = result.rejections.map(\.position.line)
    fuzzCheck((records + rejections).allSatisfy { $0 >= 1 && $0 <= lines }, "a position is outside the file")
    fuzzCheck(records == records.sorted(), "records out of order")
    fuzzCheck(rejections == rejections.sorted(), "rejections out of order")
    fuzzCheck(result.records.allSatisfy { $0.position.file == file }, "a record names another file")
    fuzzCheck(result.rejections.allSatisfy { $0.position.file == file && !$0.reason.isEmpty }, "a rejection without a reason")
    fuzzCheck(result.records.allSatisfy { !$0.appointment.id.isEmpty }, "a record without an id")
}

func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
