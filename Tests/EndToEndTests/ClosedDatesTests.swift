import Foundation
import RemindControl
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// `[schedule] closed_dates` under the real systemd: with today closed in a window open
    /// all week nothing goes out, STATUS= and the forecast point past the closure (and count
    /// the reminders whose appointments come first as expiring); a reload with a malformed
    /// holiday file is refused with the file and line in the journal; a reload that reopens
    /// today releases the queue.
    @Suite struct ClosedDatesTests {
        @Test func closedTodayHoldsEverythingUntilAReloadReopensIt() async throws {
            try await Sandbox.withSandbox { sandbox in
                var cal = Calendar(identifier: .gregorian)
                cal.timeZone = DaemonHarness.timeZone
                let now = Date()
                let today = cal.startOfDay(for: now)
                func day(_ offset: Int) -> Date { cal.date(byAdding: .day, value: offset, to: today)! }
                func iso(_ date: Date) -> String { DaemonHarness.dateAndTime(date).0 }
                // Yesterday to tomorrow (so a local midnight during the test changes nothing):
                // the next window opens at the start of the day after tomorrow, 24 to 48 hours away.
                let reopens = day(2)

                let h = try await DaemonHarness.make(sandbox, stagger: "1s", lead: "3d", drainWarning: "30d")
                defer { h.cleanUp() }
                let holidays = h.root + "/closed-dates"
                try "# test closure\n\(iso(day(-1)))..\(iso(day(1)))   # yesterday to tomorrow\n"
                    .write(toFile: holidays, atomically: true, encoding: .utf8)
                let config = try String(contentsOfFile: h.config, encoding: .utf8)
                try config.replacingOccurrences(of: "[schedule]\n", with: "[schedule]\nclosed_dates = \"\(holidays)\"\n")
                    .write(toFile: h.config, atomically: true, encoding: .utf8)
                try await h.start()

                // All four due now (a three-day lead): two appointments in 23 hours, before the
                // window reopens, and two in 60 hours, after it.
                try h.drop("four.csv", DaemonHarness.csv([
                    .init(id: "S-1", first: "Ann", mobile: "0411 000 001", at: now.addingTimeInterval(23 * 3600)),
                    .init(id: "S-2", first: "Bob", mobile: "0411 000 002", at: now.addingTimeInterval(23 * 3600)),
                    .init(id: "L-1", first: "Cy", mobile: "0411 000 003", at: now.addingTimeInterval(60 * 3600)),
                    .init(id: "L-2", first: "Di", mobile: "0411 000 004", at: now.addingTimeInterval(60 * 3600)),
                ]))
                try await sandbox.waitUntil("four queued", timeout: .seconds(60)) { try await h.status().hasPrefix("queued 4,") }

                let client = ControlClient(path: h.root + "/control.sock")
                let status = try #require(try await client.send(ControlRequest(.status)).status)
                #expect(status.nextRelease == reopens, "STATUS points past the closure: \(status.line)")
                let forecast = try #require(try await client.send(ControlRequest(.forecast)).forecast)
                #expect(forecast.queued == 4)
                #expect(forecast.windows.first?.start == reopens)
                #expect(forecast.windows.first?.planned == 2)
                #expect(forecast.expiring == 2, "the 23-hour appointments come before the window")

                // A malformed holiday file: the reload is refused, naming the file and the line.
                try "\(iso(day(-1)))\n\(iso(day(0))) closed\n".write(toFile: holidays, atomically: true, encoding: .utf8)
                try await sandbox.run(["systemctl", "reload", h.unit])
                let refused = try await h.waitForJournal(.reloadFailed, timeout: .seconds(60))
                let reason = refused.last?["REASON"] ?? ""
                #expect(reason.contains("schedule.closed_dates") && reason.contains("\(holidays) line 2"), "\(reason)")
                try await h.waitUntilRunning()
                // The old closure stays in force (the stagger is 1 s: anything released would show by now).
                try await Task.sleep(for: .seconds(3))
                #expect(try h.outboxFiles().isEmpty, "nothing released on a closed date")
                #expect(h.files(in: "queued").count == 4)

                // Only yesterday closed: today reopens and the queue goes out.
                try "\(iso(day(-1)))\n".write(toFile: holidays, atomically: true, encoding: .utf8)
                try await sandbox.run(["systemctl", "reload", h.unit])
                try await h.waitForOutbox(4, timeout: .seconds(90))
                #expect(Set(try h.outboxRecipients()) == Set(["0411 000 001", "0411 000 002", "0411 000 003", "0411 000 004"].map(DaemonHarness.e164)))
                try await sandbox.waitUntil("the reload cleared STATUS", timeout: .seconds(60)) {
                    try await !h.status().contains("reload failed")
                }
                try await sandbox.run(["systemctl", "stop", h.unit])
            }
        }
    }
}
