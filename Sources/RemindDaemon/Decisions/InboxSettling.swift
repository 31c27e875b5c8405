import Foundation

/// When an inbox file has settled (`[inbox] settle`): a file is claimed only once its
/// modification time is `settle` old, so a writer that closes and reopens (an SMB client)
/// is never read half-way. A decision with no clock or file system in it: the engine gives
/// it each look at a file (its modification time) and `now`, and does what it returns; the
/// files still waiting, with when to look again, are kept here (one re-check per file and
/// change, no polling: the release loop's sleep is capped by ``nextCheck``).
struct InboxSettling: Sendable {
    /// What to do with a file just looked at.
    enum Decision: Sendable, Hashable {
        /// Claim it now.
        case claim
        /// Leave it; look again at this time (unless it changes before).
        case wait(until: Date)
    }

    /// Files waiting to settle, by inbox path, with when to look at them again.
    private(set) var waiting: [String: Date] = [:]

    /// A look at the regular file `name`, last modified at `modified` (seconds since 1970),
    /// at `now`, with `settle` in force (zero: every file is claimed at once).
    mutating func look(at name: String, modified: TimeInterval, settle: Duration, now: Date) -> Decision {
        if settle > .zero {
            let seconds = Double(settle.components.seconds) + Double(settle.components.attoseconds) / 1e18
            let ready = Date(timeIntervalSince1970: modified + seconds)
            if ready > now {
                waiting[name] = ready
                return .wait(until: ready)
            }
        }
        waiting[name] = nil
        return .claim
    }

    /// The file is gone, or is not a file to settle: nothing to look at again.
    mutating func forget(_ name: String) {
        waiting[name] = nil
    }

    /// The earliest time a waiting file is looked at again.
    var nextCheck: Date? { waiting.values.min() }

    /// The files whose time has come at `now`, in name order, no longer waiting (the
    /// engine looks at each again, which may make it wait anew).
    mutating func due(now: Date) -> [String] {
        let names = waiting.filter { $0.value <= now }.keys.sorted()
        for name in names { waiting[name] = nil }
        return names
    }
}
