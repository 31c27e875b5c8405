import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// `systemctl stop` while a slow gateway is taking a message (the DEBUG-only
    /// `REMINDD_TEST_SEND_DELAY`): the send in flight finishes and is recorded, the rest stay
    /// queued, the exit is clean (status 0, within TimeoutStopSec), and after a restart every
    /// message is handed over exactly once.
    @Suite struct StopTests {
        @Test func stopWithASendInFlightLosesAndDuplicatesNothing() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0", extraDropIn: "Environment=REMINDD_TEST_SEND_DELAY=3")
                defer { h.cleanUp() }
                try await h.start()
                let mobiles = ["0433 000 001", "0433 000 002", "0433 000 003"]
                try h.drop("three.csv", DaemonHarness.csv(mobiles.enumerated().map { i, m in
                    .init(id: "S-\(i)", first: "P\(i)", mobile: m, at: DaemonHarness.dueNow)
                }))
                try await sandbox.waitUntil("a send in flight", timeout: .seconds(30), interval: .milliseconds(20)) {
                    !h.files(in: "active").isEmpty
                }
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                #expect(try await sandbox.show(h.unit, "ActiveState") == "inactive")
                #expect(try await sandbox.show(h.unit, "Result") == "success", "a stop timeout or a crash")
                #expect(try await sandbox.show(h.unit, "ExecMainStatus") == "0")
                #expect(h.files(in: "active").isEmpty, "the send in flight was not finished")
                #expect(h.files(in: "uncertain").isEmpty)
                let sent = h.files(in: "sent").count
                #expect(sent >= 1, "the send in flight was recorded")
                #expect(try h.outboxFiles().count == sent)
                #expect(sent + h.files(in: "queued").count == 3, "a message was lost")
                // Logged just before the exit: journald may not attribute it to the unit any more.
                let stopped = try await sandbox.journalJSON(matching: ["SYSLOG_IDENTIFIER=remindd", "MESSAGE=remindd stopped"])
                #expect(stopped.count == 1)
                #expect(stopped.first?["MESSAGE_ID"] == EventID.stopping.rawValue)

                // After a restart the rest go, and nothing goes twice.
                try await h.start()
                try await h.waitForFiles(3, in: "sent")
                #expect(try h.outboxRecipients().sorted() == mobiles.map(DaemonHarness.e164))
                #expect(try await h.journal(.messageSent).count == 3)
                #expect(h.files(in: "queued").isEmpty)
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }
    }
}
