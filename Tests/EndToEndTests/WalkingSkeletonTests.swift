import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// The whole path under the real systemd: a CSV export in the inbox becomes staggered
    /// SMS files in the outbox, with READY, STATUS, the journal and a clean stop.
    @Suite struct WalkingSkeletonTests {
        @Test func csvExportBecomesStaggeredSMSUnderSystemd() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "2s")
                defer { h.cleanUp() }
                try await h.start()
                #expect(try await sandbox.show(h.unit, "ActiveState") == "active")
                #expect(try await h.status().contains("queued 0"))

                // Appointments a day and ~8 s away: with a one-day lead they fall due in ~8 s,
                // so they are visibly queued first. Minutes are the export's resolution, so pick
                // the next whole minute at least 8 s away.
                let base = Date().addingTimeInterval(86400 + 8)
                let start = Date(timeIntervalSince1970: (base.timeIntervalSince1970 / 60).rounded(.up) * 60)
                let (day, time) = DaemonHarness.dateAndTime(start)
                try h.drop("appointments.csv", """
                    AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\r
                    A-1,Ann,Lee,0412 345 678,\(day),\(time),Dr Patel,3,Scheduled\r
                    A-2,Bob,Smith,0423 456 789,\(day),\(time),Dr Patel,3,Confirmed\r
                    A-3,Cy,Ng,0434 567 890,\(day),\(time),Dr Jones,1,Scheduled\r

                    """)
                try await sandbox.waitUntil("StatusText reports 3 queued", timeout: .seconds(10)) {
                    try await h.status().hasPrefix("queued 3")
                }
                #expect(h.files(in: "queued").count == 3)
                #expect(h.files(in: "archive").count == 1)
                let ctl = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(ctl.status == 0, "\(ctl.stderr)")
                #expect(ctl.stdout.contains("remindd is running"))
                #expect(ctl.stdout.contains("queued 3"))

                try await sandbox.waitUntil("three messages in the outbox", timeout: .seconds(90), interval: .milliseconds(100)) {
                    try h.outboxFiles().count == 3
                }
                let files = try h.outboxFiles()
                // In order (same due time: ties go by id, i.e. by row), at least the stagger apart.
                #expect(files.map { $0.text.components(separatedBy: "\n").first! } == ["To: 61412345678", "To: 61423456789", "To: 61434567890"])
                for (a, b) in zip(files, files.dropFirst()) {
                    #expect(b.modified - a.modified >= 1.9, "releases \(b.modified - a.modified) s apart")
                }
                #expect(files[0].text.hasSuffix("\n\n" + DaemonHarness.exampleText(first: "Ann", at: start)))
                try await sandbox.waitUntil("all three recorded as sent", timeout: .seconds(10)) { h.files(in: "sent").count == 3 }

                // A second export far ahead stays queued across the stop.
                let later = DaemonHarness.dateAndTime(Date().addingTimeInterval(10 * 86400))
                try h.drop("later.csv", "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\nB-1,Dee,Ho,0456 789 012,\(later.0),\(later.1),Dr Patel,3,Scheduled\n")
                try await sandbox.waitUntil("the later export queued", timeout: .seconds(10)) { h.files(in: "queued").count == 1 }

                // The journal: structured fields, and no full phone number anywhere.
                let journal = try await sandbox.journalJSON(h.unit)
                let ours = journal.filter { $0["SYSLOG_IDENTIFIER"] == "remindd" }
                let sent = ours.filter { $0["MESSAGE_ID"] == EventID.messageSent.rawValue }
                #expect(sent.count == 3)
                #expect(sent.allSatisfy { ($0["SPOOL_ID"] ?? "").count == 16 && $0["PROVIDER"] == "outbox" && $0["RECIPIENT"]?.contains("*") == true })
                #expect(ours.contains { $0["MESSAGE"] == "inbox file ingested" && $0["INBOX_FILE"] == "appointments.csv" && $0["MESSAGE_ID"] != nil })
                for entry in journal {
                    for value in entry.values {
                        for number in ["412345678", "423456789", "434567890", "456789012"] {
                            #expect(!value.contains(number), "a full phone number in the journal: \(value)")
                        }
                    }
                }

                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "ActiveState") == "inactive")
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                #expect(try await sandbox.show(h.unit, "ExecMainStatus") == "0")
                #expect(h.files(in: "queued").count == 1, "what was queued is still in the spool")
                #expect(h.files(in: "active").isEmpty)
                let stopping = try await sandbox.journalJSON(h.unit).filter { $0["MESSAGE"]?.hasPrefix("remindd is stopping") == true }
                #expect(stopping.count == 1)
            }
        }

        @Test func aMalformedRowIsRejectedWithItsLineWhileTheGoodRowsGo() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                try await h.start()
                let soon = DaemonHarness.dateAndTime(Date().addingTimeInterval(86400 - 3600))
                try h.drop("mixed.csv", """
                    AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status
                    A-1,Ann,Lee,0412 345 678,\(soon.0),\(soon.1),Dr Patel,3,Scheduled
                    A-2,Bob,Smith,0423 456 789,31/02/2026,25:99,Dr Patel,3,Scheduled
                    A-3,Cy,Ng,0434 567 890,\(soon.0),\(soon.1),Dr Jones,1,Scheduled

                    """)
                try await sandbox.waitUntil("two messages in the outbox", timeout: .seconds(20)) { try h.outboxFiles().count == 2 }
                let recipients = Set(try h.outboxFiles().map { $0.text.components(separatedBy: "\n").first! })
                #expect(recipients == ["To: 61412345678", "To: 61434567890"])
                try await sandbox.waitUntil("the rejection in the journal", timeout: .seconds(10)) {
                    try await sandbox.journalJSON(h.unit).contains { $0["MESSAGE"] == "row rejected" }
                }
                let rejected = try await sandbox.journalJSON(h.unit).filter { $0["MESSAGE"] == "row rejected" }
                #expect(rejected.count == 1)
                #expect(rejected.first?["MESSAGE_ID"] == EventID.rowRejected.rawValue)
                #expect(rejected.first?["INBOX_FILE"] == "mixed.csv")
                #expect(rejected.first?["INBOX_LINE"] == "3")
                #expect(rejected.first?["PRIORITY"] == "4")
                #expect(rejected.first?["REASON"]?.isEmpty == false)
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }
    }
}
