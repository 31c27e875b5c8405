import Foundation
import RemindCore
import RemindTesting
import SandboxSupport
import Testing

/// Building blocks the systemd scenarios share: export rows, waiting on the spool and the
/// outbox, reading remindd's own journal entries, and unit properties as numbers.
extension DaemonHarness {
    /// One row of a CSV appointment export.
    struct Row {
        var id: String
        var first: String
        /// A national mobile number such as `0411 111 111` (E.164 `61411111111`).
        var mobile: String
        var at: Date
        var status = "Scheduled"
    }

    /// An appointment whose one-day reminder is already due (it starts in 23 hours).
    static var dueNow: Date { Date().addingTimeInterval(86400 - 3600) }
    /// An appointment whose reminder is days away.
    static var later: Date { Date().addingTimeInterval(10 * 86400) }

    /// Writes a credential (0600) into `root/credentials/`, which a drop-in line
    /// `LoadCredential=remindd:@ROOT@/credentials` hands to the daemon at its next start.
    func writeCredential(_ name: String, _ value: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/credentials", withIntermediateDirectories: true)
        try value.write(toFile: root + "/credentials/" + name, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: root + "/credentials/" + name)
    }

    /// Appends `toml` (a `[provider]` table, say) to the configuration.
    func appendConfig(_ toml: String) throws {
        let config = try String(contentsOfFile: self.config, encoding: .utf8)
        try (config + "\n" + toml + "\n").write(toFile: self.config, atomically: true, encoding: .utf8)
    }

    /// A harness for a REST gateway run: its credential (`credential` = `value`, loaded
    /// by the drop-in's `LoadCredential=`) and a `[provider] type = "http"` table sending
    /// `{"to", "text"}` to `gateway`'s `/v1/sms`, its message id at `/messages/0/id`, with
    /// `extra` keys after those.
    static func rest(_ sandbox: Sandbox, gateway: TestRESTGateway, credential: String, _ value: String, extra: String) async throws -> DaemonHarness {
        let h = try await DaemonHarness.make(sandbox, stagger: "1s", extraDropIn: "LoadCredential=remindd:@ROOT@/credentials")
        try h.writeCredential(credential, value)
        try h.appendConfig(#"""
            [provider]
            type = "http"
            url = "\#(gateway.url)/v1/sms"
            body = '{"to": "{{to}}", "text": "{{text}}"}'
            message_id_pointer = "/messages/0/id"
            """# + "\n" + extra)
        return h
    }

    /// Ann (0412 345 678) and Bob (0412 345 679), due now, dropped as one CSV export named
    /// `name` with ids `PREFIX-1` and `PREFIX-2`; returns their appointment time.
    func dropAnnAndBob(_ name: String, idPrefix: String) throws -> Date {
        let start = DaemonHarness.dueNow
        try drop(name, DaemonHarness.csv([
            .init(id: "\(idPrefix)-1", first: "Ann", mobile: "0412 345 678", at: start),
            .init(id: "\(idPrefix)-2", first: "Bob", mobile: "0412 345 679", at: start),
        ]))
        return start
    }

    /// Waits for `condition`; on timeout records the unit's `systemctl status`, its journal
    /// and `detail()` (what the gateway saw) before throwing.
    func waitReporting(_ what: String, timeout: Duration, detail: () -> String = { "" }, _ condition: () throws -> Bool) async throws {
        do {
            try await waitFor(what, timeout: timeout, condition)
        } catch {
            let status = (try? await sandbox.run(["systemctl", "status", "--no-pager", "-n", "30", unit])) ?? "?"
            Issue.record("status: \(status)")
            let journal = try await sandbox.journalJSON(unit).map { "\($0["MESSAGE"] ?? "") \($0["REASON"] ?? "") \($0["ERROR"] ?? "")" }
            Issue.record("\(error); \(detail()); journal:\n\(journal.joined(separator: "\n"))")
            throw error
        }
    }

    static func csv(_ rows: [Row]) -> String {
        var text = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\r\n"
        for row in rows {
            let (day, time) = dateAndTime(row.at)
            text += "\(row.id),\(row.first),Test,\(row.mobile),\(day),\(time),Dr Patel,3,\(row.status)\r\n"
        }
        return text
    }

    /// The text the example appointment template renders for a row of ``csv(_:)``
    /// (Dr Patel, Harbour Dental, in the harness's time zone).
    static func exampleText(first: String, at start: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_AU")
        f.timeZone = timeZone
        f.dateFormat = "EEE d MMM"
        let date = f.string(from: start)
        f.dateFormat = "h:mm a"
        let hour = f.string(from: start)
        return "Hi \(first), this is a reminder of your appointment with Dr Patel on \(date) at \(hour). Call 02 9999 0000 to change it. Harbour Dental"
    }

    /// The E.164 digits the outbox writes for a national mobile number.
    static func e164(_ mobile: String) -> String { "61" + mobile.filter(\.isNumber).dropFirst() }

    /// The `To:` numbers of the outbox files, in hand-over order.
    func outboxRecipients() throws -> [String] {
        try outboxFiles().map { String($0.text.components(separatedBy: "\n")[0].dropFirst("To: ".count)) }
    }

    func waitForOutbox(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        try await sandbox.waitUntil("\(count) file(s) in the outbox of \(unit)", timeout: timeout, interval: .milliseconds(100)) {
            try outboxFiles().count >= count
        }
    }

    func waitForFiles(_ count: Int, in state: String, timeout: Duration = .seconds(60)) async throws {
        try await sandbox.waitUntil("\(count) file(s) in \(state)/ of \(unit)", timeout: timeout, interval: .milliseconds(100)) {
            files(in: state).count == count
        }
    }

    /// The appointment id of every message, by state (read with ``SpoolListing``, so a
    /// message both in its batch and in its own file counts twice, unless `afterCrash`
    /// says the daemon was killed and its own file wins); a message file without a
    /// readable `Key:` line is listed under `unreadable`, one that vanished mid-read (moved by
    /// a running daemon) is left out.
    func keysByState(afterCrash: Bool = false) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for state in SpoolListing.states {
            for (id, text) in SpoolListing.messages(root: spool, state: state, afterCrash: afterCrash) {
                // A running daemon may move the file between the listing and the read.
                if text == nil && !FileManager.default.fileExists(atPath: spool + "/" + state + "/" + id) { continue }
                guard let line = text?.split(separator: "\n").first(where: { $0.hasPrefix("Key: ") }),
                    case let parts = line.split(separator: "/"), parts.count == 3
                else {
                    out["unreadable", default: []].append(id)
                    continue
                }
                out[state, default: []].append(String(parts[1]))
            }
        }
        return out
    }

    /// Expects each row's appointment in exactly one message, in exactly one state, and no
    /// unreadable message file.
    func expectEachRowInExactlyOneState(_ rows: [Row], afterCrash: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        let byState = keysByState(afterCrash: afterCrash)
        #expect(byState["unreadable"] == nil, "unreadable spool files: \(byState["unreadable"] ?? [])", sourceLocation: sourceLocation)
        var seen: [String: Int] = [:]
        for (_, ids) in byState { for id in ids { seen[id, default: 0] += 1 } }
        #expect(Set(seen.keys) == Set(rows.map(\.id)), "rows lost or invented: \(byState)", sourceLocation: sourceLocation)
        #expect(seen.values.allSatisfy { $0 == 1 }, "a row in more than one state: \(byState)", sourceLocation: sourceLocation)
    }

    /// remindd's own entries in this unit's journal (not systemd's about the unit).
    func reminddJournal() async throws -> [[String: String]] {
        try await sandbox.journalJSON(unit).filter { $0["SYSLOG_IDENTIFIER"] == "remindd" }
    }

    /// remindd's journal entries with `event`'s MESSAGE_ID.
    func journal(_ event: EventID) async throws -> [[String: String]] {
        try await reminddJournal().filter { $0["MESSAGE_ID"] == event.rawValue }
    }

    /// Waits until the journal holds at least `count` entries of `event`; returns them.
    @discardableResult
    func waitForJournal(_ event: EventID, count: Int = 1, timeout: Duration = .seconds(30)) async throws -> [[String: String]] {
        var found: [[String: String]] = []
        try await sandbox.waitUntil("\(count) journal entries \(event) of \(unit)", timeout: timeout, interval: .milliseconds(200)) {
            found = try await journal(event)
            return found.count >= count
        }
        return found
    }

    /// A numeric unit property such as `NRestarts` or `ActiveEnterTimestampMonotonic`.
    func number(_ property: String, of unit: String? = nil) async throws -> UInt64 {
        let value = try await sandbox.show(unit ?? self.unit, property)
        guard let number = UInt64(value) else {
            throw SandboxError(code: .badOutput, message: "\(property) of \(unit ?? self.unit) is not a number: '\(value)'")
        }
        return number
    }

    /// Waits until the unit is active and running (after a start, restart or reload).
    func waitUntilRunning(timeout: Duration = .seconds(60)) async throws {
        try await sandbox.waitUntil("\(unit) active (running)", timeout: timeout, interval: .milliseconds(200)) {
            let active = try await sandbox.show(unit, "ActiveState")
            let sub = try await sandbox.show(unit, "SubState")
            return active == "active" && sub == "running"
        }
    }
}

/// The syslog priority of a level name as `EventID.defaultLevel` spells it.
func syslogPriority(_ level: String) -> String {
    ["emerg": "0", "alert": "1", "crit": "2", "err": "3", "warning": "4", "notice": "5", "info": "6", "debug": "7"][level] ?? "?"
}
