public import Foundation

/// When a temporarily failed message is tried again: exponential backoff from
/// `initial`, capped at `maximum`, given up after `lifetime` from its creation.
public struct RetryPolicy: Sendable, Hashable {
    public var initial: TimeInterval
    public var maximum: TimeInterval
    public var lifetime: TimeInterval

    /// 1 min doubling to 1 h, for up to 2 days.
    public static let standard = RetryPolicy(initial: 60, maximum: 3600, lifetime: 2 * 86400)

    public init(initial: TimeInterval, maximum: TimeInterval, lifetime: TimeInterval) {
        self.initial = initial
        self.maximum = maximum
        self.lifetime = lifetime
    }

    /// The time of the next attempt after `attempts` failed ones, or nil past the lifetime.
    public func nextAttempt(after attempts: Int, now: Date, created: Date) -> Date? {
        let delay = min(maximum, initial * pow(2, Double(max(0, attempts - 1))))
        let next = now.addingTimeInterval(delay)
        return next.timeIntervalSince(created) > lifetime ? nil : next
    }
}
