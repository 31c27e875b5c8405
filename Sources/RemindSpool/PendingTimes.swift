public import Foundation
public import RemindCore

/// A pending message's times, as the release scheduler needs them: what the spool's index
/// hands over when the scheduler's horizon moves (``Spool/pendingTimes(keysIn:)``).
public struct PendingTimes: Sendable, Hashable {
    public var id: MessageID
    public var due: Date
    public var expires: Date?
    public var kind: MessageKind
    public var expiryCause: ExpiryCause
}

/// Pending messages that share a due time and an expiry, counted (for the forecast of what
/// the scheduler does not hold: ``Spool/pendingGroups(keysFrom:)``).
public struct PendingGroup: Sendable, Hashable {
    public var due: Date
    public var expires: Date?
    public var count: Int
}

extension Spool {
    /// Pending (queued or deferred) messages whose key, the earlier of due time and expiry,
    /// lies in `range`, and the earliest key at or after its end (nil: none). Reads the
    /// index only: one pass over it, about 10 ms a million messages.
    public func pendingTimes(keysIn range: Range<Date>) -> (times: [PendingTimes], earliestBeyond: Date?) {
        let (times, beyond) = index.pendingTimes(
            keysFrom: range.lowerBound.timeIntervalSince1970, below: range.upperBound.timeIntervalSince1970)
        return (times, beyond.map { Date(timeIntervalSince1970: $0) })
    }

    /// Pending messages with a key at or after `from`, counted by due time and expiry.
    public func pendingGroups(keysFrom from: Date) -> [PendingGroup] {
        index.pendingGroups(keysFrom: from.timeIntervalSince1970)
    }
}
