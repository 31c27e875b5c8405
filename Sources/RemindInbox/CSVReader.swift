/// Splits UTF-8 text into CSV records: RFC 4180 plus what real exports do.
///
/// - Fields are separated by the delimiter; records end at CRLF, LF or a lone CR.
/// - A field that starts with `"` is quoted: it may hold delimiters, line breaks (kept
///   as LF) and doubled quotes (`""` for `"`). Text after its closing quote is kept as is
///   (`"a"b` reads `ab`); a `"` inside an unquoted field is an ordinary character.
/// - Every record knows the physical line it starts on, counting every line break in
///   the file, those inside quoted fields included, so it is the line an editor shows.
/// - Blank lines are skipped: nothing, only spaces and tabs, or only delimiters and
///   spaces with no quotes (the `,,,,` rows spreadsheets leave behind).
/// - A quoted field never closed is reported for the line its record starts on, and
///   reading resumes on the next physical line, so one stray quote costs one row.
///
/// Field values are trimmed of spaces and tabs (and of line breaks inside quotes).
struct CSVReader {
    /// One record, or the reason it could not be read.
    struct Record: Hashable {
        var line: Int
        var fields: [String]
        /// Set when the record is unreadable; `fields` is then empty.
        var error: String?
    }

    private let text: [UInt8]
    private let delimiter: UInt8
    /// Where the next record starts.
    private(set) var index: Int
    /// The physical line the next record starts on.
    private(set) var line: Int
    /// Whether `text` ends the file. When it does not (a piece of a file being read in
    /// pieces), a record that reaches the end of `text` without its line break, or with a
    /// quoted field still open, is not returned: ``next()`` stops before it, leaving
    /// ``index`` and ``line`` at its start, so the caller can carry it into the next piece.
    var final: Bool

    init(utf8 text: [UInt8], delimiter: CSVDelimiter, line: Int = 1, final: Bool = true) {
        self.text = text
        self.delimiter = delimiter.byte
        self.index = 0
        self.line = line
        self.final = final
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// The next non-blank record, or nil at the end of the text.
    mutating func next() -> Record? {
        while index < text.count {
            let startIndex = index
            let startLine = line
            switch readRecord() {
            case .record(let record): return record
            case .blank: continue
            case .incomplete:
                index = startIndex
                line = startLine
                return nil
            }
        }
        return nil
    }

    private enum Outcome {
        case record(Record)
        /// No quotes, and every field empty.
        case blank
        /// The text ended inside the record (only when not ``final``).
        case incomplete
    }

    /// Reads one record from `index`.
    private mutating func readRecord() -> Outcome {
        let startIndex = index
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var blank = true
        while true {
            // Start of a field.
            field.removeAll(keepingCapacity: true)
            if index < text.count && text[index] == Self.quote {
                blank = false
                index += 1
                var closed = false
                while index < text.count {
                    let byte = text[index]
                    if byte == Self.quote {
                        if index + 1 < text.count && text[index + 1] == Self.quote {
                            field.append(Self.quote)
                            index += 2
                        } else {
                            index += 1
                            closed = true
                            break
                        }
                    } else if byte == Self.cr || byte == Self.lf {
                        consumeLineBreak()
                        field.append(Self.lf)
                    } else {
                        field.append(byte)
                        index += 1
                    }
                }
                if !closed {
                    if !final { return .incomplete }
                    return .record(unterminated(startIndex: startIndex, startLine: startLine))
                }
            }
            // The unquoted field, or what follows a closing quote.
            while index < text.count {
                let byte = text[index]
                if byte == delimiter || byte == Self.cr || byte == Self.lf { break }
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { blank = false }
                field.append(byte)
                index += 1
            }
            fields.append(Self.trimmed(field))
            if index < text.count && text[index] == delimiter {
                index += 1
                continue
            }
            if index < text.count {
                consumeLineBreak()
            } else if !final {
                return .incomplete
            }
            break
        }
        if blank { return .blank }
        return .record(Record(line: startLine, fields: fields, error: nil))
    }

    /// Consumes CRLF, LF or CR at `index` and counts the line.
    private mutating func consumeLineBreak() {
        if text[index] == Self.cr && index + 1 < text.count && text[index + 1] == Self.lf {
            index += 2
        } else {
            index += 1
        }
        line += 1
    }

    /// Reports the record starting at `startIndex` as unreadable and resumes after its
    /// first physical line.
    private mutating func unterminated(startIndex: Int, startLine: Int) -> Record {
        index = startIndex
        line = startLine
        while index < text.count && text[index] != Self.cr && text[index] != Self.lf { index += 1 }
        if index < text.count { consumeLineBreak() }
        return Record(line: startLine, fields: [], error: "a quoted field opened on this line is never closed")
    }

    private static func trimmed(_ bytes: [UInt8]) -> String {
        var start = 0
        var end = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
