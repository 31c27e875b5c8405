public import Foundation
public import RemindConfig
public import RemindInbox
public import RemindRecipients
public import RemindSchedule
public import RemindText

/// What each room's values are made from the configuration: parsers, the text settings,
/// the date formats, the delivery calendar, the phone normaliser. Made here, in the
/// composition root, and nowhere else (RemindConfig only reads the file).
extension Configuration {
    /// The delivery calendar `[schedule]` describes: its weekly windows in the practice's
    /// time zone, minus the holiday file's closed dates.
    public var deliveryCalendar: DeliveryCalendar {
        DeliveryCalendar(windows: schedule.windows, timeZone: practice.timeZone, closedDates: schedule.closedDates)
    }

    /// The normaliser of `[recipients]` for `practice.region`.
    public var phoneNormalizer: PhoneNumberNormalizer {
        PhoneNumberNormalizer(defaultRegion: practice.region, acceptedTypes: recipients.types)
    }

    /// How `[input]` reads dates, times, columns and statuses, in the practice's zone.
    public func appointmentMapping() -> AppointmentMapping {
        appointmentMapping(input)
    }

    /// How a source's input settings read dates, times, columns and statuses, in the practice's zone.
    public func appointmentMapping(_ input: InputSettings) -> AppointmentMapping {
        var overrides: [AppointmentField: [String]] = [:]
        for (field, header) in input.columns {
            if let f = AppointmentField(rawValue: field) { overrides[f] = [header] }
        }
        var mapping = AppointmentMapping(
            timeZone: practice.timeZone,
            columns: AppointmentColumns(overrides),
            startPatterns: input.startFormat.map { [$0] } ?? AppointmentMapping.defaultStartPatterns,
            datePatterns: input.dateFormat.map { [$0] } ?? AppointmentMapping.defaultDatePatterns,
            timePatterns: input.timeFormat.map { [$0] } ?? AppointmentMapping.defaultTimePatterns,
            statusMap: input.statusMap)
        mapping.locationComponent = input.locationComponent
        return mapping
    }

    /// The CSV parser for appointment exports, as `[input]` describes it.
    public func appointmentParser() -> CSVAppointmentParser {
        CSVAppointmentParser(format: CSVAppointmentFormat(
            mapping: appointmentMapping(), delimiter: input.delimiter, encoding: input.encoding, maxLine: inbox.maxLine))
    }

    /// The parser of an appointment source's files (CSV, JSON Lines or HL7 v2 SIU).
    public func appointmentParser(for source: Source) -> any InputParser {
        precondition(source.kind == .appointment, "lists have ListParser")
        let mapping = appointmentMapping(source.input)
        switch source.format {
        case .csv:
            return CSVAppointmentParser(format: CSVAppointmentFormat(
                mapping: mapping, delimiter: source.input.delimiter, encoding: source.input.encoding, maxLine: inbox.maxLine))
        case .jsonl:
            return JSONLinesAppointmentParser(mapping: mapping, maxLine: inbox.maxLine)
        case .hl7:
            return HL7SIUParser(mapping: mapping, encoding: source.input.encoding)
        }
    }

    /// The parser of a list source's files (recalls, patients, broadcasts, private messages).
    public func listParser(for source: Source) -> ListParser {
        precondition(source.kind != .appointment, "appointments have their own parsers")
        var columns: [ListField: [String]] = [:]
        for (field, header) in source.input.columns {
            if let f = ListField(rawValue: field) { columns[f] = [header] }
        }
        return ListParser(format: ListFormat(
            kind: source.kind, fileFormat: source.format == .jsonl ? .jsonl : .csv, delimiter: source.input.delimiter,
            encoding: source.input.encoding, columns: columns,
            datePatterns: source.input.dateFormat.map { [$0] } ?? AppointmentMapping.defaultDatePatterns,
            maxLine: inbox.maxLine))
    }
}
