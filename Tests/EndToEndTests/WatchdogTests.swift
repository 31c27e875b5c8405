import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// The watchdog under the real systemd: a stalled inbox loop (the engine still answering)
    /// or a blocked engine actor stops WATCHDOG=1, systemd kills the service and restarts it
    /// (WatchdogSec= short and Restart=on-failure in the drop-in), and the restarted service
    /// loses nothing: what was queued stays queued, the file being ingested during the stall
    /// is ingested once, and what was sent is not sent again.
    ///
    /// The stall is the DEBUG-only `REMINDD_TEST_STALL=MODE:TRIGGER` switch: it fires once,
    /// when a file is ingested while TRIGGER exists, and removes TRIGGER.
    @Suite struct WatchdogTests {
        @Test(arguments: ["inbox", "engine"])
        func aStalledLoopGetsTheServiceRestartedAndNothingIsLost(mode: String) async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0", extraDropIn: """
                    WatchdogSec=3s
                    RestartSec=1s
                    Environment=REMINDD_TEST_STALL=\(mode):@ROOT@/stall-trigger
                    ExecStopPost=/bin/sh -c 'echo "$$SERVICE_RESULT $$EXIT_CODE $$EXIT_STATUS" >> @ROOT@/stops.log'
                    """)
                defer { h.cleanUp() }
                try await h.start()
                try h.drop("first.csv", DaemonHarness.csv([
                    .init(id: "A-1", first: "Ann", mobile: "0411 111 111", at: DaemonHarness.dueNow),
                    .init(id: "A-2", first: "Bob", mobile: "0411 111 112", at: DaemonHarness.later),
                ]))
                try await h.waitForOutbox(1)
                try await h.waitForFiles(1, in: "queued")
                try await h.waitForFiles(1, in: "sent")
                let queuedBefore = h.files(in: "queued")
                // Healthy for a while: several watchdog periods pass without a restart.
                try await Task.sleep(for: .seconds(7))
                #expect(try await h.number("NRestarts") == 0)

                try "".write(toFile: h.root + "/stall-trigger", atomically: true, encoding: .utf8)
                try h.drop("stall.csv", DaemonHarness.csv([
                    .init(id: "B-1", first: "Cy", mobile: "0422 222 221", at: DaemonHarness.dueNow),
                    .init(id: "B-2", first: "Dee", mobile: "0422 222 222", at: DaemonHarness.later),
                ]))
                try await sandbox.waitUntil("systemd restarted the stalled service", timeout: .seconds(90), interval: .milliseconds(200)) {
                    try await h.number("NRestarts") == 1
                }
                try await h.waitUntilRunning()
                #expect(!FileManager.default.fileExists(atPath: h.root + "/stall-trigger"), "the switch fired")

                // The input that was being ingested is ingested after the restart, once.
                try await h.waitForOutbox(2)
                try await h.waitForFiles(2, in: "queued")
                try await h.waitForFiles(2, in: "sent")
                #expect(Set(queuedBefore).isSubset(of: Set(h.files(in: "queued"))), "a queued message was lost")
                #expect(try h.outboxRecipients().sorted() == ["61411111111", "61422222221"])
                #expect(h.files(in: "active").isEmpty)
                #expect(h.files(in: "uncertain").isEmpty)
                #expect(h.files(in: "archive").count == 2)

                // Why systemd stopped it (ExecStopPost= records $SERVICE_RESULT, $EXIT_CODE and
                // $EXIT_STATUS) and, for a stalled loop (the engine answering), remindd's own
                // error entry naming the loop.
                let stops = ((try? String(contentsOfFile: h.root + "/stops.log", encoding: .utf8)) ?? "").split(separator: "\n")
                let rootFiles = (try? FileManager.default.contentsOfDirectory(atPath: h.root)) ?? []
                #expect(stops.count == 1, "ExecStopPost records: \(stops); files in the root: \(rootFiles)")
                #expect(stops.first?.hasPrefix("watchdog ") == true, "\(stops)")
                #expect(stops.first?.hasSuffix(" ABRT") == true, "\(stops)")
                let stalled = try await h.journal(.watchdogStalled)
                if mode == "inbox" {
                    #expect(stalled.count == 1)
                    #expect(stalled.first?["LOOP"] == "inbox")
                    #expect(stalled.first?["PRIORITY"] == "3")
                } else {
                    #expect(stalled.isEmpty, "a blocked engine cannot answer the health check, let alone log")
                }
                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }
    

        /// A real watchdog timeout under the shipped unit (only the paths, a 3 s WatchdogSec=
        /// and the stall switch in the drop-in) while messages are going out one a second:
        /// systemd's SIGABRT ends remindd at once (no backtracer to catch it), nothing is handed
        /// over after it, every message is in exactly one state, and the one restart sends the
        /// rest once.
        ///
        /// `engine` blocks the engine, so the health check goes unanswered and the pings stop
        /// at once: the abort comes within WatchdogSec= of the stall. `inbox` stalls only the
        /// inbox loop, which counts as stuck once busy for WatchdogSec=, so the abort comes
        /// within twice that; meanwhile the release loop goes on sending, up to the abort.
        @Test(arguments: ["engine", "inbox"])
        func aWatchdogTimeoutEndsTheDaemonAtOnce(mode: String) async throws {
            try await Sandbox.withSandbox { sandbox in
                let watchdogSec: UInt64 = 3_000_000
                let h = try await DaemonHarness.make(sandbox, stagger: "1s", extraDropIn: """
                    WatchdogSec=3s
                    Environment=REMINDD_TEST_STALL=\(mode):@ROOT@/stall-trigger
                    """)
                defer { h.cleanUp() }
                try await h.start()
                let rows = (0..<10).map { i in
                    DaemonHarness.Row(id: "W-\(i)", first: "P\(i)", mobile: "0433 200 20\(i)", at: DaemonHarness.dueNow)
                }
                try h.drop("ten.csv", DaemonHarness.csv(rows))
                try await h.waitForOutbox(1)
                let pid = try await h.number("MainPID")

                try "".write(toFile: h.root + "/stall-trigger", atomically: true, encoding: .utf8)
                let stalled = DaemonHarness.Row(id: "S-1", first: "Sam", mobile: "0422 222 221", at: DaemonHarness.later)
                try h.drop("stall.csv", DaemonHarness.csv([stalled]))
                try await sandbox.waitUntil("the watchdog ended remindd (pid \(pid))", timeout: .seconds(30), interval: .milliseconds(20)) {
                    try await h.number("MainPID") != pid
                }
                // RestartSec=5s: the old process is gone and the new one not started yet.
                let outboxAtExit = try h.outboxFiles()
                #expect(try await sandbox.show(h.unit, "SubState") == "auto-restart")
                #expect(try await sandbox.show(h.unit, "Result") == "watchdog")
                #expect(try await sandbox.show(h.unit, "ExecMainStatus") == "\(SIGABRT)")
                let exited = try await h.number("ExecMainExitTimestampMonotonic")
                let stalling = try #require(
                    try await h.reminddJournal().first { $0["MESSAGE"] == "test switch: stalling" }, "the stall switch fired")
                let stalledAt = try #require(stalling["__MONOTONIC_TIMESTAMP"].flatMap { UInt64($0) })
                let stalledAtWallClock = try #require(stalling["__REALTIME_TIMESTAMP"].flatMap { UInt64($0) })
                let bound = mode == "engine" ? watchdogSec : 2 * watchdogSec
                #expect(exited > stalledAt)
                #expect(exited <= stalledAt + bound + 1_000_000,
                        "remindd ended \(Double(Int64(exited) - Int64(stalledAt)) / 1e6) s after the stall")
                // systemd sent SIGABRT by stalledAt + bound at the latest: no file after that.
                let latestAbort = Double(stalledAtWallClock + bound) / 1e6
                let afterAbort = outboxAtExit.filter { $0.modified > latestAbort }
                #expect(afterAbort.isEmpty, "handed over after the abort: \(afterAbort.map(\.name))")
                // Ended between a batch member's own file and its `.left` line, the member is in
                // both until the restart's recovery logs it as left: its own file is its state.
                h.expectEachRowInExactlyOneState(rows, afterCrash: true)

                try await sandbox.waitUntil("systemd restarted remindd", timeout: .seconds(30), interval: .milliseconds(200)) {
                    try await h.number("NRestarts") == 1
                }
                try await h.waitUntilRunning()
                #expect(!FileManager.default.fileExists(atPath: h.root + "/stall-trigger"), "the switch fired once")
                try await sandbox.waitUntil("every row sent or uncertain, the stalled file ingested", timeout: .seconds(60), interval: .milliseconds(200)) {
                    let k = h.keysByState()
                    return k["sent", default: []].count + k["uncertain", default: []].count == rows.count
                        && k["queued", default: []] == ["S-1"]
                }
                #expect(try await h.number("NRestarts") == 1)
                h.expectEachRowInExactlyOneState(rows + [stalled])
                #expect(h.files(in: "archive").count == 2)
                let recipients = try h.outboxRecipients()
                #expect(recipients.count == Set(recipients).count, "a number in the outbox twice")
                #expect(recipients.count == h.keysByState()["sent", default: []].count, "outbox and sent/ disagree")
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
            }
        }
    }
}
