import Foundation
import RemindCore
import Testing

@Suite struct MessageIDTests {
    @Test func roundTripsThroughText() throws {
        let id = MessageID(rawValue: 0x0123_4567_89AB_CDEF)
        #expect(id.description == "0123456789ABCDEF")
        #expect(MessageID("0123456789ABCDEF") == id)
        #expect(MessageID("0123456789abcdef") == id)
        #expect(MessageID("123") == nil)
        #expect(MessageID("0123456789ABCDEG") == nil)
    }

    @Test func generatedIDsAreUniqueAndOrdered() {
        let generator = MessageIDGenerator()
        var previous = generator.next()
        var seen: Set<MessageID> = [previous]
        for _ in 0..<100_000 {
            let id = generator.next()
            #expect(id > previous)
            seen.insert(id)
            previous = id
        }
        #expect(seen.count == 100_001)
    }

    @Test func idsCarryTheirCreationTime() {
        let generator = MessageIDGenerator()
        let ms: UInt64 = 1_795_000_000_000  // 2026-11-18
        let id = generator.next(nowMilliseconds: ms)
        #expect(id.createdMilliseconds == ms - 1_577_836_800_000)
    }
}

@Suite struct MessageKeyTests {
    @Test(arguments: [
        MessageKey(source: "pracsoft", recordID: "A-1001", rule: "2d"),
        MessageKey(source: "a/b", recordID: "50%", rule: "x\ny"),
        MessageKey(source: "", recordID: "", rule: ""),
    ])
    func roundTripsThroughText(key: MessageKey) {
        #expect(MessageKey(key.description) == key)
        #expect(!key.description.contains("\n"))
    }
}

@Suite struct PhoneMaskTests {
    @Test(arguments: [
        ("+61412345678", "+614******78"),
        ("61412345678", "614******78"),
        ("0412 345 678", "041*****78"),
        ("12345", "***45"),
        ("", ""),
    ])
    func masks(input: String, expected: String) {
        #expect(PhoneMask.mask(input) == expected)
    }

    /// The shapes issue 15 found in the journal in full, and ones like them.
    @Test(arguments: [
        "login failed for 0428.904.234", "login failed for (0428) 904 234", "login failed for +61(428)904234",
        "login failed for 0428_904234", "to 0428/904/234: rejected", "to +61 428 904 234.", "to 0428-904-234!",
    ])
    func masksEveryWayNumbersAreWritten(line: String) {
        let masked = PhoneMask.maskNumbers(in: line)
        let digits = masked.filter(\.isNumber)
        #expect(!digits.contains("904234") && !digits.contains("428904"), "\(masked)")
        #expect(masked.hasPrefix(line.prefix(6)), "the words around it stay: \(masked)")
    }

    /// Numbers written in generated formats (separators, brackets, a country code) inside
    /// text: no run of six or more of their digits survives, and text without digits is
    /// unchanged.
    @Test func fuzzedNumberFormatsNeverSurviveWhole() {
        var rng = SystemRandomNumberGenerator()
        let separators = [" ", "-", ".", "_", "/", ""]
        for _ in 0..<5000 {
            let national = "4" + (0..<8).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            var written = ""
            let prefix = ["0", "+61", "+61 ", "(0", "+61(", "61"].randomElement(using: &rng)!
            written += prefix
            var i = national.startIndex
            var group = 0
            while i < national.endIndex {
                written.append(national[i])
                group += 1
                i = national.index(after: i)
                if i < national.endIndex, group >= Int.random(in: 2...4, using: &rng) {
                    if prefix.hasPrefix("(") || prefix.hasSuffix("("), !written.contains(")") { written += ")" }
                    written += separators.randomElement(using: &rng)!
                    group = 0
                }
            }
            let line = ["error: ", "number ", "", "rejected "].randomElement(using: &rng)! + written + [" is invalid", ".", "", " (code 21)"].randomElement(using: &rng)!
            let masked = PhoneMask.maskNumbers(in: line)
            let runs = masked.split { !$0.isNumber }
            #expect(!runs.contains { $0.count >= 6 && national.contains($0) }, "\(line) -> \(masked)")
            #expect(!masked.filter(\.isNumber).contains(national), "\(line) -> \(masked)")
        }
        #expect(PhoneMask.maskNumbers(in: "no digits here (none) - ok.") == "no digits here (none) - ok.")
        #expect(PhoneMask.maskNumbers(in: "exit 21 after 3 tries") == "exit 21 after 3 tries", "short numbers stay")
    }

    @Test func neverShowsTheWholeNumber() {
        for n in ["+61412345678", "447700900123", "0412345678", "5551234"] {
            let masked = PhoneMask.mask(n)
            #expect(!masked.contains(n.filter(\.isNumber)))
        }
    }
}

@Suite struct MessageStateTests {
    @Test func finalAndPendingAreDisjoint() {
        for state in MessageState.allCases {
            #expect(!(state.isFinal && state.isPending))
        }
        #expect(MessageState.allCases.filter(\.isFinal).count == 5)
    }

    @Test func eventIDsAreDistinct128BitHex() {
        let ids = EventID.allCases.map(\.rawValue)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.count == 32)
            #expect(UInt64(id.prefix(16), radix: 16) != nil && UInt64(id.suffix(16), radix: 16) != nil)
        }
    }
}

@Suite struct CivilCalendarTests {
    @Test(arguments: [(0, 1970, 1, 1), (-1, 1969, 12, 31), (11_016, 2000, 2, 29), (20_780, 2026, 11, 23), (-719_468, 0, 3, 1)])
    func knownDates(days: Int, year: Int, month: Int, day: Int) {
        #expect(CivilCalendar.date(daysSince1970: days) == (year, month, day))
        #expect(CivilCalendar.daysSince1970(year: year, month: month, day: day) == days)
    }

    @Test func roundTripsEveryDayOfFourCenturies() {
        for days in stride(from: -200_000, through: 200_000, by: 1) {
            let d = CivilCalendar.date(daysSince1970: days)
            #expect(CivilCalendar.daysSince1970(year: d.year, month: d.month, day: d.day) == days)
        }
    }

    @Test func splitsNegativeSecondsIntoThePreviousDay() {
        #expect(CivilCalendar.split(secondsSince1970: -1) == (-1, 86_399))
        #expect(CivilCalendar.split(secondsSince1970: 86_400) == (1, 0))
    }
}
