// TextBenchmark: renders and measures 100,000 appointment reminders through the example
// templates (spool.example/templates), as the daemon's ingest does for a large export.
//
// Run from the package root with a release build:
//   swift run -c release TextBenchmark [templates directory] [count]
// It prints messages per second for three stages: element values from an appointment
// (date formatting), rendering with the length rules, and measuring alone. It writes
// nothing and needs no network.
import Foundation
import RemindCore
import RemindText

let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "spool.example/templates"
let count = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000

let firstNames = ["Jane", "Zoë", "Mohammed", "Nguyễn Thị", "Olivia", "Maria-Concetta Alessandra", "Łukasz", "Wei"]
let lastNames = ["Citizen", "Łukasiewicz", "O'Brien", "Papadopoulos-Smith", "Tran", "Harbourside-Montgomery", "Li"]
let doctors = ["Dr Sarah Nguyen", "Dr Alexandra Papadopoulos", "", "Dr O’Brien", "Dr Bo Li"]
let locations = ["North Sydney", "Sydney CBD", "Parramatta", ""]
let practice = PracticeInfo(name: "Harbourside Dental", phone: "02 9876 5432", location: "Sydney CBD")
let timeZone = TimeZone(identifier: "Australia/Sydney")!
let locale = Locale(identifier: "en_AU")
let start = Date(timeIntervalSince1970: 1_741_145_400)

let appointments = (0..<count).map { i in
    Appointment(
        id: "A\(i)", firstName: firstNames[i % firstNames.count], lastName: lastNames[i % lastNames.count],
        phone: "0412 345 678", start: start.addingTimeInterval(Double(i % 5000) * 900),
        doctor: doctors[i % doctors.count], office: "\(i % 12 + 1)", extra: ["location": locations[i % locations.count]])
}

let set: TemplateSet
do {
    set = try TemplateSet(directory: directory)
} catch {
    print("cannot load \(directory): \(error)")
    exit(1)
}
precondition(set.validate().isEmpty, "\(set.validate())")

func rate(_ label: String, _ body: () -> Int) {
    let clock = ContinuousClock()
    var result = 0
    let elapsed = clock.measure { result = body() }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let perSecond = Double(count) / seconds
    let micro = seconds / Double(count) * 1e6
    print(String(format: "%-44@ %10.0f messages/s  %7.2f µs/message  (checksum %d)", label as NSString, perSecond, micro, result))
}

var fields: [[String: String]] = []
rate("fields (AppointmentFields.make)") {
    fields = appointments.map {
        AppointmentFields.make($0, practice: practice, timeZone: timeZone, locale: locale)
    }
    return fields.count
}
var texts: [String] = []
rate("render (template, limits, shortening, measure)") {
    var segments = 0
    texts.reserveCapacity(count)
    for f in fields {
        if let rendered = try? set.render(kind: .appointment, fields: f) {
            segments += rendered.segments
            texts.append(rendered.text)
        }
    }
    return segments
}
rate("measure only (SMSLength.measure)") {
    texts.reduce(0) { $0 + SMSLength.measure($1).units }
}
rate("fields + render") {
    var segments = 0
    for a in appointments {
        let f = AppointmentFields.make(a, practice: practice, timeZone: timeZone, locale: locale)
        segments += (try? set.render(kind: .appointment, fields: f).segments) ?? 0
    }
    return segments
}
print("rendered \(texts.count) of \(count); UCS-2: \(texts.filter { SMSLength.measure($0).encoding == .ucs2 }.count)")
