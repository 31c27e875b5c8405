import RemindCore

extension ListParser {
    /// The list read in pieces (``ListStream``), so memory holds a piece's rows and not the
    /// file's: a 64 MB recall list took 1.4 GB read whole.
    public func stream(file: String) -> ListStream {
        ListStream(parser: self, file: file)
    }
}

/// ``ListParser`` reading a file in pieces. The bytes so far are cut after the last line
/// break that ends a whole record (no quote left open before it, in CSV), and each piece is
/// parsed as a file of its own: a CSV piece after the first gets the file's header line
/// (and byte-order mark) put before it, and every line number is counted on from the
/// pieces before, so the records, rejections and lines are those of the whole file. A
/// record longer than the format's `maxLine` is cut where its lines are and rejected.
///
/// Only the first piece may throw (no header, a required column missing, text that is
/// not in the file's encoding); a later piece that is not text in the file's encoding
/// rejects its lines as one rejection, at its first line.
public struct ListStream: Sendable {
    let parser: ListParser
    let file: String
    private var raw: [UInt8] = []
    /// The file's first line (with a byte-order mark), put before each later CSV piece.
    private var header: [UInt8]?
    /// Physical lines before `raw`.
    private var linesBefore = 0
    private var pieces = 0
    private var unit = 1
    private var bigEndian = false
    /// The line being skipped because it is longer than the format's `maxLine`.
    private var skipping: Int?

    init(parser: ListParser, file: String) {
        self.parser = parser
        self.file = file
    }

    public mutating func feed(_ bytes: [UInt8], final: Bool) throws(InputError) -> ParsedList {
        raw += bytes
        if pieces == 0 && header == nil {
            guard raw.count >= 4 || final else { return ParsedList() }
            let format = parser.format
            if raw.starts(with: [0xFF, 0xFE]) || format.encoding == .utf16LE { unit = 2 }
            if raw.starts(with: [0xFE, 0xFF]) || format.encoding == .utf16BE { unit = 2; bigEndian = true }
            if format.encoding == .auto && raw.count >= 2 && !raw.starts(with: [0xFF, 0xFE]) && !raw.starts(with: [0xFE, 0xFF]) {
                if raw[0] != 0 && raw[1] == 0 { unit = 2 } else if raw[0] == 0 && raw[1] != 0 { unit = 2; bigEndian = true }
            }
        }
        var skipped = ParsedList()
        if let line = skipping {
            // Inside a line too long to hold: drop it up to its end, then read on after it.
            guard let end = firstLineEnd(raw) else {
                raw.removeFirst(raw.count - raw.count % unit)
                if final {
                    skipping = nil
                    return ParsedList(rejections: [tooLong(line)])
                }
                return ParsedList()
            }
            raw.removeFirst(end)
            skipping = nil
            linesBefore = line
            skipped.rejections.append(tooLong(line))
        }
        let cut = final ? raw.count : recordEnd(in: raw)
        guard cut > 0 else {
            if raw.count > parser.format.maxLine, firstLineEnd(raw) == nil {
                // A line with no end within maxLine: not held; skipped to its end, then rejected.
                if header == nil && parser.format.fileFormat == .csv {
                    throw InputError(
                        code: .noHeader, message: "the header line is longer than \(parser.format.maxLine) bytes ([inbox] max_line)",
                        file: file, line: 1)
                }
                skipping = linesBefore + 1
                raw.removeFirst(raw.count - raw.count % unit)
            }
            return skipped
        }
        var chunk = cut == raw.count ? raw : Array(raw[..<cut])
        raw = cut == raw.count ? [] : Array(raw[cut...])
        pieces += 1
        let lines = lineCount(chunk)
        var offset = linesBefore
        linesBefore += lines
        if parser.format.fileFormat == .csv {
            if let header {
                chunk = header + chunk
                offset -= 1  // the header's line is the piece's first
            } else if let end = firstLineEnd(chunk) {
                header = Array(chunk[..<end])
            }
        }
        var parsed: ParsedList
        do {
            parsed = try parser.parseList(chunk, file: file)
        } catch where pieces > 1 {
            return ParsedList(rejections: [RowRejection(
                position: SourcePosition(file: file, line: linesBefore - lines + 1),
                reason: "\(error.message); the \(lines) lines from here are not read")])
        }
        if offset != 0 {
            for i in parsed.records.indices { parsed.records[i].position.line += offset }
            for i in parsed.rejections.indices { parsed.rejections[i].position.line += offset }
        }
        parsed.rejections = skipped.rejections + parsed.rejections
        return parsed
    }

    private func tooLong(_ line: Int) -> RowRejection {
        RowRejection(position: SourcePosition(file: file, line: line), reason: ListParser.tooLong(parser.format.maxLine))
    }

    /// Whether the code unit at `i` is the ASCII byte `byte`.
    private func isByte(_ bytes: [UInt8], _ i: Int, _ byte: UInt8) -> Bool {
        unit == 1 ? bytes[i] == byte : (bigEndian ? bytes[i] == 0 && bytes[i + 1] == byte : bytes[i] == byte && bytes[i + 1] == 0)
    }

    /// The offset just after the last line break that ends a whole record (an even number
    /// of quotes before it since the piece began, for CSV); 0 if none. When no such break
    /// is found within `maxLine`, the last line break is taken anyway (a quote left open
    /// is the file's mistake: the parser rejects what it cannot read).
    private func recordEnd(in bytes: [UInt8]) -> Int {
        let csv = parser.format.fileFormat == .csv
        var quotes = 0
        var lastWhole = 0
        var lastAny = 0
        var i = unit == 2 && pieces == 0 && (bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])) ? 2 : 0
        while i + unit <= bytes.count {
            if csv && isByte(bytes, i, 0x22) {
                quotes += 1
            } else if isByte(bytes, i, 0x0A) {
                lastAny = i + unit
                if quotes % 2 == 0 { lastWhole = i + unit }
            }
            i += unit
        }
        if lastWhole == 0 && bytes.count > parser.format.maxLine { return lastAny }
        return lastWhole
    }

    private func firstLineEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i + unit <= bytes.count {
            if isByte(bytes, i, 0x0A) { return i + unit }
            i += unit
        }
        return nil
    }

    /// Line breaks in `bytes`, counted as the parser counts them: in CSV (``CSVReader``)
    /// CRLF, LF or a lone CR; in JSON Lines, LF.
    private func lineCount(_ bytes: [UInt8]) -> Int {
        let csv = parser.format.fileFormat == .csv
        var n = 0
        var i = 0
        while i + unit <= bytes.count {
            if isByte(bytes, i, 0x0A) {
                n += 1
            } else if csv && isByte(bytes, i, 0x0D) && !(i + 2 * unit <= bytes.count && isByte(bytes, i + unit, 0x0A)) {
                n += 1
            }
            i += unit
        }
        return n
    }
}
