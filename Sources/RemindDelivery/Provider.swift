public import Foundation
public import RemindCore

/// A released message, as a provider needs it.
public struct OutgoingMessage: Sendable, Hashable {
    public var id: MessageID
    /// E.164 with a leading `+`.
    public var recipient: String
    public var text: String
    /// GSM-7 or UCS-2, as the text was measured when it was rendered.
    public var encoding: SMSEncoding
    /// How many SMS segments the text takes in its encoding.
    public var segments: Int

    public init(id: MessageID, recipient: String, text: String, encoding: SMSEncoding, segments: Int = 1) {
        self.id = id
        self.recipient = recipient
        self.text = text
        self.encoding = encoding
        self.segments = segments
    }
}

/// What a provider answered for an accepted message.
public struct DeliveryResult: Sendable, Hashable {
    /// The gateway's reference for the message (a file name, an SMPP message_id); for a
    /// long message sent in parts, the first part's.
    public var reference: String
    /// The references of parts 2…n of a long message sent as separate submits, in order
    /// (each has its own receipt); empty for one part.
    public var partReferences: [String]

    public init(reference: String, partReferences: [String] = []) {
        self.reference = reference
        self.partReferences = partReferences
    }
}

/// A failed hand-over: temporary (retry later), permanent (never retry), uncertain (the
/// gateway may have it: never retried by itself, an operator decides), or not sent (the
/// gateway never saw it and cannot take it now: its link is down or refused).
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case temporary, permanent, uncertain, notSent }
        let value: Value
        /// Retrying later may succeed (gateway down, throttled, disk full).
        public static let temporary = Code(value: .temporary)
        /// Retrying will not help (invalid number, rejected content).
        public static let permanent = Code(value: .permanent)
        /// The hand-over may or may not have happened (the command was killed, timed out or
        /// vanished mid-run): retrying could text the patient twice, so only an operator does.
        public static let uncertain = Code(value: .uncertain)
        /// Nothing reached the gateway: its link is down, connecting or refused, or remindd
        /// stopped before the message was written. The message goes back to `queued/` with
        /// no attempt counted, and waits for the link.
        public static let notSent = Code(value: .notSent)
        public var description: String { "\(value)" }
    }

    public let code: Code
    public let message: String
    /// For a temporary failure, how long the gateway asked us to wait (HTTP 429 or 503 with
    /// Retry-After): the retry comes no sooner, even when the backoff would be shorter.
    public var retryAfter: Duration?

    public init(_ code: Code, _ message: String, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(message)" }
}

/// Sends messages. Implementations are safe to call from several tasks.
///
/// The delivery service calls ``send(_:)`` for up to ``concurrency`` messages at once and
/// records each answer as it comes. A gateway that reports later (delivery receipts,
/// patients' replies, its link going up or down) exposes ``events``, which the delivery
/// service consumes for as long as it runs.
public protocol Provider: Sendable {
    /// A short name for logs and history (`outbox`, `smpp`, `kannel`).
    var name: String { get }

    /// How many hand-overs the provider takes at once (an SMPP window, parallel HTTP
    /// requests); at least 1. The outbox and the command take one at a time.
    var concurrency: Int { get }

    /// What the gateway reports asynchronously, long after a hand-over; nil when it
    /// reports nothing (the outbox, a command). The sequence ends when the provider shuts down.
    var events: AsyncStream<GatewayEvent>? { get }

    /// Told once an event from ``events`` was applied: `stored` is true when it is durable
    /// (a receipt recorded, a reply in `replies/`), so a gateway may acknowledge it now
    /// (SMPP's deliver_sm_resp), and false when the daemon could not store it (ask again).
    func handled(_ event: GatewayEvent, stored: Bool) async

    /// Hands one message over. Returns when the gateway has accepted it (durably, for
    /// the outbox); throws a ``DeliveryError`` saying whether a retry can help, or that
    /// the hand-over's fate is unknown.
    func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult

    /// After a crash, whether the gateway has a message that was left in `active/`: `true`
    /// (it has it: recorded sent), `false` (it certainly has not: queued again), nil (it
    /// cannot tell: the `spool.interrupted` rule decides). Runs on the spool's thread during
    /// recovery (blocking file checks are fine). The default cannot tell.
    func handOverWitness(_ id: MessageID) -> Bool?
    /// Called on the spool's thread just before a message moves to `active/` (blocking
    /// file I/O is fine). A provider that is its own witness makes the witness durable
    /// here, so that after a crash in `active/` it can always tell (the outbox writes its
    /// temporary file). Throwing keeps the message queued, as a spool failure does. The
    /// default does nothing.
    func stage(_ message: OutgoingMessage) throws
}

extension Provider {
    public func handOverWitness(_ id: MessageID) -> Bool? { nil }
    public func stage(_ message: OutgoingMessage) throws {}
    public var concurrency: Int { 1 }
    public var events: AsyncStream<GatewayEvent>? { nil }
    public func handled(_ event: GatewayEvent, stored: Bool) async {}
}
