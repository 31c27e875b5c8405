import ArgumentParser
import Foundation
import RemindConfig
import RemindCore
import RemindSpool

/// `remindctl replies`: the patients' replies that came through the gateway, from the
/// spool's `replies/` directory (one JSON line per reply, see ``ReplyLog``). Reads the
/// files itself, so it works the same with remindd running or stopped; numbers masked
/// unless `--full`.
struct Replies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List patients' replies (numbers masked), newest last.",
        discussion: """
            Reads <spool.root>/replies/*.jsonl (one JSON object per line per reply, written by remindd as replies \
            arrive through the gateway), so it works with remindd stopped. IN REPLY TO is the latest message sent to \
            the number, the one the reply most likely answers. Exit status: 0, 64 bad option, 74 unreadable file, \
            77 no access to the spool, 78 bad configuration.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Today and this many days before it, in all (default 7; 0 for every reply kept).")
    var days: Int = 7

    @Flag(name: .long, help: "Only replies that opted their number out.")
    var optOuts = false

    @Flag(name: .long, help: "Show full phone numbers (they are masked by default).")
    var full = false

    @Flag(name: .long, help: "Print JSON lines, as stored (the full number only with --full).")
    var json = false

    func validate() throws {
        guard days >= 0 else { throw ValidationError("--days is 0 or more") }
    }

    func run() async throws {
        let config = try global.loadConfiguration()
        let directory = SpoolPaths(root: config.spool.root, inbox: config.spool.inbox).replies
        let zone = config.practice.timeZone
        var replies: [ReplyRecord]
        do {
            replies = try ReplyLog.read(directory: directory)
        } catch {
            let denied = access(directory, R_OK | X_OK) != 0 && errno == EACCES
            FileHandle.standardError.write(Data("remindctl: cannot read \(directory): \(error)\n".utf8))
            throw ExitCode(denied ? QueueExit.noPermission : 74)
        }
        if days > 0 {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let since = calendar.date(byAdding: .day, value: -(days - 1), to: calendar.startOfDay(for: Date())) ?? .distantPast
            replies = replies.filter { $0.received >= since }
        }
        if optOuts { replies = replies.filter(\.optOut) }
        if !full {
            for i in replies.indices { replies[i].from = replies[i].fromMasked }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for r in replies { print(String(decoding: try encoder.encode(r), as: UTF8.self)) }
        } else {
            print(Self.render(replies, zone: zone), terminator: "")
        }
    }

    /// A header, one line per reply (its text on one line), a total line.
    static func render(_ replies: [ReplyRecord], zone: TimeZone) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        var out = pad("RECEIVED", 20) + " " + pad("FROM", 15) + " " + pad("OPT-OUT", 7) + " " + pad("IN REPLY TO", 16) + " "
            + pad("APPOINTMENT", 12) + " TEXT\n"
        for r in replies {
            let text = r.text.map { $0.isNewline ? " " : $0 }.reduce(into: "") { $0.append($1) }
            out += pad(ControlContext.local(r.received, zone, seconds: true), 20) + " " + pad(r.from, 15) + " "
                + pad(r.optOut ? "yes" : "-", 7) + " " + pad(r.inReplyTo ?? "-", 16) + " " + pad(r.appointmentID ?? "-", 12) + " " + text + "\n"
        }
        out += "\(replies.count) repl\(replies.count == 1 ? "y" : "ies")\n"
        return out
    }
}
