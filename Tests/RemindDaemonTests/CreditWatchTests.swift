import Foundation
import Logging
import InMemoryLogging
@testable import RemindDaemon
import RemindCore
import RemindTesting
import Testing

/// The low-balance warning: once per crossing, with a STATUS note while below.
@Suite struct CreditWatchTests {
    final class Fixture: EngineScratch {
        let root: String
        let logs = InMemoryLogHandler()

        init() throws {
            root = try Self.makeScratch("credit", templates: .oneLine, config: """
                [schedule]
                reminders = [{ name = "day-before", before = "1d" }]
                """)
        }

        deinit { removeScratch() }
    }

    @Test func oneWarningWhenItFallsBelowOneNoticeWhenItIsBackAndTheStatusNoteInBetween() async throws {
        let f = try Fixture()
        let engine = try f.makeEngine(provider: RecordingProvider(), debug: false, clock: ManualClock(Date(timeIntervalSince1970: 1_795_384_800)))
        try await engine.recover()
        await engine.balanceChecked(150, low: 100)
        #expect(!(await engine.statusLine()).contains("credit"))
        await engine.balanceChecked(84, low: 100)
        #expect(await engine.statusLine().hasSuffix("; credit 84 below 100"))
        await engine.balanceChecked(83.5, low: 100)
        #expect(await engine.statusLine().hasSuffix("; credit 83.5 below 100"))
        await engine.balanceChecked(nil, failure: "timed out", low: 100)  // a failed check changes nothing
        #expect(await engine.statusLine().contains("credit 83.5 below 100"))
        await engine.balanceChecked(120, low: 100)
        #expect(!(await engine.statusLine()).contains("credit"))
        let lines = f.logs.entries.filter { $0.metadata[LogKey.messageID] == "\(EventID.lowBalance.rawValue)" }
        #expect(lines.map(\.level) == [.warning, .notice])
        #expect(lines.first?.metadata["balance"] == "84" && lines.first?.metadata["threshold"] == "100")
    }

    @Test func theWatchAlone() {
        var watch = CreditWatch(low: 10)
        #expect(watch.observe(11) == nil)
        #expect(watch.observe(9) == .fellBelow)
        #expect(watch.observe(1) == nil)
        #expect(watch.observe(10) == .cameBack)
        #expect(watch.observe(10) == nil)
    }
}
