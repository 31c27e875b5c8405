import Foundation
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// libdispatch sets the nice value of every worker thread it starts to match the thread's
    /// QoS (`setpriority`: 0 for the default QoS, -4 for its own event thread) and logs
    /// "Failed to set thread priority for worker thread … errno=N" to syslog when refused.
    /// Under the shipped unit (only the paths changed) a normal start, an ingest and a send
    /// log none of it: the system call filter allows `setpriority` (no errno=1, EPERM), and
    /// `LimitNICE=-4` lets the event thread take -4 (no errno=13, EACCES).
    @Suite struct ThreadPriorityTests {
        @Test func aNormalStartLogsNoThreadPriorityFailure() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                try await h.start()
                try h.drop("two.csv", DaemonHarness.csv([
                    .init(id: "T-1", first: "Ann", mobile: "0411 111 111", at: DaemonHarness.dueNow),
                    .init(id: "T-2", first: "Bob", mobile: "0411 111 112", at: DaemonHarness.dueNow),
                ]))
                try await h.waitForFiles(2, in: "sent")
                let pid = try await h.number("MainPID")
                let limits = try await sandbox.run(["cat", "/proc/\(pid)/limits"])
                let niceCeiling = try #require(
                    limits.split(separator: "\n").first { $0.hasPrefix("Max nice priority") }?
                        .split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) },
                    "no nice limit in \(limits)")
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))

                let entries = try await sandbox.journalJSON(h.unit)
                #expect(entries.contains { $0["MESSAGE"] == "remindd started" }, "the journal read is not remindd's")
                let failures = entries.compactMap { $0["MESSAGE"] }.filter { $0.contains("Failed to set thread priority") }
                #expect(!failures.contains { $0.hasSuffix("errno=1") }, "setpriority refused by the system call filter: \(failures)")
                #expect(try await sandbox.show(h.unit, "LimitNICE") == "24", "the unit's LimitNICE=-4")
                if niceCeiling >= 24 {
                    #expect(failures.isEmpty, "\(failures)")
                } else {
                    // systemd could not raise RLIMIT_NICE: only a PID 1 without CAP_SYS_RESOURCE
                    // (a host that withholds it, as some VMs do) fails to. Then libdispatch's event
                    // thread, and only it, is refused -4: one errno=13 line per process.
                    let status = try await sandbox.run(["grep", "^CapBnd:", "/proc/1/status"])
                    let bounding = try #require(status.split(separator: "\t").last.flatMap {
                        UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
                    })
                    #expect(bounding & (1 << 24) == 0, "LimitNICE=-4 not applied (ceiling \(niceCeiling)) although systemd may raise it")
                    #expect(failures.count <= 1 && failures.allSatisfy { $0.hasSuffix("errno=13") }, "\(failures)")
                }
            }
        }
    }
}
