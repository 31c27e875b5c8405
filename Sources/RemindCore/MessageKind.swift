/// What a message is for; decides its template, its scheduling rule and, when the
/// release rate is contended, its priority (appointment reminders go first).
public enum MessageKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case appointment
    case recall
    case birthday
    case broadcast
    case `private`

    /// Lower goes first when several messages compete for the same release slot.
    public var priority: Int {
        switch self {
        case .appointment: 0
        case .recall: 1
        case .birthday: 2
        case .broadcast: 3
        case .private: 0
        }
    }

    public static func < (lhs: MessageKind, rhs: MessageKind) -> Bool { lhs.priority < rhs.priority }
}
