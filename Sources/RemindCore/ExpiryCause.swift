/// What a message's expiry time stands for, so that a message ended `expired` says why
/// in its history and the journal ("the appointment started"), after a restart too: the
/// spool keeps it in the message file (`Expiry-Cause:`) and in its index.
public enum ExpiryCause: UInt8, Sendable, Hashable, Codable, CaseIterable {
    /// The appointment's start: a reminder never goes after it.
    case appointmentStart
    /// A rule's latest time ("not later than 1 hour before").
    case latestTime
    /// The end of the local day the message belongs to (a birthday greeting).
    case endOfDay
    /// Any other deadline.
    case deadline

    /// The reason an expired message is recorded with (constant text, no patient data).
    public var phrase: String {
        switch self {
        case .appointmentStart: "the appointment started"
        case .latestTime: "the rule's latest time passed"
        case .endOfDay: "its day ended"
        case .deadline: "its expiry time passed"
        }
    }

    /// Its name in a message file's `Expiry-Cause:` line.
    public var name: String {
        switch self {
        case .appointmentStart: "appointment-start"
        case .latestTime: "latest-time"
        case .endOfDay: "end-of-day"
        case .deadline: "deadline"
        }
    }

    public init?(name: some StringProtocol) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// The cause of a message written before the cause was kept: for an appointment
    /// reminder whose expiry is the appointment's start, that start; else a deadline.
    public static func inferred(kind: MessageKind, expires: Double?, appointmentStart: Double?) -> ExpiryCause {
        guard kind == .appointment, let expires, let appointmentStart, expires.rounded(.down) == appointmentStart.rounded(.down)
        else { return .deadline }
        return .appointmentStart
    }
}
