import Foundation
import RemindRecipients
import Testing

@Suite struct DailyRecipientLimitTests {
    let sydney = TimeZone(identifier: "Australia/Sydney")!
    /// 2026-04-24 09:00 in Sydney (UTC+10).
    let morning = Date(timeIntervalSince1970: 1_776_985_200)

    @Test func atMostNPerNumberPerLocalDay() {
        var limit = DailyRecipientLimit(perDay: 2, timeZone: sydney)
        do { let ok = limit.admit("+61412345678", at: morning); #expect(ok) }
        do { let ok = limit.admit("+61412345678", at: morning + 3600); #expect(ok) }
        do { let ok = limit.admit("+61412345678", at: morning + 7200); #expect(!ok) }
        do { let ok = limit.admit("+61423456789", at: morning + 7200); #expect(ok) }  // another number has its own count
        #expect(limit.count("+61412345678", on: morning) == 2)
        // 23:59 local is the same day; 00:00 the next.
        #expect(!limit.allows("+61412345678", at: morning + 15 * 3600 - 60))
        #expect(limit.allows("+61412345678", at: morning + 15 * 3600))
    }

    @Test func theDayIsTheLocalDayAcrossDaylightSavingChanges() {
        let limit = DailyRecipientLimit(perDay: 1, timeZone: sydney)
        // 2026-10-04: clocks go forward at 02:00 (a 23-hour day). 00:30 and 23:30 local
        // are one day; 00:30 the next morning is another.
        let start = Date(timeIntervalSince1970: 1_791_037_800)  // 2026-10-04 00:30 +10:00
        #expect(limit.day(containing: start) == limit.day(containing: start + 22 * 3600))  // 23:30 +11:00
        #expect(limit.day(containing: start) + 1 == limit.day(containing: start + 23 * 3600))
        #expect(limit.day(containing: Date(timeIntervalSince1970: 0)) == 0)  // 1970-01-01 10:00 in Sydney
    }

    @Test func overTheLimitWaitsForTheNextLocalDay() {
        var limit = DailyRecipientLimit(perDay: 1, timeZone: sydney)
        let number = "+61412345678"
        #expect(limit.nextDayWithRoom(for: number, from: morning) == morning - 9 * 3600)  // today's midnight
        limit.record(number, at: morning)
        #expect(limit.nextDayWithRoom(for: number, from: morning + 60) == morning + 15 * 3600)  // tomorrow's
    }

    @Test func zeroMeansNoLimitAndOldDaysAreForgotten() {
        var none = DailyRecipientLimit(perDay: 0, timeZone: sydney)
        for _ in 0..<10 { do { let ok = none.admit("+61412345678", at: morning); #expect(ok) } }
        var limit = DailyRecipientLimit(perDay: 1, timeZone: sydney)
        limit.record("+61412345678", at: morning)
        limit.forget(before: morning + 86400)
        #expect(limit.count("+61412345678", on: morning) == 0)
    }
}

extension DailyRecipientLimitTests {
    @Test func aReleaseTheProviderRefusedIsTakenBack() {
        var limit = DailyRecipientLimit(perDay: 1, timeZone: sydney)
        let number = "+61412345678"
        limit.record(number, at: morning)
        #expect(!limit.allows(number, at: morning + 60))
        limit.unrecord(number, at: morning)
        #expect(limit.allows(number, at: morning + 60))
        limit.unrecord(number, at: morning)  // never below zero
        #expect(limit.count(number, on: morning) == 0)
        limit.record(number, at: morning)
        #expect(limit.counts(on: morning) == [number: 1])
        #expect(limit.counts(on: morning + 86400).isEmpty)
    }

    @Test func aReloadChangesTheLimitAndKeepsTheCounts() {
        var limit = DailyRecipientLimit(perDay: 1, timeZone: sydney)
        let number = "+61412345678"
        limit.record(number, at: morning)
        #expect(!limit.allows(number, at: morning))
        limit.reconfigure(perDay: 2)
        #expect(limit.perDay == 2)
        #expect(limit.allows(number, at: morning))
        limit.record(number, at: morning)
        #expect(!limit.allows(number, at: morning))
        limit.reconfigure(perDay: 0)
        #expect(limit.allows(number, at: morning))
    }
}
