// ScheduleBenchmark: the release scheduler at 1,000,000 queued entries.
//
// Measures insert, next-due (nextAction releasing the best-ranked due entry), peeking the
// next release time, cancel-by-id, and a full forecast, plus resident memory. Run in a
// release build: `swift run -c release ScheduleBenchmark [entries]`. Prints one line per
// measurement; touches nothing outside the process.
import Foundation
import RemindCore
import RemindSchedule

#if canImport(Glibc)
import Glibc
#endif

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let operations = min(100_000, count / 2)

func residentMegabytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return .nan }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func measure(_ label: String, operations: Int, _ body: () -> Void) {
    measure(label) { body(); return operations }
}

func measure(_ label: String, _ body: () -> Int) {
    var operations = 0
    let elapsed = ContinuousClock().measure { operations = body() }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let perOp = seconds / Double(operations) * 1e9
    print("\(label): \(operations) ops in \(String(format: "%.3f", seconds)) s, \(String(format: "%.0f", perOp)) ns/op")
}

// Always open, so every nextAction at `now` with something due releases.
let calendar = DeliveryCalendar(windows: (1...7).map { DeliveryWindow(weekday: $0, startMinute: 0, endMinute: 1440) },
                                timeZone: TimeZone(identifier: "Australia/Sydney")!)
let start = Date(timeIntervalSince1970: 1_750_000_000)
var rng = SystemRandomNumberGenerator()
let kinds = MessageKind.allCases
let entries = (0..<count).map { n in
    let due = start.addingTimeInterval(Double.random(in: 0..<7 * 86_400, using: &rng))
    return ReleaseScheduler.Entry(
        id: MessageID(rawValue: UInt64(n + 1)), due: due,
        expires: n % 10 < 7 ? due.addingTimeInterval(Double.random(in: 3600..<3 * 86_400, using: &rng)) : nil,
        kind: kinds[n % kinds.count])
}

let baseline = residentMegabytes()
var scheduler = ReleaseScheduler(calendar: calendar, stagger: .zero, lastRelease: nil)
measure("insert", operations: count) { for e in entries { scheduler.insert(e) } }
print("resident: \(String(format: "%.0f", residentMegabytes() - baseline)) MB more for \(count) entries (\(String(format: "%.0f", (residentMegabytes() - baseline) * 1_048_576 / Double(count))) bytes each)")

// Peek: the time of the next release (what STATUS= shows).
var sink = 0.0
measure("nextReleaseTime (peek)", operations: operations) {
    for _ in 0..<operations { sink += scheduler.nextReleaseTime(now: start)?.timeIntervalSince1970 ?? 0 }
}

// Cancel-by-id: withdraw random queued entries.
let victims = (0..<operations).map { _ in MessageID(rawValue: UInt64.random(in: 1...UInt64(count), using: &rng)) }
var removed = 0
measure("remove (cancel by id)", operations: operations) {
    for id in victims where scheduler.remove(id) { removed += 1 }
}

// Forecast over everything queued.
var forecast: Forecast?
measure("forecast (whole queue)", operations: 1) { forecast = scheduler.forecast(now: start, maxWindows: 7) }

// The same, for a queue shaped like a practice's: the same count of reminders of
// appointments on a 15-minute grid over a year (the day before, expiring at the start),
// so entries share their due time and expiry in groups, as an appointment book's do.
do {
    var book = ReleaseScheduler(calendar: calendar, stagger: .seconds(1), lastRelease: nil)
    for n in 0..<count {
        let appointment = start.addingTimeInterval(86_400 + Double((n * 7919) % (365 * 96)) * 900)
        book.insert(.init(id: MessageID(rawValue: UInt64(n + 1)), due: appointment.addingTimeInterval(-86_400),
                          expires: appointment, kind: .appointment))
    }
    measure("forecast (appointment book: \(count) entries on \(365 * 96) times)", operations: 1) {
        forecast = book.forecast(now: start, maxWindows: 7)
    }
}

// Next-due: a week later everything is due. First the entries whose expiry has passed
// come out (each an `.expire`), then the call that returns the first release moves every
// remaining entry from "waiting" to "ready"; then each call releases one.
let late = start.addingTimeInterval(7 * 86_400)
var released = 0, expired = 0
var firstRelease = false
measure("nextAction (expire, each with its reason)") {
    while !firstRelease {
        switch scheduler.nextAction(now: late) {
        case .release: firstRelease = true
        case .expire: expired += 1
        default: fatalError("nothing to release")
        }
    }
    return expired
}
measure("nextAction (release)", operations: operations) {
    for _ in 0..<operations {
        if case .release = scheduler.nextAction(now: late) { released += 1 }
    }
}
print("(\(removed) removed, \(expired) expired, \(released + 1) released, \(scheduler.count) left, forecast drains \(forecast?.drainsAt.map { "\($0)" } ?? "never"), checksum \(sink > 0))")
