import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// Fatal signals under the shipped units (only the paths changed in the drop-in): Swift's
    /// backtracer is off in the units (it cannot load under MemoryDenyWriteExecute=yes, and
    /// its handler then returned, leaving an aborted daemon sending), so the kernel ends
    /// remindd at once; systemd restarts it and the restarted daemon loses and repeats
    /// nothing.
    @Suite struct FatalSignalTests {
        @Test(arguments: [("remindd.service", "ABRT"), ("remindd@a.service", "ABRT"), ("remindd.service", "SEGV")])
        func aFatalSignalEndsTheDaemonAtOnceAndNothingIsHandedOverAfterIt(unit: String, signal: String) async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, unit: unit, stagger: "2s")
                defer { h.cleanUp() }
                try await h.start()
                let rows = (0..<8).map { i in
                    DaemonHarness.Row(id: "F-\(i)", first: "P\(i)", mobile: "0433 100 10\(i)", at: DaemonHarness.dueNow)
                }
                try h.drop("eight.csv", DaemonHarness.csv(rows))

                // Strike while sending, just after a hand-over: the next is two seconds away,
                // so any file that turns up before the restart came after the signal.
                try await h.waitForOutbox(1)
                let pid = try await h.number("MainPID")
                let handedOver = try h.outboxFiles().count
                try await sandbox.waitUntil("the next hand-over", timeout: .seconds(30), interval: .milliseconds(10)) {
                    try h.outboxFiles().count > handedOver
                }
                let outboxAtSignal = try h.outboxFiles().map(\.name)
                let beforeKill = Monotonic.microseconds()
                let kill = try await sandbox.exec(["systemctl", "kill", "-s", signal, h.unit])
                // systemd 252 signals the main process first, then walks the cgroup for the rest;
                // a process that dies at once can show as pid 0 in that walk, which systemctl then
                // reports as EIO "to auxiliary processes" (remindd has none here).
                #expect(kill.status == 0 || kill.stderr.contains("Failed to send signal SIG\(signal) to auxiliary processes"),
                        "systemctl kill exited \(kill.status): \(kill.stderr)")
                let afterKill = Monotonic.microseconds()

                // RestartSec=5s: the old process is gone and the new one not started yet.
                try await sandbox.waitUntil("remindd (pid \(pid)) ended after SIG\(signal)", timeout: .seconds(3), interval: .milliseconds(20)) {
                    try await h.number("MainPID") != pid
                }
                #expect(try await sandbox.show(h.unit, "SubState") == "auto-restart")
                let exited = try await h.number("ExecMainExitTimestampMonotonic")
                #expect(exited >= beforeKill)
                #expect(exited <= afterKill + 1_000_000,
                        "remindd ended \(Double(Int64(exited) - Int64(afterKill)) / 1e6) s after `systemctl kill` returned")
                #expect(try await sandbox.show(h.unit, "ExecMainStatus") == "\(Self.number(of: signal))", "killed by the signal itself")
                #expect(try h.outboxFiles().map(\.name) == outboxAtSignal, "a message was handed over after the signal")
                // Ended between a batch member's own file and its `.left` line, the member is in
                // both until the restart's recovery logs it as left: its own file is its state.
                h.expectEachRowInExactlyOneState(rows, afterCrash: true)

                // Restarted once; what was left goes out once.
                try await sandbox.waitUntil("\(h.unit) restarted", timeout: .seconds(30), interval: .milliseconds(200)) {
                    try await h.number("NRestarts") == 1
                }
                try await h.waitUntilRunning()
                try await sandbox.waitUntil("every row sent or uncertain", timeout: .seconds(60), interval: .milliseconds(200)) {
                    let k = h.keysByState()
                    return k["sent", default: []].count + k["uncertain", default: []].count == rows.count
                }
                #expect(try await h.number("NRestarts") == 1)
                h.expectEachRowInExactlyOneState(rows)
                let recipients = try h.outboxRecipients()
                #expect(recipients.count == Set(recipients).count, "a number in the outbox twice")
                #expect(recipients.count == h.keysByState()["sent", default: []].count, "outbox and sent/ disagree")
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
            }
        }

        static func number(of signal: String) -> Int32 {
            ["ABRT": SIGABRT, "SEGV": SIGSEGV, "KILL": SIGKILL][signal] ?? -1
        }
    }
}

/// CLOCK_MONOTONIC, the clock of systemd's `…TimestampMonotonic` properties and of the
/// journal's `__MONOTONIC_TIMESTAMP` (the sandbox shares the host's kernel and clock).
enum Monotonic {
    static func microseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
