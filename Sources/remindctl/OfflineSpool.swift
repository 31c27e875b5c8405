import Foundation
import RemindControl
import RemindCore
import RemindSpool

/// The spool read directly, for `queue`, `show` and `stats` while remindd is down:
/// read-only, it neither recovers nor changes anything (the daemon does that when it
/// starts). The reading is ``SpoolInventory``'s, the spool's one read-only reader of
/// message files, batches and `.left` logs; this adds the checks and the reports.
struct OfflineSpool {
    let paths: SpoolPaths

    /// Why the spool cannot be read at all.
    enum Failure: Error {
        case missing(String)
        case noPermission(String)
    }

    /// Checks that the spool exists and this user may read it.
    func checkReadable() throws(Failure) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: paths.root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missing(paths.root)
        }
        for state in MessageState.allCases {
            let directory = paths.directory(for: state)
            if FileManager.default.fileExists(atPath: directory), access(directory, R_OK | X_OK) != 0 { throw .noPermission(directory) }
        }
        if access(paths.root, R_OK | X_OK) != 0 { throw .noPermission(paths.root) }
    }

    /// Every readable message in `states`, with its state (``SpoolInventory``, the spool's
    /// own read-only reader).
    func messages(in states: Set<MessageState>) -> [(state: MessageState, message: SpoolMessage)] {
        SpoolInventory.readable(in: paths, states: states)
    }

    /// The message with this id and its state, or nil.
    func message(_ id: MessageID) -> (state: MessageState, message: SpoolMessage)? {
        SpoolInventory.readable(id, in: paths)
    }

    /// A message's history as the control protocol carries it.
    static func history(_ m: SpoolMessage) -> [MessageReport.Event] {
        m.events.map { MessageReport.Event(time: $0.time, what: $0.what, detail: $0.detail) }
    }

    /// A message as `show` reports it (masked and without its text unless asked).
    static func report(_ m: SpoolMessage, state: MessageState, text: Bool, full: Bool, timeZone: String) -> MessageReport {
        let events = history(m)
        let due = state == .deferred ? MessageHistory.retryTime(of: events) ?? m.due : m.due
        return MessageReport(
            id: m.id, state: state, kind: m.kind, key: m.key, recipient: full ? m.recipient : PhoneMask.mask(m.recipient),
            text: text ? m.text : nil, due: due, expires: m.expires, appointmentStart: m.appointmentStart,
            sourceFile: m.source?.file, sourceLine: m.source?.line, created: m.created, encoding: m.encoding.name,
            segments: m.segments, events: events, timeZone: timeZone)
    }
}
