public import RemindCore

/// What an operator can do to one message with remindctl, and the rule of each: from
/// which states it moves the message, to which, and when it changes nothing.
///
/// | action    | from                                   | to          | already there |
/// |-----------|----------------------------------------|-------------|---------------|
/// | `hold`    | queued, deferred                       | held        | held          |
/// | `release` | held                                   | queued      | –             |
/// | `cancel`  | queued, deferred, held, uncertain      | cancelled   | cancelled     |
/// | `retry`   | queued, deferred, held; uncertain with `force` | queued, due now | – |
///
/// A message in `active/` (being handed over) or in a final state is never moved; an
/// `uncertain` one may already be on the handset, so only `retry --force` sends it again.
public enum OperatorAction: String, Sendable, Hashable, CaseIterable, Codable {
    case hold
    case release
    case cancel
    case retry

    /// What the action does to a message in `state`.
    public enum Outcome: Sendable, Hashable {
        /// Move it to this state.
        case move(to: MessageState)
        /// It is already where the action would put it: nothing to do.
        case unchanged
        /// The action does not apply; the text says why (no patient data).
        case refused(String)
    }

    /// The rule of the table above.
    public func outcome(from state: MessageState, force: Bool = false) -> Outcome {
        switch (self, state) {
        case (.hold, .queued), (.hold, .deferred): return .move(to: .held)
        case (.hold, .held): return .unchanged
        case (.release, .held): return .move(to: .queued)
        case (.cancel, .queued), (.cancel, .deferred), (.cancel, .held), (.cancel, .uncertain): return .move(to: .cancelled)
        case (.cancel, .cancelled): return .unchanged
        case (.retry, .queued), (.retry, .deferred), (.retry, .held): return .move(to: .queued)
        case (.retry, .uncertain):
            return force ? .move(to: .queued)
                : .refused("is uncertain: the gateway may already have it; retry --force sends it again")
        case (_, .active): return .refused("is being handed to the gateway now")
        case (.release, .queued), (.release, .deferred): return .refused("is \(state.rawValue), not held")
        case (.hold, .uncertain), (.release, .uncertain):
            return .refused("is uncertain: retry --force sends it again, cancel ends it")
        default: return .refused("is \(state.rawValue): nothing to \(rawValue)")
        }
    }

    /// The history line's `what` for a move by this action.
    public var eventName: String {
        switch self {
        case .hold: "held"
        case .release, .retry: "queued"
        case .cancel: "cancelled"
        }
    }
}
