import Foundation
import RemindDelivery
@testable import RemindSMPP
import Testing

/// The session state machine, driven synchronously with explicit times: no sockets, no sleeping.
@Suite struct SMPPSessionStateMachineTests {
    typealias Machine = SMPPSession.StateMachine
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func configuration(window: Int = 2, throughput: Double? = nil) -> SMPPSession.Configuration {
        var c = SMPPSession.Configuration(bind: BindRequest(mode: .transceiver, systemID: "remindd", password: "pw"))
        c.window = window
        c.throughput = throughput
        return c
    }

    func body(_ text: String = "Hi") -> ShortMessage {
        var m = ShortMessage()
        m.destination = .international("+61412345678")
        m.message = Array(text.utf8)
        return m
    }

    /// A machine bound at t0; returns it and the bind's sequence number.
    func bound(window: Int = 2, throughput: Double? = nil) -> Machine {
        var m = Machine(configuration: configuration(window: window, throughput: throughput), jitter: { 1 })
        #expect(m.start(now: t0) == [.connect])
        let actions = m.connected(now: t0)
        guard case .send(let bind) = actions.first, case .bind(let request) = bind.command else {
            Issue.record("no bind: \(actions)")
            return m
        }
        #expect(request.interfaceVersion == 0x34)
        #expect(request.mode == .transceiver)
        #expect(m.received(.pdu(PDU(.bindResp(.transceiver, systemID: "SMSC", tlvs: []), sequence: bind.sequence)), now: t0) == [.link(.up)])
        #expect(m.isBound)
        return m
    }

    func submits(_ actions: [SMPPSession.Action]) -> [UInt32] {
        actions.compactMap { if case .send(let p) = $0, case .submitSM = p.command { p.sequence } else { nil } }
    }

    func resp(_ sequence: UInt32, _ id: String = "", status: CommandStatus = .ok) -> InboundFrame {
        .pdu(PDU(.submitSMResp(messageID: id), sequence: sequence, status: status))
    }

    @Test func windowLimitsSubmitsInFlightAndMatchesBySequence() {
        var m = bound(window: 2)
        let a = submits(m.submit(1, parts: [body()], now: t0))
        let b = submits(m.submit(2, parts: [body()], now: t0))
        #expect(a.count == 1 && b.count == 1)
        #expect(m.submit(3, parts: [body()], now: t0) == [])  // the window is full
        #expect(m.queuedCount == 1)
        // Answers out of order: the second first.
        let afterB = m.received(resp(b[0], "id-b"), now: t0 + 1)
        #expect(afterB.first == .complete(2, .accepted(reference: "id-b")))
        #expect(submits(afterB).count == 1)
        #expect(m.received(resp(a[0], "id-a"), now: t0 + 1) == [.complete(1, .accepted(reference: "id-a"))])
    }

    @Test func throttlingPausesAndResendsThePart() {
        var m = bound()
        let first = submits(m.submit(1, parts: [body()], now: t0))
        #expect(m.received(resp(first[0], status: .throttled), now: t0) == [])
        #expect(m.nextDeadline == t0 + 1)
        #expect(m.tick(now: t0 + 0.5) == [])  // still paused
        let again = submits(m.tick(now: t0 + 1))
        #expect(again.count == 1 && again[0] != first[0])
        // A second throttling doubles the pause.
        _ = m.received(resp(again[0], status: .messageQueueFull), now: t0 + 1)
        #expect(m.nextDeadline == t0 + 3)
        let third = submits(m.tick(now: t0 + 3))
        #expect(m.received(resp(third[0], "ok-1"), now: t0 + 3) == [.complete(1, .accepted(reference: "ok-1"))])
    }

    @Test func noAnswerBeforeTheTimeoutIsUncertainAndNeverResent() {
        var m = bound()
        _ = m.submit(1, parts: [body()], now: t0)
        #expect(m.nextDeadline == t0 + 10)
        let actions = m.tick(now: t0 + 10)
        #expect(actions.count == 1)
        guard case .complete(1, .uncertain) = actions.first else {
            Issue.record("\(actions)")
            return
        }
        #expect(submits(m.tick(now: t0 + 20)).isEmpty)
    }

    @Test func aLostLinkMakesWrittenSubmitsUncertainAndGivesQueuedOnesBackNotSent() {
        var m = bound(window: 1)
        _ = m.submit(1, parts: [body()], now: t0)
        _ = m.submit(2, parts: [body()], now: t0)
        let actions = m.closed(reason: "connection reset", now: t0 + 1)
        #expect(actions.contains { if case .complete(1, .uncertain) = $0 { true } else { false } })
        #expect(actions.contains { if case .complete(2, .notSent) = $0 { true } else { false } })
        #expect(actions.contains(.link(.down(reason: "connection reset"))))
        // Reconnect with exponential backoff (jitter fixed at the full delay): 1 s, 2 s, 4 s.
        #expect(m.nextDeadline == t0 + 2)
        #expect(m.submit(3, parts: [body()], now: t0 + 1) == [.complete(3, .notSent("the link to the SMSC is down"))])
        #expect(m.tick(now: t0 + 2) == [.connect])
        _ = m.connectFailed(reason: "refused", now: t0 + 2)
        #expect(m.nextDeadline == t0 + 4)
        #expect(m.tick(now: t0 + 4) == [.connect])
        _ = m.connectFailed(reason: "refused", now: t0 + 4)
        #expect(m.nextDeadline == t0 + 8)
    }

    @Test func jitterDrawsBetweenHalfAndAllOfTheDelay() {
        var m = Machine(configuration: configuration(), jitter: { 0 })
        _ = m.start(now: t0)
        _ = m.connectFailed(reason: "x", now: t0)
        #expect(m.nextDeadline == t0 + 0.5)
    }

    @Test func aRefusedBindIsReportedOnceAndRetriedSlowly() {
        var m = Machine(configuration: configuration(), jitter: { 1 })
        _ = m.start(now: t0)
        guard case .send(let bind) = m.connected(now: t0).first else { return }
        let refusal = PDU(.bindResp(.transceiver, systemID: "", tlvs: []), sequence: bind.sequence, status: .invalidPassword)
        let actions = m.received(.pdu(refusal), now: t0)
        #expect(actions == [.refused(.invalidPassword), .link(.refused(reason: "bind refused: ESME_RINVPASWD (0xE)")), .close])
        #expect(m.closed(reason: "closed", now: t0) == [])
        #expect(m.nextDeadline == t0 + 300)
        #expect(m.tick(now: t0 + 299) == [])
        #expect(m.tick(now: t0 + 300) == [.connect])
        guard case .send(let bind2) = m.connected(now: t0 + 300).first else { return }
        let again = m.received(.pdu(PDU(.bindResp(.transceiver, systemID: "", tlvs: []), sequence: bind2.sequence, status: .invalidPassword)), now: t0 + 300)
        #expect(!again.contains(.refused(.invalidPassword)))  // logged once, not at every retry
    }

    /// Hand-overs that wait for the first bind (one of them three parts) are given back
    /// `notSent` when it is refused, never `temporary` (which would spend an attempt), and
    /// so is one offered while the link is refused.
    @Test func aRefusedBindGivesWaitingHandOversBackNotSent() {
        var m = Machine(configuration: configuration(), jitter: { 1 })
        _ = m.start(now: t0)
        #expect(m.submit(1, parts: [body()], now: t0).isEmpty)
        #expect(m.submit(2, parts: [body(), body(), body()], now: t0).isEmpty)
        guard case .send(let bind) = m.connected(now: t0).first else { return }
        let refusal = PDU(.bindResp(.transceiver, systemID: "", tlvs: []), sequence: bind.sequence, status: .invalidSystemID)
        let actions = m.received(.pdu(refusal), now: t0)
        let reason = "the SMSC refused the bind (ESME_RINVSYSID (0xF))"
        #expect(actions.contains(.complete(1, .notSent(reason))))
        #expect(actions.contains(.complete(2, .notSent(reason))))
        #expect(submits(actions).isEmpty)
        #expect(m.submit(3, parts: [body()], now: t0 + 1) == [.complete(3, .notSent(reason))])
    }

    @Test func enquireLinkOnTheIntervalAndAnswersTheSMSCs() {
        var m = bound()
        #expect(m.received(.pdu(PDU(.enquireLink, sequence: 77)), now: t0 + 5) == [.send(PDU(.enquireLinkResp, sequence: 77))])
        #expect(m.nextDeadline == t0 + 35)
        let actions = m.tick(now: t0 + 35)
        guard case .send(let e) = actions.first, e.command == .enquireLink else {
            Issue.record("\(actions)")
            return
        }
        // Unanswered within the response timeout: the link is closed.
        #expect(m.tick(now: t0 + 45) == [.close])
        #expect(m.closed(reason: "closed", now: t0 + 45).contains(.link(.down(reason: "enquire_link unanswered for 10s"))))
    }

    @Test func stopUnbindsAndWaitsForTheAnswer() {
        var m = bound()
        let actions = m.stop(now: t0)
        guard case .send(let unbind) = actions.first, unbind.command == .unbind else {
            Issue.record("\(actions)")
            return
        }
        #expect(m.received(.pdu(PDU(.unbindResp, sequence: unbind.sequence)), now: t0 + 1) == [.close])
        #expect(m.closed(reason: "closed", now: t0 + 1) == [.stopped])
        #expect(m.isStopped)
    }

    @Test func stopClosesWhenTheUnbindGoesUnanswered() {
        var m = bound()
        _ = m.stop(now: t0)
        #expect(m.tick(now: t0 + 4.9) == [], "not before the unbind timeout")
        #expect(m.tick(now: t0 + 5) == [.close], "at most 5 s, whatever the response timeout (10 s)")
        #expect(m.closed(reason: "closed", now: t0 + 5) == [.stopped])
    }

    @Test func whatCannotBeParsedIsAnsweredWithGenericNack() {
        var m = bound()
        #expect(m.received(.invalid(commandID: CommandID(rawValue: 0x103), sequence: 9, status: .invalidCommandID), now: t0) ==
            [.send(PDU(.genericNack, sequence: 9, status: .invalidCommandID))])
    }

    @Test(arguments: [
        (CommandStatus.invalidDestinationAddress, "permanent"), (.invalidSourceAddress, "permanent"), (.invalidDataCoding, "permanent"),
        (.systemError, "temporary"), (.submitFailed, "temporary"),
    ])
    func submitStatusesMapToResults(_ status: CommandStatus, _ expected: String) {
        var m = bound()
        let s = submits(m.submit(1, parts: [body()], now: t0))
        let actions = m.received(resp(s[0], status: status), now: t0)
        guard case .complete(1, let outcome) = actions.first else {
            Issue.record("\(actions)")
            return
        }
        switch outcome {
        case .permanent(let message): #expect(expected == "permanent"); #expect(message.contains("\(status)"))
        case .temporary: #expect(expected == "temporary")
        default: Issue.record("\(outcome)")
        }
    }

    @Test func aMultipartMessageIsAcceptedWhenEveryPartIs() {
        var m = bound(window: 5)
        let s = submits(m.submit(1, parts: [body("a"), body("b"), body("c")], now: t0))
        #expect(s.count == 3)
        #expect(m.received(resp(s[1], "p2"), now: t0) == [])
        #expect(m.received(resp(s[2], "p3"), now: t0) == [])
        #expect(m.received(resp(s[0], "p1"), now: t0) == [.complete(1, .accepted(reference: "p1", parts: ["p2", "p3"]))])
    }

    @Test func aPartlyAcceptedMessageIsUncertain() {
        var m = bound(window: 1)
        let s = submits(m.submit(1, parts: [body("a"), body("b"), body("c")], now: t0))
        let next = submits(m.received(resp(s[0], "p1"), now: t0))
        let actions = m.received(resp(next[0], status: .invalidDestinationAddress), now: t0)
        #expect(submits(actions).isEmpty)  // the third part is not written
        guard case .complete(1, .uncertain) = actions.first else {
            Issue.record("\(actions)")
            return
        }
    }

    @Test func throughputSpacesTheWrites() {
        var m = bound(window: 10, throughput: 2)
        #expect(submits(m.submit(1, parts: [body()], now: t0)).count == 1)
        #expect(submits(m.submit(2, parts: [body()], now: t0)).isEmpty)
        #expect(m.nextDeadline == t0 + 0.5)
        #expect(submits(m.tick(now: t0 + 0.5)).count == 1)
    }

    @Test func cancelSaysUncertainOnlyWhenWritten() {
        var m = bound(window: 1)
        _ = m.submit(1, parts: [body()], now: t0)
        _ = m.submit(2, parts: [body()], now: t0)
        #expect(m.cancel(2, now: t0) == [.complete(2, .notSent("cancelled before it was sent"))])
        #expect(m.cancel(1, now: t0) == [.complete(1, .uncertain("cancelled while the SMSC had it"))])
    }

    /// A stop with the window full: the message waiting beyond it is given back and never
    /// written when the answer frees the window; written ones (a long message's other parts
    /// too) go on.
    @Test func withdrawGivesBackOnlyWhatHasNothingWritten() {
        var m = bound(window: 1)
        let long = submits(m.submit(1, parts: [body("a"), body("b")], now: t0))
        _ = m.submit(2, parts: [body()], now: t0)
        #expect(m.withdraw(1, reason: "remindd is stopping") == [], "part a is written")
        #expect(m.withdraw(2, reason: "remindd is stopping") == [.complete(2, .notSent("remindd is stopping"))])
        #expect(m.withdraw(2, reason: "remindd is stopping") == [])
        let partB = submits(m.received(resp(long[0], "p1"), now: t0))
        #expect(partB.count == 1 && m.queuedCount == 0, "only the long message's second part goes out")
        #expect(m.received(resp(partB[0], "p2"), now: t0) == [.complete(1, .accepted(reference: "p1", parts: ["p2"]))])
    }

    @Test func deliverSMIsHandedOverForItsAnswer() {
        var m = bound()
        var d = ShortMessage()
        d.esmClass = 0x04
        #expect(m.received(.pdu(PDU(.deliverSM(d), sequence: 5)), now: t0) == [.deliver(sequence: 5, d)])
    }
}
