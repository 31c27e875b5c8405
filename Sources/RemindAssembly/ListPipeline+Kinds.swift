package import Foundation
package import RemindConfig
package import RemindCore
package import RemindInbox
package import RemindSchedule

/// Each kind's keys, due times, expiries and occasions.
extension ListPipeline {
    package func plan(_ record: ListRecord, rule: Configuration.Source.Rule, recipient: String, file: String, now: Date) -> Plan? {
        switch (kind, rule.timing) {
        case (.recall, .recall(let days, let at, let lifetime)):
            // From the due date (plus days), at a local time or from midnight, as soon as a
            // window allows; the occasion is that instant, so a moved due date replaces it.
            guard let date = record.date else { return nil }
            let day = LocalDate(year: date.year, month: date.month, day: date.day).adding(days: days)
            let from = day.instant(at: at ?? LocalTime(hour: 0), in: timeZone)
            return Plan(
                key: MessageKey(source: source, recordID: record.id, rule: rule.name), due: from,
                expires: from.addingTimeInterval(TimeInterval(lifetime.components.seconds)), occasion: from, fieldsDate: from)
        case (.patient, .reminder(let reminder)):
            // The next birthday on or after arrival, on the day at a set time; the year is in
            // the key, so next year's greeting is a new message.
            guard let date = record.date,
                let schedule = reminder.schedule(
                    arrival: now, birthDate: LocalDate(year: date.year, month: date.month, day: date.day), timeZone: timeZone),
                let endOfDay = schedule.expires
            else { return nil }
            let year = LocalDate(containing: endOfDay.addingTimeInterval(-1), in: timeZone).year
            return Plan(
                key: MessageKey(source: source, recordID: "\(record.id)@\(year)", rule: rule.name), due: schedule.due,
                expires: endOfDay, occasion: endOfDay, fieldsDate: endOfDay.addingTimeInterval(-1), cause: schedule.expiryCause)
        case (.broadcast, .reminder(let reminder)):
            // One broadcast per file (its name) and recipient; at a set time (the occasion)
            // or at once.
            guard let schedule = reminder.schedule(arrival: now, timeZone: timeZone) else { return nil }
            let campaign = file.split(separator: "/").last.map(String.init) ?? file
            let who = record.id.isEmpty ? recipient : record.id
            var occasion: Date?
            if case .at(let date, let time) = reminder.timing { occasion = date.instant(at: time, in: timeZone) }
            return Plan(
                key: MessageKey(source: source, recordID: "\(campaign)/\(who)", rule: rule.name), due: schedule.due,
                expires: schedule.expires, occasion: occasion, fieldsDate: occasion, cause: schedule.expiryCause)
        case (.private, .reminder(let reminder)):
            // One recipient, a literal text: the id column when there is one, else the
            // number and a fingerprint of the text.
            guard let schedule = reminder.schedule(arrival: now, timeZone: timeZone) else { return nil }
            let id = record.id.isEmpty ? "\(recipient)#\(Self.fingerprint(record.text))" : record.id
            return Plan(
                key: MessageKey(source: source, recordID: id, rule: rule.name), due: schedule.due,
                expires: schedule.expires, occasion: nil, fieldsDate: nil, cause: schedule.expiryCause)
        default:
            return nil
        }
    }

    /// FNV-1a of the text's UTF-8, 16 hex digits: stable across runs and builds.
    package static func fingerprint(_ text: String) -> String { FNV1a.hex(text) }
}
