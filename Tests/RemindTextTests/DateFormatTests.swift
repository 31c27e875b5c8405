import Foundation
import RemindCore
import RemindText
import Testing

/// Element values from an appointment, in the practice's time zone and locale (real tzdata).
@Suite struct DateFormatTests {
    static let practice = PracticeInfo(name: "Bay Dental", phone: "02 9876 5432", location: "Main St")

    static func appointment(_ start: Date, extra: [String: String] = [:]) -> Appointment {
        Appointment(
            id: "1", firstName: " Ann ", lastName: "Lee", phone: "0412345678", start: start, doctor: "Dr Bo",
            office: "2", extra: extra)
    }

    static func zone(_ id: String) throws -> TimeZone { try #require(TimeZone(identifier: id)) }

    struct Case: Sendable, CustomTestStringConvertible {
        var instant: TimeInterval
        var zone: String
        var locale: String
        var formats: DateFormats
        var date: String, time: String, weekday: String, datetime: String
        var testDescription: String { "\(zone) \(locale) \(Date(timeIntervalSince1970: instant))" }
    }

    static let german = DateFormats(date: "EEE d. MMM", time: "HH:mm", weekday: "EEEE", datetime: "d.M. HH:mm")

    static let cases: [Case] = [
        // 2025-03-05 03:30 UTC: 2:30 pm in Sydney (AEDT, +11), 4:30 in Berlin (CET, +1).
        Case(instant: 1_741_145_400, zone: "Australia/Sydney", locale: "en_AU", formats: DateFormats(),
             date: "Wed 5 Mar", time: "2:30 pm", weekday: "Wednesday", datetime: "5 Mar 2:30 pm"),
        Case(instant: 1_741_145_400, zone: "Europe/Berlin", locale: "de_DE", formats: german,
             date: "Mi. 5. März", time: "04:30", weekday: "Mittwoch", datetime: "5.3. 04:30"),
        // 2025-03-04 22:30 UTC: already Wednesday morning in Sydney, still Tuesday night in Berlin.
        Case(instant: 1_741_127_400, zone: "Australia/Sydney", locale: "en_AU", formats: DateFormats(),
             date: "Wed 5 Mar", time: "9:30 am", weekday: "Wednesday", datetime: "5 Mar 9:30 am"),
        Case(instant: 1_741_127_400, zone: "Europe/Berlin", locale: "de_DE", formats: german,
             date: "Di. 4. März", time: "23:30", weekday: "Dienstag", datetime: "4.3. 23:30"),
        // 2025-07-01 00:00 UTC: winter in Sydney (AEST, +10), summer time in Berlin (CEST, +2).
        Case(instant: 1_751_328_000, zone: "Australia/Sydney", locale: "en_AU", formats: DateFormats(),
             date: "Tue 1 Jul", time: "10:00 am", weekday: "Tuesday", datetime: "1 Jul 10:00 am"),
        Case(instant: 1_751_328_000, zone: "Europe/Berlin", locale: "de_DE", formats: german,
             date: "Di. 1. Juli", time: "02:00", weekday: "Dienstag", datetime: "1.7. 02:00"),
    ]

    @Test(arguments: cases)
    func formatsInZoneAndLocale(_ c: Case) throws {
        let fields = AppointmentFields.make(
            Self.appointment(Date(timeIntervalSince1970: c.instant)), practice: Self.practice,
            timeZone: try Self.zone(c.zone), locale: Locale(identifier: c.locale), formats: c.formats)
        #expect(fields["date"] == c.date)
        #expect(fields["time"] == c.time)
        #expect(fields["weekday"] == c.weekday)
        #expect(fields["datetime"] == c.datetime)
    }

    @Test func otherElements() throws {
        let fields = AppointmentFields.make(
            Self.appointment(Date(timeIntervalSince1970: 0), extra: ["bring": "X-rays", "first_name": "ignored"]),
            practice: Self.practice, timeZone: try Self.zone("Australia/Sydney"), locale: Locale(identifier: "en_AU"))
        #expect(fields["first_name"] == "Ann")
        #expect(fields["last_name"] == "Lee")
        #expect(fields["full_name"] == "Ann Lee")
        #expect(fields["doctor"] == "Dr Bo")
        #expect(fields["office"] == "2")
        #expect(fields["location"] == "Main St")
        #expect(fields["practice_name"] == "Bay Dental")
        #expect(fields["practice_phone"] == "02 9876 5432")
        #expect(fields["bring"] == "X-rays")
        let elsewhere = AppointmentFields.make(
            Self.appointment(Date(timeIntervalSince1970: 0), extra: ["location": "North"]),
            practice: Self.practice, timeZone: try Self.zone("Australia/Sydney"), locale: Locale(identifier: "en_AU"))
        #expect(elsewhere["location"] == "North")
    }

    @Test func extraColumnsAlsoGoByTheirElementName() throws {
        let fields = AppointmentFields.make(
            Self.appointment(Date(timeIntervalSince1970: 0), extra: ["Recall Reason": "scale & clean", "Insurer #": "HCF", "Doctor": "not this"]),
            practice: Self.practice, timeZone: try Self.zone("Australia/Sydney"), locale: Locale(identifier: "en_AU"))
        #expect(fields["Recall Reason"] == "scale & clean")
        #expect(fields["recall_reason"] == "scale & clean")
        #expect(fields["insurer"] == "HCF")
        #expect(fields["doctor"] == "Dr Bo", "an extra column replaced a standard element")
        // And a template may name it once the configuration lists it.
        let set = TemplateSet(sources: ["recall": "Hi {{first_name}}, time for your {{recall_reason}}."], extraElements: ["recall_reason"])
        #expect(set.validate().isEmpty)
        #expect(try set.render(kind: .recall, fields: fields).text == "Hi Ann, time for your scale & clean.")
    }

    @Test(arguments: [
        ("Recall Reason", "recall_reason"), ("  Insurer #", "insurer"), ("DOB", "dob"), ("e-mail address", "e_mail_address"),
        ("2nd phone", nil), ("Prénom", "pr_nom"), ("###", nil), ("", nil),
    ] as [(String, String?)])
    func columnElementNames(_ header: String, _ expected: String?) {
        #expect(TemplateElement.name(ofColumn: header) == expected)
    }

    @Test func longestValues() throws {
        let sydney = DateFormats().longest(locale: Locale(identifier: "en_AU"), timeZone: try Self.zone("Australia/Sydney"))
        // "Wed 25 Mar", "12:59 pm", "Wednesday", "25 Mar 12:59 pm".
        #expect(sydney == ["date": 10, "time": 8, "weekday": 9, "datetime": 15])
        let berlin = Self.german.longest(locale: Locale(identifier: "de_DE"), timeZone: try Self.zone("Europe/Berlin"))
        // "Mi. 25. Sept.", "23:59", "Donnerstag", "25.12. 23:59".
        #expect(berlin == ["date": 13, "time": 5, "weekday": 10, "datetime": 12])
        #expect(DateFormats().check(settings: TextSettings(), locale: Locale(identifier: "en_AU"),
                                    timeZone: try Self.zone("Australia/Sydney")).isEmpty)
    }

    @Test func tooLongPatternIsReported() throws {
        let formats = DateFormats(datetime: "EEEE d MMMM h:mm a")
        let errors = formats.check(settings: TextSettings(), locale: Locale(identifier: "en_AU"),
                                   timeZone: try Self.zone("Australia/Sydney"))
        #expect(errors.map(\.code) == [.invalidDateFormat])
        #expect(errors.first?.element == "datetime")
        // "Wednesday 24 September 12:59 pm"
        #expect(errors.first?.length == 31)
        #expect(errors.first?.limit == 16)
    }
}
