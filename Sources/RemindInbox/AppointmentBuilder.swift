import Foundation
import RemindCore

/// Builds one ``Appointment`` from the values of a row (CSV) or an object (JSON Lines),
/// or says why it cannot. Reasons name the column or key, never its value.
struct AppointmentBuilder {
    /// One field's source in the row: how to name it in a reason ("column Mobile",
    /// "field phone"), and its trimmed value.
    struct Value {
        var label: String
        var text: String
    }

    let mapping: AppointmentMapping
    private let statusMap: [String: String]

    init(mapping: AppointmentMapping) {
        self.mapping = mapping
        self.statusMap = StatusWords.normalized(mapping.statusMap)
    }

    /// `value(field)` is nil when the row has no such column or key at all.
    func build(
        value: (AppointmentField) -> Value?, extra: [String: String]
    ) -> Result<Appointment, Rejection> {
        func required(_ field: AppointmentField) -> Result<String, Rejection> {
            guard let found = value(field) else { return .failure(Rejection("\(field) is missing")) }
            guard !found.text.isEmpty else { return .failure(Rejection("\(found.label) is empty")) }
            return .success(found.text)
        }
        let id: String
        let phone: String
        let start: Date
        switch required(.id) {
        case .success(let text): id = text
        case .failure(let rejection): return .failure(rejection)
        }
        switch required(.phone) {
        case .success(let text): phone = text
        case .failure(let rejection): return .failure(rejection)
        }
        switch self.start(value) {
        case .success(let date): start = date
        case .failure(let rejection): return .failure(rejection)
        }
        var status = mapping.defaultStatus
        if let word = value(.status)?.text, !word.isEmpty {
            let key = StatusWords.key(word)
            status = statusMap[key] ?? StatusWords.builtIn[key] ?? word.lowercased()
        }
        var extra = extra
        if let location = value(.location)?.text, !location.isEmpty { extra["location"] = location }
        var firstName = value(.firstName)?.text ?? ""
        var lastName = value(.lastName)?.text ?? ""
        if value(.firstName) == nil, value(.lastName) == nil, let name = value(.patientName)?.text {
            (firstName, lastName) = Self.split(name: name)
        }
        return .success(
            Appointment(
                id: id, firstName: firstName, lastName: lastName,
                phone: phone, start: start, doctor: value(.doctor)?.text ?? "", office: value(.office)?.text ?? "",
                status: status, extra: extra))
    }

    /// A patient's name in one column as first and last name: `Lee, Ann` (family name
    /// first, before a comma) or `Ann Lee` / `Ann Mary Lee` (the last word is the family
    /// name); one word is a first name.
    static func split(name: String) -> (first: String, last: String) {
        let text = name.trimmed
        if let comma = text.firstIndex(of: ",") {
            return (String(text[text.index(after: comma)...]).trimmed, String(text[..<comma]).trimmed)
        }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count > 1 else { return (text, "") }
        return (words.dropLast().joined(separator: " "), String(words.last!))
    }

    /// A row's start: from `start`; else `date` with `time`; else `date` alone read with
    /// the start patterns (a date column that holds date and time).
    private func start(_ value: (AppointmentField) -> Value?) -> Result<Date, Rejection> {
        if let start = value(.start) {
            guard !start.text.isEmpty else { return .failure(Rejection("\(start.label) is empty")) }
            if let parsed = ISO8601Timestamp.parse(Substring(start.text)) {
                if let offset = parsed.offset {
                    return .success(Date(timeIntervalSince1970: TimeInterval(parsed.time.wallSeconds - Int64(offset))))
                }
                return resolve(parsed.time, label: start.label)
            }
            return parse(start, with: mapping.startPatterns).flatMap { resolve($0, label: start.label) }
        }
        guard let date = value(.date) else { return .failure(Rejection("start (or date and time) is missing")) }
        guard !date.text.isEmpty else { return .failure(Rejection("\(date.label) is empty")) }
        guard let time = value(.time) else {
            return parse(date, with: mapping.startPatterns).flatMap { resolve($0, label: date.label) }
        }
        guard !time.text.isEmpty else { return .failure(Rejection("\(time.label) is empty")) }
        return parse(date, with: mapping.datePatterns).flatMap { day in
            parse(time, with: mapping.timePatterns).flatMap { clock in
                resolve(.combining(date: day, time: clock), label: "\(date.label) and \(time.label)")
            }
        }
    }

    private func parse(_ value: Value, with patterns: [DateTimePattern]) -> Result<CivilDateTime, Rejection> {
        let text = Substring(value.text)
        for pattern in patterns {
            if let parsed = pattern.parse(text) { return .success(parsed) }
        }
        let formats = patterns.map(\.pattern).joined(separator: " or ")
        return .failure(Rejection("\(value.label) does not match \(formats.isEmpty ? "any format" : formats)"))
    }

    private func resolve(_ time: CivilDateTime, label: String) -> Result<Date, Rejection> {
        guard time.hasDate else { return .failure(Rejection("\(label) has no date")) }
        switch time.resolve(in: mapping.timeZone) {
        case .instant(let date): return .success(date)
        case .skipped:
            return .failure(
                Rejection(
                    "\(label) names a local time that does not exist in \(mapping.timeZone.identifier) "
                        + "(the clocks go forward over it)"))
        }
    }
}
