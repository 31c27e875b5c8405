import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import RemindSchedule
import RemindSpool
import RemindTesting
import Synchronization
import Testing

/// A large export is read, prepared and committed piece by piece, off the engine's actor:
/// each piece is durable and scheduled before the next is read, releases and status go
/// on between pieces, and the input is archived only with its last piece.
@Suite struct StreamedIngestEngineTests {
    let soon = Date().addingTimeInterval(86400 - 3600)  // due now with the one-day lead

    func rows(_ n: Int, prefix: String = "P") -> [(id: String, phone: String, start: Date, status: String)] {
        (1...n).map { ("\(prefix)-\($0)", String(format: "0412 %03d %03d", $0 / 1000, $0 % 1000), soon, "Scheduled") }
    }

    func batches(_ f: EngineFixture) -> [String] { f.files("queued").filter { $0.hasSuffix(".batch") } }

    @Test func aLargeExportIsCommittedInPiecesAndArchivedWithItsLast() async throws {
        let f = try await EngineFixture(stagger: "1h")
        await f.engine.ingestor.setPieceSize(2048)
        try f.drop("big.csv", rows: rows(300))
        await f.engine.ingest(inboxName: "big.csv")
        #expect(f.files(in: .queued).count == 300)
        let batchFiles = try FileManager.default.contentsOfDirectory(atPath: f.root + "/spool/queued").filter { $0.hasSuffix(".batch") }
        // About 20 KB of rows in 2 KB pieces: one batch (one group commit) per piece.
        #expect(batchFiles.count >= 9, "\(batchFiles.count) batches")
        #expect(f.files("archive").count == 1)
        #expect(f.files("incoming").isEmpty)
        let ingested = f.logged(.inputIngested)
        #expect(ingested.count == 1)
        #expect(ingested.first?.metadata[LogKey.count] == "300")
    }

    /// In the middle of an ingest, the engine answers and releases: the pieces committed so
    /// far are queued and sendable, the input is still claimed, nothing is archived.
    @Test func theEngineReleasesAndAnswersBetweenPieces() async throws {
        let f = try await EngineFixture(stagger: "0")
        await f.engine.ingestor.setPieceSize(1024)
        try f.drop("big.csv", rows: rows(120))
        let seen = Mutex<[(piece: Int, queued: Int, sent: Int, incoming: Int, archived: Int)]>([])
        let engine = f.engine
        let provider = f.provider
        let spool = f.root + "/spool/"
        await engine.ingestor.setAfterPiece { piece in
            guard piece == 2 else { return }
            loop: for _ in 0..<1000 {
                switch await engine.nextAction() {
                case .release(let id): await engine.release(id)
                case .expire(let id, let reason): await engine.expire(id, reason: reason)
                case .sleep, .idle: break loop
                }
            }
            let status = await engine.statusReport()
            let incoming = (try? FileManager.default.contentsOfDirectory(atPath: spool + "incoming").count) ?? -1
            let archived = (try? FileManager.default.contentsOfDirectory(atPath: spool + "archive").count) ?? -1
            seen.withLock { $0.append((piece, status.counts["queued", default: 0], provider.sent.count, incoming, archived)) }
        }
        await f.engine.ingest(inboxName: "big.csv")
        let mid = try #require(seen.withLock { $0.first })
        #expect(mid.sent > 0 && mid.sent < 120, "sent mid-ingest: \(mid.sent)")
        #expect(mid.queued == 0, "everything committed so far was released")
        #expect(mid.incoming == 1 && mid.archived == 0)
        await f.drain(limit: 1000)
        #expect(f.provider.sent.count == 120)
        #expect(Set(f.provider.sent.map(\.recipient)).count == 120)
        #expect(f.files("archive").count == 1)
    }

    /// An input interrupted after some pieces (a crash; here the engine is dropped and a new
    /// one recovers the same spool) is read again from the start: the rows already committed
    /// are unchanged, the rest are queued, none twice.
    @Test func anInputReadAgainAfterAnInterruptionQueuesEachRowOnce() async throws {
        let f = try await EngineFixture(stagger: "1h")
        await f.engine.ingestor.setPieceSize(1024)
        try f.drop("big.csv", rows: rows(150))
        // Claim and commit the first pieces, then stop as a shutdown would.
        let stopAt = 3
        await f.engine.ingestor.setAfterPiece { piece in
            if piece == stopAt { withUnsafeCurrentTask { $0?.cancel() } }
        }
        let engine = f.engine
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await engine.ingest(inboxName: "big.csv") }  // its task is cancelled by the hook
        }
        let partial = f.files(in: .queued).count
        #expect(partial > 0 && partial < 150, "\(partial) queued before the interruption")
        #expect(f.files("incoming").count == 1)
        #expect(f.files("archive").isEmpty)

        let restarted = try f.makeEngine(provider: f.provider)
        try await restarted.recover()  // ingests what is left in incoming/
        #expect(f.files(in: .queued).count == 150)
        let keys = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued).map(\.key.recordID)
        #expect(keys.count == 150 && Set(keys).count == 150)
        for state in MessageState.allCases where state != .queued { #expect(f.files(in: state).isEmpty, "\(state)") }
        #expect(f.files("incoming").isEmpty)
        #expect(f.files("archive").count == 1)
    }
}

/// Within one file the last row per appointment decides, as successive files do: a later
/// cancelled row withdraws, a later time moves, an exact repeat is one message; whether
/// the rows share a piece or fall in different pieces.
@Suite struct LastRowWinsEngineTests {
    let ten = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + 2 * 86400) / 3600).rounded(.down) * 3600)

    @Test(arguments: [1 << 20, 64])
    func scheduledThenMovedThenCancelledLeavesNothingQueued(pieceSize: Int) async throws {
        let f = try await EngineFixture(stagger: "1h")
        await f.engine.ingestor.setPieceSize(pieceSize)
        try f.drop("x.csv", rows: [
            ("X2", "0412 345 678", ten, "Scheduled"),
            ("X2", "0412 345 678", ten.addingTimeInterval(3600), "Scheduled"),
            ("X1", "0412 345 679", ten, "Scheduled"),
            ("X2", "0412 345 678", ten.addingTimeInterval(3600), "Cancelled"),
        ])
        await f.engine.ingest(inboxName: "x.csv")
        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        #expect(queued.map(\.key.recordID) == ["X1"], "a cancelled appointment is not reminded")
        if pieceSize == 1 << 20 {
            // One piece: the first two X2 rows are superseded by the last, and said so.
            #expect(f.logged(.inputIngested).first?.metadata["superseded"] == "2")
        }
    }

    @Test(arguments: [1 << 20, 64])
    func aMoveWithinTheFileQueuesTheLaterTimeOnly(pieceSize: Int) async throws {
        let f = try await EngineFixture(stagger: "1h")
        await f.engine.ingestor.setPieceSize(pieceSize)
        try f.drop("x.csv", rows: [
            ("X3", "0412 345 678", ten, "Scheduled"),
            ("X3", "0412 345 678", ten, "Scheduled"),  // an exact repeat
            ("X3", "0412 345 678", ten.addingTimeInterval(7200), "Confirmed"),
        ])
        await f.engine.ingest(inboxName: "x.csv")
        let queued = try SpoolInventory.decoded(in: f.spoolPaths, state: .queued)
        #expect(queued.count == 1)
        #expect(queued.first?.appointmentStart == ten.addingTimeInterval(7200))
    }
}
