/// How a source's CSV exports are laid out: delimiter, encoding, header, and the
/// ``AppointmentMapping`` of their columns. A plain value the configuration builds.
public struct CSVAppointmentFormat: Hashable, Sendable {
    /// The field separator; nil to sniff it from the header line (see ``CSVDelimiter``).
    public var delimiter: CSVDelimiter?
    /// The text encoding of files without a byte-order mark.
    public var encoding: InputEncoding
    /// Nil when the first line is the header (the usual case). For files without a header,
    /// the names of their columns in order; every line is then a row.
    public var columnNames: [String]?
    /// Which columns feed which field, date formats, time zone and status words.
    public var mapping: AppointmentMapping
    /// The longest record read, in bytes: one line, or a quoted record over several lines
    /// (`[inbox] max_line`). A longer line is skipped to its end without being held in
    /// memory and its row rejected; a quote left open that long rejects its first line and
    /// reading goes on at the next. So memory stays bounded whatever a file holds.
    public var maxLine: Int = 1 << 20

    public init(
        mapping: AppointmentMapping, delimiter: CSVDelimiter? = nil, encoding: InputEncoding = .auto,
        columnNames: [String]? = nil, maxLine: Int = 1 << 20
    ) {
        self.maxLine = maxLine
        self.mapping = mapping
        self.delimiter = delimiter
        self.encoding = encoding
        self.columnNames = columnNames
    }
}
