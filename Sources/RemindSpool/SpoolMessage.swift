public import Foundation
public import RemindCore

/// One line of a message's history: when, what (usually the state entered), and details.
public struct SpoolEvent: Sendable, Hashable, Codable {
    public var time: Date
    public var what: String
    public var detail: String

    public init(time: Date, what: String, detail: String = "") {
        self.time = time
        self.what = what
        self.detail = detail
    }
}

/// A message as the spool stores it: everything needed to send it, explain it and
/// recognise it again in a re-export.
public struct SpoolMessage: Sendable, Hashable {
    public var id: MessageID
    public var key: MessageKey
    public var kind: MessageKind
    /// E.164 with a leading `+`.
    public var recipient: String
    public var text: String
    /// Earliest release time (before windows and stagger are applied).
    public var due: Date
    /// Never released at or after this instant (the appointment's start, or the rule's latest time).
    public var expires: Date?
    /// The appointment's start, when the message is about one; a re-export with another start replaces it.
    public var appointmentStart: Date?
    public var source: SourcePosition?
    public var created: Date
    /// GSM-7 or UCS-2, as rendered (`Encoding:` in the file).
    public var encoding: SMSEncoding
    public var segments: Int
    /// Append-only history, oldest first.
    public var events: [SpoolEvent]
    /// What `expires` stands for (nil: written before the cause was kept; see ``cause``).
    public var expiryCause: ExpiryCause?

    /// What `expires` stands for, inferred for a message that does not say.
    public var cause: ExpiryCause {
        expiryCause ?? .inferred(kind: kind, expires: expires?.timeIntervalSince1970, appointmentStart: appointmentStart?.timeIntervalSince1970)
    }

    public init(
        id: MessageID, key: MessageKey, kind: MessageKind, recipient: String, text: String, due: Date,
        expires: Date?, appointmentStart: Date?, source: SourcePosition?, created: Date,
        encoding: SMSEncoding, segments: Int, events: [SpoolEvent] = [], expiryCause: ExpiryCause? = nil
    ) {
        self.expiryCause = expiryCause
        self.id = id
        self.key = key
        self.kind = kind
        self.recipient = recipient
        self.text = text
        self.due = due
        self.expires = expires
        self.appointmentStart = appointmentStart
        self.source = source
        self.created = created
        self.encoding = encoding
        self.segments = segments
        self.events = events
    }
}
