public import RemindCore

/// A released message, as a provider needs it.
public struct OutgoingMessage: Sendable, Hashable {
    public var id: MessageID
    /// E.164 with a leading `+`.
    public var recipient: String
    public var text: String
    /// `gsm7` or `ucs2`.
    public var encoding: String

    public init(id: MessageID, recipient: String, text: String, encoding: String) {
        self.id = id
        self.recipient = recipient
        self.text = text
        self.encoding = encoding
    }
}

/// What a provider answered for an accepted message.
public struct DeliveryResult: Sendable, Hashable {
    /// The gateway's reference for the message (a file name, an SMPP message_id).
    public var reference: String

    public init(reference: String) { self.reference = reference }
}

/// A failed hand-over: temporary (retry later) or permanent (never retry).
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case temporary, permanent }
        let value: Value
        /// Retrying later may succeed (gateway down, throttled, disk full).
        public static let temporary = Code(value: .temporary)
        /// Retrying will not help (invalid number, rejected content).
        public static let permanent = Code(value: .permanent)
        public var description: String { "\(value)" }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Sends messages. Implementations are safe to call from several tasks.
public protocol Provider: Sendable {
    /// A short name for logs and history (`outbox`, `smpp`, `kannel`).
    var name: String { get }

    /// Hands one message over. Returns when the gateway has accepted it (durably, for
    /// the outbox); throws a ``DeliveryError`` saying whether a retry can help.
    func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult
}
