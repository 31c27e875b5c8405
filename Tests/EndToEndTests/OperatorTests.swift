import Foundation
import RemindControl
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// The operator's queue commands (`remindctl queue`, `show`, `hold`, `release`,
    /// `cancel`, `retry`) against remindd under the real systemd.
    @Suite struct OperatorTests {
        static let numbers = ["0412 345 678", "0423 456 789", "0434 567 890", "0411 111 111"]

        static func remindctl(_ h: DaemonHarness, _ args: [String]) async throws -> RemindctlTests.Output {
            try await RemindctlTests.remindctl(args + ["--config", h.config])
        }

        /// `remindctl queue --json` with these arguments, decoded.
        static func queue(_ h: DaemonHarness, _ args: [String] = []) async throws -> QueueReport {
            let out = try await remindctl(h, ["queue", "--json"] + args)
            #expect(out.status == 0, "\(out.stderr)")
            return try ControlCoding.decoder().decode(QueueReport.self, from: Data(out.stdout.utf8))
        }

        static func states(_ h: DaemonHarness) async throws -> [String: MessageState] {
            Dictionary(uniqueKeysWithValues: try await queue(h, ["--state", "all"]).items.map { ($0.appointmentID, $0.state) })
        }

        @Test func holdCancelRetryAndReleaseSteerTheQueueAndSurviveARestart() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                try await h.start()

                // Four reminders due in days: nothing leaves by itself.
                let later = DaemonHarness.later
                try h.drop("later.csv", DaemonHarness.csv(Self.numbers.enumerated().map { i, n in
                    .init(id: "A-\(i + 1)", first: "Pat", mobile: n, at: later.addingTimeInterval(Double(i) * 600))
                }))
                try await sandbox.waitUntil("4 messages queued", timeout: .seconds(60), interval: .milliseconds(200)) {
                    (try? await Self.queue(h).total) == 4
                }
                let listing = try await Self.remindctl(h, ["queue"])
                #expect(listing.status == 0, "\(listing.stderr)")
                #expect(listing.stdout.contains("+614******78") && listing.stdout.contains("practice/A-1"))
                #expect(listing.stdout.contains("-- 4 message(s): queued 4"))
                for n in Self.numbers { #expect(!listing.stdout.contains(DaemonHarness.e164(n).dropFirst(2))) }
                let ids = try await Self.queue(h).items.map { "\($0.id)" }
                #expect(ids.count == 4)
                let (a, b, c) = (ids[0], ids[1], ids[2])

                // hold A, cancel B, retry C: C goes out now, nothing else does.
                let hold = try await Self.remindctl(h, ["hold", a])
                #expect(hold.status == 0, "\(hold.stderr)")
                #expect(hold.stdout.contains("\(a): held (was queued)"))
                let cancel = try await Self.remindctl(h, ["cancel", b, "--reason", "rang to cancel"])
                #expect(cancel.status == 0, "\(cancel.stderr)")
                let retry = try await Self.remindctl(h, ["retry", c])
                #expect(retry.status == 0, "\(retry.stderr)")
                try await h.waitForOutbox(1, timeout: .seconds(120))
                #expect(try h.outboxRecipients() == [DaemonHarness.e164(Self.numbers[2])])

                // Refusals: a sent message cannot be held; a bad id is 65.
                try await sandbox.waitUntil("C sent", timeout: .seconds(60), interval: .milliseconds(200)) {
                    try await Self.states(h)["A-3"] == .sent
                }
                let refused = try await Self.remindctl(h, ["hold", c])
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("is sent: nothing to hold"))
                #expect(try await Self.remindctl(h, ["release", "0000000000000001"]).status == 65)
                #expect(try await Self.remindctl(h, ["release", "not-an-id"]).status == 65)

                // release A: back in the queue at its own time (days away), still not sent.
                let release = try await Self.remindctl(h, ["release", a])
                #expect(release.status == 0, "\(release.stderr)")
                #expect(release.stdout.contains("\(a): queued, due "))
                #expect(try await Self.states(h) == ["A-1": .queued, "A-2": .cancelled, "A-3": .sent, "A-4": .queued])

                // show: headers and history; the text only when asked.
                let show = try await Self.remindctl(h, ["show", b])
                #expect(show.status == 0, "\(show.stderr)")
                #expect(show.stdout.contains("State:       cancelled (operator: rang to cancel)"))
                #expect(show.stdout.contains("Text:        (not shown"))
                #expect(!show.stdout.contains("Hi Pat"))
                #expect(try await Self.remindctl(h, ["show", b, "--text"]).stdout.contains("Text:        Hi Pat"))

                // After a restart the states are as left, and the released one is still scheduled, not sent.
                try await sandbox.run(["systemctl", "restart", h.unit])
                try await h.waitUntilRunning()
                try await sandbox.waitUntil("the control socket answers", timeout: .seconds(60), interval: .milliseconds(200)) {
                    guard (try? await Self.remindctl(h, ["queue", "--json"]))?.status == 0 else { return false }
                    return !((try? await Self.remindctl(h, ["queue"]))?.stderr.contains("not running") ?? true)
                }
                #expect(try await Self.states(h) == ["A-1": .queued, "A-2": .cancelled, "A-3": .sent, "A-4": .queued])
                let held = try await Self.remindctl(h, ["show", a])
                #expect(held.stdout.contains("reason=operator release"))
                #expect(held.stdout.contains("user=root uid=0 gid=0 pid="), "\(held.stdout)")

                // The journal: one entry per change, masked numbers, never a full one or the operator's words.
                let heldLog = try await h.waitForJournal(.messageHeld)
                #expect(heldLog.map { $0["SPOOL_ID"] } == [a])
                #expect(heldLog.first?["RECIPIENT"] == "+614******78")
                // Who asked: the peer credentials of the remindctl process (root here), in the
                // journal and in the message's history.
                #expect(heldLog.first?["CALLER_UID"] == "0" && heldLog.first?["CALLER_USER"] == "root")
                // (remindctl runs outside the sandbox's PID namespace, where the kernel gives its pid as 0.)
                #expect(heldLog.first?["CALLER_PID"].flatMap(Int.init) != nil)
                let requeued = try await h.waitForJournal(.messageRequeued, count: 2)
                #expect(requeued.map { $0["SPOOL_ID"] ?? "" } == [c, a])
                #expect(requeued.map { $0["REASON"] ?? "" } == ["operator retry", "operator release"])
                let cancelled = try await h.waitForJournal(.messageCancelled)
                #expect(cancelled.first?["SPOOL_ID"] == b && cancelled.first?["REASON"] == "operator")
                #expect(cancelled.first?["RECIPIENT"] == "+614******89")
                for entry in try await sandbox.journalJSON(h.unit) {
                    for value in entry.values {
                        for n in Self.numbers { #expect(!value.contains(DaemonHarness.e164(n).dropFirst(2)), "a full number in the journal: \(value)") }
                        #expect(!value.contains("rang to cancel"))
                    }
                }

                // Stopped: queue and show read the spool; the changes need the daemon (69).
                try await sandbox.run(["systemctl", "stop", h.unit])
                let offline = try await Self.remindctl(h, ["queue", "--state", "all"])
                #expect(offline.status == 0, "\(offline.stderr)")
                #expect(offline.stderr.contains("remindd is not running"))
                #expect(offline.stdout.contains("-- 4 message(s): queued 2, sent 1, cancelled 1"))
                #expect(try await Self.remindctl(h, ["show", a]).status == 0)
                let down = try await Self.remindctl(h, ["hold", a])
                #expect(down.status == 69)
                #expect(down.stderr.contains("remindd is not running"))
            }
        }
    }
}

/// `remindctl queue` and `show` with the daemon down, on a spool written by hand: own
/// message files in their state directories and a batch file in `queued/` (no sandbox).
@Suite struct OperatorOfflineTests {
    static func message(_ id: String, key: String, recipient: String, due: String, events: [String]) -> String {
        """
        Id: \(id)
        Key: \(key)
        Kind: appointment
        Recipient: \(recipient)
        Due: \(due)
        Expires: 2026-12-02T00:00:00Z
        Appointment: 2026-12-02T00:00:00Z
        Source: a.csv:2
        Created: 2026-11-23T08:00:00Z
        Encoding: gsm7
        Segments: 1
        Text: Hi Ann, see you soon.

        """ + events.map { "Event: " + $0 + "\n" }.joined()
    }

    func scratch() throws -> (dir: String, config: String) {
        let dir = try Sandbox.scratchDirectory("operator")
        let spool = dir + "/spool"
        for state in MessageState.allCases { try FileManager.default.createDirectory(atPath: spool + "/" + state.rawValue, withIntermediateDirectories: true) }
        try """
            [practice]
            time_zone = "Australia/Sydney"
            [spool]
            root = "\(spool)"
            [control]
            socket = "\(dir)/no-daemon.sock"
            """.write(toFile: dir + "/remindd.toml", atomically: true, encoding: .utf8)
        // Own files: one held, one deferred (due at its retry time), one sent.
        try Self.message("032A9C4E1F200001", key: "pracsoft/A-1/24h", recipient: "+61412345678", due: "2026-12-01T00:00:00Z",
                         events: ["2026-11-23T08:00:00Z queued", "2026-11-23T09:00:00Z held reason=operator"])
            .write(toFile: spool + "/held/032A9C4E1F200001", atomically: true, encoding: .utf8)
        try Self.message("032A9C4E1F200002", key: "pracsoft/A-2/24h", recipient: "+61423456789", due: "2026-11-30T00:00:00Z",
                         events: ["2026-11-23T08:00:00Z queued", "2026-11-30T00:00:00Z active provider=outbox",
                                  "2026-11-30T00:00:01Z deferred retry=2026-11-30T06:00:00Z reason=gateway down"])
            .write(toFile: spool + "/deferred/032A9C4E1F200002", atomically: true, encoding: .utf8)
        try Self.message("032A9C4E1F200003", key: "exact/R-9/recall", recipient: "+61434567890", due: "2026-11-29T00:00:00Z",
                         events: ["2026-11-23T08:00:00Z queued", "2026-11-29T00:00:00Z active", "2026-11-29T00:00:01Z sent provider=outbox"])
            .write(toFile: spool + "/sent/032A9C4E1F200003", atomically: true, encoding: .utf8)
        // A batch of three: one left it (its own file is the held one above), one is logged as left
        // (pruned since), one is still queued in it.
        let batch = "Batch: 032A9C4E1F200001\nInput: a.csv\nCount: 3\n\n"
            + Self.message("032A9C4E1F200001", key: "pracsoft/A-1/24h", recipient: "+61412345678", due: "2026-12-01T00:00:00Z", events: ["2026-11-23T08:00:00Z queued"]) + "\n"
            + Self.message("032A9C4E1F200004", key: "pracsoft/A-4/24h", recipient: "+61411111111", due: "2026-11-28T00:00:00Z", events: ["2026-11-23T08:00:00Z queued"]) + "\n"
            + Self.message("032A9C4E1F200005", key: "pracsoft/A-5/24h", recipient: "+61422222222", due: "2026-11-27T00:00:00Z", events: ["2026-11-23T08:00:00Z queued"]) + "\n"
            + "End: 3\n"
        try batch.write(toFile: spool + "/queued/032A9C4E1F200001.batch", atomically: true, encoding: .utf8)
        try "032A9C4E1F200005\n".write(toFile: spool + "/queued/032A9C4E1F200001.left", atomically: true, encoding: .utf8)
        return (dir, dir + "/remindd.toml")
    }

    @Test func queueListsOwnFilesAndBatchMembersOldestDueFirstWithoutChangingAnything() async throws {
        let (dir, config) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = try FileManager.default.subpathsOfDirectory(atPath: dir + "/spool").sorted()

        let json = try await RemindctlTests.remindctl(["queue", "--json", "--config", config])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stderr.contains("remindd is not running"))
        let report = try ControlCoding.decoder().decode(QueueReport.self, from: Data(json.stdout.utf8))
        #expect(report.items.map(\.appointmentID) == ["A-4", "A-2", "A-1"], "queued (batch), deferred (at 06:00), held")
        #expect(report.items.map(\.state) == [.queued, .deferred, .held])
        #expect(report.items.map(\.recipient) == ["+614******11", "+614******89", "+614******78"])
        #expect(report.items[1].due == ISO8601DateFormatter().date(from: "2026-11-30T06:00:00Z"))
        #expect(report.items.map(\.reason) == [nil, "gateway down", "operator"])
        #expect(report.timeZone == "Australia/Sydney")

        let all = try await RemindctlTests.remindctl(["queue", "--state", "all", "--config", config])
        #expect(all.stdout.contains("-- 4 message(s): queued 1, held 1, deferred 1, sent 1; times in Australia/Sydney"))
        #expect(all.stdout.contains("2026-11-28 11:00"), "due in the practice's zone")
        #expect(!all.stdout.contains("412345678"))
        let filtered = try await RemindctlTests.remindctl(["queue", "--state", "all", "--source", "exact", "--config", config])
        #expect(filtered.stdout.contains("exact/R-9") && filtered.stdout.contains("-- 1 message(s): sent 1"))
        let limited = try await RemindctlTests.remindctl(["queue", "--limit", "1", "--due-before", "2026-12-31", "--config", config])
        #expect(limited.stdout.contains("-- 1 of 3 message(s) shown"))

        let show = try await RemindctlTests.remindctl(["show", "032a9c4e1f200002", "--config", config])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("State:       deferred (gateway down)"))
        #expect(show.stdout.contains("Recipient:   +614******89"))
        #expect(show.stdout.contains("Due:         2026-11-30 17:00 (Australia/Sydney)"))
        #expect(show.stdout.contains("deferred   retry=2026-11-30T06:00:00Z reason=gateway down"))
        #expect(!show.stdout.contains("Hi Ann"))
        let member = try await RemindctlTests.remindctl(["show", "032A9C4E1F200004", "--text", "--full", "--config", config])
        #expect(member.stdout.contains("Text:        Hi Ann, see you soon.") && member.stdout.contains("+61411111111"))

        #expect(try FileManager.default.subpathsOfDirectory(atPath: dir + "/spool").sorted() == before, "read-only")
    }

    @Test(arguments: [
        (["show", "032A9C4E1F200005"] as [String], Int32(65)),  // left its batch and gone
        (["show", "xyz"], 65),
        (["queue", "--state", "bogus"], 64),
        (["queue", "--due-before", "soonish"], 64),
        (["hold", "032A9C4E1F200001"], 69),
        (["release", "032A9C4E1F200001"], 69),
        (["cancel", "032A9C4E1F200001", "--reason", "x"], 69),
        (["retry", "032A9C4E1F200001", "--force"], 69),
    ] as [([String], Int32)])
    func exitStatuses(args: [String], status: Int32) async throws {
        let (dir, config) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try await RemindctlTests.remindctl(args + ["--config", config])
        #expect(out.status == status, "\(args): \(out.stdout) \(out.stderr)")
    }

    @Test func statsCountTheFinalMessagesOfTheLastDays() async throws {
        let (dir, config) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One more sent message, ended a minute ago, two segments.
        let f = ISO8601DateFormatter()
        let now = f.string(from: Date().addingTimeInterval(-60)), then = f.string(from: Date().addingTimeInterval(-120))
        try Self.message("032A9C4E1F200009", key: "exact/R-1/recall", recipient: "+61434567890", due: then,
                         events: ["\(then) queued", "\(now) active", "\(now) sent provider=outbox"])
            .replacingOccurrences(of: "Segments: 1", with: "Segments: 2").replacingOccurrences(of: "Kind: appointment", with: "Kind: recall")
            .write(toFile: dir + "/spool/sent/032A9C4E1F200009", atomically: true, encoding: .utf8)
        let out = try await RemindctlTests.remindctl(["stats", "--days", "2", "--json", "--config", config])
        #expect(out.status == 0, "\(out.stderr)")
        let report = try ControlCoding.decoder().decode(StatsReport.self, from: Data(out.stdout.utf8))
        let today = try #require(report.rows.first { $0.kind == .recall && $0.sent == 1 }, "\(out.stdout)")
        #expect(today.segments == 2)
        let text = try await RemindctlTests.remindctl(["stats", "--config", config])
        #expect(text.status == 0 && text.stdout.contains("-- 7 day(s) in Australia/Sydney: sent"))
    }

    @Test func aMissingConfigurationIs78() async throws {
        let out = try await RemindctlTests.remindctl(["queue", "--config", "/nonexistent/remindd.toml"])
        #expect(out.status == 78)
    }
}
