import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// Two practices on one host: `remindd@a` and `remindd@b` from the template unit, each
    /// with its own config, spool and control socket (in its `$RUNTIME_DIRECTORY`, by default),
    /// neither seeing the other's files or messages.
    @Suite struct InstancesTests {
        @Test func twoInstancesRunSideBySideAndStayApart() async throws {
            try await Sandbox.withSandbox { sandbox in
                // The configs name no control socket: each instance must default to its own.
                let a = try await DaemonHarness.make(sandbox, unit: "remindd@a.service", stagger: "0", controlSocket: false)
                defer { a.cleanUp() }
                let b = try await DaemonHarness.make(sandbox, unit: "remindd@b.service", stagger: "0", controlSocket: false)
                defer { b.cleanUp() }
                try await a.start()
                try await b.start()

                try a.drop("a-export.csv", DaemonHarness.csv([
                    .init(id: "X-1", first: "Ann", mobile: "0455 000 001", at: DaemonHarness.dueNow),
                    .init(id: "X-2", first: "Bob", mobile: "0455 000 002", at: DaemonHarness.later),
                ]))
                // The same appointment id in the other practice is another appointment.
                try b.drop("b-export.csv", DaemonHarness.csv([
                    .init(id: "X-1", first: "Cy", mobile: "0466 000 001", at: DaemonHarness.dueNow),
                    .init(id: "X-2", first: "Dee", mobile: "0466 000 002", at: DaemonHarness.later),
                    .init(id: "X-3", first: "Eve", mobile: "0466 000 003", at: DaemonHarness.later),
                ]))
                try await a.waitForOutbox(1)
                try await b.waitForOutbox(1)
                try await a.waitForFiles(1, in: "queued")
                try await b.waitForFiles(2, in: "queued")
                #expect(try a.outboxRecipients() == ["61455000001"])
                #expect(try b.outboxRecipients() == ["61466000001"])
                #expect(Set(a.files(in: "queued")).isDisjoint(with: Set(b.files(in: "queued"))))

                // Each control socket is in the instance's runtime directory and answers for it alone.
                for (h, instance, queued) in [(a, "a", 1), (b, "b", 2)] {
                    try await sandbox.run(["test", "-S", "/run/remindd/\(instance)/control.sock"])
                    let ctl = try await sandbox.exec([
                        try Sandbox.product("remindctl"), "status", "--config", h.config, "--socket", "/run/remindd/\(instance)/control.sock",
                    ])
                    #expect(ctl.status == 0, "\(ctl.stderr)")
                    #expect(ctl.stdout.contains("remindd is running"))
                    #expect(ctl.stdout.contains("queued \(queued),"), "\(ctl.stdout)")
                    try await sandbox.waitUntil("STATUS= of \(h.unit) says queued \(queued)") {
                        try await sandbox.show(h.unit, "StatusText").hasPrefix("queued \(queued),")
                    }
                    #expect(try await sandbox.show(h.unit, "MainPID") == String(Self.pid(in: ctl.stdout) ?? -1))
                }
                #expect(!FileManager.default.fileExists(atPath: a.root + "/control.sock"))

                // Each journal tells of its own files only.
                let aFiles = Set(try await a.journal(.inputIngested).compactMap { $0["INBOX_FILE"] })
                let bFiles = Set(try await b.journal(.inputIngested).compactMap { $0["INBOX_FILE"] })
                #expect(aFiles == ["a-export.csv"])
                #expect(bFiles == ["b-export.csv"])

                // Stopping one leaves the other running.
                try await sandbox.run(["systemctl", "stop", a.unit])
                #expect(try await sandbox.show(a.unit, "Result") == "success")
                #expect(try await sandbox.show(b.unit, "ActiveState") == "active")
                try await sandbox.run(["systemctl", "stop", b.unit])
            }
        }

        /// The pid in remindctl's "remindd is running (pid N, …)" line.
        static func pid(in text: String) -> Int? {
            guard let range = text.range(of: "(pid ") else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
    }
}
