import Foundation
import Logging
import NIOSSL
import RemindCore
import RemindDelivery
import RemindSchedule
@testable import RemindSMPP
import RemindTesting
import RemindText
import ServiceLifecycle
import Synchronization
import Testing

/// The provider against a real, third-party SMSC: PyPI's smpp34 server (see `TestSMSC`),
/// on 127.0.0.1, with a real clock and socket. Which behaviour comes from where:
/// - smpp34's Server: bind, framing, sequence numbers, enquire_link, submit_sm_resp
///   (accept or any ESME status), deliver_sm and its response;
/// - SMSC/smsc.py (on smpp34): which status a destination gets, receipts (text and TLV
///   form, one per part, part 2 of a long message UNDELIV), replies (whole, in two UDH
///   parts, in two SAR parts), the never-answered submit, deliver_sm on the session that
///   can receive (smpp34's `Esme.can_receive` tells bind_receiver/transceiver from
///   bind_transmitter), the SMSC unbinding the receiver alone (`Esme.unbind`), and the
///   refused bind (smpp34's Server accepts every bind, so that mode reads the bind with
///   smpp34.decode and answers it on a plain asyncio socket).
/// No second SMSC peer was needed: smpp34 covers bind types, UDH/SAR deliver_sm and unbind.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SMPPProviderIntegrationTests {
    /// A provider for `smsc`, running in a service group until `body` returns.
    func withProvider(
        _ smsc: TestSMSC, port: Int? = nil, tls: NIOSSLContext? = nil, window: Int = 10, receiverLink: Bool = false,
        configure: (inout SMPPSession.Configuration) -> Void = { _ in },
        _ body: (SMPPProvider, EventCollector) async throws -> Void
    ) async throws {
        var session = SMPPSession.Configuration(bind: BindRequest(mode: .transceiver, systemID: "remindd", password: "secret"))
        session.window = window
        session.responseTimeout = 3
        session.reconnectInitial = 0.1
        session.reconnectMaximum = 0.5
        session.throttleInitial = 0.1
        session.throttleMaximum = 0.4
        configure(&session)
        var settings = SMPPProvider.Settings(host: "127.0.0.1", port: port ?? smsc.port, session: session,
                                             submit: SubmitOptions(source: .sender("Clinic")), tls: tls)
        settings.receiverLink = receiverLink
        if receiverLink { settings.session.bind.mode = .transmitter }
        var logger = Logger(label: "smpp-test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["SMPP_TEST_TRACE"] == nil ? .info : .trace
        let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger)
        let collector = EventCollector()
        let group = ServiceGroup(services: [provider], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                // The daemon's delivery service does this: apply, then say it is durable.
                for await event in provider.events! {
                    collector.append(event)
                    await provider.handled(event, stored: true)
                }
            }
            do {
                try await body(provider, collector)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// `send` as a Result (its typed error kept).
    func outcome(_ provider: SMPPProvider, _ m: OutgoingMessage) async -> Result<DeliveryResult, DeliveryError> {
        do throws(DeliveryError) { return .success(try await provider.send(m)) } catch { return .failure(error) }
    }

    func message(_ text: String, to: String, id: UInt64) -> OutgoingMessage {
        OutgoingMessageFixture.make(text: text, to: to, id: id)
    }

    @Test func gsm7UCS2AndAThreePartMessageArriveIntact() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc) { provider, _ in
            let gsm = "Hi Ann, {Dr} [Lee] ~ 10:30 € ^_^ |ok|"
            let ucs2 = "Zoë, 予約は明日 😀"
            let long = (1...50).map { "Part\($0) " }.joined() + "€ end of the message"  // 3 parts
            // In flight together. (A task group: `async let` here met a compiler bug that
            // garbled a later local's value in Swift 6.3.)
            let results = try await withThrowingTaskGroup(of: (Int, DeliveryResult).self) { group in
                for (i, (text, to)) in [(gsm, "+61400000101"), (ucs2, "+61400000102"), (long, "+61400000103")].enumerated() {
                    group.addTask { (i, try await provider.send(message(text, to: to, id: UInt64(i + 1)))) }
                }
                var results: [Int: DeliveryResult] = [:]
                for try await (i, r) in group { results[i] = r }
                return results
            }
            let (a, b, c) = (try #require(results[0]), try #require(results[1]), try #require(results[2]))
            let submits = smsc.accepted()
            #expect(submits.count == 1 + 1 + 3)

            let g = try #require(submits.first { $0.dest == "61400000101" })
            #expect(g.dc == 0)
            #expect(GSM7.decode(g.bytes) == gsm)
            #expect(g.bytes.contains(0x1B))  // the extension escapes, one septet per octet
            #expect(g.src == "Clinic" && g.src_ton == 5 && g.src_npi == 0)
            #expect(g.dest_ton == 1 && g.dest_npi == 1)
            #expect(g.reg == 1)
            #expect(a.reference == g.id)

            let u = try #require(submits.first { $0.dest == "61400000102" })
            #expect(u.dc == 8)
            let units = stride(from: 0, to: u.bytes.count, by: 2).map { UInt16(u.bytes[$0]) << 8 | UInt16(u.bytes[$0 + 1]) }
            #expect(String(decoding: units, as: UTF16.self) == ucs2)
            #expect(b.reference == u.id)

            let parts = submits.filter { $0.dest == "61400000103" }
            #expect(parts.count == 3)
            var text: [UInt8] = []
            for (i, p) in parts.sorted(by: { $0.bytes[5] < $1.bytes[5] }).enumerated() {
                #expect(p.esm == 0x40)
                #expect(Array(p.bytes.prefix(6)) == [0x05, 0x00, 0x03, 3, 3, UInt8(i + 1)])  // reference 3: the message id's low octet
                text += p.bytes.dropFirst(6)
            }
            #expect(GSM7.decode(text) == long)
            #expect(parts.contains { $0.id == c.reference })
        }
    }

    @Test func receiptsInTextAndTLVFormAreAcknowledgedOnceHandled() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc) { provider, events in
            let delivered = try await provider.send(message("One", to: "+61400000201", id: 11))
            let undelivered = try await provider.send(message("Two", to: "+61400000666", id: 12))
            let tlv = try await provider.send(message("Three", to: "+61400000777", id: 13))
            try await waitFor("three receipts") { events.receipts.count == 3 }
            let receipts = Dictionary(events.receipts.map { ($0.reference, $0.outcome) }, uniquingKeysWith: { a, _ in a })
            #expect(receipts[delivered.reference] == .delivered)
            #expect(receipts[undelivered.reference] == .undeliverable)
            #expect(receipts[tlv.reference] == .delivered)
            // deliver_sm_resp went back (after `handled(_:stored: true)`), with ESME_ROK.
            try await waitFor("three deliver_sm_resp") { smsc.events("deliver_resp").count == 3 }
            #expect(smsc.events("deliver_resp").allSatisfy { $0.status == 0 })
        }
    }

    @Test func repliesArriveAsInboundEvents() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc) { provider, events in
            _ = try await provider.send(message("Reply STOP to opt out", to: "+61400007867", id: 21))
            _ = try await provider.send(message("See you Tuesday?", to: "+61400007868", id: 22))
            try await waitFor("two replies") { events.inbound.count == 2 }
            let replies = Dictionary(events.inbound.map { ($0.sender, $0.text) }, uniquingKeysWith: { a, _ in a })
            #expect(replies["+61400007867"] == "STOP")
            #expect(replies["+61400007868"] == "Yes, see you then")
            try await waitFor("the replies' deliver_sm_resp") { smsc.events("deliver_resp").count == 2 }
        }
    }

    @Test func throttlingSlowsTheLinkAndEveryMessageArrivesExactlyOnce() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc) { provider, _ in
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: DeliveryResult.self) { group in
                for i in 0..<5 { group.addTask { try await provider.send(message("Throttled \(i)", to: "+6140000\(i)0058", id: 30 + UInt64(i))) } }
                group.addTask { try await provider.send(message("Queue full", to: "+61400000014", id: 40)) }
                var references = Set<String>()
                for try await r in group { references.insert(r.reference) }
                #expect(references.count == 6)
            }
            let elapsed = ContinuousClock.now - start
            let submits = smsc.events("submit")
            #expect(submits.filter { $0.status == 0x58 }.count == 10)  // two per message, then accepted
            #expect(submits.filter { $0.status == 0x14 }.count == 1)
            let accepted = smsc.accepted()
            #expect(accepted.count == 6)
            #expect(Set(accepted.map { $0.sm ?? "" }).count == 6)  // none twice
            // The pauses (0.1 s, then 0.2 s, 0.4 s …) slowed the link down.
            #expect(elapsed >= .milliseconds(300))
        }
    }

    @Test func aRejectedDestinationIsPermanentAndNamesTheStatus() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc) { provider, _ in
            guard case .failure(let error) = await outcome(provider, message("x", to: "+61400000011", id: 50)) else {
                Issue.record("accepted")
                return
            }
            #expect(error.code == .permanent)
            #expect(error.message.contains("ESME_RINVDSTADR"))
        }
    }

    /// `bind = "transmitter+receiver"`: two links to the smpp34 SMSC, bind_transmitter for
    /// submits and bind_receiver for receipts and replies (smpp34 knows each session's bind
    /// type; smsc.py sends deliver_sm on the session that can receive). The SMSC unbinding
    /// the receiver alone: the receiver binds again by itself, the transmitter never drops,
    /// and the next receipt comes on the new receiver.
    @Test func transmitterAndReceiverAreTwoLinksEachReconnectingOnItsOwn() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc, receiverLink: true) { provider, events in
            try await waitFor("both links bound") { provider.isBound }
            #expect(smsc.events("bound").compactMap(\.kind).sorted() == ["receives", "sends"])
            let first = try await provider.send(message("Receipt please", to: "+61400000501", id: 80))
            try await waitFor("the receipt on the receiver link") { events.receipts.contains { $0.reference == first.reference } }
            _ = try await provider.send(message("Reply please", to: "+61412347868", id: 81))
            try await waitFor("the reply on the receiver link") { events.inbound.contains { $0.text == "Yes, see you then" } }

            _ = try await provider.send(message("Drop the receiver", to: "+61400000999", id: 82))
            try await waitFor("the SMSC unbinding the receiver") { smsc.events("receiver_unbound").count == 1 }
            try await waitFor("the receiver bound again", timeout: .seconds(15)) {
                smsc.events("bound").filter { $0.kind == "receives" }.count == 2 && provider.isBound
            }
            let second = try await provider.send(message("Again", to: "+61400000502", id: 83))
            try await waitFor("the receipt on the new receiver link") { events.receipts.contains { $0.reference == second.reference } }
            #expect(smsc.events("bound").filter { $0.kind == "sends" }.count == 1, "the transmitter never dropped")
            #expect(smsc.events("no_receiver").isEmpty)
            #expect(!events.links.contains { if case .down = $0 { true } else { false } }, "the receiver's loss is not the submitting link's")
        }
        try await waitFor("both links unbound at stop", timeout: .seconds(10)) { smsc.events("unbound").count >= 3 }
    }

    @Test func aWrongPasswordIsAClearRefusalThatDoesNotLoop() async throws {
        let smsc = try TestSMSC(refuseBind: true)
        try await smsc.start()
        try await withProvider(smsc) { provider, events in
            try await waitFor("the link refused") { events.links.contains { if case .refused = $0 { true } else { false } } }
            let refused = events.links.compactMap { if case .refused(let reason) = $0 { reason } else { nil } }
            #expect(refused.first?.contains("ESME_RINVPASWD (0xE)") == true)
            guard case .failure(let error) = await outcome(provider, message("x", to: "+61400000301", id: 60)) else {
                Issue.record("sent on a refused link")
                return
            }
            #expect(error.code == .notSent)  // given back: the daemon keeps it queued, no attempt spent
            try await Task.sleep(for: .seconds(1))
            #expect(smsc.events("bind_refused").count == 1)  // retried in minutes, not in a loop
        }
    }

    @Test func theSMSCKilledMidStreamLeavesOutstandingSubmitsUncertainAndTheLinkComesBack() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        try await withProvider(smsc, configure: { $0.responseTimeout = 30 }) { provider, events in
            _ = try await provider.send(message("Before", to: "+61400000401", id: 70))
            // Never answered: outstanding when the SMSC dies.
            async let held = outcome(provider, message("Held", to: "+61400000000", id: 71))
            try await waitFor("the held submit at the SMSC") { smsc.events("submit").contains { $0.dest == "61400000000" } }
            smsc.kill()
            let outcome = await held
            guard case .failure(let error) = outcome else {
                Issue.record("the outstanding submit was \(outcome)")
                return
            }
            #expect(error.code == .uncertain)
            try await waitFor("link down") { events.links.contains { if case .down = $0 { true } else { false } } }

            let again = try TestSMSC(port: smsc.port, idPrefix: "n")
            try await again.start()
            try await waitFor("the link back up", timeout: .seconds(15)) { provider.isBound }
            let after = try await provider.send(message("After", to: "+61400000402", id: 72))
            #expect(after.reference.hasPrefix("n"))
            // Nothing resent by itself: the uncertain one is not at the new SMSC.
            #expect(again.events("submit").map { $0.dest } == ["61400000402"])
            #expect(smsc.events("submit").filter { $0.dest == "61400000401" }.count == 1)
        }
    }

    @Test func overTLSThroughStunnel() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        let front = try TestTLSFront(forwardingTo: smsc.port)
        try await front.start()
        let tls = try SMPPProvider.Settings.tlsContext(caFile: front.certificate)
        try await withProvider(smsc, port: front.port, tls: tls) { provider, events in
            let r = try await provider.send(message("Over TLS €", to: "+61400000501", id: 80))
            #expect(smsc.accepted().map(\.id) == [r.reference])
            #expect(GSM7.decode(try #require(smsc.accepted().first).bytes) == "Over TLS €")
            try await waitFor("its receipt") { events.receipts.contains { $0.reference == r.reference } }
        }
        // The same SMSC through TLS with a CA that did not sign its certificate: never bound.
        let other = try TestTLSFront(forwardingTo: smsc.port)
        try await other.start()
        let wrongCA = try SMPPProvider.Settings.tlsContext(caFile: other.certificate)
        try await withProvider(smsc, port: front.port, tls: wrongCA) { provider, events in
            try await waitFor("the link down") { events.links.contains { if case .down = $0 { true } else { false } } }
            #expect(!provider.isBound)
        }
        #expect(smsc.events("bound").count == 1)
    }

    @Test func aMissingServerFailsLoudly() throws {
        // The suite's precondition, checked on its own: without smpp34 every test above fails.
        #expect(FileManager.default.isExecutableFile(atPath: TestSMSC.python), "no smpp34 Python at \(TestSMSC.python): run `make deps`")
    }
}

/// What the provider reported, collected for the test.
/// Runs `provider` in a service group, its events collected, until `body` returns; then
/// stops it gracefully (also when `body` throws) and returns what it sent.
func withRunningProvider(_ provider: SMPPProvider, logger: Logger,
                         _ body: (EventCollector) async throws -> Void) async throws -> EventCollector {
    let group = ServiceGroup(services: [provider], logger: logger)
    let events = EventCollector()
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        tasks.addTask { for await e in provider.events! { events.append(e) } }
        do { try await body(events) } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
    return events
}

final class EventCollector: Sendable {
    private let events = Mutex<[GatewayEvent]>([])

    func append(_ e: GatewayEvent) { events.withLock { $0.append(e) } }

    var receipts: [DeliveryReceipt] { events.withLock { $0.compactMap { if case .receipt(let r) = $0 { r } else { nil } } } }
    var inbound: [InboundMessage] { events.withLock { $0.compactMap { if case .inbound(let m) = $0 { m } else { nil } } } }
    var links: [LinkState] { events.withLock { $0.compactMap { if case .link(let l) = $0 { l } else { nil } } } }
}

/// `remindd --test-provider`'s probe against the smpp34 SMSC: bind, enquire_link, unbind.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SMPPProbeTests {
    func settings(_ smsc: TestSMSC) -> SMPPProvider.Settings {
        var session = SMPPSession.Configuration(bind: BindRequest(mode: .transceiver, systemID: "remindd", password: "secret"))
        session.responseTimeout = 3
        return SMPPProvider.Settings(host: "127.0.0.1", port: smsc.port, session: session, submit: SubmitOptions(source: .sender("Clinic")))
    }

    @Test func bindsTimesAnEnquireLinkAndUnbindsWithoutSending() async throws {
        let smsc = try TestSMSC()
        try await smsc.start()
        let report = try await SMPPProbe.run(settings(smsc))
        #expect(report.smscSystemID == "smpp34-test")
        #expect(report.roundTrip > .zero && report.roundTrip < .seconds(3))
        #expect(smsc.events("submit").isEmpty)
        try await waitFor("the unbind") { smsc.events("unbound").count == 1 }
    }

    @Test func aRefusedBindNamesTheStatus() async throws {
        let smsc = try TestSMSC(refuseBind: true)
        try await smsc.start()
        do throws(SMPPProbe.Failure) {
            _ = try await SMPPProbe.run(settings(smsc))
            Issue.record("bound")
        } catch {
            #expect(error.status == .invalidPassword)
            #expect(error.description.contains("ESME_RINVPASWD"))
        }
    }

    @Test func nothingListeningIsAFailureNotAHang() async throws {
        var s = settings(try TestSMSC())
        s.port = try TestSMSC.freePort()
        do throws(SMPPProbe.Failure) {
            _ = try await SMPPProbe.run(s)
            Issue.record("bound to nothing")
        } catch {
            #expect(error.status == nil)
            #expect(error.description.contains("cannot reach"))
        }
    }
}
