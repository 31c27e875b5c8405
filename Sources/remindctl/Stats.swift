import ArgumentParser
import Foundation
import RemindConfig
import RemindControl
import RemindCore
import RemindSpool

/// `remindctl stats`: per local day and kind, messages sent, failed, expired and
/// cancelled, and the segments sent, from the final states the spool keeps.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show per day and kind: messages sent, failed, expired, cancelled, segments sent and their cost.",
        discussion: """
            Counted from the messages the spool keeps in a final state (spool.retention), by the local day \
            (practice time zone) they ended. With [provider] price_per_segment, a COST column: the segments sent \
            times that price (today's price for every day shown). Works with remindd stopped (reads the spool). Exit status: 0, \
            64 bad option, 77 no access to the socket or the spool, 78 bad configuration.
            """)

    @OptionGroup var options: QueueOptions

    @Option(name: .long, help: "Today and this many days before it, in all (default 7).")
    var days: Int = 7

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        guard days > 0 else { throw ValidationError("--days is 1 or more") }
    }

    func run() async throws {
        let context = try ControlContext(options)
        let report: StatsReport
        if let response = try await context.ask(ControlRequest(.stats, arguments: ["days": String(days)])) {
            guard response.ok, let stats = response.stats else { throw ControlContext.exit(for: response) }
            report = stats
        } else {
            let spool = OfflineSpool(paths: SpoolPaths(root: context.config.spool.root, inbox: context.config.spool.inbox))
            try Queue.readable(spool)
            FileHandle.standardError.write(Data("remindctl: remindd is not running; reading the spool at \(spool.paths.root)\n".utf8))
            var tally = StatsReport.Tally(days: days, zone: context.timeZone)
            for (state, m) in spool.messages(in: Set(MessageState.allCases.filter(\.isFinal))) {
                tally.add(state: state, kind: m.kind, ended: m.events.last?.time ?? m.created, segments: m.segments)
            }
            report = StatsReport(rows: tally.sortedRows, days: days, timeZone: context.timeZone.identifier)
        }
        if json {
            print(String(decoding: try ControlCoding.encoder().encode(report), as: UTF8.self))
        } else {
            print(Self.render(report, pricePerSegment: Self.price(context.config)), terminator: "")
        }
    }

    /// The configured provider's price per segment (`[provider] price_per_segment`), if any.
    static func price(_ config: Configuration) -> Double? {
        if case .http(let h) = config.provider { return h.pricePerSegment }
        return nil
    }

    static func render(_ r: StatsReport, pricePerSegment price: Double? = nil) -> String {
        func cell(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s + " " }
        var out = "DAY        KIND        " + cell("SENT", 6) + cell("FAILED", 7) + cell("EXPIRED", 8) + cell("CANCELLED", 10) + cell("SEGMENTS", 9)
            + (price == nil ? "" : cell("COST", 10)) + "\n"
        var total = StatsReport.Row(day: "", kind: .appointment)
        for row in r.rows {
            out += row.day + " " + row.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                + cell("\(row.sent)", 6) + cell("\(row.failed)", 7) + cell("\(row.expired)", 8) + cell("\(row.cancelled)", 10) + cell("\(row.segments)", 9)
                + (price.map { cell(StatsReport.money(row.cost(pricePerSegment: $0)), 10) } ?? "")
            out = out.trimmingSuffixSpaces + "\n"
            total.sent += row.sent; total.failed += row.failed; total.expired += row.expired
            total.cancelled += row.cancelled; total.segments += row.segments
        }
        let cost = price.map { ", cost \(StatsReport.money(total.cost(pricePerSegment: $0))) at \(StatsReport.money($0, places: 4)) a segment" } ?? ""
        out += "-- \(r.days) day(s) in \(r.timeZone): sent \(total.sent) (\(total.segments) segment(s)\(cost)), failed \(total.failed), expired \(total.expired), cancelled \(total.cancelled)\n"
        return out
    }
}
