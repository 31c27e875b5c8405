public import Foundation

/// The `DateFormatter` patterns (Unicode TR 35) of the date elements, applied in the
/// practice's time zone and a fixed locale.
///
/// The defaults suit English locales: `Wed 5 Mar`, `9:30 am` (en_AU), `Wednesday`,
/// `5 Mar 9:30 am`; a German practice would set `time` to `HH:mm`. Patterns are used as
/// given (not localised templates), so the order of the parts is the practice's choice.
public struct DateFormats: Sendable, Hashable, Codable {
    /// `date`, default `EEE d MMM`.
    public var date: String
    /// `time`, default `h:mm a`.
    public var time: String
    /// `weekday`, default `EEEE`.
    public var weekday: String
    /// `datetime`, default `d MMM h:mm a` (at most 15 characters in English, within the
    /// CMS's 16 for date and time).
    public var datetime: String

    /// Patterns; every one has a default.
    public init(
        date: String = "EEE d MMM", time: String = "h:mm a", weekday: String = "EEEE",
        datetime: String = "d MMM h:mm a"
    ) {
        self.date = date
        self.time = time
        self.weekday = weekday
        self.datetime = datetime
    }

    /// The pattern of each date element, by element name.
    public var patterns: [String: String] {
        ["date": date, "time": time, "weekday": weekday, "datetime": datetime]
    }

    /// The longest value (in characters, after transliteration) each pattern gives in this
    /// locale and time zone, over every day of a leap year at several times of day; by
    /// element name.
    public func longest(locale: Locale, timeZone: TimeZone) -> [String: Int] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var result: [String: Int] = [:]
        let formatters = AppointmentFields.Formatters(formats: self, locale: locale, timeZone: timeZone)
        guard let start = calendar.date(from: DateComponents(year: 2028, month: 1, day: 1, hour: 12)) else { return [:] }
        for dayOffset in 0..<366 {
            guard let noon = calendar.date(byAdding: .day, value: dayOffset, to: start) else { continue }
            for hour in [0, 9, 10, 12, 21, 22, 23] {
                guard let instant = calendar.date(bySettingHour: hour, minute: 59, second: 0, of: noon) else { continue }
                for (element, text) in formatters.format(instant) {
                    result[element] = max(result[element] ?? 0, Transliteration.apply(text).count)
                }
            }
        }
        return result
    }

    /// Problems with the patterns in this locale and time zone: a pattern whose longest
    /// value is over its element's limit (the element is never cut when it is in
    /// ``TextSettings/exactElements``, so every message would risk rejection).
    public func check(settings: TextSettings, locale: Locale, timeZone: TimeZone) -> [TextError] {
        let longest = longest(locale: locale, timeZone: timeZone)
        var errors: [TextError] = []
        for (element, pattern) in patterns.sorted(by: { $0.key < $1.key }) {
            let length = longest[element] ?? 0
            let limit = settings.limit(for: element)
            if length > limit {
                errors.append(TextError(
                    code: .invalidDateFormat,
                    message: "the \(element) pattern \"\(pattern)\" gives up to \(length) characters in "
                        + "\(locale.identifier), over the limit of \(limit)",
                    element: element, length: length, limit: limit))
            }
        }
        return errors
    }
}
