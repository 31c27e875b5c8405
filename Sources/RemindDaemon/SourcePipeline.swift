import Foundation
import RemindConfig
import RemindCore
import RemindInbox
import RemindRecipients
import RemindSpool
import RemindText

/// The pipeline of one input source: appointments (``IngestPipeline``) or a list
/// (``ListPipeline``), chosen by the source's kind.
enum SourcePipeline: Sendable {
    case appointments(IngestPipeline)
    case list(ListPipeline)

    func prepare(_ bytes: [UInt8], file: String, now: Date, optOuts: OptOutList) -> Result<PreparedInput, InputError> {
        switch self {
        case .appointments(let p): p.prepare(bytes, file: file, now: now, optOuts: optOuts)
        case .list(let p): p.prepare(bytes, file: file, now: now, optOuts: optOuts)
        }
    }

    /// The pipeline a source's configuration describes.
    static func make(
        _ source: Configuration.Source, config: Configuration, templates: TemplateSet, ids: MessageIDGenerator
    ) throws -> SourcePipeline {
        let fields = FieldMaker(config: config)
        let phones = config.recipients.normalizer(region: config.practice.region)
        let phoneFields = PhoneFields(config.recipients.fields)
        if source.kind == .appointment {
            var pipeline = IngestPipeline(
                parser: try config.appointmentParser(for: source), templates: templates, source: source.name,
                reminders: source.rules.compactMap {
                    if case .reminder(let rule) = $0.timing { Configuration.Reminder(name: $0.name, rule: rule) } else { nil }
                },
                timeZone: config.practice.timeZone, statuses: Set(source.input.statuses),
                withdrawStatuses: Set(source.input.withdrawStatuses), fields: fields, phones: phones,
                phoneFields: phoneFields, ids: ids)
            pipeline.snapshot = source.snapshot
            pipeline.acknowledge = source.ack
            return .appointments(pipeline)
        }
        var pipeline = ListPipeline(
            kind: source.kind, parser: try config.listParser(for: source), templates: templates, source: source.name,
            rules: source.rules, timeZone: config.practice.timeZone, fields: fields, phones: phones,
            phoneFields: phoneFields, ids: ids)
        pipeline.template = source.template
        pipeline.filter = source.filter.mapValues { Set($0.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }) }
        return .list(pipeline)
    }
}
