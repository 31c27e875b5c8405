import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import Testing

/// A file of garbage does not flood the journal: the first 100 rejected rows of an input
/// are logged one by one, the rest in one line with their count; every row is counted.
@Suite struct RejectionLogEngineTests {
    @Test(arguments: [nil, 64] as [Int?])
    func onlyTheFirstHundredRejectedRowsOfAFileAreLoggedOneByOne(piece: Int?) async throws {
        let f = try await EngineFixture()
        if let piece { await f.engine.ingestor.setPieceSize(piece) }
        var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Status\n"
        for i in 0..<150 { csv += "B-\(i),Ann,Lee,0412345678,not a date,09:00,Scheduled\n" }
        try csv.write(toFile: f.inbox + "/garbage.csv", atomically: false, encoding: .utf8)
        await f.engine.ingest(inboxName: "garbage.csv")
        let lines = f.logged(.rowRejected)
        #expect(lines.count == 101)
        #expect(lines.prefix(100).allSatisfy { $0.message == "row rejected" })
        #expect(lines.last?.message == "more rows rejected than are logged one by one")
        #expect(lines.last?.metadata[LogKey.count] == "50")
        #expect(await f.engine.statusReport().rowsRejected == 150)
        #expect(f.files("archive").count == 1)
    }
}
