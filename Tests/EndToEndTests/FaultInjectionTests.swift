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

extension SandboxLane1 {
    /// Fault injection under the shipped unit (#15, tests): ENOSPC during delivery, from a
    /// 4 MB tmpfs over the spool (`TemporaryFileSystem=`, in the unit's own mount namespace;
    /// the test reaches it through `/proc/<pid>/root`) filled up with the space reserve
    /// taken away. Releases pause with "disk full" in STATUS= and one journal line, resume
    /// by themselves once space returns, and every message is handed over exactly once.
    @Suite struct DiskFullSandboxTests {
        @Test func releasesPausedByAFullDiskUnderTheUnitResumeByThemselves() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(
                    sandbox, stagger: "3s", extraDropIn: "TemporaryFileSystem=@ROOT@/spool:size=4m,mode=0700")
                defer { h.cleanUp() }
                try await h.start()
                let found = try await Sandbox.runOnHost(["pgrep", "-f", "remindd --config " + h.config])
                let pid = try #require(found.stdout.split(separator: "\n").first.map(String.init))
                let inside = "/proc/\(pid)/root" + h.spool
                #expect(FileManager.default.fileExists(atPath: inside + "/queued"))
                #expect(!FileManager.default.fileExists(atPath: h.spool + "/queued"), "the tmpfs is the unit's alone")

                let rows = (1...8).map { DaemonHarness.Row(id: "D-\($0)", first: "Pat", mobile: String(format: "0477 300 %03d", $0), at: DaemonHarness.dueNow) }
                try DaemonHarness.csv(rows).write(toFile: inside + "/inbox/.export.csv.part", atomically: false, encoding: .utf8)
                try FileManager.default.moveItem(atPath: inside + "/inbox/.export.csv.part", toPath: inside + "/inbox/export.csv")
                func outbox() -> [String] {
                    ((try? FileManager.default.contentsOfDirectory(atPath: inside + "/outbox")) ?? []).filter { $0.hasPrefix("remindd-") }
                }
                try await sandbox.waitUntil("two sent", timeout: .seconds(60)) { outbox().count >= 2 }

                // The disk filled, the reserve taken away and its space filled too.
                func fill(_ path: String) throws {
                    FileManager.default.createFile(atPath: path, contents: nil)
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                    let chunk = Data(count: 16 * 1024)
                    while (try? handle.write(contentsOf: chunk)) != nil {}
                    try? handle.close()
                }
                try fill(inside + "/filler")
                try? FileManager.default.removeItem(atPath: inside + "/state/reserve")
                try fill(inside + "/filler2")
                try await sandbox.waitUntil("STATUS= says disk full", timeout: .seconds(30), interval: .milliseconds(100)) {
                    try await h.status().contains("release paused: disk full")
                }
                let during = outbox().count
                #expect(during < rows.count, "nothing left to pause")

                try FileManager.default.removeItem(atPath: inside + "/filler2")
                try FileManager.default.removeItem(atPath: inside + "/filler")
                try await sandbox.waitUntil("all sent", timeout: .seconds(120)) { outbox().count == rows.count }
                try await sandbox.waitUntil("STATUS= clear again") { try await !h.status().contains("release paused") }
                let recipients = try outbox().map {
                    try String(contentsOfFile: inside + "/outbox/" + $0, encoding: .utf8).components(separatedBy: "\n")[0]
                }
                #expect(Set(recipients).count == rows.count, "each message handed over once")
                let journal = try await h.reminddJournal()
                let paused = journal.filter { ($0["MESSAGE"] ?? "").contains("releases pause") }
                #expect(paused.count == 1, "one journal line for the episode")
                #expect(paused.first?["REASON"] == "disk full")
                #expect(journal.contains { ($0["MESSAGE"] ?? "").contains("releases resumed") })
                #expect(try await sandbox.show(h.unit, "NRestarts") == "0")
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }
    }
}
