public import Foundation
public import RemindCore

/// Which messages `remindctl queue` lists, and in what order: the filters of the
/// `queue` command, carried in ``ControlRequest/arguments`` (see ``arguments``), and the
/// selection both the daemon and remindctl (reading the spool itself) apply.
///
/// Every filter given must match. Matching messages are listed oldest due first (ties by
/// spool id), at most ``limit`` of them; the total counts every match.
public struct QueueQuery: Sendable, Hashable {
    /// States to list; empty is not allowed (use ``defaultStates``).
    public var states: Set<MessageState>
    /// Only messages of this kind.
    public var kind: MessageKind?
    /// Only messages of this source (the `[[source]]` name, the first part of the key).
    public var source: String?
    /// Only messages due strictly before this instant.
    public var dueBefore: Date?
    /// At most this many lines; nil lists every match.
    public var limit: Int?

    /// What `remindctl queue` lists without `--state`: every message not yet final
    /// (queued, held, active, deferred, uncertain), as `mailq` lists the mail queue.
    public static let defaultStates: Set<MessageState> = Set(MessageState.allCases.filter { !$0.isFinal })

    public init(
        states: Set<MessageState> = QueueQuery.defaultStates, kind: MessageKind? = nil, source: String? = nil,
        dueBefore: Date? = nil, limit: Int? = nil
    ) {
        precondition(!states.isEmpty, "a queue query lists at least one state")
        precondition(limit.map { $0 > 0 } ?? true, "a limit is positive")
        self.states = states
        self.kind = kind
        self.source = source
        self.dueBefore = dueBefore
        self.limit = limit
    }

    /// Whether a message with these properties is listed.
    public func matches(state: MessageState, kind: MessageKind, source: String, due: Date) -> Bool {
        states.contains(state) && (self.kind.map { $0 == kind } ?? true)
            && (self.source.map { $0 == source } ?? true) && (dueBefore.map { due < $0 } ?? true)
    }

    /// One message as the selection sees it (cheap: no text, no number).
    public struct Candidate: Sendable, Hashable {
        public var id: MessageID
        public var state: MessageState
        public var kind: MessageKind
        public var source: String
        public var due: Date

        public init(id: MessageID, state: MessageState, kind: MessageKind, source: String, due: Date) {
            self.id = id
            self.state = state
            self.kind = kind
            self.source = source
            self.due = due
        }
    }

    /// The matching candidates, oldest due first (ties by id), cut at ``limit``; and how
    /// many matched in all.
    public func select(_ candidates: some Sequence<Candidate>) -> (selected: [Candidate], total: Int) {
        var matching = candidates.filter { matches(state: $0.state, kind: $0.kind, source: $0.source, due: $0.due) }
        let total = matching.count
        matching.sort { ($0.due, $0.id) < ($1.due, $1.id) }
        if let limit, matching.count > limit { matching.removeSubrange(limit...) }
        return (matching, total)
    }

    // MARK: On the wire

    /// The request arguments: `states` (comma-separated), `kind`, `source`, `due-before`
    /// (ISO 8601 UTC), `limit`.
    public var arguments: [String: String] {
        var out = ["states": states.map(\.rawValue).sorted().joined(separator: ",")]
        if let kind { out["kind"] = kind.rawValue }
        if let source { out["source"] = source }
        if let dueBefore { out["due-before"] = Self.formatter.string(from: dueBefore) }
        if let limit { out["limit"] = String(limit) }
        return out
    }

    /// Reads the request arguments (see ``arguments``); a missing `states` means
    /// ``defaultStates``.
    public init(arguments: [String: String]) throws(ControlArgumentError) {
        var states = QueueQuery.defaultStates
        if let text = arguments["states"] {
            states = []
            for name in text.split(separator: ",") {
                guard let state = MessageState(rawValue: String(name)) else {
                    throw ControlArgumentError(argument: "states", message: "not a message state: \(name)")
                }
                states.insert(state)
            }
            guard !states.isEmpty else { throw ControlArgumentError(argument: "states", message: "no state given") }
        }
        var kind: MessageKind?
        if let text = arguments["kind"] {
            guard let k = MessageKind(rawValue: text) else { throw ControlArgumentError(argument: "kind", message: "not a message kind: \(text)") }
            kind = k
        }
        var dueBefore: Date?
        if let text = arguments["due-before"] {
            guard let d = Self.formatter.date(from: text) else { throw ControlArgumentError(argument: "due-before", message: "not an ISO 8601 time: \(text)") }
            dueBefore = d
        }
        var limit: Int?
        if let text = arguments["limit"] {
            guard let n = Int(text), n > 0 else { throw ControlArgumentError(argument: "limit", message: "not a positive number: \(text)") }
            limit = n
        }
        self.init(states: states, kind: kind, source: arguments["source"], dueBefore: dueBefore, limit: limit)
    }

    static var formatter: ISO8601DateFormatter { ISO8601DateFormatter() }
}

/// A control request argument the daemon could not read.
public struct ControlArgumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case badValue, badID }
        let value: Value
        /// A filter or option has a value that is not one of its kind.
        public static let badValue = Code(value: .badValue)
        /// A message id is not 16 hexadecimal digits.
        public static let badID = Code(value: .badID)
        public var description: String { "\(value)" }
    }

    public let code: Code
    /// The argument's name (`states`, `ids`, …).
    public let argument: String
    public let message: String

    public init(code: Code = .badValue, argument: String, message: String) {
        self.code = code
        self.argument = argument
        self.message = message
    }

    public var description: String { "\(argument): \(message)" }
}
