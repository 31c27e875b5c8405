import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// Start-up under the real systemd: READY=1 only once the spool is recovered (so units
    /// ordered after remindd wait for it), and EXTEND_TIMEOUT_USEC while recovery runs long.
    /// `REMINDD_TEST_SLOW_RECOVERY` (DEBUG builds) stands in for a huge spool.
    @Suite struct ReadinessTests {
        @Test func aUnitOrderedAfterReminddStartsOnlyOnceItIsReady() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, extraDropIn: "Environment=REMINDD_TEST_SLOW_RECOVERY=3")
                defer { h.cleanUp() }
                // The other unit records what systemd says about remindd the moment it runs.
                let record = h.root + "/after.txt"
                let after = h.root + "/remindd-after.service"
                try """
                    [Unit]
                    Description=Needs remindd ready
                    Wants=remindd.service
                    After=remindd.service
                    [Service]
                    Type=oneshot
                    RemainAfterExit=yes
                    ExecStart=/bin/sh -c 'systemctl show -p ActiveState --value remindd.service > \(record)'
                    """.write(toFile: after, atomically: true, encoding: .utf8)
                try await sandbox.install([after])

                // Starting only the other unit pulls remindd in; the start job returns once both ran.
                try await sandbox.run(["systemctl", "start", "remindd-after.service"], timeout: .seconds(120))
                #expect(try String(contentsOfFile: record, encoding: .utf8) == "active\n", "remindd was not yet active when the other unit ran")

                let mainStarted = try await h.number("ExecMainStartTimestampMonotonic")
                let ready = try await h.number("ActiveEnterTimestampMonotonic")
                let afterStarted = try await h.number("ExecMainStartTimestampMonotonic", of: "remindd-after.service")
                #expect(ready >= mainStarted + 3_000_000, "READY=1 came before the (slowed) recovery finished")
                #expect(afterStarted >= ready, "the other unit started before remindd's READY=1")

                // The journal agrees: the spool was recovered before the other unit started.
                let recovered = try await h.reminddJournal().filter { $0["MESSAGE"] == "spool recovered" }
                let at = try #require(recovered.first?["__MONOTONIC_TIMESTAMP"].flatMap { UInt64($0) })
                #expect(at < afterStarted)
                #expect(try await h.journal(.started).count == 1)
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }

        @Test func aLongRecoveryKeepsExtendingTheStartTimeout() async throws {
            try await Sandbox.withSandbox { sandbox in
                // Recovery takes 14 s: longer than TimeoutStartSec (4 s) and than one extension
                // (10 s), so only repeated EXTEND_TIMEOUT_USEC get the service up.
                let h = try await DaemonHarness.make(sandbox, extraDropIn: """
                    TimeoutStartSec=4s
                    Environment=REMINDD_TEST_SLOW_RECOVERY=14
                    """)
                defer { h.cleanUp() }
                try await h.start()
                #expect(try await sandbox.show(h.unit, "ActiveState") == "active")
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                #expect(try await h.number("NRestarts") == 0)
                let mainStarted = try await h.number("ExecMainStartTimestampMonotonic")
                let ready = try await h.number("ActiveEnterTimestampMonotonic")
                #expect(ready >= mainStarted + 14_000_000)
                #expect(try await h.status().hasPrefix("queued 0"))
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }
    }
}
