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

    /// Parses a whole file: the stream (``stream(file:)``) fed once.
    public func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedInput {
        var stream = CSVAppointmentStream(format: format, file: file)
        return try stream.feed(bytes, final: true)
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
            // The location column is also kept under its own header (`{{site}}` for a `Site` column).
            let used = Set(best.filter { $0.key != .location }.values.map(\.index))
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
