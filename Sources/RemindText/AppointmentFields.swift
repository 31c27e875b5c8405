public import Foundation
public import RemindCore
internal import Synchronization

/// Element values of an appointment, for ``TemplateSet/render(kind:fields:variant:)``.
public enum AppointmentFields {
    /// The values of every standard element and of the appointment's extra columns.
    ///
    /// Names come trimmed, `full_name` is first and last name joined by a space, dates and
    /// times are formatted with `formats` in `timeZone` with `locale` (formatters are cached
    /// per time zone, locale and patterns), `location` is the extra column `location` (the
    /// inbox puts the mapped `Location`/`Site`/`Clinic`/`Branch` column there), else a
    /// column whose element name is `location`, else the practice's. Extra columns are there under their header
    /// and under their element name (``TemplateElement/name(ofColumn:)``); they never
    /// replace a standard element. Limits are not applied here; rendering applies them.
    public static func make(
        _ appointment: Appointment, practice: PracticeInfo, timeZone: TimeZone, locale: Locale,
        formats: DateFormats = DateFormats()
    ) -> [String: String] {
        var fields = appointment.extra
        // Extra columns also under their element name ("Recall Reason" → recall_reason).
        for (header, value) in appointment.extra {
            if let name = TemplateElement.name(ofColumn: header), name != header, fields[name] == nil { fields[name] = value }
        }
        let first = trim(appointment.firstName)
        let last = trim(appointment.lastName)
        fields["first_name"] = first
        fields["last_name"] = last
        fields["full_name"] = [first, last].filter { !$0.isEmpty }.joined(separator: " ")
        fields["doctor"] = trim(appointment.doctor)
        fields["office"] = trim(appointment.office)
        // The mapped location (`extra["location"]`), else a column whose element name is
        // `location` however its header is written (`Location`, `LOCATION`).
        let location = trim(fields["location"] ?? "")
        fields["location"] = location.isEmpty ? trim(practice.location) : location
        fields["practice_name"] = trim(practice.name)
        fields["practice_phone"] = trim(practice.phone)
        let dates = cached(formats: formats, locale: locale, timeZone: timeZone)
        for (element, text) in dates.format(appointment.start) { fields[element] = text }
        return fields
    }

    /// One `DateFormatter` per date element, for one locale, time zone and set of patterns,
    /// and the values of recent instants (an export has many appointments at the same
    /// times). Formatting is serialised by a lock: `DateFormatter` is not documented as
    /// safe for concurrent use on Linux.
    final class Formatters: Sendable {
        private struct State {
            var formatters: [(String, DateFormatter)]
            var recent: [Date: [String: String]] = [:]
        }

        private let state: Mutex<State>

        init(formats: DateFormats, locale: Locale, timeZone: TimeZone) {
            var list: [(String, DateFormatter)] = []
            for (element, pattern) in formats.patterns.sorted(by: { $0.key < $1.key }) {
                let formatter = DateFormatter()
                formatter.locale = locale
                formatter.timeZone = timeZone
                formatter.dateFormat = pattern
                list.append((element, formatter))
            }
            state = Mutex(State(formatters: list))
        }

        /// The value of every date element at `instant`.
        func format(_ instant: Date) -> [String: String] {
            state.withLock { state in
                if let known = state.recent[instant] { return known }
                var out: [String: String] = [:]
                for (element, formatter) in state.formatters { out[element] = formatter.string(from: instant) }
                if state.recent.count >= 8192 { state.recent.removeAll(keepingCapacity: true) }
                state.recent[instant] = out
                return out
            }
        }
    }

    private struct CacheKey: Hashable {
        var formats: DateFormats
        var locale: String
        var timeZone: String
    }

    private static let cache = Mutex<[CacheKey: Formatters]>([:])

    private static func cached(formats: DateFormats, locale: Locale, timeZone: TimeZone) -> Formatters {
        let key = CacheKey(formats: formats, locale: locale.identifier, timeZone: timeZone.identifier)
        return cache.withLock { cache in
            if let formatters = cache[key] { return formatters }
            if cache.count >= 64 { cache.removeAll() }
            let formatters = Formatters(formats: formats, locale: locale, timeZone: timeZone)
            cache[key] = formatters
            return formatters
        }
    }

    private static func trim(_ text: String) -> String {
        String(Substring(text).trimmingWhitespace())
    }
}
