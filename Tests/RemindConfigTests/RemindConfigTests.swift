import Foundation
import RemindAssembly
import RemindConfig
import RemindCore
import RemindInbox
import RemindSchedule
import RemindRecipients
import RemindSpool
import RemindText
import Testing

@Suite struct ConfigurationTests {
    let minimal = """
        [practice]
        name = "Harbour Dental"
        time_zone = "Australia/Sydney"
        """

    @Test func minimalFileGetsDefaults() throws {
        let c = try Configuration.parse(minimal, file: "/etc/remindd/remindd.toml")
        #expect(c.practice.timeZone.identifier == "Australia/Sydney")
        #expect(c.spool.root == "/var/spool/remindd")
        #expect(c.inboxDirectory == "/var/spool/remindd/inbox")
        #expect(c.provider == .outbox(directory: "/var/spool/remindd/outbox"))
        #expect(c.schedule.lead == .seconds(86400))
        #expect(c.schedule.windows.count == 5)
    }

    @Test func fullFile() throws {
        let c = try Configuration.parse("""
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "Europe/London"
            region = "GB"
            [spool]
            root = "spool"
            [input]
            source = "pracsoft"
            date_format = "dd/MM/yyyy"
            delimiter = ";"
            columns = { id = "Appt No", phone = "Mobile Phone" }
            [templates]
            directory = "templates"
            max_length = 133
            [schedule]
            lead = "1d12h"
            stagger = "2s"
            windows = ["mon-fri 09:00-17:00", "sat 09:00-12:30", "sun 00:00-24:00"]
            [provider]
            type = "outbox"
            directory = "/srv/sms/outgoing"
            """, file: "/etc/remindd/remindd.toml")
        #expect(c.spool.root == "/etc/remindd/spool")
        #expect(c.text.directory == "/etc/remindd/templates")
        #expect(c.text.settings.maxLength == 133)
        #expect(c.schedule.lead == .seconds(129_600))
        #expect(c.schedule.stagger == .seconds(2))
        #expect(c.schedule.windows.count == 7)
        #expect(c.schedule.windows.last == DeliveryWindow(weekday: 7, startMinute: 0, endMinute: 1440))
        #expect(c.input.columns["id"] == "Appt No")
        #expect(c.provider == .outbox(directory: "/srv/sms/outgoing"))
        #expect(c.practice.region == "GB")
    }

    /// `[templates]` is read onto the text room's own values, `TextSettings` and
    /// `DateFormats`: the CMS's defaults, with the file's keys over them (no copy between).
    @Test func theTemplatesSectionIsReadOntoTheTextRoomsValues() throws {
        let c = try Configuration.parse(minimal + """

            [templates]
            max_segments = 2
            transliterate = false
            field_limits = { doctor = 30, insurer = 12 }
            time_format = "HH:mm"
            """, file: "/etc/remindd/remindd.toml")
        var expected = TextSettings()
        expected.maxSegments = 2
        expected.transliterate = false
        expected.fieldLimits["doctor"] = 30
        expected.fieldLimits["insurer"] = 12
        #expect(c.text.settings == expected)
        #expect(c.text.settings.limit(for: "first_name") == 25, "the CMS's default stays for the elements the file leaves")
        #expect(c.text.dateFormats == DateFormats(time: "HH:mm"))
        #expect(try Configuration.parse(minimal, file: "x.toml").text.settings == TextSettings())
    }

    /// `spool.interrupted` is read onto the spool's own `InterruptedPolicy`; anything else names the key.
    @Test func theInterruptedPolicyIsTheSpoolsOwnValue() throws {
        #expect(try Configuration.parse(minimal, file: "x.toml").spool.interrupted == .hold)
        #expect(try Configuration.parse(minimal + "\n[spool]\ninterrupted = \"resend\"\n", file: "x.toml").spool.interrupted == .resend)
        #expect(throws: ConfigError.self) { try Configuration.parse(minimal + "\n[spool]\ninterrupted = \"retry\"\n", file: "x.toml") }
        do {
            _ = try Configuration.parse(minimal + "\n[spool]\ninterrupted = \"retry\"\n", file: "x.toml")
        } catch {
            #expect(error.problems.map(\.key) == ["spool.interrupted"])
        }
    }

    @Test func recipientsDefaultToMobilesOfAustralia() throws {
        let c = try Configuration.parse(minimal, file: "/etc/remindd/remindd.toml")
        #expect(c.practice.region == "AU")
        #expect(c.recipients.fields.names == ["phone", "home phone", "work phone"])
        #expect(c.recipients.types == [.mobile, .fixedLineOrMobile])
        #expect(c.recipients.optOutKeywords.words == ["STOP", "STOPALL", "UNSUBSCRIBE"])
        let normalizer = c.phoneNormalizer
        #expect(try normalizer.normalize("0412 345 678").get().e164 == "+61412345678")
    }

    @Test func theRecipientsSection() throws {
        let c = try Configuration.parse(minimal + """

            region = "NZ"
            [recipients]
            fields = ["Mobile", "Home"]
            types = ["mobile", "fixed_line"]
            opt_out_keywords = ["STOP", "KATI"]
            """, file: "/etc/remindd/remindd.toml")
        #expect(c.practice.region == "NZ")
        #expect(c.recipients.fields.names == ["Mobile", "Home"])
        #expect(c.recipients.types == [.mobile, .fixedLine])
        #expect(c.recipients.optOutKeywords.words == ["STOP", "KATI"])
        #expect(try c.phoneNormalizer.normalize("09 379 4567").get().e164 == "+6493794567")
    }

    @Test(arguments: [
        ("region = \"UK\"", "practice.region", "the United Kingdom is GB"),
        ("region = \"au\"", "practice.region", "write it in upper case: AU"),
        ("region = \"ZZ\"", "practice.region", "not a region libphonenumber knows"),
        ("[recipients]\ntypes = [\"mobile\", \"cellphone\"]", "recipients.types[1]", "'cellphone' is not a number type"),
        ("[recipients]\ntypes = []", "recipients.types", "at least one type"),
        ("[recipients]\nfields = []", "recipients.fields", "at least one column"),
        ("[recipients]\nopt_out_keywords = [\"!!\"]", "recipients.opt_out_keywords", "a letter or digit"),
        ("[recipients]\ndaily = 3", "recipients.daily", "unknown key"),
        ("country_code = \"61\"", "practice.country_code", "unknown key"),
        ("[control]\nsocket = \"/run/remindd/\(String(repeating: "x", count: 100))/control.sock\"", "control.socket", "holds at most 107"),
    ])
    func badRecipientSettings(line: String, key: String, reason: String) {
        do {
            _ = try Configuration.parse(minimal + "\n" + line + "\n", file: "/etc/remindd/remindd.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.key) == [key])
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func aControlSocketOf107BytesIsAccepted() throws {
        let socket = "/run/" + String(repeating: "x", count: 107 - "/run/".count)
        let c = try Configuration.parse(minimal + "\n[control]\nsocket = \"\(socket)\"\n", file: "/etc/remindd/remindd.toml")
        #expect(c.control.socket == socket)
    }

    @Test func everyProblemNamesItsKey() {
        let text = """
            [practice]
            time_zone = "Mars/Olympus"
            [schedule]
            stager = "2m"
            lead = "2x"
            windows = ["mon-fri 17:00-09:00", "funday 09:00-10:00"]
            [templates]
            max_length = 0
            [provider]
            type = "carrier-pigeon"
            """
        do {
            _ = try Configuration.parse(text, file: "/etc/remindd/remindd.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalid)
            let keys = Set(error.problems.map(\.key))
            #expect(keys == ["practice.time_zone", "schedule.stager", "schedule.lead", "schedule.windows[0]", "schedule.windows[1]", "templates.max_length", "provider.type"])
            #expect(error.description.contains("/etc/remindd/remindd.toml: schedule.stager: unknown key"))
            #expect(error.description.contains("schedule.lead: '2x' is not a duration"))
        }
    }

    @Test func staggerAsARate() throws {
        let c = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[schedule]\nstagger = \"6/min\"\n", file: "x.toml")
        #expect(c.schedule.stagger == .seconds(10))
        let h = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[schedule]\nstagger = \"120/h\"\n", file: "x.toml")
        #expect(h.schedule.stagger == .seconds(30))
        #expect(throws: ConfigError.self) { try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[schedule]\nstagger = \"6/fortnight\"\n", file: "x.toml") }
    }

    @Test func statusWordsMapToRemindds() throws {
        let c = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[input]\nstatus_map = { \"Out of Reach\" = \"unreachable\", DNA = \"noshow\" }\n", file: "x.toml")
        #expect(c.input.statusMap == ["Out of Reach": "unreachable", "DNA": "noshow"])
        let csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Status\nA-1,Ann,Lee,0412345678,2026-12-01,10:00,Out of Reach\n"
        let parsed = try c.appointmentParser().parse(Array(csv.utf8), file: "a.csv")
        #expect(parsed.records.first?.appointment.status == "unreachable")
    }

    @Test func senderIsCheckedAtStart() throws {
        let good = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\nsender = \"HarbourDent\"\n", file: "x.toml")
        #expect(good.practice.sender == "HarbourDent")
        do {
            _ = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\nsender = \"Harbour Dental Group\"\n", file: "x.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.key) == ["practice.sender"])
        }
    }

    @Test func syntaxErrorsNameTheLine() {
        do {
            _ = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\nname = \n", file: "x.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.problems.first?.line == 3)
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: ConfigError.self) { try Configuration.load(path: "/nonexistent/remindd.toml") }
    }

    @Test(arguments: [("30s", 30), ("2m", 120), ("1h30m", 5400), ("2d", 172_800), ("0", 0)])
    func durations(text: String, seconds: Int64) {
        #expect(DurationText.parse(text) == .seconds(seconds))
        #expect(DurationText.parse(DurationText.format(.seconds(seconds))) == .seconds(seconds))
    }

    @Test func milliseconds() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
    }

    @Test(arguments: ["", "5", "m", "2x", "1h30", "-1m", "ms", "-5ms"])
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}

@Suite struct ExampleConfigTests {
    @Test func theExampleConfigurationIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../spool.example/remindd.toml").standardizedFileURL.path
        let c = try Configuration.load(path: path)
        #expect(c.practice.timeZone.identifier == "Australia/Sydney")
        #expect(c.schedule.stagger == .seconds(120))
        #expect(c.schedule.windows.count == 6)
        #expect(c.input.source == "pracsoft")
    }
}

@Suite struct ReminderConfigTests {
    @Test func severalNamedReminders() throws {
        let c = try Configuration.parse("""
            [practice]
            time_zone = "UTC"
            [schedule]
            reminders = [
              { name = "day-before", before = "1d" },
              { name = "same-day", before = "3h", latest = "1h" },
              { name = "evening", days_before = 1, at = "18:00" },
              { name = "welcome", on_arrival = true },
            ]
            """, file: "x.toml")
        #expect(c.schedule.effectiveReminders.map(\.name) == ["day-before", "same-day", "evening", "welcome"])
        #expect(c.schedule.effectiveReminders[1].rule == .before(.seconds(10800), latest: .seconds(3600)))
    }

    @Test func leadAloneIsOneReminderNamedReminder() throws {
        let c = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[schedule]\nlead = \"2d\"\n", file: "x.toml")
        #expect(c.schedule.effectiveReminders == [.init(name: "reminder", rule: .before(.seconds(172_800)))])
    }

    @Test func badRemindersNameTheirKey() {
        do {
            _ = try Configuration.parse("""
                [practice]
                time_zone = "UTC"
                [schedule]
                reminders = [{ name = "a", before = "1h" }, { before = "1d" }, { name = "c", before = "1d", on_arrival = true }, { name = "a", before = "2h" }, { name = "e", before = "1h", latest = "2h" }]
                """, file: "x.toml")
            Issue.record("expected an error")
        } catch {
            #expect(Set(error.problems.map(\.key)) == ["schedule.reminders[1].name", "schedule.reminders[2]", "schedule.reminders[3].name", "schedule.reminders[4].latest"])
        }
    }
}
