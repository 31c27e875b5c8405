public import Foundation
public import RemindDelivery

/// An SMPP 3.4 client session: the settings, the state machine (``StateMachine``, in
/// `SMPPSession+StateMachine.swift`) and what it asks its driver to do (``Action``).
public enum SMPPSession {
    /// Identifies one hand-over (one message, one or more submit_sm parts).
    public typealias Token = UInt64

    public struct Configuration: Sendable {
        public var bind: BindRequest
        /// submit_sm outstanding at once (sent, no submit_sm_resp yet).
        public var window: Int = 10
        /// submit_sm per second at most on the link; nil for no limit but the window.
        public var throughput: Double?
        /// An enquire_link after this long without a PDU from the SMSC.
        public var enquireLinkInterval: TimeInterval = 30
        /// How long a submit_sm, bind, enquire_link or unbind waits for its response.
        public var responseTimeout: TimeInterval = 10
        /// The first reconnect delay, doubled at each failure up to ``reconnectMaximum``;
        /// each delay is drawn between half and all of it (jitter).
        public var reconnectInitial: TimeInterval = 1
        public var reconnectMaximum: TimeInterval = 60
        /// How long after a refused bind (wrong password, system id) the next try is.
        public var refusedRetry: TimeInterval = 300
        /// The pause after ESME_RTHROTTLED or ESME_RMSGQFUL, doubled while they go on.
        public var throttleInitial: TimeInterval = 1
        public var throttleMaximum: TimeInterval = 30

        public init(bind: BindRequest) { self.bind = bind }
    }

    /// What became of one hand-over.
    public enum Outcome: Sendable, Hashable {
        /// Every part was accepted; the reference is the first part's message_id, `parts`
        /// those of parts 2…n (each part gets its own receipt).
        case accepted(reference: String, parts: [String] = [])
        case temporary(String)
        case permanent(String)
        /// The SMSC may have it (written, no answer before the timeout or the link's loss).
        case uncertain(String)
        /// Nothing was written: the link is down, connecting or refused, or remindd is stopping.
        /// The daemon puts it back in the queue with no attempt counted.
        case notSent(String)

        /// As the ``Provider`` protocol answers.
        public var result: Result<DeliveryResult, DeliveryError> {
            switch self {
            case .accepted(let reference, let parts): .success(DeliveryResult(reference: reference, partReferences: parts))
            case .temporary(let m): .failure(DeliveryError(.temporary, m))
            case .permanent(let m): .failure(DeliveryError(.permanent, m))
            case .uncertain(let m): .failure(DeliveryError(.uncertain, m))
            case .notSent(let m): .failure(DeliveryError(.notSent, m))
            }
        }
    }

    /// What the driver does for the state machine, in order.
    public enum Action: Sendable, Hashable {
        /// Open a TCP (or TLS) connection; answer with `connected` or `connectFailed`.
        case connect
        /// Write a PDU on the connection.
        case send(PDU)
        /// Close the connection; answer with `closed` once it is.
        case close
        /// A hand-over's answer.
        case complete(Token, Outcome)
        /// A deliver_sm to hand to the daemon; answer it with deliver_sm_resp once handled.
        case deliver(sequence: UInt32, ShortMessage)
        /// The link went up, down or was refused.
        case link(LinkState)
        /// The SMSC refused the bind with this status (for the journal, once per status).
        case refused(CommandStatus)
        /// Stopped: unbound (or never bound) and closed.
        case stopped
    }
}
