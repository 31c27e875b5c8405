import Testing
@testable import RemindSchedule

@Suite struct StatusFilterTests {
    @Test(arguments: [("scheduled", true), ("Confirmed", true), ("unreachable", true), ("cancelled", false),
                      ("no-show", false), ("deleted", false), ("arrived", false), ("", false)])
    func defaultSet(_ status: String, _ reminded: Bool) {
        #expect(StatusFilter().decision(for: status) == (reminded ? .remind : .withdraw))
    }

    @Test func sourceWordsMapToCanonicalStatuses() {
        let filter = StatusFilter(synonyms: ["Booked": "scheduled", "Out of Reach": "unreachable", "DNA": "no-show"])
        #expect(filter.decision(for: "booked") == .remind)
        #expect(filter.decision(for: "  out   of reach ") == .remind)
        #expect(filter.canonical("dna") == "no-show")
        #expect(filter.decision(for: "DNA") == .withdraw)
    }

    @Test func aNarrowerAcceptedSet() {
        let filter = StatusFilter(accepted: ["confirmed"])
        #expect(filter.decision(for: "confirmed") == .remind)
        #expect(filter.decision(for: "scheduled") == .withdraw)
    }
}
