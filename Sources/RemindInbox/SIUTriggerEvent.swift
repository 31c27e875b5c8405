/// The SIU trigger events remindd acts on (MSH-9.2), with what each means for a reminder.
///
/// Each SIU message carries the whole appointment, so the daemon applies them in file
/// order and the last event per appointment id wins (see ``SIUReconciliation``).
public enum SIUTriggerEvent: String, Hashable, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// S12: a new appointment was booked.
    case booked = "S12"
    /// S13: the appointment was moved (a new start); its pending reminder is replaced.
    case rescheduled = "S13"
    /// S14: some detail changed (provider, room, status …).
    case modified = "S14"
    /// S15: the appointment was cancelled; its reminder is withdrawn.
    case cancelled = "S15"
    /// S17: the appointment was deleted (usually entered in error); its reminder is withdrawn.
    case deleted = "S17"
    /// S26: the patient did not turn up; any reminder left is withdrawn.
    case noShow = "S26"

    /// The status this event imposes whatever SCH-25 says (`cancelled`, `deleted`,
    /// `noshow`); nil for S12, S13 and S14, whose status comes from SCH-25.
    public var impliedStatus: String? {
        switch self {
        case .booked, .rescheduled, .modified: nil
        case .cancelled: "cancelled"
        case .deleted: "deleted"
        case .noShow: "noshow"
        }
    }

    /// True for the events that take the appointment off the book.
    public var withdraws: Bool { impliedStatus != nil }

    public var description: String { rawValue }
}
