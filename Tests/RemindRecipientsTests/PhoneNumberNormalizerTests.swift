import Dispatch
import RemindCore
@testable import RemindRecipients
import Testing

/// The real libphonenumber (Debian's libphonenumber8), through the CPhoneNumber shim.
@Suite struct PhoneNumberNormalizerTests {
    /// An input as practice systems write it, the region it is read in, and the expected
    /// E.164 number and type, or the expected refusal.
    struct Case: CustomTestStringConvertible, Sendable {
        var region: String
        var raw: String
        var expected: Expected
        enum Expected: Sendable {
            case texted(String, PhoneNumberType)
            case refused(Refusal.Code, PhoneNumberType? = nil)
        }
        var testDescription: String { "\(region) \"\(raw)\"" }

        static func ok(_ region: String, _ raw: String, _ e164: String, _ type: PhoneNumberType = .mobile) -> Case {
            Case(region: region, raw: raw, expected: .texted(e164, type))
        }
        static func no(_ region: String, _ raw: String, _ code: Refusal.Code, _ type: PhoneNumberType? = nil) -> Case {
            Case(region: region, raw: raw, expected: .refused(code, type))
        }
    }

    static let table: [Case] = [
        // Australia: mobiles in every common spelling.
        .ok("AU", "0412 345 678", "+61412345678"),
        .ok("AU", "0412345678", "+61412345678"),
        .ok("AU", "412 345 678", "+61412345678"),                 // trunk 0 left off
        .ok("AU", "+61 412 345 678", "+61412345678"),
        .ok("AU", "+61 (0)412-345-678", "+61412345678"),          // (0) after the country code
        .ok("AU", "0061 412 345 678", "+61412345678"),            // 00 although AU dials 0011
        .ok("AU", "0011 61 412 345 678", "+61412345678"),         // AU's own international prefix
        .ok("AU", "(04) 1234 5678", "+61412345678"),
        .ok("AU", "0412.345.678", "+61412345678"),
        .ok("AU", "Mob: 0412 345 678 (mum)", "+61412345678"),     // words around the number
        .ok("AU", "+64 21 123 4567", "+64211234567"),             // an overseas (NZ) mobile
        .ok("AU", "0412 345 678 / (02) 9999 0000", "+61412345678"), // two numbers in one field
        .ok("AU", "(02) 9999 0000 or 0423 456 789", "+61423456789"), // the mobile of the two
        .no("AU", "(02) 9999 0000", .notTexted, .fixedLine),
        .no("AU", "+61 3 9999 0000", .notTexted, .fixedLine),
        .no("AU", "1800 123 456", .notTexted, .tollFree),
        .no("AU", "1300 123 456", .notTexted, .sharedCost),
        .no("AU", "1900 123 456", .notTexted, .premiumRate),
        .no("AU", "0412 345 67", .invalid),                        // a digit missing
        .no("AU", "0412", .tooShort),
        .no("AU", "04 1234 5678 9012 3456", .tooLong),
        .no("AU", "0412 ABC 678", .letters),                       // never guessed into 222
        .no("AU", "unknown", .notANumber),
        .no("AU", "", .empty),
        .no("AU", "+999 412 345 678", .invalidCountryCode),
        // United Kingdom.
        .ok("GB", "07911 123456", "+447911123456"),
        .ok("GB", "+44 (0)7911 123456", "+447911123456"),
        .ok("GB", "0044 7911 123456", "+447911123456"),
        .ok("GB", "07624 123456", "+447624123456"),                // Isle of Man, +44
        .no("GB", "020 7946 0018", .notTexted, .fixedLine),
        .no("GB", "0800 123 4567", .notTexted, .tollFree),
        .no("GB", "079112345678", .tooLong),
        .no("GB", "07911-FLOWER", .letters),
        // New Zealand.
        .ok("NZ", "021 123 4567", "+64211234567"),
        .ok("NZ", "027 123 4567", "+64271234567"),
        .ok("NZ", "+64 (0)21 123 4567", "+64211234567"),
        .ok("NZ", "0064 21 123 4567", "+64211234567"),
        .no("NZ", "09 379 4567", .notTexted, .fixedLine),
        .no("NZ", "0800 123 456", .notTexted, .tollFree),
        .no("NZ", "02", .tooShort),
        // Germany: slashes after the area code are the old DIN 5008 style.
        .ok("DE", "0151 23456789", "+4915123456789"),
        .ok("DE", "0171/1234567", "+491711234567"),
        .ok("DE", "+49 (0)151 23456789", "+4915123456789"),
        .ok("DE", "0049 151 23456789", "+4915123456789"),
        .no("DE", "030/1234567", .notTexted, .fixedLine),
        .no("DE", "0800 1234567", .notTexted, .tollFree),
        .no("DE", "0900 1234567", .notTexted, .premiumRate),
        // United States: landlines and mobiles share numbers, so both are texted.
        .ok("US", "(201) 555-0123", "+12015550123", .fixedLineOrMobile),
        .ok("US", "1-201-555-0123", "+12015550123", .fixedLineOrMobile),
        .ok("US", "+1 650 253 0000", "+16502530000", .fixedLineOrMobile),
        .ok("US", "201.555.0123", "+12015550123", .fixedLineOrMobile),
        .ok("US", "011 61 412 345 678", "+61412345678"),           // US international prefix
        .no("US", "800-555-0199", .notTexted, .tollFree),
        .no("US", "555-0123", .localOnly),                          // no area code
        .no("US", "(212) 555-CALL", .letters),
        .no("US", "201-555", .tooShort),
    ]

    @Test func theTableHasAtLeastThirtyCasesOverFiveRegions() {
        #expect(Self.table.count >= 30)
        #expect(Set(Self.table.map(\.region)) == ["AU", "GB", "NZ", "DE", "US"])
    }

    @Test(arguments: table)
    func realWorldInputs(_ c: Case) throws {
        let normalizer = PhoneNumberNormalizer(defaultRegion: c.region)
        let result = normalizer.normalize(c.raw)
        switch c.expected {
        case .texted(let e164, let type):
            let recipient = try result.get()
            #expect(recipient.e164 == e164)
            #expect(recipient.type == type)
        case .refused(let code, let type):
            guard case .failure(let refusal) = result else {
                Issue.record("expected a refusal (\(code)), got \(result)")
                return
            }
            #expect(refusal.code == code, "\(refusal)")
            #expect(refusal.numberType == type)
            #expect(!refusal.description.isEmpty)
            // The reason never carries the number (nor a run of its digits).
            let digits = String(c.raw.filter(\.isNumber))
            if digits.count >= 4 { #expect(!refusal.description.contains(String(digits.prefix(4))), "\(refusal)") }
        }
    }

    @Test func reasonsNameWhy() {
        let au = PhoneNumberNormalizer(defaultRegion: "AU")
        #expect(au.normalize("(02) 9999 0000").failureDescription == "a landline is not texted")
        #expect(au.normalize("1800 123 456").failureDescription == "a toll-free number is not texted")
        #expect(au.normalize("0412").failureDescription == "the phone number is too short")
        #expect(au.normalize("0412 345 67").failureDescription == "not a valid phone number for AU")
        #expect(au.normalize("0412 ABC 678").failureDescription == "the phone number has letters between its digits")
    }

    @Test func theAcceptedTypesAreConfigurable() throws {
        let landlinesToo = PhoneNumberNormalizer(defaultRegion: "AU", acceptedTypes: [.mobile, .fixedLine])
        #expect(try landlinesToo.normalize("(02) 9999 0000").get().e164 == "+61299990000")
        let mobilesOnly = PhoneNumberNormalizer(defaultRegion: "US", acceptedTypes: [.mobile])
        #expect(mobilesOnly.normalize("(201) 555-0123").refusalCode == .notTexted)
    }

    @Test func parseKeepsEveryValidTypeForTheOptOutList() throws {
        let au = PhoneNumberNormalizer(defaultRegion: "AU")
        let landline = try au.parse("(02) 9999 0000").get()
        #expect(landline.e164 == "+61299990000")
        #expect(landline.type == .fixedLine)
        #expect(au.parse("0412").refusalCode == .tooShort)
    }

    @Test func regionsAreLibphonenumbers() {
        #expect(PhoneNumberNormalizer.isSupported(region: "AU"))
        #expect(PhoneNumberNormalizer.isSupported(region: "DE"))
        #expect(!PhoneNumberNormalizer.isSupported(region: "ZZ"))
        #expect(!PhoneNumberNormalizer.isSupported(region: "au"))
        #expect(!PhoneNumberNormalizer.isSupported(region: "UK"))  // the ISO code is GB
        #expect(PhoneNumberNormalizer.supportedRegions.count > 200)
        #expect(PhoneNumberNormalizer.supportedRegions == PhoneNumberNormalizer.supportedRegions.sorted())
        #expect(PhoneNumberNormalizer.countryCode(region: "AU") == 61)
        #expect(PhoneNumberNormalizer.countryCode(region: "GB") == 44)
        #expect(PhoneNumberNormalizer.countryCode(region: "ZZ") == nil)
    }

    @Test func recipientsPrintMasked() throws {
        let r = try PhoneNumberNormalizer(defaultRegion: "AU").normalize("0412 345 678").get()
        #expect("\(r)" == "+614******78 (mobile)")
    }

    /// libphonenumber's PhoneNumberUtil is a process-wide singleton; its regular-expression
    /// cache takes a mutex. Many threads parsing at once (past remindd's own cache of
    /// outcomes) must get what one thread gets.
    @Test func concurrentParsingAgreesWithSequentialParsing() {
        let inputs = Self.table.map { ($0.region, $0.raw) }
        let expected = inputs.map { LibPhoneNumber.parseUncached($0.1, region: $0.0) }
        let rounds = 40
        let results = Results(count: rounds * inputs.count)
        DispatchQueue.concurrentPerform(iterations: rounds * 4) { chunk in
            let round = chunk / 4
            for (i, input) in inputs.enumerated() where i % 4 == chunk % 4 {
                results.set(round * inputs.count + i, LibPhoneNumber.parseUncached(input.1, region: input.0))
            }
        }
        #expect(expected.contains { if case .valid = $0 { true } else { false } })
        for round in 0..<rounds {
            #expect(Array(results.values[(round * inputs.count)..<((round + 1) * inputs.count)]) == expected)
        }
    }

    @Test func theCacheAnswersAsTheLibraryDoes() {
        for c in Self.table {
            let digits = PhoneNumberNormalizer.Scan(c.raw).digits
            #expect(LibPhoneNumber.parse(digits, region: c.region) == LibPhoneNumber.parseUncached(digits, region: c.region))
            #expect(LibPhoneNumber.parse(digits, region: c.region) == LibPhoneNumber.parseUncached(digits, region: c.region))
        }
    }
}

/// A preallocated array threads write distinct slots of.
final class Results: @unchecked Sendable {
    private(set) var values: [LibPhoneNumber.Outcome]
    private let lock = NSLockLike()
    init(count: Int) { values = Array(repeating: .refused(.empty), count: count) }
    func set(_ i: Int, _ v: LibPhoneNumber.Outcome) { lock.locked { values[i] = v } }
}

extension Result where Failure == Refusal {
    var failureDescription: String? { if case .failure(let r) = self { r.description } else { nil } }
    var refusalCode: Refusal.Code? { if case .failure(let r) = self { r.code } else { nil } }
}
