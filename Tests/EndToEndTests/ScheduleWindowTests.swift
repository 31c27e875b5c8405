import Foundation
import RemindControl
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// Release timing under the real systemd: a one-minute window opens and closes during the
    /// test; releases land within a second of their slots and never outside the window.
    @Suite struct ScheduleWindowTests {
        @Test func releasesFollowTheirSlotsInsideAWindowThatOpensAndCloses() async throws {
            try await Sandbox.withSandbox { sandbox in
                // The next whole minute at least 25 s away (the daemon must be up and the file ingested first).
                let tz = DaemonHarness.timeZone
                let opens = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + 25) / 60).rounded(.up) * 60)
                let closes = opens.addingTimeInterval(60)
                var cal = Calendar(identifier: .gregorian)
                cal.timeZone = tz
                func hm(_ d: Date) -> String { String(format: "%02d:%02d", cal.component(.hour, from: d), cal.component(.minute, from: d)) }
                let h = try await DaemonHarness.make(
                    sandbox, stagger: "10s", lead: "3d", windows: ["mon-sun \(hm(opens))-\(hm(closes))"], drainWarning: "1h")
                defer { h.cleanUp() }
                try await h.start()

                // Ten reminders, all due now (appointments 2.5 days away, a 3-day lead): at one every
                // 10 s, six fit in the minute; four wait for tomorrow's window.
                let start = DaemonHarness.dateAndTime(Date().addingTimeInterval(2.5 * 86400))
                var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
                for i in 0..<10 { csv += "A-\(i),Pat,Doe,0412 000 \(String(format: "%03d", i)),\(start.0),\(start.1),Dr Patel,3,Scheduled\n" }
                try h.drop("ten.csv", csv)
                // STATUS= counts what the scheduler holds (files appear in queued/ a moment before).
                try await sandbox.waitUntil("ten queued", timeout: .seconds(15)) { try await h.status().hasPrefix("queued 10,") }
                #expect(try h.outboxFiles().isEmpty, "nothing before the window opens")

                // The forecast sees six in this window, the rest in the same window tomorrow, and warns.
                let forecast = try await ControlClient(path: h.root + "/control.sock").send(ControlRequest(.forecast)).forecast
                #expect(forecast?.queued == 10)
                #expect(forecast?.windows.first?.start == opens)
                #expect(forecast?.windows.first?.planned == 6)
                #expect(forecast?.windows.dropFirst().first?.planned == 4)
                #expect(forecast?.expiring == 0)
                #expect(forecast?.exceedsLimit == true, "\(String(describing: forecast))")
                try await sandbox.waitUntil("the backlog warning in STATUS", timeout: .seconds(5)) { try await h.status().contains("backlog needs") }

                try await sandbox.waitUntil("the window closed", timeout: .seconds(200), interval: .milliseconds(500)) {
                    Date() > closes.addingTimeInterval(3)
                }
                let files = try h.outboxFiles()
                #expect(files.count == 6)
                for (i, f) in files.enumerated() {
                    let slot = opens.timeIntervalSince1970 + Double(i) * 10
                    // File times come from the kernel's coarse clock (one tick, a few ms, behind the
                    // real time), so a release exactly at its slot may carry a time a tick earlier.
                    #expect(f.modified >= slot - 0.010, "release \(i) before its slot")
                    #expect(f.modified < slot + 1.0, "release \(i) \(f.modified - slot) s after its slot")
                    #expect(f.modified < closes.timeIntervalSince1970, "release \(i) outside the window")
                }
                #expect(h.files(in: "queued").count == 4)
                let journal = try await sandbox.journalJSON(h.unit)
                #expect(journal.contains { $0["MESSAGE_ID"] == EventID.backlogWarning.rawValue && $0["PRIORITY"] == "4" })
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }
    }
}
