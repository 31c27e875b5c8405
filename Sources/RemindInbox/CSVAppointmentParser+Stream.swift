import RemindCore

extension CSVAppointmentParser: StreamingInputParser {
    public func stream(file: String) -> any RecordStream {
        CSVAppointmentStream(format: format, file: file)
    }
}

/// ``CSVAppointmentParser`` reading a file in pieces: the bytes are decoded up to their
/// last line break (``ChunkDecoder``), records are read from the decoded text, and a record
/// the piece ends inside (a quoted field with line breaks, say) is carried into the next.
struct CSVAppointmentStream: RecordStream {
    let format: CSVAppointmentFormat
    let file: String
    private var decoder: ChunkDecoder
    /// Raw bytes not decoded yet (after the last line break seen).
    private var raw: [UInt8] = []
    /// Decoded text not read yet: the start of a record that the next piece completes.
    private var text: [UInt8] = []
    /// The physical line `text` starts on.
    private var textLine = 1
    private var delimiter: CSVDelimiter?
    private var header: [String]?
    private var layout: CSVAppointmentParser.Layout?
    private let builder: AppointmentBuilder
    /// The line being skipped because it is longer than ``CSVAppointmentFormat/maxLine``.
    private var skipping: Int?

    init(format: CSVAppointmentFormat, file: String) {
        self.format = format
        self.file = file
        self.decoder = ChunkDecoder(format.encoding)
        self.builder = AppointmentBuilder(mapping: format.mapping)
        self.delimiter = format.delimiter
        if let names = format.columnNames { header = names }
    }

    mutating func feed(_ bytes: [UInt8], final: Bool) throws(InputError) -> ParsedInput {
        raw += bytes
        var result = ParsedInput()
        if !decoder.hasStarted {
            guard raw.count >= 3 || final else { return result }
            let bom = decoder.start(raw[...])
            if bom > 0 { raw.removeFirst(bom) }
        }
        if let line = skipping {
            // Inside a line too long to hold: drop it up to its end, then read on after it.
            guard let end = decoder.firstLineEnd(raw) else {
                if final {
                    raw = []
                    skipping = nil
                    result.rejections.append(tooLong(line))
                    return result
                }
                raw.removeFirst(decoder.droppable(raw.count))
                return result
            }
            raw.removeFirst(end)
            skipping = nil
            result.rejections.append(tooLong(line))
            textLine = line + 1
        }
        let cut = decoder.cut(raw, final: final)
        guard cut > 0 || final else {
            try skipIfTooLong(&result)
            return result
        }
        let (decoded, bad) = decoder.decode(raw[..<cut], final: final)
        raw.removeFirst(cut)
        if !bad.isEmpty {
            // The piece starts on the line after the last line break of `text`.
            let pieceLine = textLine + text.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            for b in bad {
                result.rejections.append(RowRejection(position: SourcePosition(file: file, line: pieceLine + b.index), reason: b.reason))
            }
        }
        text += decoded
        let delimiter = self.delimiter ?? CSVDelimiter.sniff(text)
        self.delimiter = delimiter
        var reader = CSVReader(utf8: text, delimiter: delimiter, line: textLine, final: final)
        if layout == nil {
            let headerLine: Int
            if let header {
                headerLine = 0
                layout = try CSVAppointmentParser.Layout(header: header, mapping: format.mapping, file: file, line: headerLine)
            } else {
                guard let first = reader.next() else {
                    if final {
                        throw InputError(code: .noHeader, message: "the file has no header line (it is empty)", file: file)
                    }
                    return result  // the header line is not complete yet
                }
                guard first.error == nil else {
                    throw InputError(
                        code: .noHeader, message: "the header line cannot be read: \(first.error ?? "")", file: file,
                        line: first.line)
                }
                header = first.fields
                layout = try CSVAppointmentParser.Layout(header: first.fields, mapping: format.mapping, file: file, line: first.line)
            }
        }
        let columns = header!.count
        let layout = self.layout!
        while true {
            while let record = reader.next() {
                let position = SourcePosition(file: file, line: record.line)
                if let error = record.error {
                    result.rejections.append(RowRejection(position: position, reason: error))
                    continue
                }
                guard record.fields.count == columns else {
                    result.rejections.append(
                        RowRejection(position: position, reason: "the row has \(record.fields.count) fields, the header \(columns)"))
                    continue
                }
                var extra: [String: String] = [:]
                for (index, name) in layout.extra where extra[name] == nil {
                    extra[name] = record.fields[index]
                }
                let built = builder.build(
                    value: { field in
                        layout.columns[field].map { AppointmentBuilder.Value(label: $0.label, text: record.fields[$0.index]) }
                    }, extra: extra)
                switch built {
                case .success(let appointment):
                    result.records.append(ParsedAppointment(position: position, appointment: appointment))
                case .failure(let rejection):
                    result.rejections.append(RowRejection(position: position, reason: rejection.reason))
                }
            }
            let consumed = reader.index
            textLine = reader.line
            text = consumed == text.count ? [] : Array(text[consumed...])
            // A quote opened and not closed within maxLine: its first line is rejected, and
            // reading goes on at the line after it (the quote is taken as a mistake).
            guard text.count > format.maxLine, let end = text.firstIndex(of: 0x0A) else { break }
            result.rejections.append(RowRejection(
                position: SourcePosition(file: file, line: textLine),
                reason: "a record longer than \(format.maxLine) bytes ([inbox] max_line): a quote opened on this line is not closed; "
                    + "the line is rejected and reading goes on at the next"))
            text.removeFirst(end + 1)
            textLine += 1
            reader = CSVReader(utf8: text, delimiter: delimiter, line: textLine, final: final)
        }
        try skipIfTooLong(&result)
        // Rejections of undecodable lines and records come out in line order.
        if !bad.isEmpty { result.rejections.sort { $0.position.line < $1.position.line } }
        return result
    }

    /// When the bytes not yet decoded (a line with no end in sight) exceed the limit, stop
    /// holding them: the line is skipped to its end (``skipping``) and its row rejected then.
    private mutating func skipIfTooLong(_ result: inout ParsedInput) throws(InputError) {
        guard raw.count > format.maxLine else { return }
        let line = textLine + text.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard layout != nil else {
            throw InputError(
                code: .noHeader, message: "the header line is longer than \(format.maxLine) bytes ([inbox] max_line)", file: file, line: line)
        }
        if !text.isEmpty {
            // A record begun on an earlier line runs into this one: it cannot be completed.
            result.rejections.append(RowRejection(
                position: SourcePosition(file: file, line: textLine),
                reason: "the record runs into line \(line), which is longer than \(format.maxLine) bytes ([inbox] max_line)"))
            text = []
        }
        raw.removeFirst(decoder.droppable(raw.count))
        skipping = line
    }

    private func tooLong(_ line: Int) -> RowRejection {
        RowRejection(
            position: SourcePosition(file: file, line: line),
            reason: "the line is longer than \(format.maxLine) bytes ([inbox] max_line); it was skipped unread")
    }
}
