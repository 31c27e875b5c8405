public import RemindCore

/// What became of one HL7 message of a file (or of a stretch of text that is not part of
/// any message): the appointment it carries, or why it was rejected.
public struct HL7MessageResult: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        case accepted(ParsedAppointment)
        case rejected(RowRejection)
    }

    /// The 1-based physical line of the message's MSH segment (or of the stray text).
    public var line: Int
    /// The message's header; nil when its MSH could not be read or for stray text, which
    /// cannot be acknowledged.
    public var header: HL7MessageHeader?
    public var outcome: Outcome

    public init(line: Int, header: HL7MessageHeader?, outcome: Outcome) {
        self.line = line
        self.header = header
        self.outcome = outcome
    }
}
