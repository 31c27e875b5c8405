import Foundation
import RemindCore
import RemindSchedule
import Testing

/// What a provider's answer and a gateway's receipt do to a message, without a spool.
@Suite struct HandOverDecisionTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    var created: Date { now.addingTimeInterval(-3600) }
    let decision = HandOverDecision()

    @Test func anAcceptedAnswerIsRecordedSentAndClearsTheProviderProblem() {
        let actions = decision.decide(.accepted(reference: "abc"), for: .init(attempts: 1, created: created, expires: nil), now: now)
        #expect(actions == [.recordSent(reference: "abc"), .providerHealthy])
    }

    @Test(arguments: [(1, 60.0), (2, 120.0), (3, 240.0), (7, 3600.0), (12, 3600.0)])
    func aTemporaryFailureIsRetriedWithExponentialBackoff(attempts: Int, delay: TimeInterval) {
        let actions = decision.decide(.temporary(reason: "gateway down"), for: .init(attempts: attempts, created: created, expires: nil), now: now)
        #expect(actions == [.giveBackDailyCount, .deferUntil(now.addingTimeInterval(delay), reason: "gateway down"), .providerFailing(reason: "gateway down")])
    }

    @Test func aTemporaryFailureWhoseRetryWouldComeAtOrAfterTheExpiryFails() {
        let at = now.addingTimeInterval(60)
        for expires in [at, now.addingTimeInterval(30)] {
            let actions = decision.decide(.temporary(reason: "busy"), for: .init(attempts: 1, created: created, expires: expires), now: now)
            #expect(actions == [.giveBackDailyCount, .fail(reason: "busy")])
        }
        let later = decision.decide(.temporary(reason: "busy"), for: .init(attempts: 1, created: created, expires: at.addingTimeInterval(1)), now: now)
        #expect(later.contains(.deferUntil(at, reason: "busy")))
    }

    @Test func aGatewaysRetryAfterPostponesTheRetryButNeverBringsItForward() {
        let facts = HandOverDecision.Message(attempts: 1, created: created, expires: nil)
        let longer = decision.decide(.temporary(reason: "429", notBefore: now.addingTimeInterval(600)), for: facts, now: now)
        #expect(longer.contains(.deferUntil(now.addingTimeInterval(600), reason: "429")))
        let shorter = decision.decide(.temporary(reason: "429", notBefore: now.addingTimeInterval(5)), for: facts, now: now)
        #expect(shorter.contains(.deferUntil(now.addingTimeInterval(60), reason: "429")))
        // Asked to come back after the message expires: it fails now, with the reason.
        let expiring = HandOverDecision.Message(attempts: 1, created: created, expires: now.addingTimeInterval(300))
        #expect(decision.decide(.temporary(reason: "429", notBefore: now.addingTimeInterval(600)), for: expiring, now: now)
            == [.giveBackDailyCount, .fail(reason: "429")])
    }

    @Test func aTemporaryFailurePastTheRetryLifetimeFails() {
        let old = now.addingTimeInterval(-2 * 86400 + 30)  // the next retry (in 60 s) would be past 2 days
        let actions = decision.decide(.temporary(reason: "busy"), for: .init(attempts: 1, created: old, expires: nil), now: now)
        #expect(actions == [.giveBackDailyCount, .fail(reason: "busy")])
    }

    @Test func aPermanentFailureFailsAndGivesTheDailyCountBack() {
        let actions = decision.decide(.permanent(reason: "invalid destination"), for: .init(attempts: 1, created: created, expires: nil), now: now)
        #expect(actions == [.giveBackDailyCount, .fail(reason: "invalid destination")])
    }

    @Test func notSentGoesBackToTheQueueWithTheDailyCountAndNoRetryTime() {
        let actions = decision.decide(.notSent(reason: "the SMSC refused the bind"), for: .init(attempts: 3, created: created, expires: nil), now: now)
        #expect(actions == [.giveBackDailyCount, .requeue(reason: "the SMSC refused the bind")])
    }

    @Test func anUncertainAnswerIsSetAsideAndKeepsTheDailyCount() {
        let actions = decision.decide(.uncertain(reason: "killed"), for: .init(attempts: 1, created: created, expires: nil), now: now)
        #expect(actions == [.setAside(reason: "killed"), .providerFailing(reason: "killed")])
        #expect(!actions.contains(.giveBackDailyCount))
    }

    @Test func aReceiptMovesASentOrUncertainMessageOnly() {
        #expect(decision.receipt(delivered: true, code: nil, state: .sent) == .markDelivered(detail: "receipt=delivered"))
        #expect(decision.receipt(delivered: true, code: "DELIVRD", state: .uncertain) == .markDelivered(detail: "receipt=delivered code=DELIVRD"))
        #expect(decision.receipt(delivered: false, code: "0x0B", state: .sent) == .markFailed(detail: "receipt=undeliverable code=0x0B"))
        for state in MessageState.allCases where state != .sent && state != .uncertain {
            #expect(decision.receipt(delivered: true, code: nil, state: state) == .ignore(state))
        }
    }

    @Test func aGatewaysCodeBecomesOneHistoryToken() {
        #expect(decision.receipt(delivered: false, code: "err 11\nx", state: .sent) == .markFailed(detail: "receipt=undeliverable code=err11x"))
        #expect(decision.receipt(delivered: false, code: " ", state: .sent) == .markFailed(detail: "receipt=undeliverable code=-"))
        let long = String(repeating: "A", count: 100)
        #expect(decision.receipt(delivered: false, code: long, state: .sent) == .markFailed(detail: "receipt=undeliverable code=" + String(repeating: "A", count: 32)))
    }
}
