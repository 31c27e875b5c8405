import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// `remindctl optout` and `recipients.daily_limit` under the real systemd.
    @Suite struct OptOutTests {
        static let ann = "0412 345 678", bob = "0423 456 789"

        /// An appointment whose one-day reminder falls due at the first whole minute at least
        /// `seconds` from now: queued first, released soon after.
        static func dueIn(_ seconds: TimeInterval) -> Date {
            let base = Date().addingTimeInterval(86400 + seconds)
            return Date(timeIntervalSince1970: (base.timeIntervalSince1970 / 60).rounded(.up) * 60)
        }

        static func remindctl(_ h: DaemonHarness, _ args: [String]) async throws -> RemindctlTests.Output {
            try await RemindctlTests.remindctl(["optout"] + args + ["--config", h.config])
        }

        @Test func optingOutOverTheSocketWithdrawsAtOnceSurvivesARestartAndCanBeUndone() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                try await h.start()

                // Two numbers, due in 40 to 100 s (the export has whole minutes).
                let soon = Self.dueIn(40)
                try h.drop("later.csv", DaemonHarness.csv([
                    .init(id: "A-1", first: "Ann", mobile: Self.ann, at: soon),
                    .init(id: "A-2", first: "Ann", mobile: Self.ann, at: soon.addingTimeInterval(3600)),
                    .init(id: "B-1", first: "Bob", mobile: Self.bob, at: soon),
                ]))
                try await h.waitForFiles(3, in: "queued")

                let add = try await Self.remindctl(h, ["add", Self.ann, "--reason", "phoned the desk"])
                #expect(add.status == 0, "\(add.stderr)")
                #expect(add.stdout.contains("+614******78 put on the opt-out list"))
                #expect(add.stdout.contains("2 pending message(s) withdrawn"))
                #expect(h.files(in: "cancelled").count == 2, "withdrawn at once, not at release")
                #expect(h.files(in: "queued").count == 1)
                let cancelled = try await h.waitForJournal(.messageCancelled, count: 2)
                #expect(cancelled.allSatisfy { $0["REASON"] == "opted-out" && $0["RECIPIENT"] == "+614******78" })
                #expect(Set(cancelled.compactMap { $0["SPOOL_ID"] }) == Set(h.files(in: "cancelled")))

                // Bob's reminder still goes; Ann's never does.
                try await h.waitForOutbox(1, timeout: .seconds(180))
                try await h.waitForFiles(1, in: "sent")
                #expect(try h.outboxRecipients() == [DaemonHarness.e164(Self.bob)])

                // list: masked unless --full; the journal never has the number in full.
                let list = try await Self.remindctl(h, ["list"])
                #expect(list.status == 0, "\(list.stderr)")
                #expect(list.stdout.contains("+614******78") && list.stdout.contains("remindctl (phoned the desk)"))
                #expect(!list.stdout.contains("412345678"))
                #expect(try await Self.remindctl(h, ["list", "--full"]).stdout.contains("+61412345678"))

                // A bad number is refused with the normaliser's reason.
                let bad = try await Self.remindctl(h, ["add", "0412 ABC 678"])
                #expect(bad.status == 65)
                #expect(bad.stderr.contains("letters between its digits"))

                // After a restart the list is still there and still honoured at ingest.
                try await sandbox.run(["systemctl", "restart", h.unit])
                try await h.waitUntilRunning()
                let relisted = try await Self.remindctl(h, ["list", "--json", "--full"])
                #expect(relisted.status == 0, "\(relisted.stderr)")
                #expect(relisted.stdout.contains("\"number\":\"+61412345678\""))
                try h.drop("again.csv", DaemonHarness.csv([.init(id: "A-3", first: "Ann", mobile: Self.ann, at: DaemonHarness.dueNow)]))
                let rejected = try await h.waitForJournal(.rowRejected)
                #expect(rejected.first?["REASON"] == "opted out")
                #expect(rejected.first?["INBOX_FILE"] == "again.csv")
                #expect(h.files(in: "queued").isEmpty)

                // remove, and a new export for the number is queued and sent again.
                let remove = try await Self.remindctl(h, ["remove", "+61 412 345 678"])
                #expect(remove.status == 0, "\(remove.stderr)")
                #expect(remove.stdout.contains("+614******78 taken off the opt-out list"))
                try h.drop("back.csv", DaemonHarness.csv([.init(id: "A-4", first: "Ann", mobile: Self.ann, at: DaemonHarness.dueNow)]))
                try await h.waitForOutbox(2, timeout: .seconds(120))
                #expect(try h.outboxRecipients().sorted() == [DaemonHarness.e164(Self.ann), DaemonHarness.e164(Self.bob)].sorted())

                for entry in try await sandbox.journalJSON(h.unit) {
                    for value in entry.values {
                        #expect(!value.contains("412345678") && !value.contains("423456789"), "a full phone number in the journal: \(value)")
                    }
                }
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }

        @Test func withADailyLimitOfOneTheOtherTwoWaitForTomorrow() async throws {
            try await Sandbox.withSandbox { sandbox in
                // A three-day lead and appointments in two days: due now, and still due tomorrow.
                let h = try await DaemonHarness.make(sandbox, stagger: "0", lead: "3d")
                defer { h.cleanUp() }
                let config = try String(contentsOfFile: h.config, encoding: .utf8)
                try (config + "\n[recipients]\ndaily_limit = 1\n").write(toFile: h.config, atomically: true, encoding: .utf8)
                try await h.start()

                let inTwoDays = Date().addingTimeInterval(2 * 86400)
                try h.drop("family.csv", DaemonHarness.csv([
                    .init(id: "F-1", first: "Ann", mobile: Self.ann, at: inTwoDays),
                    .init(id: "F-2", first: "Ben", mobile: Self.ann, at: inTwoDays),
                    .init(id: "F-3", first: "Cat", mobile: Self.ann, at: inTwoDays),
                ]))
                try await h.waitForFiles(2, in: "deferred")
                try await h.waitForFiles(1, in: "sent")
                #expect(try h.outboxFiles().count == 1)
                #expect(h.files(in: "queued").isEmpty)

                let deferred = try await h.waitForJournal(.messageDeferred, count: 2)
                #expect(deferred.allSatisfy { $0["REASON"] == "daily limit" && $0["RECIPIENT"] == "+614******78" && $0["PRIORITY"] == syslogPriority(EventID.messageDeferred.defaultLevel) })
                #expect(Set(deferred.compactMap { $0["SPOOL_ID"] }) == Set(h.files(in: "deferred")))
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = DaemonHarness.timeZone
                let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: Date()))!
                let stamp = ISO8601DateFormatter().string(from: tomorrow)
                #expect(deferred.allSatisfy { $0["DUE"] == stamp }, "due \(deferred.map { $0["DUE"] ?? "-" }), expected \(stamp)")

                let status = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.contains("deferred   2"))
                #expect(try h.outboxFiles().count == 1, "still one: the other two wait")
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }
    }
}

/// `remindctl optout` with the daemon down: the list's file directly, no sandbox needed.
@Suite struct OptOutOfflineTests {
    func scratch() throws -> (dir: String, config: String) {
        let dir = try Sandbox.scratchDirectory("optout")
        try FileManager.default.createDirectory(atPath: dir + "/spool", withIntermediateDirectories: true)
        try """
            [practice]
            time_zone = "Australia/Sydney"
            region = "AU"
            [spool]
            root = "\(dir)/spool"
            [control]
            socket = "\(dir)/no-daemon.sock"
            """.write(toFile: dir + "/remindd.toml", atomically: true, encoding: .utf8)
        return (dir, dir + "/remindd.toml")
    }

    @Test func addListAndRemoveEditTheFileWhenTheDaemonIsDown() async throws {
        let (dir, config) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let add = try await RemindctlTests.remindctl(["optout", "add", "0412 345 678", "--reason", "letter", "--config", config])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("+614******78 put on the opt-out list"))
        #expect(add.stdout.contains("remindd is not running"))
        let file = try String(contentsOfFile: dir + "/spool/state/opt-out", encoding: .utf8)
        #expect(file.contains("add\t+61412345678\t") && file.contains("\tremindctl (letter)\n"))
        #expect(FileManager.default.fileExists(atPath: dir + "/spool/state/opt-out.lock"))

        let list = try await RemindctlTests.remindctl(["optout", "list", "--config", config])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("+614******78"))
        #expect(!list.stdout.contains("412345678"))
        #expect(list.stdout.contains("1 number(s) opted out"))
        let json = try await RemindctlTests.remindctl(["optout", "list", "--json", "--full", "--config", config])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["number"] as? String == "+61412345678")
        #expect(entries.first?["source"] as? String == "remindctl (letter)")

        let remove = try await RemindctlTests.remindctl(["optout", "remove", "+61412345678", "--config", config])
        #expect(remove.status == 0, "\(remove.stderr)")
        #expect(remove.stdout.contains("taken off the opt-out list"))
        let empty = try await RemindctlTests.remindctl(["optout", "list", "--config", config])
        #expect(empty.stdout.contains("0 number(s) opted out"))
    }

    @Test(arguments: [
        ("0412 ABC 678", "letters between its digits"), ("0412", "too short"), ("hello", "not a phone number"),
    ])
    func aBadNumberExits65WithTheReason(number: String, reason: String) async throws {
        let (dir, config) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await RemindctlTests.remindctl(["optout", "add", number, "--config", config])
        #expect(r.status == 65)
        #expect(r.stderr.contains("not a phone number for AU: "))
        #expect(r.stderr.contains(reason))
        #expect(!FileManager.default.fileExists(atPath: dir + "/spool/state/opt-out"))
    }

    @Test func aBadConfigurationExits78AndAnUnwritableListExits74() async throws {
        let (dir, config) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try await RemindctlTests.remindctl(["optout", "list", "--config", dir + "/missing.toml"]).status == 78)
        // A list that is not an opt-out list cannot be read.
        try FileManager.default.createDirectory(atPath: dir + "/spool/state", withIntermediateDirectories: true)
        try "garbage line\n".write(toFile: dir + "/spool/state/opt-out", atomically: true, encoding: .utf8)
        let list = try await RemindctlTests.remindctl(["optout", "list", "--config", config])
        #expect(list.status == 74)
        #expect(list.stderr.contains("opt-out:1"))
        #expect(try await RemindctlTests.remindctl(["optout", "add", "0412 345 678", "--config", config]).status == 74)
    }
}
