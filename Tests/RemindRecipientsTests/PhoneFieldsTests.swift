import Foundation
import RemindCore
import RemindRecipients
import Testing

@Suite struct PhoneFieldsTests {
    let au = PhoneNumberNormalizer(defaultRegion: "AU")

    func appointment(phone: String, extra: [String: String]) -> Appointment {
        Appointment(id: "A-1", firstName: "Ann", lastName: "Lee", phone: phone, start: Date(timeIntervalSince1970: 0), extra: extra)
    }

    @Test func theMappedPhoneComesFirstThenExtraColumnsMatchedLikeHeaders() {
        let fields = PhoneFields(["phone", "home phone", "work_phone"])
        let a = appointment(phone: "02 9999 0000", extra: ["HomePhone": "0412 345 678", "Work-Phone": "", "Notes": "x"])
        #expect(fields.candidates(in: a) == [
            .init(field: "phone", value: "02 9999 0000"),
            .init(field: "home phone", value: "0412 345 678"),
            .init(field: "work_phone", value: ""),
        ])
    }

    @Test func theFirstAcceptableNumberWinsAndNamesItsColumn() throws {
        let fields = PhoneFields()
        let a = appointment(phone: "(02) 9999 0000", extra: ["Home Phone": "", "Work Phone": "0423 456 789"])
        let r = try au.normalize(candidates: fields.candidates(in: a)).get()
        #expect(r.e164 == "+61423456789")
        #expect(r.field == "work phone")
    }

    @Test func whenNoneIsAcceptableEachColumnSaysWhy() {
        let fields = PhoneFields()
        let a = appointment(phone: "(02) 9999 0000", extra: ["Home Phone": "", "Work Phone": "1800 123 456"])
        guard case .failure(let refusal) = au.normalize(candidates: fields.candidates(in: a)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .notTexted)
        #expect(refusal.numberType == .fixedLine)
        #expect(refusal.description == "phone: a landline is not texted; work phone: a toll-free number is not texted")
    }

    @Test func allEmptyIsNoPhoneNumber() {
        let a = appointment(phone: " ", extra: ["Home Phone": ""])
        guard case .failure(let refusal) = au.normalize(candidates: PhoneFields(["phone", "home phone", "work phone"]).candidates(in: a)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .empty)
        #expect(refusal.description == "no phone number (in phone, home phone)")
    }

    @Test func oneColumnKeepsThePlainReason() {
        let a = appointment(phone: "(02) 9999 0000", extra: [:])
        let result = au.normalize(candidates: PhoneFields(["phone"]).candidates(in: a))
        #expect(result.failureDescription == "a landline is not texted")
    }
}
