import Foundation
import InMemoryLogging
import Logging
import RemindConfig
@testable import RemindDaemon
import RemindCore
import RemindSpool
import Testing

/// Several numbers in one phone field (issue #14): the first acceptable mobile is queued,
/// and a notice names the row's line and the other numbers, masked.
@Suite struct SeveralNumbersEngineTests {
    let soon = Date().addingTimeInterval(2 * 86400)

    @Test func theFirstMobileIsQueuedAndTheOthersAreNoticedMasked() async throws {
        let f = try await EngineFixture(stagger: "1h")
        try f.drop("several.csv", rows: [
            ("S1", "0412 345 688 / 0412 345 689", soon, "Scheduled"),
            ("S2", "\"0298765432, 0412 345 690\"", soon, "Scheduled"),
            ("S3", "mob 0412 345 691 (after 5pm)", soon, "Scheduled"),
            ("S4", "0412 345 692", soon, "Scheduled"),
        ])
        await f.engine.ingest(inboxName: "several.csv")
        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        let byID = Dictionary(uniqueKeysWithValues: queued.map { ($0.key.recordID, $0.recipient) })
        #expect(byID == ["S1": "+61412345688", "S2": "+61412345690", "S3": "+61412345691", "S4": "+61412345692"])
        let notices = f.logged(.severalNumbers)
        #expect(notices.map { $0.metadata[LogKey.inboxLine] } == ["2", "3"], "the rows with several numbers, by line")
        #expect(notices.allSatisfy { $0.level == .notice })
        #expect(notices.first?.metadata["others"] == "\(PhoneMask.mask("+61412345689"))")
        #expect(notices.last?.metadata["others"] == "\(PhoneMask.mask("+61298765432"))")
        for entry in f.logs.entries {
            let text = "\(entry.message) \(entry.metadata)"
            for digits in ["412345689", "298765432", "412345688"] { #expect(!text.contains(digits), "unmasked number logged: \(text)") }
        }
    }
}
