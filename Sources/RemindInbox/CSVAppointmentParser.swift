import RemindCore

/// Reads appointment lists exported as CSV; see ``CSVReader`` for the dialect and
/// ``CSVAppointmentFormat`` for the configuration.
///
/// Each row becomes a ``ParsedAppointment`` or a ``RowRejection`` with its physical line.
/// A row with more or fewer fields than the header is rejected rather than guessed at
/// (a shifted row would put a name where the phone number belongs). Columns not used
/// for a field are kept, by their header as written, in ``RemindCore/Appointment/extra``.
public struct CSVAppointmentParser: InputParser {
    public var format: CSVAppointmentFormat

    public init(format: CSVAppointmentFormat) {
        self.format = format
    }

    public func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedInput {
        let text = try format.encoding.utf8Text(of: bytes, file: file)
        var reader = CSVReader(utf8: text, delimiter: format.delimiter ?? CSVDelimiter.sniff(text))
        let header: [String]
        let headerLine: Int
        if let names = format.columnNames {
            header = names
            headerLine = 0
        } else {
            guard let first = reader.next() else {
                throw InputError(code: .noHeader, message: "the file has no header line (it is empty)", file: file)
            }
            guard first.error == nil else {
                throw InputError(
                    code: .noHeader, message: "the header line cannot be read: \(first.error ?? "")", file: file,
                    line: first.line)
            }
            header = first.fields
            headerLine = first.line
        }
        let layout = try Layout(header: header, mapping: format.mapping, file: file, line: headerLine)
        let builder = AppointmentBuilder(mapping: format.mapping)

        var result = ParsedInput()
        while let record = reader.next() {
            let position = SourcePosition(file: file, line: record.line)
            if let error = record.error {
                result.rejections.append(RowRejection(position: position, reason: error))
                continue
            }
            guard record.fields.count == header.count else {
                result.rejections.append(
                    RowRejection(
                        position: position,
                        reason: "the row has \(record.fields.count) fields, the header \(header.count)"))
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
        return result
    }

    /// Which column feeds which field, decided once from the header.
    struct Layout {
        struct Column {
            var index: Int
            var label: String
        }

        var columns: [AppointmentField: Column] = [:]
        /// Columns kept in `extra`: index and header name.
        var extra: [(Int, String)] = []

        init(header: [String], mapping: AppointmentMapping, file: String, line: Int) throws(InputError) {
            var best: [AppointmentField: (index: Int, rank: Int)] = [:]
            for (index, name) in header.enumerated() {
                guard let found = mapping.columns.lookup(name) else { continue }
                if let current = best[found.field], current.rank <= found.rank { continue }
                best[found.field] = (index, found.rank)
            }
            if best[.start] != nil {
                best[.date] = nil
                best[.time] = nil
            }
            for (field, choice) in best {
                columns[field] = Column(index: choice.index, label: "column \(header[choice.index])")
            }
            let used = Set(best.values.map(\.index))
            for (index, name) in header.enumerated() where !used.contains(index) && !name.isEmpty {
                extra.append((index, name))
            }
            func missing(_ field: AppointmentField, _ what: String) -> InputError {
                var list = mapping.columns.names[field] ?? []
                if field == .start { list += mapping.columns.names[.date] ?? [] }
                let names = list.joined(separator: ", ")
                return InputError(
                    code: .missingColumn, message: "the header has no column for \(what) (looked for: \(names))",
                    file: file, line: line > 0 ? line : nil)
            }
            if columns[.id] == nil { throw missing(.id, "the appointment id") }
            if columns[.phone] == nil { throw missing(.phone, "the phone number") }
            if columns[.start] == nil && columns[.date] == nil { throw missing(.start, "the start (or date and time)") }
        }
    }
}
