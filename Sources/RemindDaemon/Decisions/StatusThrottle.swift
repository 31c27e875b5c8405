import Foundation

/// When the STATUS= line is sent: only when it changed, and at most once per ``interval``
/// (a burst of releases or an ingest changes it many times a second; systemd needs none
/// of those in between). A decision with no clock or notifier in it: the engine marks a
/// change, offers the current line with `now`, and sends what it returns; a line held
/// back stays ``pending`` and is offered again by the release loop (Engine+Delivery.swift
/// caps its sleep at a second while one is).
struct StatusThrottle: Sendable {
    /// What to do with the line offered.
    enum Action: Sendable, Hashable {
        /// Send it now.
        case send(String)
        /// It changed, but the last one went out less than ``interval`` ago: offer it
        /// again at this time.
        case hold(until: Date)
        /// It is the line already sent.
        case unchanged
    }

    /// The shortest time between two lines sent.
    var interval: TimeInterval = 1
    /// A change not yet sent (marked by ``changed()``, or a line held back).
    private(set) var pending = false
    private var lastLine = ""
    private var lastSent: Date?

    /// Something the line shows may have changed.
    mutating func changed() {
        pending = true
    }

    /// The current line at `now`.
    mutating func offer(_ line: String, now: Date) -> Action {
        guard line != lastLine else {
            pending = false
            return .unchanged
        }
        // A wall clock set back (now before the last line) does not hold lines back.
        if let lastSent, now >= lastSent, now.timeIntervalSince(lastSent) < interval {
            pending = true
            return .hold(until: lastSent.addingTimeInterval(interval))
        }
        lastLine = line
        lastSent = now
        pending = false
        return .send(line)
    }
}
