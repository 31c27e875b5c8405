import Foundation
import SandboxSupport
import Testing

/// One daemon per spool: a second remindd on the same spool stops at once with status 75,
/// naming the first's pid, and touches nothing; the messages go out once.
@Suite struct SpoolLockTests {
    @Test func aSecondDaemonOnTheSameSpoolStopsAtOnceAndNothingIsSentTwice() async throws {
        let d = try HostDaemon(label: "lock")
        defer { d.cleanUp() }
        let first = try d.launch()
        defer { if first.isRunning { first.terminate() } }
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(60)) { d.log().contains("remindd started") }, "\(d.log())")

        let second = try d.launch(log: "second.log")
        // Required: a running Process's terminationReason traps, which would end the whole run.
        try #require(try await HostDaemon.wait(second, timeout: .seconds(60)), "the second daemon did not stop")
        #expect(second.terminationReason == .exit && second.terminationStatus == 75)
        let secondLog = (try? String(contentsOfFile: d.root + "/second.log", encoding: .utf8)) ?? ""
        #expect(secondLog.contains("another remindd (pid \(first.processIdentifier)) holds the spool"), "\(secondLog)")
        #expect(!secondLog.contains("spool recovered") && !secondLog.contains("remindd started"), "\(secondLog)")
        #expect(first.isRunning)

        // Both would have released these; only the first runs.
        try d.dropExport("appointments.csv", count: 20)
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(60)) { d.files(in: "sent").count == 20 })
        let recipients = try d.outboxRecipients()
        #expect(recipients.count == 20 && Set(recipients).count == 20, "\(recipients.count) outbox files")

        // Once the first has stopped, the lock is free again.
        first.terminate()
        try #require(try await HostDaemon.wait(first, timeout: .seconds(30)))
        let third = try d.launch(log: "third.log")
        defer { if third.isRunning { third.terminate() } }
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(60)) {
            ((try? String(contentsOfFile: d.root + "/third.log", encoding: .utf8)) ?? "").contains("remindd started")
        })
    }
}
