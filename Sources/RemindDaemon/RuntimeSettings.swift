import Foundation
import RemindConfig
import RemindCore
import RemindInbox
import RemindRecipients
import RemindSchedule
import RemindSpool
import RemindText

/// Everything the daemon derives from its configuration file, built and validated as
/// one value so a reload swaps all of it or none of it.
struct RuntimeSettings: Sendable {
    let config: Configuration
    let paths: SpoolPaths
    let calendar: DeliveryCalendar
    let templates: TemplateSet
    let pipeline: IngestPipeline
    /// The pipeline of every source, by source name (the default `[input]` source included).
    let pipelines: [String: SourcePipeline]

    /// Why settings could not be built: the config's problems or the templates'.
    struct LoadError: Error, CustomStringConvertible {
        let lines: [String]
        var description: String { lines.joined(separator: "\n") }
    }

    static let ids = MessageIDGenerator()

    static func load(configPath: String) throws -> RuntimeSettings {
        let config: Configuration
        do {
            config = try Configuration.load(path: configPath)
        } catch {
            throw LoadError(lines: error.description.split(separator: "\n").map(String.init))
        }
        return try build(config)
    }

    static func build(_ config: Configuration) throws -> RuntimeSettings {
        let templates: TemplateSet
        do {
            templates = try config.loadTemplates()
        } catch {
            throw LoadError(lines: ["\(config.text.templates): \(error)"])
        }
        let problems = config.problems(with: templates)
        if !problems.isEmpty { throw LoadError(lines: problems) }
        let parser: any InputParser
        do {
            parser = try config.appointmentParser()
        } catch {
            throw LoadError(lines: ["\(config.file): input: \(error)"])
        }
        let calendar = config.deliveryCalendar
        let pipeline = IngestPipeline(
            parser: parser, templates: templates, source: config.input.source,
            reminders: config.schedule.effectiveReminders, timeZone: config.practice.timeZone,
            statuses: Set(config.input.statuses), withdrawStatuses: Set(config.input.withdrawStatuses),
            fields: FieldMaker(config: config), phones: config.recipients.normalizer(region: config.practice.region),
            phoneFields: PhoneFields(config.recipients.fields), ids: ids)
        var pipelines: [String: SourcePipeline] = [config.input.source: .appointments(pipeline)]
        for source in config.sources {
            do {
                pipelines[source.name] = try SourcePipeline.make(source, config: config, templates: templates, ids: ids)
            } catch {
                throw LoadError(lines: ["\(config.file): source \(source.name): \(error)"])
            }
        }
        return RuntimeSettings(
            config: config, paths: SpoolPaths(root: config.spool.root, inbox: config.spool.inbox),
            calendar: calendar, templates: templates, pipeline: pipeline, pipelines: pipelines)
    }
}

/// An appointment's template elements in the practice's time zone and locale.
struct FieldMaker: Sendable {
    let practice: PracticeInfo
    let timeZone: TimeZone
    let locale: Locale
    let formats: DateFormats

    init(config: Configuration) {
        practice = PracticeInfo(name: config.practice.name, phone: config.practice.phone)
        timeZone = config.practice.timeZone
        locale = Locale(identifier: config.practice.locale)
        formats = config.dateFormats
    }

    func make(_ a: Appointment) -> [String: String] {
        AppointmentFields.make(a, practice: practice, timeZone: timeZone, locale: locale, formats: formats)
    }
}
