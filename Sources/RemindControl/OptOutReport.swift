public import Foundation

/// The daemon's answer to the `optout-*` commands: the list's entries (for `list`), or
/// what an `add` or `remove` changed.
///
/// Numbers here are full E.164: the control socket is open only to operators, and
/// remindctl masks them unless asked (`--full`). The daemon never logs this payload.
public struct OptOutReport: Codable, Sendable, Hashable {
    /// One number on the list.
    public struct Entry: Codable, Sendable, Hashable {
        /// E.164, like `+61412345678`.
        public var number: String
        /// When it was put on the list.
        public var date: Date
        /// Who put it there: `sms-reply`, `remindctl`, `inbox optout.csv` …
        public var source: String

        public init(number: String, date: Date, source: String) {
            self.number = number
            self.date = date
            self.source = source
        }
    }

    /// The number an `add` or `remove` was about, normalised to E.164.
    public var number: String?
    /// Whether `add` or `remove` changed the list (false: it was already on it, or not on it).
    public var changed: Bool?
    /// The spool ids of the pending messages an `add` withdrew (ended `cancelled`).
    public var withdrawn: [String]?
    /// The whole list, sorted by number (`list`); for `add`, the entry in force.
    public var entries: [Entry]
    /// The practice's time zone, for display.
    public var timeZone: String?

    public init(number: String? = nil, changed: Bool? = nil, withdrawn: [String]? = nil, entries: [Entry] = [], timeZone: String? = nil) {
        self.number = number
        self.changed = changed
        self.withdrawn = withdrawn
        self.entries = entries
        self.timeZone = timeZone
    }
}

/// Why a control request failed, for the client to pick its exit status.
public struct ControlErrorCode: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// An argument was refused: a number that is not a phone number (the message says why).
    public static let badArgument = ControlErrorCode(rawValue: "bad-argument")
    /// The daemon could not read or write a file (the opt-out list).
    public static let ioError = ControlErrorCode(rawValue: "io-error")
    /// The request is not one this daemon knows.
    public static let unknownCommand = ControlErrorCode(rawValue: "unknown-command")

    public var description: String { rawValue }
}
