public import Foundation
public import RemindConfig
public import RemindCore
import RemindInbox
public import RemindRecipients
public import RemindSchedule
public import RemindSpool
public import RemindText

/// Everything remindd makes from its configuration file, built and validated as one value,
/// so a reload swaps all of it or none of it: the configuration, the spool's paths, the
/// delivery calendar, the templates, the phone normaliser and the pipeline of every source.
///
/// ``build(_:)`` is the one verdict on a configuration: the daemon calls it at start and on
/// every reload, `remindctl check-config` calls it to validate, and `remindctl preview`
/// prepares a sample file with its pipelines, exactly as the daemon's ingest does.
public struct Assembly: Sendable {
    public let config: Configuration
    public let paths: SpoolPaths
    public let calendar: DeliveryCalendar
    public let templates: TemplateSet
    /// Numbers to E.164 for `practice.region`, only the texted types.
    public let phones: PhoneNumberNormalizer
    /// The pipeline of the default `[input]` source.
    package let pipeline: IngestPipeline
    /// The pipeline of every source, by source name (the default `[input]` source included).
    package let pipelines: [String: SourcePipeline]

    /// One generator for the process, across reloads: ids stay unique and increasing.
    public static let ids = MessageIDGenerator()

    /// Reads the configuration file and builds everything from it.
    public static func load(configPath: String) throws(AssemblyError) -> Assembly {
        let config: Configuration
        do {
            config = try Configuration.load(path: configPath)
        } catch {
            throw AssemblyError(lines: error.description.split(separator: "\n").map(String.init))
        }
        return try build(config)
    }

    /// Loads the templates, gives the verdict (every problem at once) and builds the
    /// pipelines; throws the problems when there are any.
    public static func build(_ config: Configuration, ids: MessageIDGenerator = Assembly.ids) throws(AssemblyError) -> Assembly {
        let templates: TemplateSet
        do {
            templates = try config.loadTemplates()
        } catch {
            throw AssemblyError(lines: ["\(config.text.directory): \(error)"])
        }
        let problems = config.problems(with: templates)
        if !problems.isEmpty { throw AssemblyError(lines: problems) }
        var pipelines: [String: SourcePipeline] = [:]
        for source in config.allSources {
            pipelines[source.name] = SourcePipeline.make(source, config: config, templates: templates, ids: ids)
        }
        guard case .appointments(let pipeline) = pipelines[config.input.source] else {
            preconditionFailure("the default source is an appointment source")
        }
        return Assembly(
            config: config, paths: SpoolPaths(root: config.spool.root, inbox: config.spool.inbox),
            calendar: config.deliveryCalendar, templates: templates, phones: config.phoneNormalizer,
            pipeline: pipeline, pipelines: pipelines)
    }

    /// The source whose files include `path` (relative to the inbox) and its pipeline, as
    /// the daemon routes an inbox file; nil for a file no source reads.
    package func route(inboxPath path: String) -> (source: Configuration.Source, pipeline: SourcePipeline)? {
        guard let source = config.source(forInboxPath: path), let pipeline = pipelines[source.name] else { return nil }
        return (source, pipeline)
    }
}
