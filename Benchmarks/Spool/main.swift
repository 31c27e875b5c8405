// SpoolBenchmark: the spool's costs on the real disk (release build only).
//
//   SpoolBenchmark ingest  <dir> [rows]     group commit of an export (one batch file) vs fsync per message
//   SpoolBenchmark baseline <dir> [rows]    the baseline alone: a file, its fsync and its directory's per message
//   SpoolBenchmark populate <dir> [count]   fills a spool with queued messages and a checkpoint
//   SpoolBenchmark startup <dir>            recovery of a populated spool: time and peak RSS
//   SpoolBenchmark lookup  <dir>            next-due and cancel-by-key at the populated size
//
// It writes only under <dir>. Figures go to stdout, one `name: value` per line.
#if canImport(Glibc)
import Glibc
#endif
import FileSystemKit
import Foundation
import RemindCore
import RemindSchedule
import RemindSpool

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: SpoolBenchmark ingest|baseline|populate|startup|lookup <dir> [count]")
    exit(64)
}
let mode = arguments[1]
let directory = arguments[2]
let count = arguments.count > 3 ? Int(arguments[3]) ?? 100_000 : (mode == "populate" ? 1_000_000 : 100_000)
let ids = MessageIDGenerator()
let text = "Hi Ann, this is a reminder of your appointment with Dr Patel on Tue 24 Nov at 9:30 am. Call 02 9999 0000 to change it. Harbour Dental"

func message(_ i: Int, start: Date, now: Date) -> SpoolMessage {
    SpoolMessage(
        id: ids.next(), key: MessageKey(source: "practice", recordID: "A-\(i)", rule: "reminder"), kind: .appointment,
        recipient: "+61412\(String(format: "%06d", i % 1_000_000))", text: text, due: start.addingTimeInterval(-86400),
        expires: start, appointmentStart: start, source: SourcePosition(file: "appointments.csv", line: i + 1),
        created: now, encoding: .gsm7, segments: 1)
}

let openCalendar = DeliveryCalendar(
    windows: (1...7).map { DeliveryWindow(weekday: $0, startMinute: 0, endMinute: 1440) },
    timeZone: TimeZone(identifier: "Australia/Sydney")!)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - t0
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// A `/proc/self/status` figure in MB (VmHWM: peak resident; VmRSS: resident now).
func statusMegabytes(_ field: String) -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

func peakRSSMegabytes() -> Double { statusMegabytes("VmHWM") }

func freshSpool(_ name: String) throws -> Spool {
    let root = directory + "/" + name
    try? FileManager.default.removeItem(atPath: root)
    let spool = Spool(paths: SpoolPaths(root: root))
    try spool.prepare()
    _ = try spool.recover()
    return spool
}

/// The baseline, in messages/s: one message file written, fsync'd, renamed, and its
/// directory fsync'd, per message.
func baselineRate(rows: Int, start: Date, now: Date) throws -> Double {
    let baseline = try freshSpool("baseline")
    let baselineMessages = (1...rows).map { message($0, start: start, now: now) }
    let baselineTime = try seconds {
        for m in baselineMessages {
            let tmp = baseline.paths.tmp + "/\(m.id)"
            try FileOperations.createFile(at: tmp, contents: MessageFile.encode(m), synchronize: true)
            try FileOperations.rename(tmp, to: baseline.paths.path(of: m.id, in: .queued))
            try FileOperations.synchronizeDirectory(baseline.paths.directory(for: .queued))
        }
    }
    try? FileManager.default.removeItem(atPath: directory + "/baseline")
    return Double(rows) / baselineTime
}

switch mode {
case "baseline":
    let now = Date()
    print("baseline fsync per message (\(count) rows): \(Int(try baselineRate(rows: count, start: now.addingTimeInterval(3 * 86400), now: now))) msg/s")

case "ingest":
    let now = Date()
    let start = now.addingTimeInterval(3 * 86400)
    let csv = "id\n" + (1...count).map { "A-\($0)\n" }.joined()

    let baselineRows = min(count, 5_000)
    let baselineRate = try baselineRate(rows: baselineRows, start: start, now: now)

    // No fsync at all: the ceiling of writing a file per message.
    let loose = try freshSpool("nofsync")
    let looseMessages = (1...count).map { message($0, start: start, now: now) }
    let looseTime = try seconds {
        for m in looseMessages {
            try FileOperations.createFile(at: loose.paths.tmp + "/\(m.id)", contents: MessageFile.encode(m), synchronize: false)
            try FileOperations.rename(loose.paths.tmp + "/\(m.id)", to: loose.paths.path(of: m.id, in: .queued))
        }
    }

    // remindd: claim the landed file, read it, plan against the index, group commit
    // (one batch file: one write, one fdatasync, one directory fsync), archive, and insert
    // every message into the release scheduler.
    let spool = try freshSpool("groupcommit")
    try csv.write(toFile: spool.paths.inbox + "/appointments.csv", atomically: false, encoding: .utf8)
    let messages = (1...count).map { message($0, start: start, now: now) }
    var scheduler = ReleaseScheduler(
        calendar: openCalendar,
        stagger: .zero, lastRelease: nil)
    var queued: [SpoolEntry] = []
    let groupTime = try seconds {
        let claimed = try spool.claim(inboxName: "appointments.csv")!
        _ = try spool.read(claimed)
        let plan = spool.plan(candidates: messages)
        queued = try spool.commit(plan, input: claimed)
        for e in queued { scheduler.insert(.init(id: e.id, due: e.due, expires: e.expires, kind: e.kind)) }
    }
    precondition(queued.count == count)
    let groupRate = Double(count) / groupTime
    // A re-export of the same file: nothing written.
    let again = seconds { precondition(spool.plan(candidates: messages).add.isEmpty) }
    print("rows: \(count)")
    print("baseline fsync per message (\(baselineRows) rows): \(Int(baselineRate)) msg/s")
    print("no fsync at all: \(Int(Double(count) / looseTime)) msg/s")
    print("group commit, landed to durable+scheduled: \(Int(groupRate)) msg/s (\(String(format: "%.2f", groupTime)) s)")
    print("ratio group commit / baseline: \(String(format: "%.1f", groupRate / baselineRate))x")
    print("re-export plan (all unchanged): \(String(format: "%.3f", again)) s")
    for name in ["baseline", "nofsync", "groupcommit"] { try? FileManager.default.removeItem(atPath: directory + "/" + name) }

case "populate":
    let root = directory + "/million"
    try? FileManager.default.removeItem(atPath: root)
    let spool = Spool(paths: SpoolPaths(root: root))
    try spool.prepare()
    _ = try spool.recover()
    let now = Date()
    let start = now.addingTimeInterval(10 * 86400)
    let batch = 100_000
    let t = try seconds {
        for b in stride(from: 0, to: count, by: batch) {
            let messages = (b..<min(b + batch, count)).map { message($0, start: start.addingTimeInterval(Double($0 % 86400)), now: now) }
            try spool.commit(spool.plan(candidates: messages), input: nil)
        }
        try spool.checkpoint()
    }
    print("populated: \(count) queued in \(String(format: "%.1f", t)) s")

case "startup":
    let spool = Spool(paths: SpoolPaths(root: directory + "/million"))
    var pending = 0
    var scheduler = ReleaseScheduler(
        calendar: openCalendar,
        stagger: .zero, lastRelease: nil)
    var report = RecoveryReport()
    let before = statusMegabytes("VmRSS")
    var recovered = 0.0
    var indexBytes = 0.0
    let t = try seconds {
        try spool.prepare()
        recovered = try seconds { report = try spool.recover() }
        indexBytes = (statusMegabytes("VmRSS") - before) * 1_048_576
        spool.forEachPending { scheduler.insert(.init(id: $0.id, due: $0.due, expires: $0.expires, kind: $0.kind)); pending += 1 }
    }
    print("startup: \(pending) pending, \(report.fromCheckpoint) from the checkpoint, \(report.filesRead) files read")
    print("recover: \(String(format: "%.2f", recovered)) s, spool index \(Int(indexBytes / Double(max(pending, 1)))) bytes per queued message (resident)")
    print("recover + schedule: \(String(format: "%.2f", t)) s, peak RSS \(Int(peakRSSMegabytes())) MB, resident now \(Int(statusMegabytes("VmRSS"))) MB")

case "lookup":
    let spool = Spool(paths: SpoolPaths(root: directory + "/million"))
    _ = try spool.recover()
    var scheduler = ReleaseScheduler(
        calendar: openCalendar,
        stagger: .zero, lastRelease: nil)
    spool.forEachPending { scheduler.insert(.init(id: $0.id, due: $0.due, expires: $0.expires, kind: $0.kind)) }
    let n = 10_000
    var found = 0
    let next = seconds {
        for _ in 0..<n { if scheduler.nextReleaseTime(now: Date()) != nil { found += 1 } }
    }
    var keys: [MessageKey] = []
    // Ten keys still queued (an earlier run cancelled some), spread over the batches.
    for i in stride(from: 7, to: 1_000_000, by: 100_003) {
        var j = i
        while let e = spool.entry(forKey: MessageKey(source: "practice", recordID: "A-\(j)", rule: "reminder")), e.state != .queued { j += 1 }
        keys.append(MessageKey(source: "practice", recordID: "A-\(j)", rule: "reminder"))
    }
    var cancelled = 0
    var lookups = 0.0
    let cancel = try seconds {
        for key in keys {
            var plan = IngestPlan()
            lookups += seconds { plan = spool.plan(candidates: [], withdraw: [(key, "cancelled")]) }
            // A durable cancel: the member's own file into cancelled/, syncfs, its id into the batch's .left log.
            guard let id = plan.cancel.first?.id else { continue }
            try spool.commit(plan, input: nil)
            _ = scheduler.remove(id)
            cancelled += 1
        }
    }
    print("next due at \(spool.stateCounts[.queued, default: 0]) queued: \(String(format: "%.2f", next / Double(n) * 1e6)) µs per call")
    print("cancel by key: lookup \(String(format: "%.1f", lookups / Double(keys.count) * 1e6)) µs, durable cancel \(String(format: "%.2f", cancel / Double(max(cancelled, 1)) * 1e3)) ms (\(cancelled) cancelled)")

default:
    print("unknown mode \(mode)")
    exit(64)
}
