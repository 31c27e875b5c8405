public import Foundation
public import RemindCore

/// The daemon's answer to `hold`, `release`, `cancel` and `retry`: one ``Change`` per id
/// asked about, in the order asked. Each change that moved a message is durable (a spool
/// transition) before the answer is written.
public struct OperatorReport: Codable, Sendable, Hashable {
    /// What happened to one message.
    public struct Change: Codable, Sendable, Hashable {
        /// The id as asked (it may not be a valid id: then ``errorCode`` is ``ControlErrorCode/badID``).
        public var id: String
        /// True when the message is now where the action puts it (moved, or already there).
        public var ok: Bool
        /// True when it was moved by this request.
        public var changed: Bool
        /// Its state before the request (nil: no such message).
        public var from: MessageState?
        /// Its state after the request.
        public var to: MessageState?
        /// When a message put back in the queue is due.
        public var due: Date?
        /// Why it was not moved (no patient data).
        public var error: String?
        public var errorCode: ControlErrorCode?

        public init(id: String, ok: Bool, changed: Bool, from: MessageState?, to: MessageState?, due: Date? = nil,
                    error: String? = nil, errorCode: ControlErrorCode? = nil) {
            self.id = id
            self.ok = ok
            self.changed = changed
            self.from = from
            self.to = to
            self.due = due
            self.error = error
            self.errorCode = errorCode
        }
    }

    public var action: OperatorAction
    public var changes: [Change]
    /// The practice's time zone, for display.
    public var timeZone: String

    public init(action: OperatorAction, changes: [Change], timeZone: String) {
        self.action = action
        self.changes = changes
        self.timeZone = timeZone
    }
}

extension ControlErrorCode {
    /// A message id that is not 16 hexadecimal digits, or no message has it.
    public static let badID = ControlErrorCode(rawValue: "bad-id")
    /// The message is in a state the action does not apply to (the message says which).
    public static let wrongState = ControlErrorCode(rawValue: "wrong-state")
    /// The message is being handed over or chosen for release this instant; ask again.
    public static let busy = ControlErrorCode(rawValue: "busy")
}

extension ControlRequest {
    /// The `ids` argument of `show`, `hold`, `release`, `cancel` and `retry`: ids separated by spaces.
    public static func idsArgument(_ ids: [String]) -> String { ids.joined(separator: " ") }

    /// The ids of an `ids` argument, in order.
    public var ids: [String] { (arguments["ids"] ?? "").split(separator: " ").map(String.init) }
}
