import Foundation
import RemindCore

/// Reads one SIU message's segments into an appointment, or says why it cannot; see
/// ``HL7SIUParser`` for the fields read. Reasons name HL7 fields, never their values
/// (only the message type and trigger, which carry no patient data, are quoted).
struct SIUAppointmentReader {
    let mapping: AppointmentMapping
    private let statusMap: [String: String]

    /// HL7 table 0278 (filler status codes) in remindd's words, after the words every
    /// format shares (``StatusWords``: Booked and Pending are `scheduled`, Noshow is
    /// `noshow`). Overbooked appointments are `scheduled`; a discontinued one (`Dc`) is
    /// `cancelled`; the others keep their own word, lower-cased, and are not reminded
    /// unless configured.
    static let fillerStatus: [String: String] = [
        "booked": "scheduled", "overbook": "scheduled", "waitlist": "waitlist",
        "cancelled": "cancelled", "canceled": "cancelled", "deleted": "deleted", "noshow": "noshow",
        "complete": "complete", "started": "started", "blocked": "blocked", "dc": "cancelled",
    ]

    /// Statuses that take an appointment off the book: a message with one needs no phone.
    static let withdrawingStatuses: Set<String> = ["cancelled", "deleted", "noshow", "attended"]

    init(mapping: AppointmentMapping) {
        self.mapping = mapping
        self.statusMap = StatusWords.normalized(mapping.statusMap)
    }

    /// `segments` starts with the MSH segment.
    func read(_ segments: [HL7Segment], file: String) -> HL7MessageResult.Outcome {
        let msh = segments[0]
        func reject(_ line: Int, _ reason: String) -> HL7MessageResult.Outcome {
            .rejected(RowRejection(position: SourcePosition(file: file, line: line), reason: reason))
        }
        func all(_ name: String) -> [HL7Segment] { segments.filter { $0.name == name } }

        let type = msh.value(9, component: 1)
        let trigger = msh.value(9, component: 2)
        guard type.uppercased() == "SIU" else {
            return reject(msh.line, "MSH-9 is \(Self.code(type))^\(Self.code(trigger)), not an SIU message")
        }
        guard let event = SIUTriggerEvent(rawValue: trigger.uppercased()) else {
            return reject(
                msh.line,
                "trigger event \(Self.code(trigger)) (MSH-9.2) is not one remindd reads (S12, S13, S14, S15, S17, S26)")
        }
        guard let sch = all("SCH").first else { return reject(msh.line, "the message has no SCH segment") }

        var id = sch.value(2)
        if id.isEmpty { id = sch.value(1) }
        guard !id.isEmpty else { return reject(sch.line, "SCH-2 and SCH-1 (the appointment id) are both empty") }

        // The start: TQ1-7, else SCH-11.4, else AIS-4, else AIP-6.
        var startSource: (text: String, line: Int, label: String)?
        if let tq1 = all("TQ1").first(where: { !$0.value(7).isEmpty }) {
            startSource = (tq1.value(7), tq1.line, "TQ1-7")
        } else if !sch.value(11, component: 4).isEmpty {
            startSource = (sch.value(11, component: 4), sch.line, "SCH-11.4")
        } else if let ais = all("AIS").first(where: { !$0.value(4).isEmpty }) {
            startSource = (ais.value(4), ais.line, "AIS-4")
        } else if let aip = all("AIP").first(where: { !$0.value(6).isEmpty }) {
            startSource = (aip.value(6), aip.line, "AIP-6")
        }
        guard let startSource else {
            return reject(msh.line, "the message has no start (TQ1-7, SCH-11.4, AIS-4 and AIP-6 are all empty)")
        }
        let start: Date
        switch HL7Timestamp.parse(startSource.text, zone: mapping.timeZone) {
        case .success(let date): start = date
        case .failure(.malformed):
            return reject(startSource.line, "\(startSource.label) is not an HL7 date and time (YYYYMMDDHHMM[SS][+ZZZZ])")
        case .failure(.noTime):
            return reject(startSource.line, "\(startSource.label) has a date but no time of day")
        case .failure(.skipped):
            return reject(
                startSource.line,
                "\(startSource.label) names a local time that does not exist in \(mapping.timeZone.identifier) "
                    + "(the clocks go forward over it)")
        }

        let status: String
        if let implied = event.impliedStatus {
            status = implied
        } else {
            var word = sch.value(25, component: 1)
            if word.isEmpty { word = sch.value(25, component: 2) }
            let key = StatusWords.key(word)
            status = key.isEmpty
                ? mapping.defaultStatus : statusMap[key] ?? StatusWords.builtIn[key] ?? Self.fillerStatus[key] ?? word.lowercased()
        }

        let pid = all("PID").first
        var phone = ""
        var phoneProblem: (line: Int, reason: String)?
        if let pid {
            let mobiles = (0..<pid.repetitions(13)).map { $0 + 1 }
                .filter { pid.value(13, repetition: $0, component: 3).uppercased() == "CP" }
            phone = mobiles.lazy.map { Self.number(pid, repetition: $0) }.first { !$0.isEmpty } ?? ""
            if mobiles.isEmpty {
                phoneProblem = (pid.line, "PID-13 has no mobile number (no repetition with equipment type CP)")
            } else if phone.isEmpty {
                phoneProblem = (pid.line, "PID-13's mobile (CP) has no number in XTN-1, XTN-12 or XTN-5/6/7")
            }
        } else {
            phoneProblem = (msh.line, "the message has no PID segment")
        }
        // A message without a usable mobile is still a valid message: accepted (AA), and the
        // pipeline says why no reminder comes of it (unless it withdraws one).
        let unremindable = event.withdraws || Self.withdrawingStatuses.contains(status) ? nil : phoneProblem?.reason

        var firstName = ""
        var lastName = ""
        if let pid {
            for repetition in 0..<pid.repetitions(5) {
                let family = pid.value(5, repetition: repetition + 1, component: 1)
                let given = pid.value(5, repetition: repetition + 1, component: 2)
                if !family.isEmpty || !given.isEmpty {
                    (firstName, lastName) = (given, family)
                    break
                }
            }
        }

        var extra: [String: String] = [:]
        var doctor = ""
        let providers = all("AIP").map { ($0, 3) } + all("PV1").map { ($0, 7) }
        for (segment, field) in providers {
            let providerID = segment.value(field, component: 1)
            let family = segment.value(field, component: 2)
            let given = segment.value(field, component: 3)
            guard !providerID.isEmpty || !family.isEmpty || !given.isEmpty else { continue }
            let prefix = segment.value(field, component: 6)
            if !family.isEmpty || !given.isEmpty {
                doctor = [prefix.isEmpty ? "Dr" : prefix, given, family].filter { !$0.isEmpty }.joined(separator: " ")
            }
            extra["provider_id"] = providerID
            extra["provider_family"] = family
            extra["provider_given"] = given
            break
        }

        var office = ""
        if let ail = all("AIL").first(where: { !$0.raw(3).isEmpty }) {
            office = ail.value(3, component: 2)
            let first = mapping.locationComponent == 4 ? 4 : 1
            var location = ail.value(3, component: first)
            if location.isEmpty { location = ail.value(3, component: first == 4 ? 1 : 4) }
            if location.isEmpty { location = ail.value(3, component: 9) }
            extra["location"] = location
        }
        extra = extra.filter { !$0.value.isEmpty }

        let appointment = Appointment(
            id: id, firstName: firstName, lastName: lastName, phone: phone, start: start, doctor: doctor,
            office: office, status: status, extra: extra)
        return .accepted(
            ParsedAppointment(
                position: SourcePosition(file: file, line: msh.line), appointment: appointment, event: event,
                unremindable: unremindable))
    }

    /// The number of an XTN repetition: XTN-1, else XTN-12, else XTN-5/6/7 (country, area,
    /// local): `+` country, area without its trunk zeros, local; or area and local as written.
    static func number(_ segment: HL7Segment, repetition: Int) -> String {
        let formatted = segment.value(13, repetition: repetition, component: 1)
        if !formatted.isEmpty { return formatted }
        let unformatted = segment.value(13, repetition: repetition, component: 12)
        if !unformatted.isEmpty { return unformatted }
        let local = segment.value(13, repetition: repetition, component: 7)
        guard !local.isEmpty else { return "" }
        var country = segment.value(13, repetition: repetition, component: 5)
        var area = segment.value(13, repetition: repetition, component: 6)
        if country.hasPrefix("+") { country.removeFirst() }
        guard !country.isEmpty else { return area + local }
        while area.hasPrefix("0") { area.removeFirst() }
        return "+" + country + area + local
    }

    /// A code quoted in a reason: only when it looks like an HL7 message type or trigger
    /// (one to three upper-case letters or digits), so nothing a sender put in the wrong
    /// field can reach the journal.
    static func code(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard (1...3).contains(scalars.count),
            scalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) })
        else { return text.isEmpty ? "(empty)" : "(not a code)" }
        return text
    }
}
