public import RemindCore

/// What an input source's files list: the kind decides the parser's fields, the rules a
/// record gets, its template and its priority.
public enum SourceKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Appointments (CSV, JSON Lines or HL7 v2 SIU): reminders before each.
    case appointment
    /// Recalls (patient, phone, due date, reason): a recall message from the due date.
    case recall
    /// Patients with their date of birth: a birthday greeting on the day.
    case patient
    /// A broadcast's recipients: one message each through a named template.
    case broadcast
    /// Private messages: one recipient and a literal text each.
    case `private`

    /// The kind of the messages it makes.
    public var messageKind: MessageKind {
        switch self {
        case .appointment: .appointment
        case .recall: .recall
        case .patient: .birthday
        case .broadcast: .broadcast
        case .private: .private
        }
    }

    public var description: String { rawValue }
}
