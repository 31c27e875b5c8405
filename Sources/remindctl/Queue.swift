import ArgumentParser
import Foundation
import RemindConfig
import RemindControl
import RemindCore
import RemindSpool

/// `remindctl queue`: the messages in the spool, one line each, oldest due first, like
/// `mailq`. Through the daemon when it runs, else from the spool directly.
struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the messages in the queue, oldest due first.",
        discussion: """
            One line per message: spool id, state, kind, due time in the practice's time zone, masked \
            recipient, source/appointment id, and the reason of its state if any; then a total line. \
            Without --state every message not yet final is listed (queued, held, active, deferred, uncertain). \
            Works with remindd stopped (reads the spool). Exit status: 0 listed, 64 bad option, \
            77 no access to the socket or the spool, 78 bad configuration.
            """)

    @OptionGroup var options: QueueOptions

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Only these states (several, or comma-separated; 'all' for every state).", valueName: "state"))
    var state: [String] = []

    @Option(name: .long, help: "Only this kind: appointment, recall, birthday, broadcast, private.")
    var kind: String?

    @Option(name: .long, help: "Only this source (its [[source]] name).")
    var source: String?

    @Option(name: .customLong("due-before"),
            help: ArgumentHelp("Only messages due before this time: 'now', '+2h', '+3d', 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM' (practice time), or ISO 8601 with a zone.", valueName: "time"))
    var dueBefore: String?

    @Option(name: .long, help: "At most this many lines (0: all).")
    var limit: Int = 1000

    @Flag(name: .long, help: "Print JSON (the listing and its total).")
    var json = false

    /// The states asked for.
    var states: Set<MessageState> {
        get throws {
            let names = state.flatMap { $0.split(separator: ",").map(String.init) }
            if names.isEmpty { return QueueQuery.defaultStates }
            if names.contains("all") { return Set(MessageState.allCases) }
            return Set(try names.map { name in
                guard let s = MessageState(rawValue: name) else {
                    throw ValidationError("not a state: \(name) (one of \(MessageState.allCases.map(\.rawValue).joined(separator: ", ")), all)")
                }
                return s
            })
        }
    }

    func validate() throws {
        _ = try states
        if let kind, MessageKind(rawValue: kind) == nil {
            throw ValidationError("not a kind: \(kind) (one of \(MessageKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard limit >= 0 else { throw ValidationError("--limit is 0 (all) or more") }
    }

    func run() async throws {
        let context = try ControlContext(options)
        var before: Date?
        if let dueBefore {
            guard let t = TimeText.parse(dueBefore, in: context.timeZone) else {
                throw ValidationError("not a time: \(dueBefore) (now, +2h, +3d, YYYY-MM-DD, YYYY-MM-DD HH:MM, or ISO 8601 with a zone)")
            }
            before = t
        }
        let query = QueueQuery(states: try states, kind: kind.flatMap(MessageKind.init(rawValue:)), source: source,
                               dueBefore: before, limit: limit == 0 ? nil : limit)
        let report: QueueReport
        if let response = try await context.ask(ControlRequest(.queue, arguments: query.arguments)) {
            guard response.ok, let queue = response.queue else { throw ControlContext.exit(for: response) }
            report = queue
        } else {
            report = try Self.offline(query, context)
        }
        if json {
            print(String(decoding: try ControlCoding.encoder().encode(report), as: UTF8.self))
        } else {
            print(Self.render(report), terminator: "")
        }
    }

    /// The listing read from the spool itself (remindd is down).
    static func offline(_ query: QueueQuery, _ context: ControlContext) throws -> QueueReport {
        let spool = OfflineSpool(paths: SpoolPaths(root: context.config.spool.root, inbox: context.config.spool.inbox))
        try readable(spool)
        FileHandle.standardError.write(Data("remindctl: remindd is not running; reading the spool at \(spool.paths.root)\n".utf8))
        var byID: [MessageID: (MessageState, SpoolMessage)] = [:]
        var candidates: [QueueQuery.Candidate] = []
        for (state, m) in spool.messages(in: query.states) {
            let events = OfflineSpool.history(m)
            let due = state == .deferred ? MessageHistory.retryTime(of: events) ?? m.due : m.due
            byID[m.id] = (state, m)
            candidates.append(.init(id: m.id, state: state, kind: m.kind, source: m.key.source, due: due))
        }
        let (selected, total) = query.select(candidates)
        let items = selected.map { c in
            let (state, m) = byID[c.id]!
            return QueueReport.Item(id: m.id, state: state, kind: m.kind, due: c.due, expires: m.expires,
                                    recipient: PhoneMask.mask(m.recipient), key: m.key,
                                    reason: MessageHistory.reason(of: OfflineSpool.history(m)))
        }
        return QueueReport(items: items, total: total, timeZone: context.timeZone.identifier)
    }

    /// Exits 78 when the spool does not exist, 77 when this user may not read it.
    static func readable(_ spool: OfflineSpool) throws {
        do {
            try spool.checkReadable()
        } catch .missing(let path) {
            ControlContext.fail("remindd is not running, and there is no spool at \(path) (spool.root)")
            throw ExitCode(QueueExit.config)
        } catch .noPermission(let path) {
            ControlContext.fail("remindd is not running, and \(path) is not readable by this user (run as root or the service user)")
            throw ExitCode(QueueExit.noPermission)
        }
    }

    /// The listing as text: a header, one line per message, a total line.
    static func render(_ report: QueueReport) -> String {
        let zone = TimeZone(identifier: report.timeZone) ?? .current
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s.padding(toLength: n, withPad: " ", startingAt: 0) }
        var out = pad("ID", 18) + pad("STATE", 10) + pad("KIND", 12) + pad("DUE", 17) + pad("RECIPIENT", 14) + pad("SOURCE/APPOINTMENT", 24) + "REASON\n"
        for i in report.items {
            let line = pad("\(i.id)", 18) + pad(i.state.rawValue, 10) + pad(i.kind.rawValue, 12)
                + pad(ControlContext.local(i.due, zone), 17) + pad(i.recipient, 14) + pad(i.source + "/" + i.appointmentID, 24)
                + (i.reason ?? "")
            out += line.trimmingSuffixSpaces + "\n"
        }
        var counts: [MessageState: Int] = [:]
        for i in report.items { counts[i.state, default: 0] += 1 }
        let byState = MessageState.allCases.compactMap { s in counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: ", ")
        let shown = report.items.count == report.total ? "\(report.total) message(s)" : "\(report.items.count) of \(report.total) message(s) shown (--limit 0 lists all)"
        out += "-- " + shown + (byState.isEmpty ? "" : ": " + byState) + "; times in \(report.timeZone)\n"
        return out
    }
}

extension String {
    /// Without trailing spaces (a padded last column).
    var trimmingSuffixSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// Times as an operator types them for `--due-before`.
enum TimeText {
    /// `now`, `+30m`, `+2h`, `+3d`, `YYYY-MM-DD` (local midnight), `YYYY-MM-DD HH:MM` or
    /// `YYYY-MM-DDTHH:MM` (local), or ISO 8601 with a zone; nil for anything else.
    static func parse(_ text: String, in zone: TimeZone, now: Date = Date()) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "now" { return now }
        if t.hasPrefix("+"), let unit = t.last, let n = Double(t.dropFirst().dropLast()), n >= 0 {
            switch unit {
            case "m": return now.addingTimeInterval(n * 60)
            case "h": return now.addingTimeInterval(n * 3600)
            case "d": return now.addingTimeInterval(n * 86400)
            default: return nil
            }
        }
        if let d = ISO8601DateFormatter().date(from: t) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.isLenient = false
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            f.dateFormat = format
            if let d = f.date(from: t) { return d }
        }
        return nil
    }
}
