import RemindCore
import RemindInbox

// libFuzzer entry point for the list parser (recall, patient, broadcast and private
// lists): every input is read as each kind, as CSV (delimiter sniffed, and `;` forced
// with CP1252) and as JSON Lines. It may throw an InputError (a file nothing of which
// can be read), never crash; what it returns keeps the list invariants.

let listKinds: [SourceKind] = [.recall, .patient, .broadcast, .private]
let listParsers: [ListParser] = listKinds.flatMap { kind in
    [
        ListParser(format: ListFormat(kind: kind, fileFormat: .csv)),
        ListParser(format: ListFormat(kind: kind, fileFormat: .csv, delimiter: .semicolon, encoding: .cp1252)),
        ListParser(format: ListFormat(kind: kind, fileFormat: .jsonl)),
    ]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzList(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    for parser in listParsers {
        let result: ParsedList
        do {
            result = try parser.parseList(input, file: "fuzz.csv")
        } catch {
            fuzzCheck(parser.format.fileFormat == .csv, "JSON Lines lists never throw, it threw \(error)")
            fuzzCheck(!error.message.isEmpty && error.file == "fuzz.csv", "an error without a reason or file")
            continue
        }
        checkList(result, parser.format, file: "fuzz.csv", lines: lineBound(input))
    }
    return 0
}

func checkList(_ result: ParsedList, _ format: ListFormat, file: String, lines: Int) {
    let records = result.records.map(\.position.line)
    let rejections = result.rejections.map(\.position.line)
    fuzzCheck((records + rejections).allSatisfy { $0 >= 1 && $0 <= lines }, "a position is outside the file")
    fuzzCheck(records == records.sorted(), "records out of order")
    fuzzCheck(Set(records).isDisjoint(with: rejections), "a line both read and rejected")
    fuzzCheck(result.records.allSatisfy { $0.position.file == file }, "a record names another file")
    fuzzCheck(result.rejections.allSatisfy { $0.position.file == file && !$0.reason.isEmpty }, "a rejection without a reason")
    for record in result.records {
        for field in format.requiredFields {
            switch field {
            case .id: fuzzCheck(!record.id.isEmpty, "a record without its required id")
            case .phone: fuzzCheck(!record.phone.isEmpty, "a record without its required phone")
            case .date: fuzzCheck(record.date != nil, "a record without its required date")
            case .text: fuzzCheck(!record.text.isEmpty, "a record without its required text")
            default: break
            }
        }
    }
}
