import Foundation
@testable import RemindDaemon
import RemindCore
import RemindSpool
import Testing

/// A property (issue #14): for random exports with random repeats per appointment, the
/// pending set after ingest equals a model that applies the rows in file order (the last
/// row per appointment decides). It holds for one file read whole or in small pieces,
/// for the same rows split across two exports at a random row, and when the ingest is
/// interrupted after a random piece and the spool recovered by a new engine (the input
/// read again from the start). The real process killed at a crash point is in
/// EndToEndTests (`LastRowPropertyCrashTests`).
@Suite struct LastRowPropertyEngineTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    typealias Row = (id: String, phone: String, start: Date, status: String)

    /// Words reminded and words that withdraw, as the default configuration reads them.
    static let reminded = ["Scheduled", "Confirmed", "Booked", "Tentative"]
    static let withdrawing = ["Cancelled", "DNA", "Arrived", "No Show"]
    /// Whole hours a few days ahead: due later than now with the one-day lead, so nothing
    /// is released while the test looks.
    static let base = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + 3 * 86400) / 3600).rounded(.down) * 3600)

    static func export(seed: UInt64, keys: Int = 8, rows: Int = 40) -> [Row] {
        var g = SplitMix(state: seed)
        return (0..<rows).map { _ in
            let k = Int.random(in: 1...keys, using: &g)
            let hour = Int.random(in: 0..<3, using: &g)
            let words = Bool.random(using: &g) || Bool.random(using: &g) ? reminded : withdrawing
            return ("K\(k)", String(format: "0412 345 %03d", k), base.addingTimeInterval(Double(hour) * 3600), words.randomElement(using: &g)!)
        }
    }

    /// The model: rows applied in order; an appointment is pending at its last row's start
    /// when that row's status is reminded.
    static func model(_ rows: [Row]) -> [String: Date] {
        var pending: [String: Date] = [:]
        for r in rows { pending[r.id] = reminded.contains(r.status) ? r.start : nil }
        return pending
    }

    static func pending(_ f: EngineFixture) throws -> [String: Date] {
        var out: [String: Date] = [:]
        for state in [MessageState.queued, .deferred, .held] {
            for m in try SpoolInventory.decoded(in: f.spoolPaths, state: state) {
                #expect(out[m.key.recordID] == nil, "two pending messages for \(m.key.recordID)")
                out[m.key.recordID] = m.appointmentStart
            }
        }
        return out
    }

    static let seeds: [UInt64] = Array(1...12)

    @Test(arguments: seeds)
    func oneFileWholeOrInPieces(seed: UInt64) async throws {
        let rows = Self.export(seed: seed)
        for pieceSize in [1 << 20, 64] {
            let f = try await EngineFixture(stagger: "1h")
            await f.engine.ingestor.setPieceSize(pieceSize)
            try f.drop("x.csv", rows: rows)
            await f.engine.ingest(inboxName: "x.csv")
            #expect(try Self.pending(f) == Self.model(rows), "seed \(seed), pieces of \(pieceSize) bytes")
            #expect(f.files("archive").count == 1)
        }
    }

    @Test(arguments: seeds)
    func splitAcrossTwoExportsAtARandomRow(seed: UInt64) async throws {
        let rows = Self.export(seed: seed)
        var g = SplitMix(state: seed ^ 0xABCD)
        let cut = Int.random(in: 1..<rows.count, using: &g)
        let f = try await EngineFixture(stagger: "1h")
        try f.drop("a.csv", rows: Array(rows[..<cut]))
        await f.engine.ingest(inboxName: "a.csv")
        #expect(try Self.pending(f) == Self.model(Array(rows[..<cut])), "seed \(seed), after the first export")
        try f.drop("b.csv", rows: Array(rows[cut...]))
        await f.engine.ingest(inboxName: "b.csv")
        #expect(try Self.pending(f) == Self.model(rows), "seed \(seed), cut at row \(cut)")
    }

    /// The ingest stops after a random piece (as a shutdown or crash would leave it: the
    /// pieces so far committed, the input still in incoming/); a new engine recovers the
    /// spool and reads the input again from its start.
    @Test(arguments: seeds)
    func interruptedAfterARandomPieceAndRecovered(seed: UInt64) async throws {
        let rows = Self.export(seed: seed)
        var g = SplitMix(state: seed ^ 0x5EED)
        let stopAt = Int.random(in: 1...8, using: &g)
        let f = try await EngineFixture(stagger: "1h")
        await f.engine.ingestor.setPieceSize(128)
        try f.drop("x.csv", rows: rows)
        await f.engine.ingestor.setAfterPiece { piece in
            if piece == stopAt { withUnsafeCurrentTask { $0?.cancel() } }
        }
        let engine = f.engine
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await engine.ingest(inboxName: "x.csv") }
        }
        #expect(f.files("incoming").count == 1, "seed \(seed): interrupted after piece \(stopAt)")
        let restarted = try f.makeEngine(provider: f.provider)
        await restarted.ingestor.setPieceSize(128)
        try await restarted.recover()
        #expect(f.files("incoming").isEmpty && f.files("archive").count == 1)
        #expect(try Self.pending(f) == Self.model(rows), "seed \(seed), interrupted after piece \(stopAt)")
    }
}
