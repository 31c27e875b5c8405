public import Foundation
public import RemindCore

/// What the spool keeps in memory of each message: enough to schedule it and to
/// recognise its key again, not its text.
public struct SpoolEntry: Sendable, Hashable {
    public var id: MessageID
    public var key: MessageKey
    public var kind: MessageKind
    public var state: MessageState
    public var due: Date
    public var expires: Date?
    public var appointmentStart: Date?
    /// When it entered its current state.
    public var since: Date
    /// What `expires` stands for.
    public var expiryCause: ExpiryCause

    public init(_ m: SpoolMessage, state: MessageState, since: Date) {
        expiryCause = m.cause
        id = m.id
        key = m.key
        kind = m.kind
        self.state = state
        due = m.due
        expires = m.expires
        appointmentStart = m.appointmentStart
        self.since = since
    }

    public init(
        id: MessageID, key: MessageKey, kind: MessageKind, state: MessageState, due: Date,
        expires: Date?, appointmentStart: Date?, since: Date, expiryCause: ExpiryCause? = nil
    ) {
        self.expiryCause = expiryCause
            ?? .inferred(kind: kind, expires: expires?.timeIntervalSince1970, appointmentStart: appointmentStart?.timeIntervalSince1970)
        self.id = id
        self.key = key
        self.kind = kind
        self.state = state
        self.due = due
        self.expires = expires
        self.appointmentStart = appointmentStart
        self.since = since
    }
}

/// The outcome of comparing an export's messages with what the spool already holds.
public struct IngestPlan: Sendable {
    /// New messages to queue.
    public var add: [SpoolMessage] = []
    /// Pending messages to withdraw, with the reason (`rescheduled`, `cancelled`…).
    public var cancel: [(id: MessageID, reason: String)] = []
    /// Candidates already present and unchanged (a re-export): nothing to do.
    public var unchanged: Int = 0
    /// Candidates whose earlier message is in flight or already final for the same time.
    public var alreadyHandled: Int = 0

    public init() {}
}

/// What start-up found in the spool.
public struct RecoveryReport: Sendable {
    /// How many messages wait to be scheduled (queued and deferred); list them with
    /// ``Spool/forEachPending(_:)``.
    public var pendingCount = 0
    /// Messages found in `active/` whose hand-over could not be confirmed, moved to
    /// `uncertain/` (or back to the queue, `resend`).
    public var interrupted: [MessageID] = []
    /// Messages found in `active/` that the provider confirmed it had received, recorded as `sent`.
    public var confirmedSent: [MessageID] = []
    /// Entries taken from the index checkpoint without opening their files or batches.
    public var fromCheckpoint = 0
    /// Message files and batch records read because the checkpoint did not know them
    /// there (deferred files are always read: their retry time may have changed).
    public var filesRead = 0
    /// Temporary files removed.
    public var removedTemporary: Int = 0
    /// Claimed inputs to ingest again (a crash interrupted them), oldest first.
    public var unfinishedInputs: [ClaimedInput] = []
    /// Message files and batches that could not be decoded, moved aside to `rejected/`
    /// (a damaged record inside a readable batch is listed as `<batch path>#<id>`).
    public var corrupt: [String] = []
    public var countsByState: [MessageState: Int] = [:]

    public init() {}
}

/// An input file claimed out of the inbox into `incoming/`.
public struct ClaimedInput: Sendable, Hashable {
    /// The name it had in the inbox (what logs and reasons name).
    public var originalName: String
    /// Its path in `incoming/`.
    public var path: String

    public init(originalName: String, path: String) {
        self.originalName = originalName
        self.path = path
    }
}

/// What to do with messages found in `active/` at start-up (handed to a provider, no answer recorded).
public enum InterruptedPolicy: String, Sendable, Hashable, CaseIterable {
    /// Move them to `uncertain/` for an operator (default: never risk a duplicate).
    case hold
    /// Queue them again (risk a duplicate rather than a miss).
    case resend
}

/// What a retention pass removed.
public struct PruneReport: Sendable, Hashable {
    /// Final messages removed.
    public var messages = 0
    /// Archived and rejected input files (and `.reason` files) removed.
    public var inputs = 0

    public init() {}
}
