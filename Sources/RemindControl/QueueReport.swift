public import Foundation
public import RemindCore

/// The daemon's answer to `queue` (and what remindctl builds from the spool itself when
/// the daemon is down): one line per message, oldest due first, and the total.
///
/// Numbers are masked and no text is included: a listing is for finding messages, and
/// `remindctl show` is for reading one.
public struct QueueReport: Codable, Sendable, Hashable {
    /// One message of the listing.
    public struct Item: Codable, Sendable, Hashable {
        public var id: MessageID
        public var state: MessageState
        public var kind: MessageKind
        /// When it may go (for a deferred message: its next attempt).
        public var due: Date
        public var expires: Date?
        /// Masked: `+614******78`.
        public var recipient: String
        /// The source's name (`[[source]]`), the key's first part.
        public var source: String
        /// The record's id in the source (the appointment id), the key's second part.
        public var appointmentID: String
        /// The reminder rule, the key's third part.
        public var rule: String
        /// Why it is in its state, when its history says (``MessageHistory/reason(of:)``).
        public var reason: String?

        public init(
            id: MessageID, state: MessageState, kind: MessageKind, due: Date, expires: Date?, recipient: String,
            key: MessageKey, reason: String?
        ) {
            self.id = id
            self.state = state
            self.kind = kind
            self.due = due
            self.expires = expires
            self.recipient = recipient
            self.source = key.source
            self.appointmentID = key.recordID
            self.rule = key.rule
            self.reason = reason
        }
    }

    /// The listed messages, oldest due first.
    public var items: [Item]
    /// How many messages matched (more than `items.count` when a limit cut the list).
    public var total: Int
    /// The practice's time zone, for display.
    public var timeZone: String

    public init(items: [Item], total: Int, timeZone: String) {
        self.items = items
        self.total = total
        self.timeZone = timeZone
    }
}
