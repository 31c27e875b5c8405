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
        let cut = decoder.cut(raw, final: final)
        guard cut > 0 || final else { return result }
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
        // Rejections of undecodable lines and records come out in line order.
        if !bad.isEmpty { result.rejections.sort { $0.position.line < $1.position.line } }
        return result
    }
}
