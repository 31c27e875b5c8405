/// How a source's lists are laid out: the kind (which fields it needs), the file format,
/// the CSV dialect, which columns feed which field and how dates are written.
/// A plain value the configuration builds.
public struct ListFormat: Hashable, Sendable {
    /// CSV or JSON Lines (lists have no HL7 form).
    public enum FileFormat: String, Hashable, Sendable, CaseIterable {
        case csv
        case jsonl
    }

    public var kind: SourceKind
    public var fileFormat: FileFormat
    /// The CSV field separator; nil to sniff it from the header line.
    public var delimiter: CSVDelimiter?
    /// The text encoding of files without a byte-order mark.
    public var encoding: InputEncoding
    /// Field → the column names that feed it, in order of preference, replacing the kind's defaults.
    public var columns: [ListField: [String]]
    /// Formats of the date column, tried in order.
    public var datePatterns: [DateTimePattern]
    /// The longest record (a CSV line or quoted record, a JSON line) taken, in bytes
    /// (`[inbox] max_line`); a longer one is rejected.
    public var maxLine: Int

    public init(
        kind: SourceKind, fileFormat: FileFormat = .csv, delimiter: CSVDelimiter? = nil, encoding: InputEncoding = .auto,
        columns: [ListField: [String]] = [:], datePatterns: [DateTimePattern] = AppointmentMapping.defaultDatePatterns,
        maxLine: Int = 1 << 20
    ) {
        self.maxLine = maxLine
        precondition(kind != .appointment, "appointments have their own parsers")
        self.kind = kind
        self.fileFormat = fileFormat
        self.delimiter = delimiter
        self.encoding = encoding
        self.columns = columns
        self.datePatterns = datePatterns
    }

    /// The default column names of each field for a kind, in order of preference.
    public static func defaultColumns(for kind: SourceKind) -> [ListField: [String]] {
        let names = AppointmentColumns.defaultNames
        var columns: [ListField: [String]] = [
            .firstName: names[.firstName] ?? [], .lastName: names[.lastName] ?? [], .phone: names[.phone] ?? [],
            .patientName: names[.patientName] ?? [], .location: names[.location] ?? [], .gender: ["gender", "sex"],
        ]
        switch kind {
        case .recall:
            columns[.id] = ["recall id", "id", "patient id", "patient no", "patient number", "chart no", "file no"]
            columns[.date] = ["due", "due date", "recall date", "recall due", "date"]
            columns[.text] = ["reason", "recall reason", "recall type", "type", "recall"]
        case .patient:
            columns[.id] = ["patient id", "id", "patient no", "patient number", "chart no", "file no"]
            columns[.date] = ["date of birth", "dob", "birth date", "birthdate", "birthday", "born"]
        case .broadcast:
            columns[.id] = ["patient id", "id", "patient no", "patient number", "chart no", "file no"]
        case .private:
            columns[.id] = ["message id", "id", "patient id", "patient no"]
            columns[.text] = ["text", "message", "message text", "body", "sms text"]
        case .appointment:
            break
        }
        return columns
    }

    /// The fields a row of this kind must have a column for (and a value in).
    public var requiredFields: [ListField] {
        switch kind {
        case .recall: [.id, .phone, .date]
        case .patient: [.id, .phone, .date]
        case .broadcast: [.phone]
        case .private: [.phone, .text]
        case .appointment: []
        }
    }
}
