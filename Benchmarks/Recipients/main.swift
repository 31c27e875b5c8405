// RecipientsBenchmark: phone numbers normalised per second through libphonenumber, and
// their share of ingest time on a 100,000-row export.
//
// Builds the export in memory (no disk but the opt-out list's one file in /tmp), runs
// each stage five times and prints the median (and min/max). Run a release build:
//   swift run -c release RecipientsBenchmark [rows]
import Dispatch
import Foundation
import RemindCore
import RemindInbox
import RemindRecipients

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
guard let zone = TimeZone(identifier: "Australia/Sydney") else { fatalError("no tzdata for Australia/Sydney") }

/// Spellings as practice systems hold them: mostly mobiles, some landlines (then a
/// mobile in Home Phone), international forms, words around the number. `serial`
/// picks the subscriber number, so each run can have numbers never seen before.
func mobile(_ serial: Int, spelling i: Int) -> String {
    let d = String(412_000_000 + (serial * 7919) % 20_000_000)  // 0412 … 0431: allocated AU mobile ranges
    switch i % 8 {
    case 0: return "0\(d.prefix(3)) \(d.dropFirst(3).prefix(3)) \(d.suffix(3))"
    case 1: return "0\(d)"
    case 2: return "+61 \(d.prefix(3)) \(d.dropFirst(3).prefix(3)) \(d.suffix(3))"
    case 3: return "+61 (0)\(d.prefix(3))-\(d.dropFirst(3).prefix(3))-\(d.suffix(3))"
    case 4: return "0061\(d)"
    case 5: return "Mob: 0\(d) (mum)"
    case 6: return "(0\(d.prefix(1))) \(d.dropFirst(1).prefix(4)) \(d.suffix(4))"
    default: return "0\(d.prefix(3)).\(d.dropFirst(3).prefix(3)).\(d.suffix(3))"
    }
}

func landline(_ serial: Int) -> String { "(02) 9\(String(format: "%03d", serial % 1000)) \(String(format: "%04d", (serial / 1000) % 10000))" }

/// One export of `rows` rows whose numbers start at `serial`; and its phone column.
func export(serial: Int) -> (bytes: [UInt8], phones: [String]) {
    var csv = "Appointment ID,First Name,Surname,Mobile,Home Phone,Date,Time,Doctor,Room,Status\r\n"
    var phones: [String] = []
    phones.reserveCapacity(rows)
    for i in 0..<rows {
        let day = 1 + i % 28, month = 1 + (i / 28) % 12, minute = (i * 5) % 600
        let landlineFirst = i % 10 == 9
        let phone = landlineFirst ? landline(serial + i) : mobile(serial + i, spelling: i)
        phones.append(phone)
        let home = landlineFirst ? mobile(serial + i, spelling: i / 10) : ""
        csv += "A-\(i),Ann,Lee,\"\(phone)\",\"\(home)\",2026-\(String(format: "%02d-%02d", month, day)),"
            + String(format: "%02d:%02d", 8 + minute / 60, minute % 60) + ",Dr Patel,R1,Booked\r\n"
    }
    return (Array(csv.utf8), phones)
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// Runs `body(run)` five times; prints the median rate of `count` per second (min, max)
/// and returns the median seconds.
@discardableResult
func measure(_ label: String, count: Int, _ body: (Int) -> Int) -> Double {
    var times: [Double] = []
    var produced = 0
    for run in 0..<5 {
        let start = ContinuousClock.now
        produced = body(run)
        times.append(seconds(ContinuousClock.now - start))
    }
    times.sort()
    print(label.padding(toLength: 46, withPad: " ", startingAt: 0)
        + String(format: "%9.0f /s (min %9.0f, max %9.0f)  %6.2f µs each  [%d ok]",
                 Double(count) / times[2], Double(count) / times[4], Double(count) / times[0], times[2] / Double(count) * 1e6, produced))
    return times[2]
}

let normalizer = PhoneNumberNormalizer(defaultRegion: "AU")
let fields = PhoneFields()
let parser = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: zone, statusMap: ["Booked": "scheduled"])))

/// Five exports with numbers no run has seen (cold: every number goes to libphonenumber),
/// then the first again (warm: a re-export, answered from the cache of outcomes).
let exports = (0..<5).map { export(serial: $0 * rows) }
let parsed = exports.map { e in (try? parser.parse(e.bytes, file: "bench").records.map(\.appointment)) ?? [] }
precondition(parsed.allSatisfy { $0.count == rows }, "an export did not parse")
print("RecipientsBenchmark: \(rows) rows, \(String(format: "%.1f", Double(exports[0].bytes.count) / 1e6)) MB of CSV per export")

let parse = measure("parse CSV (the ingest's first stage)", count: rows) { run in
    (try? parser.parse(exports[run].bytes, file: "bench").records.count) ?? 0
}
// Numbers no export holds, for the one-column rate.
let loose = (5..<10).map { run in (0..<rows).map { i in i % 10 == 9 ? landline(run * rows + i) : mobile(run * rows + i, spelling: i) } }
measure("normalize(raw), new numbers", count: rows) { run in
    var ok = 0
    for raw in loose[run] { if case .success = normalizer.normalize(raw) { ok += 1 } }
    return ok
}
let cold = measure("normalize(candidates:), new numbers", count: rows) { run in
    var ok = 0
    for a in parsed[run] { if case .success = normalizer.normalize(candidates: fields.candidates(in: a)) { ok += 1 } }
    return ok
}
let warm = measure("normalize(candidates:), a re-export", count: rows) { _ in
    var ok = 0
    for a in parsed[0] { if case .success = normalizer.normalize(candidates: fields.candidates(in: a)) { ok += 1 } }
    return ok
}

// The opt-out list: 10,000 numbers on it, one lookup per row.
let directory = NSTemporaryDirectory() + "remindd-recipients-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let optOuts = OptOutList(path: directory + "/opt-out")
let listed = parsed[0].prefix(10_000).compactMap { try? normalizer.normalize(candidates: fields.candidates(in: $0)).get().e164 }
try optOuts.add(listed, source: "bench")
let e164s = parsed[0].compactMap { try? normalizer.normalize(candidates: fields.candidates(in: $0)).get().e164 }
measure("opt-out contains() (\(listed.count) listed)", count: e164s.count) { _ in
    var hits = 0
    for n in e164s where optOuts.contains(n) { hits += 1 }
    return hits
}
measure("opt-out load() (\(listed.count) lines)", count: listed.count) { _ in
    let list = OptOutList(path: directory + "/opt-out")
    try? list.load()
    return list.count
}

let budget = 50e-6 * Double(rows)  // the ingest target: 20,000 messages/s
print(String(format: "share of parse + numbers: %.0f %% new, %.0f %% re-export; of the 50 µs/row ingest budget: %.0f %% new, %.1f %% re-export",
             cold / (parse + cold) * 100, warm / (parse + warm) * 100, cold / budget * 100, warm / budget * 100))
