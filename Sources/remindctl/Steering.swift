import ArgumentParser
import Foundation
import RemindControl
import RemindCore

/// What `hold`, `release`, `cancel` and `retry` share: they go through the daemon only
/// (it owns the spool and the schedule), report one line per id, and exit with the
/// status of the first id that failed.
enum Steering {
    /// Sends `action` for `ids` and prints what happened to each.
    static func run(_ action: OperatorAction, ids raw: [String], arguments extra: [String: String] = [:],
                    options: QueueOptions, json: Bool) async throws {
        let context = try ControlContext(options)
        let ids = try ControlContext.messageIDs(raw)
        var arguments = extra
        arguments["ids"] = ControlRequest.idsArgument(ids.map { "\($0)" })
        let request = ControlRequest(ControlRequest.Command(rawValue: action.rawValue)!, arguments: arguments)
        guard let response = try await context.ask(request) else {
            ControlContext.fail("remindd is not running: \(action.rawValue) needs the daemon, which owns the spool (systemctl start remindd)")
            throw ExitCode(QueueExit.unavailable)
        }
        guard response.ok, let report = response.changes else { throw ControlContext.exit(for: response) }
        if json {
            print(String(decoding: try ControlCoding.encoder().encode(report), as: UTF8.self))
        } else {
            let zone = TimeZone(identifier: report.timeZone) ?? context.timeZone
            for change in report.changes where change.ok { print(describe(change, action: action, zone: zone)) }
            for change in report.changes where !change.ok { ControlContext.fail(describe(change, action: action, zone: zone)) }
        }
        if let failed = report.changes.first(where: { !$0.ok }) {
            throw ExitCode(ControlContext.status(for: failed.errorCode))
        }
    }

    /// One line about one id.
    static func describe(_ c: OperatorReport.Change, action: OperatorAction, zone: TimeZone) -> String {
        guard c.ok else { return "\(c.id) " + (c.error ?? "not changed") }
        guard c.changed, let to = c.to else { return "\(c.id): already \(c.to?.rawValue ?? "there"), nothing to do" }
        var line = "\(c.id): \(to.rawValue)"
        if let due = c.due { line += ", due \(ControlContext.local(due, zone)) (\(zone.identifier))" }
        if let from = c.from { line += " (was \(from.rawValue))" }
        return line
    }
}

/// `remindctl hold ID…`
struct Hold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hold queued or deferred messages: they are not sent until released.",
        discussion: "Needs remindd running. Exit status: 0 held, 1 refused (state), 65 bad id, 69 remindd not running, 77 no access, 78 bad configuration.")

    @OptionGroup var options: QueueOptions
    @Argument(help: "Spool ids.") var ids: [String]
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws { try await Steering.run(.hold, ids: ids, options: options, json: json) }
}
