import ArgumentParser
import Foundation
import RemindAssembly
import RemindInbox
import RemindRecipients
import RemindSpool

struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what remindd would queue for a sample input file, without queueing anything.",
        discussion: """
            The file goes through the same pipeline as the daemon's ingest (its source chosen by its name, as in the
            inbox, or by --source), with the opt-out list of the spool when it can be read. For each row: the text,
            its length, its encoding (gsm7 or ucs2), its segment count and the limits that applied (elements cut to
            their field limit, elements shortened to fit the total, a "cleaned:" line for each element that had control
            or bidi characters removed); or why the row would be rejected, or left out
            (a status not reminded, an appointment already started at --at). Phone numbers are shown masked.
            First, for CSV and JSON Lines, which column (or key) feeds which element ("columns:", one line each:
            Mobile → phone, Site → location, Patient Name → first_name and last_name (split), other columns as
            their extra element), so a wrong mapping is seen before any patient gets a text.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An export in its source's format.")
    var file: String

    @Option(help: "The source that reads the file (default: the one its name routes to in the inbox).")
    var source: String?

    @Option(help: "Preview as if the file arrived at this time (ISO 8601, like 2026-11-20T09:00:00+11:00; default: now).")
    var at: String?

    @Flag(name: .long, help: "Print JSON (one object per row).")
    var json = false

    func validate() throws {
        if let at, ISO8601DateFormatter().date(from: at) == nil {
            throw ValidationError("--at: '\(at)' is not an ISO 8601 time like 2026-11-20T09:00:00+11:00")
        }
    }

    func run() throws {
        let assembly = try global.loadAssembly()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let name = URL(fileURLWithPath: file).lastPathComponent
        let optOuts = OptOutList(path: assembly.paths.state + "/opt-out")
        try? optOuts.load()  // unreadable (another user's spool): no number is taken as opted out
        let now = at.flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date()
        let rows: [PreviewRow]
        switch assembly.preview(Array(data), file: name, source: source, now: now, optOuts: optOuts) {
        case .success(let r): rows = r
        case .failure(let failure):
            FileHandle.standardError.write(Data("\(failure)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for row in rows { print(String(decoding: try encoder.encode(row), as: UTF8.self)) }
            return
        }
        let columns = assembly.columnUses(Array(data), file: name, source: source)
        if !columns.isEmpty {
            print("columns:")
            let width = columns.map { $0.column.count }.max() ?? 0
            for use in columns {
                print("  \(use.column)\(String(repeating: " ", count: width - use.column.count)) → \(use.element)")
            }
        }
        for row in rows {
            guard let text = row.text else {
                if let reason = row.rejected { print("\(name):\(row.line): rejected: \(reason)") }
                if let reason = row.skipped { print("\(name):\(row.line): left out: \(reason)") }
                continue
            }
            print("\(name):\(row.line)  \(row.id ?? "")  \(row.recipient ?? "")  [\(row.template ?? "")]  \((row.rules ?? []).joined(separator: ", "))")
            print("  \(text)")
            let segments = row.segments ?? 0
            var facts = "  \(row.length ?? 0)/\(row.maxLength ?? 0) \(row.encoding == "gsm7" ? "GSM-7" : "UCS-2"), \(segments) segment\(segments == 1 ? "" : "s")"
            if let t = row.truncated, !t.isEmpty { facts += "; cut to field limit: " + t.joined(separator: ", ") }
            if let s = row.shortened, !s.isEmpty { facts += "; shortened to fit: " + s.joined(separator: ", ") }
            if let reason = row.rejected { facts += "; not sent: " + reason }
            print(facts)
            for notice in row.cleaned ?? [] { print("  cleaned: \(notice)") }
        }
    }
}
