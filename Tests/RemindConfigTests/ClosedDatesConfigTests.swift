import Foundation
import RemindAssembly
import RemindConfig
import RemindCore
import RemindSchedule
import Testing

/// `[schedule] closed_dates`: the holiday file is read with the configuration (at start
/// and on every reload), and its bad lines are problems of that key.
@Suite struct ClosedDatesConfigTests {
    /// A scratch directory with `remindd.toml` and a holiday file beside it.
    struct Scratch {
        let dir = NSTemporaryDirectory() + "remindd-closed-\(UUID().uuidString)"
        var config: String { dir + "/remindd.toml" }

        init(closedDates: String?, key: String = "closed-dates") throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try """
                [practice]
                time_zone = "Australia/Sydney"
                [schedule]
                windows = ["mon-fri 09:00-17:00"]
                closed_dates = "\(key)"
                """.write(toFile: config, atomically: true, encoding: .utf8)
            if let closedDates { try write(closedDates) }
        }

        func write(_ holidays: String) throws {
            try holidays.write(toFile: dir + "/closed-dates", atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test func aRelativePathIsReadBesideTheConfigAndReachesTheCalendar() throws {
        let s = try Scratch(closedDates: "2026-12-24..2026-12-27  # closure\n2027-01-26\n")
        defer { s.remove() }
        let c = try Configuration.load(path: s.config)
        #expect(c.schedule.closedDatesFile == s.dir + "/closed-dates")
        #expect(c.schedule.closedDates.count == 5)
        let calendar = c.deliveryCalendar
        #expect(calendar.closedDates == c.schedule.closedDates)
        #expect(calendar.timeZone.identifier == "Australia/Sydney")
        // Wednesday 23 December 17:00 Sydney: the next window is Monday 28 December's.
        let wednesday17 = Date(timeIntervalSince1970: 1_798_005_600)  // 2026-12-23T06:00:00Z
        #expect(calendar.nextOpening(atOrAfter: wednesday17) == Date(timeIntervalSince1970: 1_798_408_800))  // 2026-12-27T22:00:00Z
    }

    /// Each load reads the file afresh: what a reload does.
    @Test func aReloadSeesTheEditedFile() throws {
        let s = try Scratch(closedDates: "2026-12-25\n")
        defer { s.remove() }
        #expect(try Configuration.load(path: s.config).schedule.closedDates == [LocalDate(year: 2026, month: 12, day: 25)])
        try s.write("2026-12-25\n2026-12-28\n")
        #expect(try Configuration.load(path: s.config).schedule.closedDates.count == 2)
    }

    @Test func badLinesAreProblemsNamingTheHolidayFileAndLine() throws {
        let s = try Scratch(closedDates: "# closures\n2026-12-25\n2026-13-01\n\n25/12/2026\n")
        defer { s.remove() }
        do {
            _ = try Configuration.load(path: s.config)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.problems.map(\.key) == ["schedule.closed_dates", "schedule.closed_dates"])
            #expect(error.problems[0].reason == "\(s.dir)/closed-dates line 3: '2026-13-01' is not a calendar date")
            #expect(error.problems[1].reason.hasPrefix("\(s.dir)/closed-dates line 5: '25/12/2026'"))
            #expect(error.description.hasPrefix("\(s.config): schedule.closed_dates: \(s.dir)/closed-dates line 3:"))
        }
    }

    @Test func aMissingHolidayFileIsAProblem() throws {
        let s = try Scratch(closedDates: nil, key: "/nonexistent/closed-dates")
        defer { s.remove() }
        do {
            _ = try Configuration.load(path: s.config)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.description) == ["schedule.closed_dates: /nonexistent/closed-dates: no such file"])
        }
    }

    @Test func withoutTheKeyNothingIsClosed() throws {
        let c = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n", file: "/etc/remindd/remindd.toml")
        #expect(c.schedule.closedDatesFile == nil)
        #expect(c.schedule.closedDates.isEmpty)
        #expect(c.deliveryCalendar.closedDates.isEmpty)
    }

    /// The sample configuration names the sample holiday file beside it.
    @Test func theExampleConfigurationReadsTheExampleHolidayFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../spool.example/remindd.toml").standardizedFileURL.path
        let c = try Configuration.load(path: path)
        #expect(c.schedule.closedDatesFile?.hasSuffix("/spool.example/closed-dates") == true)
        #expect(c.schedule.closedDates.contains(LocalDate(year: 2026, month: 12, day: 25)))
    }
}
