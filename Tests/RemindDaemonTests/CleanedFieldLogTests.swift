import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import RemindSpool
import RemindTesting
import Testing

/// A field that loses control characters at render is logged at debug level only, as a
/// count with the file's name: no value, at any level.
@Suite struct CleanedFieldLogTests {
    final class Fixture: EngineScratch {
        let root: String
        let logs = InMemoryLogHandler()

        init() throws {
            root = try Self.makeScratch("cleaned", templates: .oneLine, config: """
                [schedule]
                reminders = [{ name = "day-before", before = "1d" }]
                """)
        }

        deinit { removeScratch() }
    }

    /// 2026-11-23 09:00 in Sydney (UTC+11).
    static let now = Date(timeIntervalSince1970: 1_795_384_800)

    static let export = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
        + "A-1,Zelda\u{1B}\u{202E},Lee,0412 345 678,2026-11-25,10:30,Dr Patel,3,Scheduled\n"
        + "A-2,Bo,Ng,0412 345 679,2026-11-25,11:00,Dr Patel,3,Scheduled\n"

    static let notice = "control characters removed from field values"

    @Test(arguments: [true, false])
    func aCleanedFieldIsLoggedAtDebugOnlyAndWithoutItsValue(debug: Bool) async throws {
        let f = try Fixture()
        let clock = ManualClock(Self.now)
        let engine = try f.makeEngine(provider: RecordingProvider(), debug: debug, clock: clock)
        try await engine.recover()
        try Self.export.write(toFile: f.inbox + "/export.csv", atomically: false, encoding: .utf8)
        await engine.ingest(inboxName: "export.csv")

        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        #expect(queued.count == 2)
        #expect(queued.contains { $0.text.hasPrefix("Hi Zelda, see you") }, "the queued text is the clean one")
        #expect(!queued.contains { $0.text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" } })

        let notices = f.logs.entries.filter { "\($0.message)" == Self.notice }
        if debug {
            #expect(notices.count == 1)
            #expect(notices.first?.level == .debug)
            #expect(notices.first?.metadata[LogKey.count] == "1")
        } else {
            #expect(notices.isEmpty)
        }
        for entry in f.logs.entries {
            #expect(!"\(entry.message) \(entry.metadata)".contains("Zelda"))
        }
    }
}
