public import Foundation
public import RemindCore

/// The daemon's answer to `stats` (and what remindctl counts from the spool itself when
/// the daemon is down): per local day and kind, how many messages ended sent (or
/// delivered), failed, expired or cancelled, and the segments of those sent, from the
/// final states the spool keeps for its retention period.
public struct StatsReport: Codable, Sendable, Hashable {
    /// One local day and kind.
    public struct Row: Codable, Sendable, Hashable {
        /// `YYYY-MM-DD` in the practice's time zone.
        public var day: String
        public var kind: MessageKind
        /// Sent or delivered.
        public var sent = 0
        public var failed = 0
        public var expired = 0
        public var cancelled = 0
        /// Segments of the messages sent (what a gateway bills).
        public var segments = 0

        public init(day: String, kind: MessageKind) {
            self.day = day
            self.kind = kind
        }
    }

    /// Oldest day first, kinds in ``MessageKind`` order within a day.
    public var rows: [Row]
    /// How many days back the report covers (today included).
    public var days: Int
    /// The practice's time zone, for display.
    public var timeZone: String

    public init(rows: [Row], days: Int, timeZone: String) {
        self.rows = rows
        self.days = days
        self.timeZone = timeZone
    }

    /// Counts final messages into rows; the same on both sides of the socket.
    public struct Tally: Sendable {
        let zone: TimeZone
        /// Messages that ended before this instant are left out.
        public let since: Date
        private var rows: [String: Row] = [:]

        /// - Parameters:
        ///   - days: today and the `days - 1` days before it, in `zone`.
        public init(days: Int, zone: TimeZone, now: Date = Date()) {
            precondition(days > 0, "at least one day")
            self.zone = zone
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            since = calendar.date(byAdding: .day, value: -(days - 1), to: calendar.startOfDay(for: now)) ?? now
        }

        /// Whether a message that ended at `ended` is counted.
        public func covers(_ ended: Date) -> Bool { ended >= since }

        /// Counts one message that ended in `state` at `ended` (states other than sent,
        /// delivered, failed, expired and cancelled, and times before ``since``, are ignored).
        public mutating func add(state: MessageState, kind: MessageKind, ended: Date, segments: Int) {
            guard state.isFinal, covers(ended) else { return }
            let day = StatsReport.day(ended, zone)
            var row = rows[day + "/" + kind.rawValue] ?? Row(day: day, kind: kind)
            switch state {
            case .sent, .delivered:
                row.sent += 1
                row.segments += segments
            case .failed: row.failed += 1
            case .expired: row.expired += 1
            case .cancelled: row.cancelled += 1
            default: return
            }
            rows[day + "/" + kind.rawValue] = row
        }

        /// The rows, oldest day first.
        public var sortedRows: [Row] {
            let order = Dictionary(uniqueKeysWithValues: MessageKind.allCases.enumerated().map { ($1, $0) })
            return rows.values.sorted { ($0.day, order[$0.kind]!) < ($1.day, order[$1.kind]!) }
        }
    }

    static func day(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year!)-\(two(c.month!))-\(two(c.day!))"
    }
}

extension StatsReport.Row {
    /// What the segments sent cost at `pricePerSegment`.
    public func cost(pricePerSegment: Double) -> Double { Double(segments) * pricePerSegment }
}

extension StatsReport {
    /// An amount with `places` decimals (2 for costs), no currency: the gateway's own unit.
    public static func money(_ amount: Double, places: Int = 2) -> String {
        String(format: "%.\(places)f", amount)
    }
}
