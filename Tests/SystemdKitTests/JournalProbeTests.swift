import Foundation
import SandboxSupport
import Testing

/// SystemdKit against the real systemd and journald of a sandbox: `journal-probe` (built
/// by this package) runs as a `Type=notify` service; its journal entries, READY=1, STATUS=,
/// RELOADING=1, STOPPING=1, the watchdog interval and a credential are checked from the
/// outside with `systemctl show` and `journalctl -o json`.
@Suite struct JournalProbeTests {
    static let unit = "journal-probe.service"

    func unitFile(probe: String) -> String {
        """
        [Unit]
        Description=SystemdKit journal probe

        [Service]
        Type=notify
        ExecStart=\(probe)
        ExecReload=/bin/kill -HUP $MAINPID
        WatchdogSec=20s
        SetCredential=probe-secret:hunter2
        """
    }

    @Test func entriesNotificationsAndCredentialsReachTheRealSystemd() async throws {
        let probe = try Sandbox.product("journal-probe")
        try await Sandbox.withSandbox { sandbox in
            let unitDirectory = try Sandbox.scratchDirectory("probe-unit")
            defer { try? FileManager.default.removeItem(atPath: unitDirectory) }
            let unitPath = unitDirectory + "/" + Self.unit
            try unitFile(probe: probe).write(toFile: unitPath, atomically: true, encoding: .utf8)
            try await sandbox.install([unitPath])

            // Start: returns once READY=1 arrived (Type=notify).
            try await sandbox.run(["systemctl", "start", Self.unit])
            #expect(try await sandbox.show(Self.unit, "ActiveState") == "active")
            #expect(try await sandbox.show(Self.unit, "StatusText") == "probing: entries written")

            var entries: [[String: String]] = []
            try await sandbox.waitUntil("the probe's level entries in the journal") {
                entries = try await sandbox.journalJSON(Self.unit, ["SYSLOG_IDENTIFIER=journal-probe"])
                return entries.filter { $0["PROBE_LEVEL"] != nil }.count == 7
            }

            let started = try #require(entries.first { $0["MESSAGE"] == "probe started" })
            #expect(started["_TRANSPORT"] == "journal")
            #expect(started["PRIORITY"] == "6")
            #expect(started["MESSAGE_ID"] == "0f6e52b1a6f44b7fa3a1f0c2b4d5e6f7")
            #expect(started["SYSLOG_IDENTIFIER"] == "journal-probe")
            #expect(started["JOURNAL_PROBE_COMPONENT"] == "probe")
            #expect(started["SPOOL_ID"] == "00000000000ABCDE")
            #expect(started["INBOX_FILE"] == "export 2024.csv")
            #expect(started["X9LIVES"] == "cat")
            #expect(started["ODD_KEY_NAME"] == "dotted")
            #expect(started["X_MESSAGE"] == "collides")
            #expect(started["JOURNAL_TARGET"] == "journal")
            #expect(started["WATCHDOG_INTERVAL_US"] == "20000000")
            #expect(started["CREDENTIAL_LENGTH"] == "7")
            #expect(started["CODE_FILE"]?.hasSuffix("main.swift") == true)
            #expect(started["CODE_LINE"].flatMap(Int.init) != nil)
            #expect(started["CODE_FUNC"] != nil)

            let multiLine = try #require(entries.first { $0["MESSAGE_ID"] == "1a2b3c4d5e6f40718293a4b5c6d7e8f9" })
            #expect(multiLine["MESSAGE"] == "line one\nline two")
            #expect(multiLine["PRIORITY"] == "4")

            let priorities = Dictionary(
                entries.compactMap { entry in entry["PROBE_LEVEL"].map { ($0, entry["PRIORITY"] ?? "?") } },
                uniquingKeysWith: { first, _ in first })
            #expect(
                priorities == [
                    "trace": "7", "debug": "7", "info": "6", "notice": "5", "warning": "4", "error": "3",
                    "critical": "2",
                ])

            // Nothing of the credential's value reaches the journal.
            let everything = try await sandbox.run(["journalctl", "-o", "json", "--all", "--no-pager"])
            #expect(!everything.contains("hunter2"))

            // Reload: ExecReload sends SIGHUP; the probe answers RELOADING=1 … READY=1.
            try await sandbox.run(["systemctl", "reload", Self.unit])
            try await sandbox.waitUntil("the probe back to running after reload") {
                try await sandbox.show(Self.unit, "SubState") == "running"
            }
            #expect(try await sandbox.show(Self.unit, "StatusText") == "reloaded")
            #expect(try await sandbox.show(Self.unit, "ActiveState") == "active")

            // Stop: SIGTERM; the probe answers STOPPING=1 and exits 0.
            try await sandbox.run(["systemctl", "stop", Self.unit])
            #expect(try await sandbox.show(Self.unit, "Result") == "success")
            #expect(try await sandbox.show(Self.unit, "ExecMainStatus") == "0")
            #expect(try await sandbox.show(Self.unit, "NRestarts") == "0")
            var late: [[String: String]] = []
            try await sandbox.waitUntil("the reload and stop entries in the journal") {
                late = try await sandbox.journalJSON(matching: ["SYSLOG_IDENTIFIER=journal-probe"])
                return late.contains { $0["MESSAGE"] == "stopping" }
            }
            #expect(late.contains { $0["MESSAGE"] == "reloading" && $0["PRIORITY"] == "6" })
            #expect(late.contains { $0["MESSAGE"] == "stopping" && $0["PRIORITY"] == "5" })
        }
    }

    @Test func withoutAJournalTheProbeWritesSyslogPrefixedLinesToStderr() async throws {
        let probe = try Sandbox.product("journal-probe")
        // A JOURNAL_STREAM that does not name stderr must not fool `.auto`.
        let result = try await Sandbox.runOnHost(
            [probe, "--exit-after-ready"], environment: ["PATH": "/usr/bin:/bin", "JOURNAL_STREAM": "1:1"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("<6>probe started ") && $0.contains(#"inbox_file="export 2024.csv""#) })
        #expect(lines.contains { $0.hasPrefix("<6>probe started ") && $0.contains("journal_target=console") })
        #expect(lines.contains { $0.hasPrefix(#"<4>line one\nline two message_id="#) })
        #expect(lines.contains("<7>level probe probe_level=trace"))
        #expect(lines.contains("<2>level probe probe_level=critical"))
        #expect(lines.count == 9)
        #expect(!result.stderr.contains("hunter2"))
    }
}
