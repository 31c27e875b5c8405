import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// Every kind of input under the real systemd, each from its own `[[source]]`, and the
    /// inbox's hygiene: a slow writer, a symbolic link, a FIFO and an oversize file.
    @Suite struct KindsTests {
        static let sources = """

            [inbox]
            settle = "2s"
            max_size = 4000
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            date_format = "dd/MM/yyyy"
            [[source]]
            name = "patients"
            kind = "patient"
            pattern = "patients*.csv"
            reminders = [{ name = "birthday", at = "09:00" }]
            [[source]]
            name = "flu"
            kind = "broadcast"
            pattern = "flu*.csv"
            template = "flu-clinic"
            filter = { gender = "F" }
            [[source]]
            name = "notes"
            kind = "private"
            format = "jsonl"
            subdirectory = "private"

            """

        /// Writes a file into an inbox subdirectory as a careful exporter does: a dotfile, then a rename.
        static func drop(_ h: DaemonHarness, _ subdirectory: String, _ name: String, _ contents: String) throws {
            let directory = h.inbox + "/" + subdirectory
            try contents.write(toFile: directory + "/." + name + ".part", atomically: false, encoding: .utf8)
            try FileManager.default.moveItem(atPath: directory + "/." + name + ".part", toPath: directory + "/" + name)
        }

        @Test func everyKindFromItsSourceAndTheInboxRefusesWhatItMustNot() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                let handle = try #require(FileHandle(forWritingAtPath: h.config))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(Self.sources.utf8))
                try handle.close()
                try FileManager.default.createDirectory(atPath: h.inbox + "/recalls", withIntermediateDirectories: true)
                try await h.start()
                #expect(try await sandbox.show(h.unit, "ActiveState") == "active")

                // A recall overdue by two days goes at once; one due next month waits.
                let f = DateFormatter()
                f.locale = Locale(identifier: "en_US_POSIX")
                f.timeZone = DaemonHarness.timeZone
                f.dateFormat = "dd/MM/yyyy"
                try Self.drop(h, "recalls", "recalls.csv", """
                    Patient No,First Name,Surname,Mobile,Due Date,Reason
                    P-1,Ann,Lee,0412 345 678,\(f.string(from: Date().addingTimeInterval(-2 * 86400))),Check-up
                    P-2,Bob,Ng,0423 456 789,\(f.string(from: Date().addingTimeInterval(30 * 86400))),Hygiene

                    """)
                // A broadcast to the women of the list, at once.
                try h.drop("flu-2026.csv", "Patient ID,First Name,Mobile,Gender\nP-3,Cy,0434 567 890,F\nP-4,Dan,0445 678 901,M\n")
                // A private message, from a subdirectory made after the start.
                try FileManager.default.createDirectory(atPath: h.inbox + "/private", withIntermediateDirectories: true)
                try Self.drop(h, "private", "today.jsonl", "{\"id\": \"M-1\", \"phone\": \"0456 789 012\", \"text\": \"Your results are in, nothing to worry about.\"}\n")
                // A birthday list: greetings wait for their day.
                try h.drop("patients-2026.csv", "Patient ID,First Name,Mobile,DOB\nP-5,Eve,0467 890 123,1980-01-01\n")

                try await sandbox.waitUntil("three messages in the outbox", timeout: .seconds(90), interval: .milliseconds(200)) {
                    try h.outboxFiles().count >= 3
                }
                let texts = Dictionary(uniqueKeysWithValues: try h.outboxFiles().map {
                    ($0.text.components(separatedBy: "\n").first!, $0.text.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n"))
                })
                #expect(texts == [
                    "To: 61412345678": "Hi Ann, it's time for your check-up - please call Harbour Dental on 02 9999 0000 to book.",
                    "To: 61434567890": "Hi Cy, flu vaccines are now available at Harbour Dental. Call 02 9999 0000 to book.",
                    "To: 61456789012": "Your results are in, nothing to worry about.",
                ])
                try await sandbox.waitUntil("the recall and the birthday queued", timeout: .seconds(60)) { h.files(in: "queued").count == 2 }

                // Hygiene: a symbolic link and a FIFO are refused unread, an oversize file with its size.
                try "Patient ID,First Name,Mobile,Gender\n".write(toFile: h.root + "/outside.csv", atomically: false, encoding: .utf8)
                try FileManager.default.createSymbolicLink(atPath: h.inbox + "/flu-link.csv", withDestinationPath: h.root + "/outside.csv")
                #expect(mkfifo(h.inbox + "/flu-pipe.csv", 0o644) == 0)
                try h.drop("flu-big.csv", "Patient ID,First Name,Mobile,Gender\n" + String(repeating: "P-9,Flo,0478 901 234,F\n", count: 200))
                try await sandbox.waitUntil("three files refused", timeout: .seconds(60)) {
                    h.files(in: "rejected").filter { $0.hasSuffix(".reason") }.count == 3
                }
                let reasons = try h.files(in: "rejected").filter { $0.hasSuffix(".reason") }.map {
                    try String(contentsOfFile: h.spool + "/rejected/" + $0, encoding: .utf8)
                }.joined()
                #expect(reasons.contains("symbolic link") && reasons.contains("FIFO") && reasons.contains("over the limit of 4000"))
                #expect(FileManager.default.fileExists(atPath: h.root + "/outside.csv"))

                // A file written slowly in pieces, closed and reopened each time, is read once and whole.
                let slow = h.inbox + "/flu-slow.csv"
                try "Patient ID,First Name,Mobile,Gender\n".write(toFile: slow, atomically: false, encoding: .utf8)
                for (i, number) in ["0489 012 345", "0490 123 456", "0401 234 567"].enumerated() {
                    try await Task.sleep(for: .milliseconds(600))
                    let piece = try #require(FileHandle(forWritingAtPath: slow))
                    try piece.seekToEnd()
                    try piece.write(contentsOf: Data("S-\(i),Gia,\(number),F\n".utf8))
                    try piece.close()
                }
                try await sandbox.waitUntil("the slow file's three messages sent", timeout: .seconds(90), interval: .milliseconds(200)) {
                    try h.outboxFiles().count == 6
                }
                let journal = try await sandbox.journalJSON(h.unit).filter { $0["SYSLOG_IDENTIFIER"] == "remindd" }
                let ingested = journal.filter { $0["MESSAGE"] == "inbox file ingested" && $0["INBOX_FILE"] == "flu-slow.csv" }
                #expect(ingested.count == 1)
                #expect(ingested.first?["COUNT"] == "3")
                #expect(journal.contains { $0["MESSAGE"] == "inbox file ingested" && $0["INBOX_FILE"] == "recalls/recalls.csv" })
                #expect(journal.filter { $0["MESSAGE_ID"] == EventID.inputRejected.rawValue }.count == 3)
                for entry in journal {
                    for value in entry.values {
                        #expect(!value.contains("412345678") && !value.contains("nothing to worry"), "patient data in the journal: \(value)")
                    }
                }

                let ctl = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(ctl.status == 0, "\(ctl.stderr)")
                #expect(ctl.stdout.contains("rejected since start: 0 row(s), 3 file(s)"))
                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }
    }
}
