import Foundation
import InMemoryLogging
import Logging
import RemindConfig
@testable import RemindAssembly
@testable import RemindDaemon
import RemindCore
import RemindSpool
import RemindText
import Testing

/// Exports as practice systems write them, through the real engine (issue #14): column
/// names in any case, the shared status words, and a configuration problem that holds
/// its file instead of losing its rows.
@Suite struct ExportShapesEngineTests {
    let soon = Date().addingTimeInterval(2 * 86400)

    func csvTime(_ date: Date) -> (String, String) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Australia/Sydney")
        f.dateFormat = "yyyy-MM-dd"
        let day = f.string(from: date)
        f.dateFormat = "HH:mm"
        return (day, f.string(from: date))
    }

    /// A `Location` header (any case) fills `{{location}}`: here it picks the example
    /// templates' `appointment.location-north-sydney` variant.
    @Test(arguments: ["Location", "LOCATION", "Site", "Practice Location"])
    func aLocationHeaderChoosesTheLocationsTemplate(header: String) async throws {
        let f = try await EngineFixture(stagger: "1h")
        let (day, time) = csvTime(soon)
        try """
            Appt,Patient Name,Mobile Phone,Date,Time,\(header)
            L1,Ann Lee,0412 345 678,\(day),\(time),North Sydney
            L2,Bob Ray,0412 345 679,\(day),\(time),Parramatta
            """.write(toFile: f.inbox + "/loc.csv", atomically: false, encoding: .utf8)
        await f.engine.ingest(inboxName: "loc.csv")
        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued).sorted { $0.key.recordID < $1.key.recordID }
        #expect(queued.map(\.key.recordID) == ["L1", "L2"])
        #expect(queued.first?.text.hasPrefix("Hi Ann, see you") == true, "\(queued.first?.text ?? "")")
        #expect(queued.first?.text.contains("at our North Sydney rooms") == true)
        #expect(queued.last?.text.hasPrefix("Hi Bob, this is a reminder") == true, "the base template for another location")
    }

    /// `Booked` is reminded and `DNA` withdraws in a CSV, as they do in HL7.
    @Test func sharedStatusWordsRemindOrWithdrawInCSV() async throws {
        let f = try await EngineFixture(stagger: "1h")
        try f.drop("s1.csv", rows: [
            ("B1", "0412 345 681", soon, "Booked"), ("B2", "0412 345 682", soon, "Tentative"),
            ("B3", "0412 345 683", soon, "Scheduled"),
        ])
        await f.engine.ingest(inboxName: "s1.csv")
        #expect(try SpoolInventory.decoded(in: f.spoolPaths, state: .queued).map(\.key.recordID).sorted() == ["B1", "B2", "B3"])
        try f.drop("s2.csv", rows: [
            ("B1", "0412 345 681", soon, "DNA"), ("B2", "0412 345 682", soon, "Arrived"), ("B3", "0412 345 683", soon, "Did Not Attend"),
        ])
        await f.engine.ingest(inboxName: "s2.csv")
        #expect(try SpoolInventory.decoded(in: f.spoolPaths, state: .queued).isEmpty)
        #expect(f.files(in: .cancelled).count == 3)
    }

    /// A row that fails for a configuration reason (here: no appointment template, which the
    /// verdict would have refused; the assembly is built past it to stand for any problem
    /// only a render finds) holds the file in incoming/, logged at err, never archived; after
    /// a reload with the template, the held file is read and queued.
    @Test func aConfigurationProblemHoldsTheFileUntilAReload() async throws {
        let f = try await EngineFixture(stagger: "1h")
        let good = try Assembly.load(configPath: f.root + "/remindd.toml")
        let none = TemplateSet(sources: ["recall": "Hi {{first_name}}"])
        var pipelines: [String: SourcePipeline] = [:]
        for source in good.config.allSources {
            pipelines[source.name] = SourcePipeline.make(source, config: good.config, templates: none, ids: Assembly.ids)
        }
        guard case .appointments(let pipeline) = pipelines[good.config.input.source] else {
            Issue.record("no default pipeline")
            return
        }
        let broken = Assembly(
            config: good.config, paths: good.paths, calendar: good.calendar, templates: none, phones: good.phones,
            pipeline: pipeline, pipelines: pipelines)
        #expect(await f.engine.apply(broken) == nil)
        try f.drop("held.csv", rows: [("H1", "0412 345 684", soon, "Scheduled"), ("H2", "0412 345 685", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "held.csv")
        #expect(f.files("incoming").count == 1, "the file stays claimed")
        #expect(f.files("archive").isEmpty && f.files("rejected").isEmpty)
        #expect(f.files(in: .queued).isEmpty)
        let held = f.logged(.inputHeld)
        #expect(held.count == 1)
        #expect(held.first?.level == .error)
        #expect(held.first?.metadata[LogKey.inboxLine] == "2")
        #expect(f.logged(.rowRejected).isEmpty, "no row is rejected for the configuration's fault")
        #expect(await f.engine.problems["config"] != nil)

        #expect(await f.engine.apply(good) == nil)
        await f.engine.retryHeldInputs()
        #expect(try SpoolInventory.decoded(in: f.spoolPaths, state: .queued).map(\.key.recordID).sorted() == ["H1", "H2"])
        #expect(f.files("incoming").isEmpty)
        #expect(f.files("archive").count == 1)
        #expect(await f.engine.problems["config"] == nil)
    }
}
