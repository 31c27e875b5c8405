/// The release pace, as EXACT's two options put it: send everything at once, or at most one
/// message every X (equivalently, at most N in any minute).
public struct ReleaseRate: Sendable, Hashable, CustomStringConvertible {
    /// The least spacing between two releases; `.zero` is send-at-once.
    public let interval: Duration

    /// At most one message every `interval`.
    public static func oneEvery(_ interval: Duration) -> ReleaseRate {
        precondition(interval >= .zero, "interval is not negative")
        return ReleaseRate(interval: interval)
    }

    /// At most `count` messages in any 60 seconds: one every 60 s / `count`. (With that
    /// spacing, any half-open minute holds at most `count` releases.)
    public static func perMinute(_ count: Int) -> ReleaseRate {
        precondition(count > 0, "count is positive")
        var interval = Duration.seconds(60) / count
        // Round up, so that `count` intervals never fall short of the minute.
        if interval * count < .seconds(60) { interval += Duration(secondsComponent: 0, attosecondsComponent: 1) }
        return ReleaseRate(interval: interval)
    }

    /// Everything due goes at once.
    public static let atOnce = ReleaseRate(interval: .zero)

    public var isAtOnce: Bool { interval == .zero }

    public var description: String { isAtOnce ? "at once" : "one every \(interval)" }
}
