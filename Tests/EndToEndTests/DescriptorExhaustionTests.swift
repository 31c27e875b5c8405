import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// Fault injection under the shipped unit (#15, tests): EMFILE during delivery, from a
    /// `LimitNOFILE=` lowered to a few descriptors above what remindd holds when idle and
    /// idle control connections taking those few. Releases pause with the cause in STATUS=
    /// and one journal line, resume by themselves once the connections are dropped (the
    /// control socket's 10 s deadline), and every message ends in exactly one state, each
    /// handed over once.
    @Suite struct DescriptorExhaustionTests {
        @Test func releasesPausedByTooManyOpenFilesResumeByThemselves() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "3s")
                defer { h.cleanUp() }
                // What remindd holds when it has started and is idle.
                try await h.start()
                let idle = try await Self.descriptors(of: h)
                try await sandbox.run(["systemctl", "stop", h.unit])
                let limit = idle + 6
                try await sandbox.installDropIn(for: h.unit, name: "nofile.conf", contents: "[Service]\nLimitNOFILE=\(limit)\n")
                try await h.start()
                #expect(try await sandbox.show(h.unit, "LimitNOFILE") == "\(limit)")

                let rows = (1...12).map { DaemonHarness.Row(id: "E-\($0)", first: "Pat", mobile: String(format: "0455 100 %03d", $0), at: DaemonHarness.dueNow) }
                try h.drop("export.csv", DaemonHarness.csv(rows))
                try await h.waitForOutbox(2)

                // Take every free descriptor with idle control connections (the daemon
                // accepts until it has none left), while messages fall due every 3 s.
                var held: [Int32] = []
                defer { for fd in held { close(fd) } }
                for _ in 0..<20 {
                    let fd = ControlSocketLimitsTests.connect(h.root + "/control.sock")
                    if fd >= 0 { held.append(fd) }
                }
                do {
                    try await sandbox.waitUntil("STATUS= names too many open files", timeout: .seconds(30), interval: .milliseconds(100)) {
                        try await h.status().contains("release paused: too many open files")
                    }
                } catch {
                    let journal = try await h.reminddJournal().map { ($0["MESSAGE"] ?? "") + " " + ($0["ERROR"] ?? "") }
                    let outbox = try h.outboxFiles().count
                    let status = try await h.status()
                    Issue.record("\(error); held \(held.count) over \(idle) idle fds; outbox \(outbox); status \(status); journal: \(journal.suffix(15))")
                    throw error
                }
                for fd in held { close(fd) }
                held = []

                // Resumes by itself: every message sent, once.
                try await h.waitForOutbox(rows.count, timeout: .seconds(120))
                try await sandbox.waitUntil("STATUS= clear again") { try await !h.status().contains("release paused") }
                #expect(try h.outboxRecipients().count == rows.count)
                #expect(Set(try h.outboxRecipients()).count == rows.count, "each message handed over once")
                h.expectEachRowInExactlyOneState(rows)
                #expect(h.keysByState()["sent", default: []].count == rows.count)
                let paused = try await h.reminddJournal().filter { ($0["MESSAGE"] ?? "").contains("releases pause") }
                #expect(paused.count == 1, "one journal line for the episode")
                #expect(paused.first?["REASON"] == "too many open files")
                #expect(try await h.reminddJournal().contains { ($0["MESSAGE"] ?? "").contains("releases resumed") })
                #expect(try await sandbox.show(h.unit, "ActiveState") == "active")
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }

        /// How many descriptors the unit's main process has open (its host pid found by its
        /// config path, since the sandbox's MainPID is in its own PID namespace).
        static func descriptors(of h: DaemonHarness) async throws -> Int {
            let found = try await Sandbox.runOnHost(["pgrep", "-f", "remindd --config " + h.config])
            let pid = try #require(found.stdout.split(separator: "\n").first.map(String.init), "no remindd process: \(found.stderr)")
            // Wait until start-up has settled (threads and sockets made).
            try await Task.sleep(for: .seconds(1))
            return try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        }
    }
}
