public import RemindCore

/// What a parser made of one input file: the good records and the rejected rows, each in
/// file order. A bad row never stops the rest: it becomes a rejection and parsing goes on.
public struct ParsedInput: Hashable, Sendable {
    public var records: [ParsedAppointment]
    public var rejections: [RowRejection]
    /// For an HL7 file read in pieces: each message of the piece with its outcome, for its
    /// ACK (nil for other formats).
    public var hl7Messages: [HL7MessageResult]?

    public init(records: [ParsedAppointment] = [], rejections: [RowRejection] = []) {
        self.records = records
        self.rejections = rejections
    }
}
