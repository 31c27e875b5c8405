public import Foundation

/// What a gateway reports on its own, after (often long after) a hand-over.
public enum GatewayEvent: Sendable, Hashable {
    /// The gateway's final word on a message it accepted.
    case receipt(DeliveryReceipt)
    /// A text a patient sent to the practice's number.
    case inbound(InboundMessage)
    /// The link to the gateway went up or down, or was refused.
    case link(LinkState)
}

/// A delivery receipt: the gateway's reference (as ``DeliveryResult/reference`` returned it
/// at hand-over) and what became of the message.
public struct DeliveryReceipt: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        /// The handset has it.
        case delivered
        /// It will never arrive (expired at the SMSC, rejected, unknown subscriber).
        case undeliverable
    }

    public var reference: String
    public var outcome: Outcome
    /// The gateway's own status or error code (SMPP `stat`/`err`, an HTTP status), if any.
    public var code: String?
    /// When the gateway says it happened (or when the receipt arrived).
    public var time: Date

    public init(reference: String, outcome: Outcome, code: String? = nil, time: Date) {
        self.reference = reference
        self.outcome = outcome
        self.code = code
        self.time = time
    }
}

/// A message from a patient: the sender's number as the gateway gives it (normalised by
/// the daemon), the text, and when it was received.
public struct InboundMessage: Sendable, Hashable {
    public var sender: String
    public var text: String
    public var time: Date

    public init(sender: String, text: String, time: Date) {
        self.sender = sender
        self.text = text
        self.time = time
    }
}

/// The state of the link to the gateway.
public enum LinkState: Sendable, Hashable, CustomStringConvertible {
    /// Connected and bound: hand-overs can go.
    case up
    /// Not connected (network, gateway down); the provider reconnects by itself.
    case down(reason: String)
    /// The gateway refused the link (bad credentials, not allowed): an operator must act.
    case refused(reason: String)

    public var description: String {
        switch self {
        case .up: "up"
        case .down(let reason): "down: \(reason)"
        case .refused(let reason): "refused: \(reason)"
        }
    }
}
