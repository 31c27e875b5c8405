/// The states of a spool message; each is a directory of the spool.
public enum MessageState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its release time.
    case queued
    /// Held by an operator; released only by `remindctl release`.
    case held
    /// Handed to a provider, answer not yet recorded.
    case active
    /// A temporary failure; retried at its next attempt time.
    case deferred
    /// Accepted by the provider.
    case sent
    /// Confirmed delivered to the handset (delivery receipt).
    case delivered
    /// A permanent failure; never retried.
    case failed
    /// Not sent because its time passed (appointment started, rule expired).
    case expired
    /// Withdrawn: rescheduled, cancelled, opted out, or by an operator.
    case cancelled
    /// remindd stopped between handing it over and recording the answer.
    case uncertain

    /// Final states are kept for the retention period, then pruned.
    public var isFinal: Bool {
        switch self {
        case .sent, .delivered, .failed, .expired, .cancelled: true
        case .queued, .held, .active, .deferred, .uncertain: false
        }
    }

    /// Pending states may still be released.
    public var isPending: Bool { self == .queued || self == .deferred || self == .held }
}
