import Foundation
@testable import RemindAssembly
import RemindConfig
import RemindCore
import RemindRecipients
import RemindText
import Testing

/// The composition root: one build from a configuration to every source's pipeline, and
/// one verdict that lists every problem at once (what the daemon logs at start and reload,
/// and `remindctl check-config` prints).
@Suite struct AssemblyTests {
    let directory = NSTemporaryDirectory() + "remindd-assembly-\(UUID().uuidString)"

    func config(_ templates: [String: String], _ extra: String = "") throws -> Configuration {
        try FileManager.default.createDirectory(atPath: directory + "/templates", withIntermediateDirectories: true)
        for (name, text) in templates {
            try text.write(toFile: directory + "/templates/\(name).mustache", atomically: true, encoding: .utf8)
        }
        return try Configuration.parse("""
            [practice]
            name = "Harbour Dental"
            time_zone = "Australia/Sydney"
            region = "NZ"
            [templates]
            directory = "templates"
            \(extra)
            """, file: directory + "/remindd.toml")
    }

    @Test func everySourceGetsItsPipelineAndFilesAreRoutedAsTheInboxRoutesThem() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let assembly = try Assembly.build(try config(
            ["appointment": "Hi {{first_name}}, see you {{date}}.", "recall": "Hi {{first_name}}, time for a check-up."], """
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            """))
        #expect(Set(assembly.pipelines.keys) == ["practice", "recalls"])
        #expect(assembly.templates.names.sorted() == ["appointment", "recall"])
        #expect(assembly.route(inboxPath: "export.csv")?.source.name == "practice")
        #expect(assembly.route(inboxPath: "recalls/due.csv")?.source.name == "recalls")
        #expect(assembly.route(inboxPath: "elsewhere/x.csv") == nil)
        #expect(try assembly.phones.normalize("021 234 5678").get().e164 == "+64212345678", "the practice's region")
        guard case .list = assembly.route(inboxPath: "recalls/due.csv")?.pipeline else {
            Issue.record("a recall source has a list pipeline")
            return
        }
    }

    @Test func theVerdictNamesEveryProblemAtOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let c = try config(["appointment": "Hi {{first_name}}, {{#date}}see you"], """
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            [[source]]
            name = "flu"
            kind = "broadcast"
            pattern = "flu*.csv"
            template = "measles"
            """)
        #expect(throws: AssemblyError.self) { try Assembly.build(c) }
        do {
            _ = try Assembly.build(c)
        } catch {
            #expect(error.lines.count == 3, "\(error.lines)")
            #expect(error.lines.contains { $0.hasPrefix(directory + "/templates: ") && $0.contains("appointment") })
            #expect(error.lines.contains { $0.contains("source recalls: template recall.mustache is not in") })
            #expect(error.lines.contains { $0.contains("source flu: template broadcast.measles.mustache is not in") })
        }
    }

    /// An empty templates directory (or one without `appointment.mustache`) does not pass:
    /// the default source and every appointment source produce appointments (issue #14).
    @Test func aMissingAppointmentTemplateIsAProblemForEveryAppointmentSource() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let c = try config([:], """
            [[source]]
            name = "pas"
            kind = "appointment"
            format = "hl7"
            pattern = ["*.hl7", "*.mllp"]
            """)
        do {
            _ = try Assembly.build(c)
            Issue.record("an empty templates directory passed")
        } catch {
            #expect(error.lines.contains { $0.contains("source practice: template appointment.mustache is not in") }, "\(error.lines)")
            #expect(error.lines.contains { $0.contains("source pas: template appointment.mustache is not in") }, "\(error.lines)")
        }
    }
}
