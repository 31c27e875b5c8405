import Foundation

/// When a temporarily failed message is tried again: exponential backoff from
/// `initial`, capped at `maximum`, given up after `lifetime` from its creation.
struct RetryPolicy: Sendable {
    var initial: TimeInterval
    var maximum: TimeInterval
    var lifetime: TimeInterval

    static let standard = RetryPolicy(initial: 60, maximum: 3600, lifetime: 2 * 86400)

    /// The time of the next attempt after `attempts` failed ones, or nil past the lifetime.
    func nextAttempt(after attempts: Int, now: Date, created: Date) -> Date? {
        let delay = min(maximum, initial * pow(2, Double(max(0, attempts - 1))))
        let next = now.addingTimeInterval(delay)
        return next.timeIntervalSince(created) > lifetime ? nil : next
    }
}
