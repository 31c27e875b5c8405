import Foundation
import RemindControl
import RemindCore
import RemindSpool

/// The spool read directly, for `queue` and `show` while remindd is down: read-only, it
/// neither recovers nor changes anything (the daemon does that when it starts).
///
/// A message is its own file `<state>/<id>` (``MessageFile``), or a record of a batch
/// file `queued/<id>.batch` (message files each followed by a blank line, between a
/// `Batch:` header and an `End:` record) whose id is not in the batch's `.left` log; a
/// message with its own file anywhere counts there only. Files that cannot be decoded are
/// skipped (the daemon quarantines them at start-up).
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

    /// Every readable message in `states`, with its state.
    func messages(in states: Set<MessageState>) -> [(state: MessageState, message: SpoolMessage)] {
        var out: [(MessageState, SpoolMessage)] = []
        var own = Set<MessageID>()
        var batches: [String] = []
        for state in MessageState.allCases {
            let directory = paths.directory(for: state)
            for name in names(in: directory) {
                if let id = MessageID(name) {
                    own.insert(id)
                    if states.contains(state), let m = read(directory + "/" + name) { out.append((state, m)) }
                } else if state == .queued, name.hasSuffix(".batch") {
                    batches.append(directory + "/" + name)
                }
            }
        }
        if states.contains(.queued) {
            for batch in batches {
                for m in members(of: batch) where !own.contains(m.id) { out.append((.queued, m)) }
            }
        }
        return out
    }

    /// The message with this id and its state, or nil.
    func message(_ id: MessageID) -> (state: MessageState, message: SpoolMessage)? {
        for state in MessageState.allCases {
            if let m = read(paths.path(of: id, in: state)), m.id == id { return (state, m) }
        }
        for name in names(in: paths.directory(for: .queued)) where name.hasSuffix(".batch") {
            if let m = members(of: paths.directory(for: .queued) + "/" + name).first(where: { $0.id == id }) { return (.queued, m) }
        }
        return nil
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
            sourceFile: m.source?.file, sourceLine: m.source?.line, created: m.created, encoding: m.encoding,
            segments: m.segments, events: events, timeZone: timeZone)
    }

    private func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    private func read(_ path: String) -> SpoolMessage? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? MessageFile.decode(Array(data), path: path)
    }

    /// The members of a batch that have not left it (an unreadable batch has none).
    private func members(of path: String) -> [SpoolMessage] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("Batch: ") else { return [] }
        let leftPath = String(path.dropLast(".batch".count)) + ".left"
        let leftText = FileManager.default.contents(atPath: leftPath).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        let left = Set(leftText.split(separator: "\n").compactMap { MessageID($0) })
        var out: [SpoolMessage] = []
        for record in text.components(separatedBy: "\n\n").dropFirst() where record.hasPrefix("Id: ") {
            guard let m = try? MessageFile.decode(Array((record + "\n").utf8), path: path), !left.contains(m.id) else { continue }
            out.append(m)
        }
        return out
    }
}
