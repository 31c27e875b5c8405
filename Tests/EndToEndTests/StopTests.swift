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

        /// A provider command in the middle of a send when `systemctl stop` comes: the unit
        /// (KillMode=mixed) signals remindd alone, the command finishes, and its message is
        /// recorded sent, not uncertain.
        @Test func stopLetsAProviderCommandInFlightFinish() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                let script = h.root + "/send-sms"
                let received = h.root + "/received"
                try FileManager.default.createDirectory(atPath: received, withIntermediateDirectories: true)
                try """
                    #!/bin/sh
                    trap 'echo terminated > "\(received)/$REMINDD_MESSAGE_ID.term"; exit 143' TERM
                    touch "\(received)/$REMINDD_MESSAGE_ID.start"
                    sleep 3
                    cat > "\(received)/$REMINDD_MESSAGE_ID.text"
                    echo "GW-$REMINDD_MESSAGE_ID"
                    """.write(toFile: script, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
                let config = try String(contentsOfFile: h.config, encoding: .utf8)
                try (config + "\n[provider]\ntype = \"command\"\nargv = [\"\(script)\"]\ntimeout = \"15s\"\n")
                    .write(toFile: h.config, atomically: true, encoding: .utf8)
                try await h.start()
                try h.drop("one.csv", DaemonHarness.csv([.init(id: "K-1", first: "Ann", mobile: "0412 345 678", at: DaemonHarness.dueNow)]))
                try await sandbox.waitUntil("the command started", timeout: .seconds(60), interval: .milliseconds(20)) {
                    ((try? FileManager.default.contentsOfDirectory(atPath: received)) ?? []).contains { $0.hasSuffix(".start") }
                }
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                let files = try FileManager.default.contentsOfDirectory(atPath: received)
                #expect(!files.contains { $0.hasSuffix(".term") }, "the command got SIGTERM")
                #expect(files.contains { $0.hasSuffix(".text") }, "the command did not finish")
                #expect(h.files(in: "sent").count == 1, "the send in flight was not recorded sent")
                #expect(h.files(in: "uncertain").isEmpty)
                #expect(h.files(in: "active").isEmpty)
            }
        }

        /// With nothing in flight a stop is prompt (it waited for the watchdog's half-period
        /// sleep, up to 15 s), and nothing is released after STOPPING=1.
        @Test func stopWithNothingInFlightIsPrompt() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                try await h.start()
                try await Task.sleep(for: .seconds(1))
                let begun = ContinuousClock.now
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                let took = ContinuousClock.now - begun
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                #expect(took < .seconds(5), "the stop took \(took)")
            }
        }

        /// A stop during start-up (a long recovery, an export being read before READY=1) is
        /// prompt too: SIGTERM was ignored until the services ran, so systemd waited for
        /// TimeoutStopSec= and killed it. The export stays claimed and is read whole, once,
        /// at the next start.
        @Test func stopDuringStartUpIsPromptAndLosesNothing() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0", windows: ["mon-sun 00:00-00:01"])
                defer { h.cleanUp() }
                try await sandbox.installDropIn(for: h.unit, name: "slow.conf", contents: "[Service]\nEnvironment=REMINDD_TEST_SLOW_RECOVERY=60\n")
                let rows = (1...30).map { DaemonHarness.Row(id: "U-\($0)", first: "Pat", mobile: String(format: "0466 200 %03d", $0), at: DaemonHarness.later) }
                try h.drop("export.csv", DaemonHarness.csv(rows))
                try await sandbox.run(["systemctl", "start", "--no-block", h.unit])
                try await sandbox.waitUntil("start-up under way", timeout: .seconds(30)) {
                    try await h.status() == "recovering the spool"
                }
                let begun = ContinuousClock.now
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                let took = ContinuousClock.now - begun
                #expect(try await sandbox.show(h.unit, "Result") == "success", "a stop timeout")
                #expect(try await sandbox.show(h.unit, "ExecMainStatus") == "0")
                #expect(took < .seconds(5), "the stop took \(took)")

                // The next start reads the export, once.
                try await sandbox.installDropIn(for: h.unit, name: "slow.conf", contents: "[Service]\n")
                try await h.start()
                try await h.waitForFiles(rows.count, in: "queued")
                h.expectEachRowInExactlyOneState(rows)
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
            }
        }
    }
}
