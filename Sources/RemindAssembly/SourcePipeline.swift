package import Foundation
package import RemindConfig
package import RemindCore
package import RemindInbox
package import RemindRecipients
package import RemindSpool
package import RemindText

/// The pipeline of one input source: appointments (``IngestPipeline``) or a list
/// (``ListPipeline``), chosen by the source's kind.
package enum SourcePipeline: Sendable {
    case appointments(IngestPipeline)
    case list(ListPipeline)

    package func prepare(_ bytes: [UInt8], file: String, now: Date, optOuts: OptOutList) -> Result<PreparedInput, InputError> {
        switch self {
        case .appointments(let p): p.prepare(bytes, file: file, now: now, optOuts: optOuts)
        case .list(let p): p.prepare(bytes, file: file, now: now, optOuts: optOuts)
        }
    }

    /// The same pipeline, keeping what `remindctl preview` shows besides the messages.
    package var keepingDetails: SourcePipeline {
        switch self {
        case .appointments(var p):
            p.keepsDetails = true
            return .appointments(p)
        case .list(var p):
            p.keepsDetails = true
            return .list(p)
        }
    }

    /// The pipeline a source's configuration describes.
    package static func make(
        _ source: Configuration.Source, config: Configuration, templates: TemplateSet, ids: MessageIDGenerator
    ) -> SourcePipeline {
        let fields = FieldMaker(config: config)
        let phones = config.phoneNormalizer
        let phoneFields = config.recipients.fields
        if source.kind == .appointment {
            var pipeline = IngestPipeline(
                parser: config.appointmentParser(for: source), templates: templates, source: source.name,
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
            kind: source.kind, parser: config.listParser(for: source), templates: templates, source: source.name,
            rules: source.rules, timeZone: config.practice.timeZone, fields: fields, phones: phones,
            phoneFields: phoneFields, ids: ids)
        pipeline.template = source.template
        pipeline.filter = source.filter.mapValues { Set($0.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }) }
        return .list(pipeline)
    }
}
