import ArgumentParser
import Foundation
import RemindConfig
import RemindControl
import RemindCore
import RemindSpool

/// `remindctl show ID`: one message's headers and history. Its text and full number are
/// patient data: shown only with `--text` and `--full`.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one message: its headers and its history.",
        discussion: """
            The recipient is masked unless --full is given, and the text is shown only with --text (it is \
            patient data on a terminal). Works with remindd stopped (reads the spool). Exit status: 0 shown, \
            64 bad option, 65 not a message id or no such message, 77 no access to the socket or the spool, \
            78 bad configuration.
            """)

    @OptionGroup var options: QueueOptions

    @Argument(help: "The message's spool id (16 hexadecimal digits, as `remindctl queue` lists it).")
    var id: String

    @Flag(name: .long, help: "Show the message's text.")
    var text = false

    @Flag(name: .long, help: "Show the recipient's number in full.")
    var full = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ControlContext(options)
        let messageID = try ControlContext.messageIDs([id])[0]
        var arguments = ["ids": "\(messageID)"]
        if text { arguments["text"] = "true" }
        if full { arguments["full"] = "true" }
        let report: MessageReport
        if let response = try await context.ask(ControlRequest(.show, arguments: arguments)) {
            guard response.ok, let message = response.message else { throw ControlContext.exit(for: response) }
            report = message
        } else {
            let spool = OfflineSpool(paths: SpoolPaths(root: context.config.spool.root, inbox: context.config.spool.inbox))
            try Queue.readable(spool)
            guard let (state, m) = spool.message(messageID) else {
                ControlContext.fail("no message \(messageID) in the spool at \(spool.paths.root)")
                throw ExitCode(QueueExit.badID)
            }
            FileHandle.standardError.write(Data("remindctl: remindd is not running; read from the spool at \(spool.paths.root)\n".utf8))
            report = OfflineSpool.report(m, state: state, text: text, full: full, timeZone: context.timeZone.identifier)
        }
        if json {
            print(String(decoding: try ControlCoding.encoder().encode(report), as: UTF8.self))
        } else {
            print(Self.render(report), terminator: "")
        }
    }

    static func render(_ r: MessageReport) -> String {
        let zone = TimeZone(identifier: r.timeZone) ?? .current
        func time(_ d: Date?) -> String { d.map { ControlContext.local($0, zone) } ?? "-" }
        func line(_ name: String, _ value: String) -> String { (name + ":").padding(toLength: 13, withPad: " ", startingAt: 0) + value + "\n" }
        var out = line("Id", "\(r.id)")
        out += line("State", r.state.rawValue + (r.reason.map { " (\($0))" } ?? ""))
        out += line("Kind", r.kind.rawValue)
        out += line("Key", "\(r.key)  (source \(r.key.source), appointment \(r.key.recordID), rule \(r.key.rule))")
        out += line("Recipient", r.recipient)
        out += line("Due", time(r.due) + " (\(r.timeZone))")
        out += line("Expires", time(r.expires))
        if r.appointmentStart != nil { out += line("Appointment", time(r.appointmentStart)) }
        if let file = r.sourceFile { out += line("Source", "\(file)" + (r.sourceLine.map { ":\($0)" } ?? "")) }
        out += line("Created", time(r.created))
        out += line("Encoding", "\(r.encoding), \(r.segments) segment(s)")
        out += line("Text", r.text ?? "(not shown: --text shows it)")
        out += "History:\n"
        for e in r.events {
            let line = "  " + ControlContext.local(e.time, zone, seconds: true) + "  " + e.what.padding(toLength: 10, withPad: " ", startingAt: 0)
                + (e.detail.isEmpty ? "" : " " + e.detail)
            out += line.trimmingSuffixSpaces + "\n"
        }
        return out
    }
}
