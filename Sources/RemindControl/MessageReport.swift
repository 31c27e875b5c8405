public import Foundation
public import RemindCore

/// One message as `remindctl show` prints it: its headers, its history, and (only when
/// asked) its text and full number.
///
/// Patient data travels only on request: ``recipient`` is masked unless the request said
/// `full`, and ``text`` is nil unless it said `text`. The daemon never logs this payload.
public struct MessageReport: Codable, Sendable, Hashable {
    /// One line of the message's history, as its spool file records it.
    public struct Event: Codable, Sendable, Hashable {
        public var time: Date
        /// Usually the state entered: `queued`, `held`, `active`, `sent`, `deferred`…
        public var what: String
        /// Details: `provider=… reference=…`, `retry=… reason=…`, `reason=operator`…
        public var detail: String

        public init(time: Date, what: String, detail: String) {
            self.time = time
            self.what = what
            self.detail = detail
        }
    }

    public var id: MessageID
    public var state: MessageState
    public var kind: MessageKind
    /// The idempotency key: source, record (appointment) id, reminder rule.
    public var key: MessageKey
    /// Masked (`+614******78`) unless the request asked for the full number.
    public var recipient: String
    /// The text; nil unless the request asked for it.
    public var text: String?
    /// When it may go (for a deferred message: its next attempt).
    public var due: Date
    public var expires: Date?
    public var appointmentStart: Date?
    /// The inbox file and line it came from.
    public var sourceFile: String?
    public var sourceLine: Int?
    public var created: Date
    public var encoding: String
    public var segments: Int
    /// Oldest first.
    public var events: [Event]
    /// Why it is in its state, when its last event says (see ``MessageHistory/reason(of:)``).
    public var reason: String?
    /// The practice's time zone, for display.
    public var timeZone: String

    public init(
        id: MessageID, state: MessageState, kind: MessageKind, key: MessageKey, recipient: String, text: String?,
        due: Date, expires: Date?, appointmentStart: Date?, sourceFile: String?, sourceLine: Int?, created: Date,
        encoding: String, segments: Int, events: [Event], timeZone: String
    ) {
        self.id = id
        self.state = state
        self.kind = kind
        self.key = key
        self.recipient = recipient
        self.text = text
        self.due = due
        self.expires = expires
        self.appointmentStart = appointmentStart
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.created = created
        self.encoding = encoding
        self.segments = segments
        self.events = events
        self.reason = MessageHistory.reason(of: events)
        self.timeZone = timeZone
    }
}

/// What a message's history says, read the same way by the daemon and by remindctl.
public enum MessageHistory {
    /// Why the message is in its state, from its last event: the text after `reason=` when
    /// the detail has one (`reason=opted-out`, `retry=… reason=timeout`), else the whole
    /// detail of an event that explains itself (expired, cancelled, failed, uncertain,
    /// held, deferred, queued again); nil for a plain `queued`, `active` or `sent`.
    public static func reason(of events: [MessageReport.Event]) -> String? {
        guard let last = events.last, !last.detail.isEmpty else { return nil }
        if let range = last.detail.range(of: "reason=") {
            return String(last.detail[range.upperBound...])
        }
        switch last.what {
        case "active", "sent", "delivered": return nil
        default: return last.detail
        }
    }

    /// The next attempt of a deferred message: the `retry=` time of its last event, if any.
    public static func retryTime(of events: [MessageReport.Event]) -> Date? {
        guard let last = events.last, last.what == "deferred" else { return nil }
        for word in last.detail.split(separator: " ") where word.hasPrefix("retry=") {
            return ISO8601DateFormatter().date(from: String(word.dropFirst(6)))
        }
        return nil
    }
}
