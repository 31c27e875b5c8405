public import Foundation

/// How the values of one source become an ``RemindCore/Appointment``: which columns or
/// keys feed which field, how dates and times are written, in which time zone they are,
/// and how the source's status words map to remindd's.
///
/// Shared by the CSV and JSON Lines parsers; a plain value the configuration builds.
public struct AppointmentMapping: Hashable, Sendable {
    public var columns: AppointmentColumns
    /// The practice's time zone: local dates and times are read in it (tzdata rules, so
    /// a time skipped when clocks go forward is a row rejection).
    public var timeZone: TimeZone
    /// Formats of a single start value (date and time), tried in order. A start written in
    /// ISO 8601 with a UTC offset (`2025-03-05T09:30:00+11:00`) is always accepted too.
    public var startPatterns: [DateTimePattern]
    /// Formats of a separate date value, tried in order.
    public var datePatterns: [DateTimePattern]
    /// Formats of a separate time value, tried in order.
    public var timePatterns: [DateTimePattern]
    /// The source's status words (compared trimmed and without case) mapped to remindd's;
    /// a word not listed is kept, lower-cased.
    public var statusMap: [String: String]
    /// The status of an appointment whose status is absent or empty.
    public var defaultStatus: String
    /// HL7: the component of AIL-3 read first for the location (1, point of care; or 4,
    /// facility); the other, then AIL-3.9 (description), when it is empty.
    public var locationComponent: Int = 1

    public init(
        timeZone: TimeZone,
        columns: AppointmentColumns = AppointmentColumns(),
        startPatterns: [DateTimePattern] = AppointmentMapping.defaultStartPatterns,
        datePatterns: [DateTimePattern] = AppointmentMapping.defaultDatePatterns,
        timePatterns: [DateTimePattern] = AppointmentMapping.defaultTimePatterns,
        statusMap: [String: String] = [:],
        defaultStatus: String = "scheduled"
    ) {
        self.columns = columns
        self.timeZone = timeZone
        self.startPatterns = startPatterns
        self.datePatterns = datePatterns
        self.timePatterns = timePatterns
        self.statusMap = statusMap
        self.defaultStatus = defaultStatus
    }

    /// `yyyy-MM-dd HH:mm`, with seconds, and with a `T`.
    public static let defaultStartPatterns = builtIn([
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
    ])
    /// `yyyy-MM-dd`.
    public static let defaultDatePatterns = builtIn(["yyyy-MM-dd"])
    /// `HH:mm` and `HH:mm:ss`.
    public static let defaultTimePatterns = builtIn(["HH:mm", "HH:mm:ss"])

    private static func builtIn(_ patterns: [String]) -> [DateTimePattern] {
        patterns.map { pattern in
            do {
                return try DateTimePattern(pattern)
            } catch {
                preconditionFailure("built-in pattern \(pattern) does not compile: \(error)")
            }
        }
    }
}
