public import Foundation

/// What remindctl asks.
public struct ControlRequest: Codable, Sendable, Hashable {
    public enum Command: String, Codable, Sendable, CaseIterable {
        /// The daemon's status: counts, next release, today's figures.
        case status
        /// When the backlog drains and how many messages fit in each coming window.
        case forecast
        /// Puts a number on the opt-out list (arguments `number`, optional `reason`) and
        /// withdraws its pending messages; answers an ``OptOutReport``.
        case optOutAdd = "optout-add"
        /// Takes a number off the opt-out list (argument `number`).
        case optOutRemove = "optout-remove"
        /// The opt-out list, full numbers (the socket is for operators only).
        case optOutList = "optout-list"
        /// Messages by state, kind, source and due time (arguments of ``QueueQuery``);
        /// answers a ``QueueReport``.
        case queue
        /// One message and its history (argument `ids`, one id; `text` and `full` set to
        /// `true` to include its text and full number); answers a ``MessageReport``.
        case show
        /// Holds messages (argument `ids`); answers an ``OperatorReport``.
        case hold
        /// Puts held messages back in the queue (argument `ids`).
        case release
        /// Withdraws messages (argument `ids`, optional `reason`).
        case cancel
        /// Makes queued, deferred, held or uncertain messages queued and due now (argument `ids`;
        /// `force` set to `true` for uncertain ones).
        case retry
        /// Per local day and kind: sent, failed, expired, cancelled, segments (argument
        /// `days`, default 7); answers a ``StatsReport``.
        case stats
    }

    public var command: Command
    /// Command arguments (a message id, a filter…), by name.
    public var arguments: [String: String]
    /// Who sent it: set by the daemon's server from the socket's peer credentials, never
    /// read from the request's bytes (not coded).
    public var caller: ControlCaller?

    public init(_ command: Command, arguments: [String: String] = [:], caller: ControlCaller? = nil) {
        self.command = command
        self.arguments = arguments
        self.caller = caller
    }

    private enum CodingKeys: String, CodingKey { case command, arguments }
}

/// What the daemon answers: `ok` with a payload, or an error message.
public struct ControlResponse: Codable, Sendable, Hashable {
    public var ok: Bool
    public var error: String?
    /// What kind of error, when the client acts on it (``ControlErrorCode``).
    public var errorCode: ControlErrorCode?
    public var status: StatusReport?
    public var forecast: ForecastReport?
    public var optOut: OptOutReport?
    public var queue: QueueReport?
    public var message: MessageReport?
    public var changes: OperatorReport?
    public var stats: StatsReport?

    public init(ok: Bool, error: String? = nil, errorCode: ControlErrorCode? = nil, status: StatusReport? = nil,
                forecast: ForecastReport? = nil, optOut: OptOutReport? = nil, queue: QueueReport? = nil,
                message: MessageReport? = nil, changes: OperatorReport? = nil, stats: StatsReport? = nil) {
        self.ok = ok
        self.error = error
        self.errorCode = errorCode
        self.status = status
        self.forecast = forecast
        self.optOut = optOut
        self.queue = queue
        self.message = message
        self.changes = changes
        self.stats = stats
    }

    public static func failure(_ message: String, code: ControlErrorCode? = nil) -> ControlResponse {
        ControlResponse(ok: false, error: message, errorCode: code)
    }
}

/// The daemon's state at a glance (what STATUS= says, in fields).
public struct StatusReport: Codable, Sendable, Hashable {
    public var pid: Int32
    public var startedAt: Date
    /// Messages per state (`queued`, `sent`…).
    public var counts: [String: Int]
    public var nextRelease: Date?
    public var sentToday: Int
    public var failedToday: Int
    /// The current problem (disk full, gateway down, backlog warning), if any.
    public var problem: String?
    /// The same one line as systemd's STATUS=.
    public var line: String
    /// Input rows rejected since the daemon started (each logged with its file, line and reason).
    public var rejectedRows: Int = 0
    /// Whole inbox files moved to `rejected/` since the daemon started.
    public var rejectedFiles: Int = 0
    /// The gateway link as the provider last reported it (`up`, `down: <reason>`,
    /// `refused: <reason>`); nil for providers with no link (the outbox, a command).
    public var link: String?

    public init(
        pid: Int32, startedAt: Date, counts: [String: Int], nextRelease: Date?, sentToday: Int, failedToday: Int, problem: String?, line: String,
        rejectedRows: Int = 0, rejectedFiles: Int = 0, link: String? = nil
    ) {
        self.link = link
        self.rejectedRows = rejectedRows
        self.rejectedFiles = rejectedFiles
        self.pid = pid
        self.startedAt = startedAt
        self.counts = counts
        self.nextRelease = nextRelease
        self.sentToday = sentToday
        self.failedToday = failedToday
        self.problem = problem
        self.line = line
    }
}

/// The drain forecast: when the queue empties, and each coming window's capacity.
public struct ForecastReport: Codable, Sendable, Hashable {
    public struct Window: Codable, Sendable, Hashable {
        public var start: Date
        public var end: Date
        /// Releases the window allows at the stagger (nil: unlimited, send at once).
        public var capacity: Int?
        /// Messages the forecast places in it.
        public var planned: Int

        public init(start: Date, end: Date, capacity: Int?, planned: Int) {
            self.start = start
            self.end = end
            self.capacity = capacity
            self.planned = planned
        }
    }

    public var queued: Int
    public var dueNow: Int
    public var drainsAt: Date?
    /// Messages that will expire before a slot is free for them.
    public var expiring: Int
    /// The longest a message waits past its due time, in seconds.
    public var longestWaitSeconds: Int64
    public var limitSeconds: Int64?
    public var exceedsLimit: Bool
    public var windows: [Window]
    /// The practice's time zone, for display.
    public var timeZone: String

    public init(queued: Int, dueNow: Int, drainsAt: Date?, expiring: Int, longestWaitSeconds: Int64, limitSeconds: Int64?, exceedsLimit: Bool, windows: [Window], timeZone: String) {
        self.queued = queued
        self.dueNow = dueNow
        self.drainsAt = drainsAt
        self.expiring = expiring
        self.longestWaitSeconds = longestWaitSeconds
        self.limitSeconds = limitSeconds
        self.exceedsLimit = exceedsLimit
        self.windows = windows
        self.timeZone = timeZone
    }
}

/// JSON as the protocol writes it: ISO 8601 dates, sorted keys, one line.
public enum ControlCoding {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
