public import Foundation
public import RemindCore

/// What a provider's answer, or a gateway's later receipt, does to a message: a pure
/// decision with no clock, no spool and no provider inside. The delivery service passes
/// the answer and `now` in and performs the ``Action``s it gets back, in order.
///
/// | answer | actions |
/// |---|---|
/// | accepted | ``Action/recordSent(reference:)``, ``Action/providerHealthy`` |
/// | temporary, a retry fits before the lifetime and the expiry (at the later of the backoff and the gateway's Retry-After) | ``Action/giveBackDailyCount``, ``Action/deferUntil(_:reason:)``, ``Action/providerFailing(reason:)`` |
/// | temporary, no retry fits | ``Action/giveBackDailyCount``, ``Action/fail(reason:)`` |
/// | permanent | ``Action/giveBackDailyCount``, ``Action/fail(reason:)`` |
/// | uncertain | ``Action/setAside(reason:)``, ``Action/providerFailing(reason:)`` (the daily count stands: it may have reached the number) |
/// | not sent (the link is down or refused) | ``Action/giveBackDailyCount``, ``Action/requeue(reason:)`` (no attempt counted) |
///
/// A receipt (``receipt(delivered:code:state:)``) moves a `sent` message, or an
/// `uncertain` one (the receipt proves the hand-over), to `delivered` or `failed`; any
/// other state is left alone (a repeated receipt, a message an operator closed).
public struct HandOverDecision: Sendable, Hashable {
    /// The provider's answer to one hand-over, as the decision needs it.
    public enum Answer: Sendable, Hashable {
        case accepted(reference: String)
        /// `notBefore`: the gateway's own word on when to come back (HTTP 429's Retry-After);
        /// the retry is at the later of it and the backoff.
        case temporary(reason: String, notBefore: Date? = nil)
        case permanent(reason: String)
        case uncertain(reason: String)
        /// The gateway never saw it and cannot take it now (its link is down or refused).
        case notSent(reason: String)
    }

    /// What the decision needs to know about the message handed over.
    public struct Message: Sendable, Hashable {
        /// Hand-overs so far, this one included.
        public var attempts: Int
        public var created: Date
        public var expires: Date?

        public init(attempts: Int, created: Date, expires: Date?) {
            self.attempts = attempts
            self.created = created
            self.expires = expires
        }
    }

    /// What to do, in order.
    public enum Action: Sendable, Hashable {
        /// To `sent/`, the reference in its history and in the reference index.
        case recordSent(reference: String)
        /// To `deferred/` with this retry time, and back into the schedule at it.
        case deferUntil(Date, reason: String)
        /// To `failed/`; never retried.
        case fail(reason: String)
        /// To `uncertain/`: the gateway may have it; only an operator sends it again.
        case setAside(reason: String)
        /// Back to `queued/` at its own time, the hand-over not counted as an attempt
        /// (a `requeued` history line cancels the `active` one).
        case requeue(reason: String)
        /// The release did not reach the number: its daily count goes back.
        case giveBackDailyCount
        /// The provider answered: any provider problem on STATUS= clears.
        case providerHealthy
        /// The provider is failing: STATUS= says so, with the reason (a wrong proxy password,
        /// a gateway down), so the sysadmin need not search the journal for it.
        case providerFailing(reason: String)
    }

    /// What a receipt does.
    public enum ReceiptAction: Sendable, Hashable {
        /// To `delivered/` with this history detail.
        case markDelivered(detail: String)
        /// To `failed/` with this history detail.
        case markFailed(detail: String)
        /// Nothing: the message is not waiting for a receipt (in this state).
        case ignore(MessageState)
    }

    public var retry: RetryPolicy

    public init(retry: RetryPolicy = .standard) {
        self.retry = retry
    }

    /// The actions for `answer` to a hand-over of `message` answered at `now`.
    public func decide(_ answer: Answer, for message: Message, now: Date) -> [Action] {
        switch answer {
        case .accepted(let reference):
            return [.recordSent(reference: reference), .providerHealthy]
        case .uncertain(let reason):
            return [.setAside(reason: reason), .providerFailing(reason: reason)]
        case .permanent(let reason):
            return [.giveBackDailyCount, .fail(reason: reason)]
        case .notSent(let reason):
            return [.giveBackDailyCount, .requeue(reason: reason)]
        case .temporary(let reason, let notBefore):
            if var at = retry.nextAttempt(after: message.attempts, now: now, created: message.created),
               message.expires.map({ at < $0 }) ?? true {
                if let notBefore, notBefore > at {
                    // The gateway asked for a longer pause than the backoff: it must still fit.
                    guard notBefore.timeIntervalSince(message.created) <= retry.lifetime, message.expires.map({ notBefore < $0 }) ?? true else {
                        return [.giveBackDailyCount, .fail(reason: reason)]
                    }
                    at = notBefore
                }
                return [.giveBackDailyCount, .deferUntil(at, reason: reason), .providerFailing(reason: reason)]
            }
            return [.giveBackDailyCount, .fail(reason: reason)]
        }
    }

    /// What a receipt (`delivered`, or undeliverable with the gateway's `code`) does to a
    /// message in `state`.
    public func receipt(delivered: Bool, code: String?, state: MessageState) -> ReceiptAction {
        guard state == .sent || state == .uncertain else { return .ignore(state) }
        let code = code.map { " code=" + Self.clean($0) } ?? ""
        return delivered ? .markDelivered(detail: "receipt=delivered" + code) : .markFailed(detail: "receipt=undeliverable" + code)
    }

    /// A gateway's code as one history token: printable ASCII, no spaces, at most 32 bytes.
    static func clean(_ code: String) -> String {
        let kept = code.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }.prefix(32)
        return kept.isEmpty ? "-" : String(String.UnicodeScalarView(kept))
    }
}
