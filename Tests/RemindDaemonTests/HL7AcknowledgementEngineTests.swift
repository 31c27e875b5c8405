import Foundation
import InMemoryLogging
import Logging
import RemindConfig
@testable import RemindDaemon
import RemindCore
import RemindSchedule
import RemindSpool
import RemindTesting
import Testing

/// HL7 acknowledgements an interface engine can live with (issue #14): a valid SIU message
/// that gives no reminder is AA with its reason in the text; AE only for a message that
/// could not be processed; ACK files named readably; several globs per source; the
/// location from AIL-3.4 when configured.
final class HL7AckFixture: EngineScratch {
    let root: String
    let engine: Engine
    let provider = RecordingProvider()
    let logs = InMemoryLogHandler()
    static let zone = TimeZone(identifier: "Australia/Sydney")!

    init() async throws {
        root = try Self.makeScratch("hl7ack", directories: ["spool/inbox/pas"], config: """
            [schedule]
            stagger = "0"
            windows = ["mon-sun 00:00-24:00"]
            [[source]]
            name = "pas"
            kind = "appointment"
            format = "hl7"
            subdirectory = "pas"
            pattern = ["*.hl7", "*.mllp"]
            ack = true
            location_component = 4
            """)
        engine = try Self.makeEngine(root: root, provider: provider, logs: logs)
        try await engine.recover()
    }

    deinit { removeScratch() }
}

@Suite struct HL7AcknowledgementEngineTests {
    static let day = LocalDate(containing: Date(), in: HL7AckFixture.zone).adding(days: 4)
    static func ts(_ date: LocalDate, _ hour: Int) -> String {
        "\(date.description.replacingOccurrences(of: "-", with: ""))\(hour < 10 ? "0" : "")\(hour)00"
    }
    static func msh(_ trigger: String, _ control: String) -> String {
        "MSH|^~\\&|PAS|SITE|REMINDD|PRACTICE|20250301120000||SIU^\(trigger)^SIU_S12|\(control)|P|2.5.1"
    }
    static func sch(_ id: String, status: String = "Booked") -> String { "SCH||\(id)" + String(repeating: "|", count: 23) + status }
    static func pid(_ xtn: String) -> String { "PID|1||P1||Citizen^Jane||||||||\(xtn)" }

    func msa(_ ack: String) -> [String] { ack.split(separator: "\r").filter { $0.hasPrefix("MSA|") }.map(String.init) }

    @Test func validMessagesWithoutAReminderAreAcceptedWithTheirReason() async throws {
        let f = try await HL7AckFixture()
        try "0412 345 677\n".write(toFile: f.inbox + "/optout.txt", atomically: false, encoding: .utf8)
        await f.engine.ingest(inboxName: "optout.txt")
        let past = LocalDate(containing: Date(), in: HL7AckFixture.zone).adding(days: -2)
        let messages: [[String]] = [
            [Self.msh("S12", "C1"), Self.sch("A1"), "TQ1|1||||||\(Self.ts(Self.day, 9))", Self.pid("0412345678^PRN^CP"),
             "AIL|1||Room 3^3^^Harbour North^^^^^Harbour North desc"],
            [Self.msh("S12", "C2"), Self.sch("A2"), "TQ1|1||||||\(Self.ts(Self.day, 10))", Self.pid("^PRN^PH^^^02^98765432")],
            [Self.msh("S12", "C3"), Self.sch("A3"), "TQ1|1||||||\(Self.ts(Self.day, 11))", Self.pid("0298765432^PRN^CP")],
            [Self.msh("S12", "C4"), Self.sch("A4"), "TQ1|1||||||\(Self.ts(Self.day, 12))", Self.pid("0412345677^PRN^CP")],
            [Self.msh("S14", "C5"), Self.sch("A5", status: "Complete"), "TQ1|1||||||\(Self.ts(Self.day, 13))", Self.pid("0412345676^PRN^CP")],
            [Self.msh("S12", "C6"), Self.sch("A6"), "TQ1|1||||||\(Self.ts(past, 9))", Self.pid("0412345675^PRN^CP")],
            [Self.msh("S12", "C7"), Self.sch("A7")],  // no start: could not be processed
            [Self.msh("S99", "C8"), Self.sch("A8"), "TQ1|1||||||\(Self.ts(Self.day, 9))", Self.pid("0412345674^PRN^CP")],
        ]
        let text = messages.map { $0.joined(separator: "\r") + "\r" }.joined()
        try text.write(toFile: f.inbox + "/pas/feed.hl7", atomically: false, encoding: .utf8)
        await f.engine.ingest(inboxName: "pas/feed.hl7")

        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        #expect(queued.map(\.key.recordID) == ["A1"])
        let acks = f.files("ack")
        #expect(acks.count == 1)
        let name = try #require(acks.first)
        #expect(name.hasSuffix("-pas_feed.hl7.ack") && !name.contains("%"), "\(name)")
        let msa = msa(try String(contentsOfFile: f.root + "/spool/ack/" + name, encoding: .utf8))
        #expect(msa.count == 8)
        #expect(msa[0] == "MSA|AA|C1")
        #expect(msa[1].hasPrefix("MSA|AA|C2|no reminder: PID-13 has no mobile"), "\(msa[1])")
        #expect(msa[2].hasPrefix("MSA|AA|C3|no reminder: ") && msa[2].contains("not texted"), "\(msa[2])")
        #expect(msa[3].hasPrefix("MSA|AA|C4|no reminder: ") && msa[3].contains("opted out"), "\(msa[3])")
        #expect(msa[4] == "MSA|AA|C5|no reminder: status 'complete' is not reminded")
        #expect(msa[5] == "MSA|AA|C6|no reminder: the appointment has already started")
        #expect(msa[6].hasPrefix("MSA|AE|C7|"))
        #expect(msa[7].hasPrefix("MSA|AE|C8|"))
        // The reasons are logged too (rows the pipeline rejects), and no number is.
        let rejected = f.logged(.rowRejected).compactMap { $0.metadata[LogKey.reason].map { "\($0)" } }
        #expect(rejected.contains { $0.contains("PID-13 has no mobile") })
        let accepted = f.logs.entries.filter { "\($0.message)" == "HL7 message accepted without a reminder" }
        #expect(accepted.map { $0.metadata[LogKey.reason].map { "\($0)" } ?? "" } == [
            "status 'complete' is not reminded", "the appointment has already started",
        ])
        for entry in f.logs.entries { #expect(!"\(entry.metadata)".contains("98765432")) }
    }

    /// `location_component = 4` takes the location from AIL-3.4 (the example templates'
    /// `appointment.location-north-sydney` variant is chosen by it); a `.mllp` file matches
    /// the source's second glob.
    @Test func aSecondGlobAndAIL34() async throws {
        let f = try await HL7AckFixture()
        let message = [Self.msh("S12", "M1"), Self.sch("M1"), "TQ1|1||||||\(Self.ts(Self.day, 9))", Self.pid("0412345678^PRN^CP"),
                       "AIL|1||Chair 2^3^^North Sydney"].joined(separator: "\r") + "\r"
        try (Array([0x0B] + Array(message.utf8) + [0x1C, 0x0D])).withUnsafeBufferPointer {
            try Data(buffer: $0).write(to: URL(fileURLWithPath: f.inbox + "/pas/feed.mllp"))
        }
        await f.engine.ingest(inboxName: "pas/feed.mllp")
        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        #expect(queued.map(\.key.recordID) == ["M1"])
        #expect(queued.first?.text.contains("at our North Sydney rooms") == true, "\(queued.first?.text ?? "")")
        #expect(f.files("rejected").isEmpty)
    }
}
