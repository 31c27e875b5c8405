public import Foundation
public import RemindInbox
public import RemindText

extension Configuration {
    /// The text settings of `[templates]`, over the clinic CMS's defaults.
    public var textSettings: TextSettings {
        var limits = TextSettings.defaultFieldLimits
        for (element, limit) in text.fieldLimits { limits[element] = limit }
        return TextSettings(
            fieldLimits: limits, maxLength: text.maxLength, maxSegments: text.maxSegments,
            transliterate: text.transliterate)
    }

    /// The date and time patterns of `[templates]`.
    public var dateFormats: DateFormats {
        DateFormats(date: text.dateFormat, time: text.timeFormat, weekday: text.weekdayFormat, datetime: text.dateTimeFormat)
    }

    /// How `[input]` reads dates, times, columns and statuses, in the practice's zone.
    public func appointmentMapping() throws -> AppointmentMapping {
        var overrides: [AppointmentField: [String]] = [:]
        for (field, header) in input.columns {
            if let f = AppointmentField(rawValue: field) { overrides[f] = [header] }
        }
        return AppointmentMapping(
            timeZone: practice.timeZone,
            columns: AppointmentColumns(overrides),
            startPatterns: try input.startFormat.map { [try DateTimePattern($0)] } ?? AppointmentMapping.defaultStartPatterns,
            datePatterns: try input.dateFormat.map { [try DateTimePattern($0)] } ?? AppointmentMapping.defaultDatePatterns,
            timePatterns: try input.timeFormat.map { [try DateTimePattern($0)] } ?? AppointmentMapping.defaultTimePatterns,
            statusMap: input.statusMap)
    }

    /// The CSV parser for appointment exports, as `[input]` describes it.
    public func appointmentParser() throws -> CSVAppointmentParser {
        let delimiter: CSVDelimiter? = switch input.delimiter {
        case ",": .comma
        case ";": .semicolon
        case "tab": .tab
        default: nil
        }
        return CSVAppointmentParser(format: CSVAppointmentFormat(
            mapping: try appointmentMapping(), delimiter: delimiter,
            encoding: InputEncoding(rawValue: input.encoding) ?? .auto))
    }
}
