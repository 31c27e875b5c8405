import Foundation
import RemindConfig
import RemindInbox
import RemindSchedule
import Testing

@Suite struct SourcesConfigTests {
    static let head = """
        [practice]
        time_zone = "Australia/Sydney"
        [input]
        source = "pracsoft"

        """

    func parse(_ text: String) throws(ConfigError) -> Configuration {
        try Configuration.parse(Self.head + text, file: "/etc/remindd/remindd.toml")
    }

    @Test func extraElementsAddToReasonAndGender() throws {
        #expect(try parse("").text.extraElements == ["reason", "gender"])
        let c = try parse("[templates]\nextra_elements = [\"insurer\", \"recall_reason\"]\n")
        #expect(c.text.extraElements == ["reason", "gender", "insurer", "recall_reason"])
        #expect(throws: ConfigError.self) { try parse("[templates]\nextra_elements = [\"Insurer\"]\n") }
        do {
            _ = try parse("[templates]\nextra_elements = [\"ok\", \"2nd\"]\n")
            Issue.record("a bad element name was accepted")
        } catch {
            #expect("\(error)".contains("templates.extra_elements[1]"), "\(error)")
        }
    }

    @Test func everyKindWithItsRulesAndOptions() throws {
        let c = try parse("""
            [inbox]
            settle = "5s"
            max_size = "8M"
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            delimiter = ";"
            encoding = "cp1252"
            date_format = "dd/MM/yyyy"
            columns = { id = "Patient No", date = "Due" }
            reminders = [{ name = "recall", lifetime = "14d" }, { name = "again", days_after_due = 21, at = "10:00", lifetime = "30d" }]
            [[source]]
            name = "patients"
            kind = "patient"
            pattern = "patients*.csv"
            [[source]]
            name = "flu"
            kind = "broadcast"
            format = "jsonl"
            pattern = "flu*.jsonl"
            template = "flu-clinic"
            filter = { gender = "F", "age group" = ["adult", "senior"] }
            reminders = [{ name = "flu", at = "2026-05-01 09:00" }]
            [[source]]
            name = "pas"
            kind = "appointment"
            format = "hl7"
            subdirectory = "hl7/site-a"
            ack = true
            [[source]]
            name = "book"
            kind = "appointment"
            pattern = "book-*.csv"
            snapshot = true
            snapshot_from = "Range Start"
            snapshot_to = "Range End"
            reminders = [{ name = "two-days", days_before = 2, at = "10:00" }]
            """)
        #expect(c.inbox.settle == .seconds(5) && c.inbox.maxSize == 8 << 20)
        #expect(c.sources.map(\.name) == ["recalls", "patients", "flu", "pas", "book"])
        let recalls = c.sources[0]
        #expect(recalls.kind == .recall && recalls.subdirectory == "recalls" && recalls.input.delimiter == .semicolon)
        #expect(recalls.input.encoding == .cp1252 && recalls.input.columns == ["id": "Patient No", "date": "Due"])
        #expect(recalls.rules == [
            .init(name: "recall", timing: .recall(daysAfterDue: 0, at: nil, lifetime: .seconds(14 * 86400))),
            .init(name: "again", timing: .recall(daysAfterDue: 21, at: LocalTime(hour: 10), lifetime: .seconds(30 * 86400))),
        ])
        #expect(c.sources[1].rules == [.init(name: "birthday", timing: .reminder(.birthday(at: LocalTime(hour: 9))))])
        #expect(c.sources[2].filter == ["gender": ["F"], "age group": ["adult", "senior"]])
        #expect(c.sources[2].rules == [.init(name: "flu", timing: .reminder(.at(LocalDate(year: 2026, month: 5, day: 1), LocalTime(hour: 9))))])
        #expect(c.sources[3].format == .hl7 && c.sources[3].ack)
        #expect(c.sources[3].rules == [.init(name: "reminder", timing: .reminder(.before(.seconds(86400))))], "appointments default to [schedule]")
        #expect(c.sources[4].snapshot == .columns(from: "Range Start", to: "Range End"))
        #expect(c.sources[4].rules == [.init(name: "two-days", timing: .reminder(.daysBefore(2, at: LocalTime(hour: 10))))])
    }

    @Test(arguments: [
        ("recalls/r.csv", "recalls"), ("patients-1.csv", "patients"), ("patients.txt", "pracsoft"), ("export.csv", "pracsoft"),
        ("hl7/site-a/m.hl7", "pas"), ("hl7/m.hl7", nil), ("recalls/deeper/r.csv", nil), ("book-1.csv", "book"),
    ] as [(String, String?)])
    func filesAreRoutedBySubdirectoryThenPatternThenToTheDefaultSource(path: String, source: String?) throws {
        let c = try parse("""
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            [[source]]
            name = "patients"
            kind = "patient"
            pattern = "patients*.csv"
            [[source]]
            name = "pas"
            kind = "appointment"
            format = "hl7"
            subdirectory = "hl7/site-a"
            pattern = "*.hl7"
            [[source]]
            name = "book"
            kind = "appointment"
            pattern = "book-*"
            snapshot = true
            """)
        #expect(c.source(forInboxPath: path)?.name == source)
        #expect(c.watchesSubdirectories)
    }

    @Test func withoutSourcesTheInputSectionIsTheOnlySourceAsBefore() throws {
        let c = try parse("")
        #expect(c.sources.isEmpty && !c.watchesSubdirectories)
        #expect(c.allSources.map(\.name) == ["pracsoft"])
        #expect(c.defaultSource.isDefault && c.defaultSource.kind == .appointment && c.defaultSource.format == .csv)
        #expect(c.inbox.settle == .zero && c.inbox.maxSize == 64 << 20)
    }

    @Test(arguments: [
        ("[[source]]\nkind = \"recall\"\nsubdirectory = \"r\"", "source[0].name"),
        ("[[source]]\nname = \"pracsoft\"\nkind = \"recall\"\nsubdirectory = \"r\"", "source[0].name"),
        ("[[source]]\nname = \"r\"\nkind = \"letters\"\nsubdirectory = \"r\"", "source[0].kind"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"", "source[0]"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\nsubdirectory = \"../r\"", "source[0].subdirectory"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\nformat = \"hl7\"\nsubdirectory = \"r\"", "source[0].format"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\nsnapshot = true\nsubdirectory = \"r\"", "source[0].snapshot"),
        ("[[source]]\nname = \"r\"\nkind = \"appointment\"\nack = true\nsubdirectory = \"r\"", "source[0].ack"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\ntemplate = \"x\"\nsubdirectory = \"r\"", "source[0].template"),
        ("[[source]]\nname = \"r\"\nkind = \"patient\"\nsubdirectory = \"r\"\nreminders = [{ name = \"b\" }]", "source[0].reminders[0].at"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\nsubdirectory = \"r\"\nreminders = [{ name = \"b\", lifetime = \"5m\" }]", "source[0].reminders[0].lifetime"),
        ("[[source]]\nname = \"r\"\nkind = \"broadcast\"\nsubdirectory = \"r\"\nreminders = [{ name = \"b\", at = \"tomorrow\" }]", "source[0].reminders[0].at"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\nsubdirectory = \"r\"\ncolumns = { start = \"x\" }", "source[0].columns.start"),
        ("[[source]]\nname = \"r\"\nkind = \"recall\"\nsubdirectory = \"r\"\nwhatever = 1", "source[0].whatever"),
        ("[inbox]\nmax_size = \"lots\"", "inbox.max_size"),
        ("[inbox]\nsettle = \"2h\"", "inbox.settle"),
    ])
    func mistakesNameTheirKey(text: String, key: String) {
        do {
            _ = try parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.problems.contains { $0.key == key }, "\(error.problems)")
        }
    }

    /// `pattern` takes one glob or several; `location_component` is 1 or 4 (issue #14).
    @Test func severalGlobsAndTheLocationComponent() throws {
        let c = try Configuration.parse("""
            [practice]
            time_zone = "Australia/Sydney"
            [[source]]
            name = "pas"
            kind = "appointment"
            format = "hl7"
            pattern = ["*.hl7", "*.mllp"]
            location_component = 4
            """, file: "/etc/remindd/remindd.toml")
        let pas = try #require(c.sources.first)
        #expect(pas.patterns == ["*.hl7", "*.mllp"])
        #expect(pas.input.locationComponent == 4)
        #expect(pas.matches(relativePath: "a.hl7") && pas.matches(relativePath: "b.mllp") && !pas.matches(relativePath: "c.csv"))
        #expect(c.input.locationComponent == 1)
        for (value, key) in [("pattern = []", "source[0].pattern"), ("pattern = [\"a/*.hl7\"]", "source[0].pattern"),
                             ("pattern = \"*.hl7\"\nlocation_component = 2", "source[0].location_component")] {
            #expect(throws: ConfigError.self) {
                try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[[source]]\nname = \"p\"\nkind = \"appointment\"\n\(value)", file: "x.toml")
            }
            do {
                _ = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[[source]]\nname = \"p\"\nkind = \"appointment\"\n\(value)", file: "x.toml")
            } catch {
                #expect(error.description.contains(key), "\(error)")
            }
        }
    }
}
