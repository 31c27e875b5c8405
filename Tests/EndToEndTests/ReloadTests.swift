import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// `systemctl reload` under the real systemd: a bad template, a bad config and a changed
    /// spool root are refused (logged at `err` with MESSAGE_ID reloadFailed, STATUS= says so,
    /// the service stays active and keeps rendering with the old templates); a good reload
    /// sends RELOADING=1 then READY=1 and the next file is rendered with the new templates.
    @Suite struct ReloadTests {
        static let oldText = "this is a reminder of your appointment"
        static let newTemplate = "Reminder for {{first_name}}: {{date}} at {{time}}. {{practice_name}}"

        @Test func badReloadsKeepTheOldConfigurationAndAGoodOneSwapsItIn() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                // A unit that records every reload systemd propagates from remindd's. A SIGHUP sent
                // directly (not through `systemctl reload`) reaches it only through remindd's own
                // RELOADING=1.
                let witnessLog = h.root + "/witness.log"
                let witness = h.root + "/reload-witness.service"
                try """
                    [Unit]
                    ReloadPropagatedFrom=remindd.service
                    [Service]
                    Type=oneshot
                    RemainAfterExit=yes
                    ExecStart=/bin/true
                    ExecReload=/bin/sh -c 'echo reload >> \(witnessLog)'
                    """.write(toFile: witness, atomically: true, encoding: .utf8)
                try await sandbox.install([witness])
                try await h.start()
                try await sandbox.run(["systemctl", "start", "reload-witness.service"])
                let goodConfig = try String(contentsOfFile: h.config, encoding: .utf8)
                let template = h.root + "/templates/appointment.mustache"
                let goodTemplate = try String(contentsOfFile: template, encoding: .utf8)
                var sent = 0

                func reload(expectingFailures failures: Int) async throws -> [String: String] {
                    try await sandbox.run(["systemctl", "reload", h.unit])
                    let entries = try await h.waitForJournal(.reloadFailed, count: failures)
                    try await h.waitUntilRunning()
                    #expect(try await sandbox.show(h.unit, "ActiveState") == "active")
                    try await sandbox.waitUntil("STATUS= names the failed reload") {
                        try await h.status().contains("reload failed, previous configuration in force")
                    }
                    return entries[failures - 1]
                }

                func sendOne(_ id: String, _ first: String, _ mobile: String) async throws -> String {
                    try h.drop("\(id).csv", DaemonHarness.csv([.init(id: id, first: first, mobile: mobile, at: DaemonHarness.dueNow)]))
                    sent += 1
                    try await h.waitForOutbox(sent)
                    let file = try #require(try h.outboxFiles().first { $0.text.hasPrefix("To: \(DaemonHarness.e164(mobile))\n") })
                    return file.text
                }

                // 1. A template with an unknown element.
                try "Hi {{frist_name}}, see you soon".write(toFile: template, atomically: true, encoding: .utf8)
                let badTemplate = try await reload(expectingFailures: 1)
                #expect(badTemplate["PRIORITY"] == "3")
                #expect(badTemplate["REASON"]?.contains("frist_name") == true, "\(badTemplate["REASON"] ?? "")")
                #expect(badTemplate["MESSAGE"] == "reload failed; the previous configuration stays in force")
                #expect(try await sendOne("R-1", "Ann", "0411 000 001").contains("Hi Ann, \(Self.oldText)"))

                // 2. A configuration with an unknown key (the templates are fine again).
                try goodTemplate.write(toFile: template, atomically: true, encoding: .utf8)
                try (goodConfig + "\n[delivery]\nspeed = \"fast\"\n").write(toFile: h.config, atomically: true, encoding: .utf8)
                let badConfig = try await reload(expectingFailures: 2)
                #expect(badConfig["PRIORITY"] == "3")
                #expect(badConfig["REASON"]?.contains("delivery") == true, "\(badConfig["REASON"] ?? "")")

                // 3. A valid configuration that moves the spool, with new templates: refused whole.
                try Self.newTemplate.write(toFile: template, atomically: true, encoding: .utf8)
                try goodConfig.replacingOccurrences(of: "root = \"\(h.spool)\"", with: "root = \"\(h.root)/elsewhere\"")
                    .write(toFile: h.config, atomically: true, encoding: .utf8)
                let moved = try await reload(expectingFailures: 3)
                #expect(moved["PRIORITY"] == "3")
                #expect(moved["REASON"]?.contains("spool.root") == true)
                #expect(moved["REASON"]?.contains("restart") == true)
                #expect(moved["MESSAGE"] == "reload refused; the previous configuration stays in force")
                #expect(try await sendOne("R-2", "Bob", "0411 000 002").contains("Hi Bob, \(Self.oldText)"))
                #expect(!FileManager.default.fileExists(atPath: h.root + "/elsewhere"))

                // 4. The good configuration with the new template, by a plain SIGHUP: RELOADING=1
                //    (the witness hears of it) and READY=1 (the unit leaves the reload state).
                try goodConfig.write(toFile: h.config, atomically: true, encoding: .utf8)
                let witnessed = (try? String(contentsOfFile: witnessLog, encoding: .utf8))?.split(separator: "\n").count ?? 0
                try await sandbox.run(["systemctl", "kill", "--kill-who=main", "--signal=SIGHUP", h.unit])
                try await sandbox.waitUntil("RELOADING=1 propagated to the witness", timeout: .seconds(30)) {
                    ((try? String(contentsOfFile: witnessLog, encoding: .utf8))?.split(separator: "\n").count ?? 0) > witnessed
                }
                let reloaded = try await h.waitForJournal(.reloaded)
                #expect(reloaded.count == 1)
                #expect(reloaded.first?["PRIORITY"] == "6")
                try await h.waitUntilRunning(timeout: .seconds(30))
                try await sandbox.waitUntil("STATUS= back to normal") {
                    let status = try await h.status()
                    return status.hasPrefix("queued 0") && !status.contains("reload failed")
                }
                let text = try await sendOne("R-3", "Cy", "0411 000 003")
                #expect(text.contains("\n\nReminder for Cy: "), "\(text)")
                #expect(text.hasSuffix(". Harbour Dental"))
                #expect(try await h.journal(.reloadFailed).count == 3)
                #expect(try await sandbox.show(h.unit, "NRestarts") == "0")
                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }
    }
}
