import Foundation
import SandboxSupport
import Testing

/// Crashes of the real daemon (a debug build) at every named step of ingest and
/// delivery, and `kill -9` at random moments: afterwards every input row is in exactly
/// one state and no number is in the outbox twice (the outbox is the witness).
@Suite(.serialized) struct CrashTests {
    /// Must match `CrashPoint.all` in RemindSpool (the test fails if a point is never reached).
    static let points = [
        "claim.after-rename", "commit.after-batch-write", "commit.after-sync", "commit.after-batch-rename",
        "commit.before-archive", "commit.after-archive", "ingest.after-piece", "release.after-active", "release.after-handover",
        "leave.after-own-file", "transition.after-rename",
    ]

    @Test(arguments: points)
    func aCrashAtEachStepLosesAndDuplicatesNothing(point: String) async throws {
        let rows = 20
        let d = try HostDaemon(label: "crash-\(point)")
        defer { d.cleanUp() }
        try d.dropExport("appointments.csv", count: rows)

        // The input is read in 256-byte pieces (about 4 rows each) for the crash after a
        // piece: the second piece is durable and scheduled, the rest not yet read.
        let crashing = try d.launch(environment: point == "ingest.after-piece"
            ? ["REMINDD_CRASH_AT": point + ":2", "REMINDD_TEST_INGEST_PIECE": "256"] : ["REMINDD_CRASH_AT": point])
        try #require(try await HostDaemon.wait(crashing, timeout: .seconds(60)), "remindd did not reach \(point)")
        if crashing.isRunning { crashing.terminate() }
        #expect(crashing.terminationReason == .uncaughtSignal && crashing.terminationStatus == SIGABRT,
                "remindd did not abort at \(point): \(d.log())")

        let daemon = try d.launch()
        let settled = try await HostDaemon.waitUntil(timeout: .seconds(60)) {
            let k = try d.keysByState()
            return k["sent", default: []].count + k["uncertain", default: []].count == rows
                && d.files(in: "incoming").isEmpty && d.files(in: "active").isEmpty
        }
        daemon.terminate()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)))
        #expect(daemon.terminationStatus == 0, "\(d.log())")
        let counts = try d.keysByState().mapValues(\.count)
        #expect(settled, "not settled after a crash at \(point): \(counts) \(d.log().suffix(3000))")

        try Self.checkExactlyOnce(d, rows: rows)
        // The outbox is its own witness: its file is staged before a message moves to
        // `active`, so even a crash between `active` and the hand-over (and the first message
        // to leave its batch, which leaves it for `active`) leaves nothing uncertain.
        let uncertain = try d.keysByState()["uncertain", default: []].count
        #expect(uncertain == 0, "a crash at \(point) left \(uncertain) uncertain")
        #expect(d.files(in: "archive").count == 1)
        #expect(d.files(in: "tmp").isEmpty)
    }

    /// `kill -9` at random moments during a 10,000-row ingest with delivery running
    /// (stagger 0, windows open), 40 rounds, the same export (byte-identical) dropped again
    /// half-way. The outbox is the witness: 0 lost, 0 doubled, 0 uncertain.
    @Test func killNineDuringIngestAndDeliveryLosesAndDuplicatesNothing() async throws {
        let rows = 10_000
        let d = try HostDaemon(label: "kill9")
        defer { d.cleanUp() }
        try d.dropExport("appointments.csv", count: rows)
        var generator = SystemRandomNumberGenerator()
        for round in 1...40 {
            if round == 20 { try d.dropExport("appointments-again.csv", count: rows) }
            let p = try d.launch()
            // Early rounds hit ingest (start-up takes a moment), later ones delivery.
            let delay = Double.random(in: 0.05...(round <= 10 ? 1.0 : 2.5), using: &generator)
            try await Task.sleep(for: .seconds(delay))
            kill(p.processIdentifier, SIGKILL)
            try #require(try await HostDaemon.wait(p, timeout: .seconds(10)))
            #expect(p.terminationReason == .uncaughtSignal, "round \(round): remindd ended by itself: \(d.log().suffix(2000))")
        }
        let daemon = try d.launch()
        let settled = try await HostDaemon.waitUntil(timeout: .seconds(600)) {
            d.files(in: "queued").count + d.files(in: "active").count + d.files(in: "incoming").count == 0
                && d.files(in: "sent").count + d.files(in: "uncertain").count >= rows
        }
        daemon.terminate()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)))
        let counts = try d.keysByState().mapValues(\.count)
        #expect(settled, "not settled: \(counts)")
        try Self.checkExactlyOnce(d, rows: rows)
        let uncertain = try d.keysByState()["uncertain", default: []].count
        #expect(uncertain == 0, "the outbox tells what it was given: nothing is uncertain")
        #expect(d.files(in: "outbox/.tmp").isEmpty, "no temporary copy (numbers, texts) left behind")
        #expect(d.files(in: "archive").count == 2)
    }

    /// Every row's key in exactly one message file, and in `sent/` or `uncertain/`;
    /// each number in the outbox at most once, and exactly the sent ones.
    static func checkExactlyOnce(_ d: HostDaemon, rows: Int) throws {
        let byState = try d.keysByState()
        #expect(byState["unreadable"] == nil)
        var seen: [String: Int] = [:]
        for (_, keys) in byState { for k in keys { seen[k, default: 0] += 1 } }
        let expected = Set((1...rows).map { "A-\($0)" })
        #expect(Set(seen.keys) == expected, "rows lost or invented")
        let twice = seen.filter { $0.value > 1 }
        let where2 = byState.mapValues { $0.filter { twice[$0] != nil }.count }.filter { $0.value > 0 }
        #expect(twice.isEmpty, "rows with more than one message: \(twice.count), by state \(where2)")
        let finals = Set(byState["sent", default: []]).union(byState["uncertain", default: []])
        #expect(finals == expected, "rows not sent or uncertain: \(expected.subtracting(finals).prefix(5))")
        let recipients = try d.outboxRecipients()
        #expect(recipients.count == Set(recipients).count, "a number in the outbox twice")
        #expect(recipients.count == byState["sent", default: []].count, "outbox and sent/ disagree")
    }
}
