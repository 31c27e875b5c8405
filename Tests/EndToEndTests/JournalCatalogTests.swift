import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// The journal of a whole run under the real systemd, read as `journalctl -o json`: each
    /// event with its MESSAGE_ID, its documented fields and its priority
    /// (`EventID.defaultLevel`), and never a full phone number or a message's text. Then
    /// `journalctl -x` with remindd's catalog installed shows the explanation. The catalog
    /// is compiled into a scratch root in the sandbox's private /run (`--root`) and bound over
    /// /var/lib/systemd/catalog in a mount namespace of its own: the host's catalog database
    /// is never touched.
    @Suite struct JournalCatalogTests {
        static let mobiles = ["0477 100 001", "0477 100 002", "0477 100 003"]

        @Test func aRunsJournalCarriesTheDocumentedFieldsAndTheCatalogExplainsIt() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0", logLevel: "debug")
                defer { h.cleanUp() }
                try await h.start()

                // An export with a good row due now, a bad row (line 3) and a row for later.
                let lines = DaemonHarness.csv([
                    .init(id: "J-1", first: "Ann", mobile: Self.mobiles[0], at: DaemonHarness.dueNow),
                    .init(id: "J-3", first: "Cy", mobile: Self.mobiles[2], at: DaemonHarness.later),
                ]).components(separatedBy: "\r\n")
                let bad = "J-2,Bob,Test,\(Self.mobiles[1]),31/02/2026,25:99,Dr Patel,3,Scheduled"
                let export = [lines[0], lines[1], bad, lines[2], ""].joined(separator: "\r\n")
                try h.drop("export.csv", export)
                try await h.waitForFiles(1, in: "sent")
                try await h.waitForFiles(1, in: "queued")
                // A file that is not an appointment export at all.
                try h.drop("garbage.csv", "hello,world\r\n1,2\r\n")
                try await sandbox.waitUntil("garbage.csv in rejected/", timeout: .seconds(60)) {
                    h.files(in: "rejected").contains { $0.contains("garbage.csv") }
                }
                // The later appointment cancelled by a re-export.
                try h.drop("cancel.csv", DaemonHarness.csv([
                    .init(id: "J-3", first: "Cy", mobile: Self.mobiles[2], at: DaemonHarness.later, status: "Cancelled"),
                ]))
                try await h.waitForFiles(1, in: "cancelled")
                // A failed reload, then a good one.
                let goodConfig = try String(contentsOfFile: h.config, encoding: .utf8)
                try (goodConfig + "\n[nonsense]\n").write(toFile: h.config, atomically: true, encoding: .utf8)
                try await sandbox.run(["systemctl", "reload", h.unit])
                try await h.waitForJournal(.reloadFailed)
                try goodConfig.write(toFile: h.config, atomically: true, encoding: .utf8)
                try await sandbox.run(["systemctl", "reload", h.unit])
                try await h.waitForJournal(.reloaded)
                try await sandbox.run(["systemctl", "stop", h.unit])

                let all = try await sandbox.journalJSON(matching: ["SYSLOG_IDENTIFIER=remindd"])
                let events = all.filter { $0["MESSAGE_ID"] != nil }
                func only(_ event: EventID) -> [[String: String]] { events.filter { $0["MESSAGE_ID"] == event.rawValue } }

                // Every event at its documented priority, and each of these events present.
                for entry in events {
                    let event = try #require(EventID(rawValue: entry["MESSAGE_ID"]!), "unknown MESSAGE_ID \(entry["MESSAGE_ID"]!)")
                    #expect(entry["PRIORITY"] == syslogPriority(event.defaultLevel), "\(event) at priority \(entry["PRIORITY"] ?? "-")")
                }
                let expected: [EventID] = [
                    .started, .inputClaimed, .inputIngested, .messageQueued, .rowRejected, .messageReleased, .messageSent,
                    .inputRejected, .messageCancelled, .reloadFailed, .reloaded, .stopping,
                ]
                for event in expected { #expect(!only(event).isEmpty, "no \(event) entry") }

                // The documented fields.
                let sent = try #require(only(.messageSent).first)
                #expect(sent["SPOOL_ID"]?.count == 16)
                #expect(sent["PROVIDER"] == "outbox")
                #expect(sent["STATE"] == "sent")
                #expect(sent["RECIPIENT"]?.contains("*") == true)
                #expect(only(.messageReleased).first?["SPOOL_ID"] == sent["SPOOL_ID"])
                #expect(only(.messageQueued).allSatisfy { $0["SPOOL_ID"]?.count == 16 && $0["DUE"] != nil })
                let row = try #require(only(.rowRejected).first)
                #expect(row["INBOX_FILE"] == "export.csv")
                #expect(row["INBOX_LINE"] == "3")
                #expect(row["REASON"]?.isEmpty == false)
                let file = try #require(only(.inputRejected).first)
                #expect(file["INBOX_FILE"] == "garbage.csv")
                #expect(file["REASON"]?.isEmpty == false)
                let cancelled = try #require(only(.messageCancelled).first)
                #expect(cancelled["STATE"] == "cancelled")
                #expect(cancelled["REASON"] == "cancelled")
                #expect(cancelled["SPOOL_ID"]?.count == 16)
                #expect(Set(only(.inputIngested).compactMap { $0["INBOX_FILE"] }) == ["export.csv", "cancel.csv"])
                #expect(only(.reloadFailed).first?["REASON"]?.contains("nonsense") == true)

                // No full phone number and no message text, in remindd's entries or systemd's.
                let everything = try await sandbox.journalJSON(matching: [])
                for entry in everything {
                    for value in entry.values {
                        for mobile in Self.mobiles {
                            let national = String(mobile.filter(\.isNumber).dropFirst())
                            #expect(!value.contains(national), "a full phone number in the journal: \(value)")
                        }
                        #expect(!value.contains("this is a reminder"), "message text in the journal: \(value)")
                    }
                }

                // journalctl -x, with the catalog compiled into a scratch root in the sandbox's /run.
                let catalogRoot = "/run/catalog-root"
                try await sandbox.run(["mkdir", "-p", catalogRoot + "/usr/lib/systemd/catalog"])
                try await sandbox.run(["cp", Sandbox.repositoryRoot + "/systemd/remindd.catalog", catalogRoot + "/usr/lib/systemd/catalog/"])
                try await sandbox.run(["journalctl", "--root=" + catalogRoot, "--update-catalog"])
                try await sandbox.run(["test", "-s", catalogRoot + "/var/lib/systemd/catalog/database"])
                let explained = try await sandbox.run([
                    "unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                    "mount --bind \"$0\"/var/lib/systemd/catalog /var/lib/systemd/catalog && exec journalctl -x --no-pager -u \"$1\"",
                    catalogRoot, h.unit,
                ])
                #expect(explained.contains("Subject: remindd started and recovered its spool"))
                #expect(explained.contains("Subject: remindd could not reload its configuration"))
                #expect(explained.contains("Subject: The SMS gateway accepted a message"))
                // Without it (the host's catalog, untouched) there is no such explanation.
                let plain = try await sandbox.run(["journalctl", "-x", "--no-pager", "-u", h.unit])
                #expect(!plain.contains("Defined-By: remindd"))
                #expect(plain.contains("remindd started"))
            }
        }
    }
}
