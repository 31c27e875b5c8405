import Foundation
import RemindCore
@testable import RemindText
import Testing

/// Every template in `spool.example/templates/` rendered against one sample appointment,
/// with the exact text, so the examples never drift.
@Suite struct ExampleTemplateTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("spool.example/templates").path

    static let practice = PracticeInfo(name: "Harbourside Dental", phone: "02 9876 5432", location: "Sydney CBD")

    /// Wednesday 5 March 2025, 2:30 pm in Sydney (AEDT, UTC+11).
    static let appointment = Appointment(
        id: "A-1001", firstName: "Jane", lastName: "Citizen", phone: "0412 345 678",
        start: Date(timeIntervalSince1970: 1_741_145_400), doctor: "Dr Sarah Nguyen", office: "3",
        extra: ["location": "North Sydney"])

    static let expected: [String: (text: String, length: Int)] = [
        "appointment": (
            "Hi Jane, this is a reminder of your appointment with Dr Sarah Nguyen on Wed 5 Mar at 2:30 pm. "
                + "Call 02 9876 5432 to change it. Harbourside Dental", 144),
        "appointment.location-north-sydney": (
            "Hi Jane, see you Wednesday 5 Mar 2:30 pm at our North Sydney rooms (room 3). "
                + "Parking is under the building. 02 9876 5432", 120),
        "recall": ("Hi Jane, it's time for your check-up - please call Harbourside Dental on 02 9876 5432 to book.", 94),
        "birthday": ("Happy birthday, Jane! Best wishes from everyone at Harbourside Dental.", 70),
        "broadcast": (
            "Dear Jane, Harbourside Dental is closed on Monday for the public holiday. "
                + "For urgent care call 02 9876 5432.", 108),
        "broadcast.flu-clinic": (
            "Hi Jane, flu vaccines are now available at Harbourside Dental. Call 02 9876 5432 to book.", 89),
    ]

    static func load() throws -> TemplateSet {
        try TemplateSet(directory: directory)
    }

    static func fields() throws -> [String: String] {
        AppointmentFields.make(
            appointment, practice: practice, timeZone: try #require(TimeZone(identifier: "Australia/Sydney")),
            locale: Locale(identifier: "en_AU"))
    }

    @Test func everyExampleIsValidAndHasAnExpectedText() throws {
        let set = try Self.load()
        #expect(set.validate().isEmpty, "\(set.validate())")
        #expect(set.names == Self.expected.keys.sorted())
        for kind in [MessageKind.appointment, .recall, .birthday, .broadcast] {
            #expect(set.has(kind: kind), "\(kind)")
        }
    }

    @Test(arguments: expected.keys.sorted())
    func rendersExactly(_ name: String) throws {
        let set = try Self.load()
        let rendered = try set.render(template: name, fields: Self.fields())
        let expected = try #require(Self.expected[name])
        #expect(rendered.text == expected.text)
        #expect(rendered.encoding == .gsm7)
        #expect(rendered.length == expected.length)
        #expect(rendered.segments == 1)
        #expect(rendered.truncated.isEmpty && rendered.shortened.isEmpty)
        #expect(try #require(set.info(name)).worstCaseShortened.units <= 160)
        #expect(set.isCompiled(name))  // the fast renderer, as the benchmark measures
    }

    @Test func theLocationVariantIsChosenByLocation() throws {
        let set = try Self.load()
        var fields = try Self.fields()
        #expect(try set.render(kind: .appointment, fields: fields).template == "appointment.location-north-sydney")
        fields["location"] = "Sydney CBD"
        #expect(try set.render(kind: .appointment, fields: fields).template == "appointment")
        #expect(try set.render(kind: .broadcast, fields: fields, variant: "flu-clinic").template == "broadcast.flu-clinic")
    }
}
