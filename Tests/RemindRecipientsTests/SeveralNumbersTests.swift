import RemindCore
@testable import RemindRecipients
import Testing

/// A field with several numbers: the first acceptable mobile is texted, landlines before
/// it skipped, and the field's other valid numbers named (for the daemon's notice).
@Suite struct SeveralNumbersTests {
    let au = PhoneNumberNormalizer(defaultRegion: "AU")

    @Test func twoMobilesTakeTheFirstAndNameTheSecond() throws {
        let r = try au.normalize("0412 345 688 / 0412 345 689").get()
        #expect(r.e164 == "+61412345688")
        #expect(r.others == ["+61412345689"])
    }

    @Test func aMobileThenALandlineNamesTheLandline() throws {
        let r = try au.normalize("0412345688, 0298765432").get()
        #expect(r.e164 == "+61412345688")
        #expect(r.others == ["+61298765432"])
    }

    @Test func aLandlineFirstIsSkippedForTheMobileAfterIt() throws {
        let r = try au.normalize("02 9876 5432 or 0412 345 688").get()
        #expect(r.e164 == "+61412345688")
        #expect(r.others == ["+61298765432"])
    }

    @Test func wordsAroundOneNumberAreNoOtherNumber() throws {
        let r = try au.normalize("mob 0412 345 688 (after 5pm)").get()
        #expect(r.e164 == "+61412345688")
        #expect(r.others.isEmpty)
    }

    @Test func oneNumberHasNoOthers() throws {
        #expect(try au.normalize("0412 345 688").get().others.isEmpty)
    }

    @Test func candidatesKeepTheOthersOfTheChosenField() throws {
        let r = try au.normalize(candidates: [
            PhoneFields.Candidate(field: "phone", value: "0298765432"),
            PhoneFields.Candidate(field: "home phone", value: "0412 345 688; 0412 345 689"),
        ]).get()
        #expect(r.e164 == "+61412345688" && r.field == "home phone")
        #expect(r.others == ["+61412345689"])
    }
}
