import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RemindCore
import RemindDelivery
@testable import RemindHTTPGateway
import RemindTesting
import RemindText
import Testing

/// The Kannel preset against a real Kannel: Debian's bearerbox and smsbox, with
/// kannel-extras' fakesmsc as the SMSC, configured and started by `TestKannel` on 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(2))) struct KannelProviderTests {
    @Test func gsm7AndUCS2TextsArriveIntact() async throws {
        let kannel = try TestKannel()
        try await kannel.start()
        defer { kannel.stop() }
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            let gsm = "Hi Ann, {Dr} [Lee] ~ 10:30 € ^_^ |ok| @ £ ü"
            let ucs2 = "Zoë, 予約は明日 😀"
            let a = try await provider.send(Fixture.message(gsm, to: "+61400000101", id: 1))
            let b = try await provider.send(Fixture.message(ucs2, to: "+61400000102", id: 2))
            #expect(a.reference == "k1" && b.reference == "k2")
            try await waitFor("two messages at fakesmsc") { kannel.received().count >= 2 }
            let got = kannel.received()
            let g = try #require(got.first { $0.to == "+61400000101" })
            #expect(g.type == "text")
            #expect(g.text == gsm)
            #expect(g.from == "Clinic")
            let u = try #require(got.first { $0.to == "+61400000102" })
            #expect(u.type == "ucs-2")
            #expect(u.text == ucs2)
        }
    }

    @Test func manyInParallelOnOnePoolAllArriveOnce() async throws {
        let kannel = try TestKannel()
        try await kannel.start()
        defer { kannel.stop() }
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 1...40 {
                    group.addTask { _ = try await provider.send(Fixture.message("Reminder \(i)", to: "+614000002\(String(format: "%02d", i))", id: UInt64(i))) }
                }
                try await group.waitForAll()
            }
            try await waitFor("40 messages at fakesmsc") { kannel.received().count >= 40 }
            let texts = kannel.received().map(\.text)
            #expect(Set(texts) == Set((1...40).map { "Reminder \($0)" }))
            #expect(texts.count == 40)
        }
    }

    @Test func aStoppedBearerboxGivesTemporaryFailuresAndTheMessagesArriveOnceItIsBack() async throws {
        let kannel = try TestKannel()
        try await kannel.start()
        defer { kannel.stop() }
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            _ = try await provider.send(Fixture.message("Before", to: "+61400000301", id: 1))
            // Accepted is not yet delivered: stopping the boxes before fakesmsc has it may
            // leave it in smsbox's hands, which is Kannel's business, not this test's.
            try await waitFor("the first message at fakesmsc") { kannel.received().count >= 1 }
            await kannel.stopBearerbox()
            var failures: [DeliveryError] = []
            for i in 2...4 {
                if case .failure(let e) = await outcome(provider, Fixture.message("During \(i)", to: "+6140000030\(i)", id: UInt64(i))) {
                    failures.append(e)
                }
            }
            #expect(failures.count == 3)
            #expect(failures.allSatisfy { $0.code == .temporary })
            #expect(failures.allSatisfy { $0.message.contains("nothing was sent") })
            // The engine retries them later; here, once the boxes are back.
            try await kannel.restart()
            for i in 2...4 {
                let r = try await provider.send(Fixture.message("During \(i)", to: "+6140000030\(i)", id: UInt64(i)))
                #expect(r.reference == "k\(i)")
            }
            try await waitFor("four messages at fakesmsc") { kannel.received().count >= 4 }
            #expect(Set(kannel.received().map(\.text)) == ["Before", "During 2", "During 3", "During 4"])
        }
    }

    /// With no SMSC connected, smsbox answers `202 3: Queued for later delivery`: bearerbox
    /// keeps the message, so it is Kannel's now. The provider takes that as sent, with its
    /// reference (never as a failure to retry, which would send it twice), and once the
    /// SMSC connects each message arrives exactly once.
    @Test func queuedForLaterDeliveryIsSentAndArrivesOnceWhenTheSMSCConnects() async throws {
        let kannel = try TestKannel()
        try await kannel.startWithoutSMSC()
        defer { kannel.stop() }
        // What smsbox answers in this state, asked directly (a message of its own).
        let direct = try await Self.sendsms(kannel, to: "+61400000400", text: "Direct")
        #expect(direct.status == 202, "\(direct)")
        #expect(direct.body.hasPrefix("3: Queued for later delivery"), "\(direct)")
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            for i in 1...3 {
                let r = try await provider.send(Fixture.message("Queued \(i)", to: "+6140000040\(i)", id: UInt64(i)))
                #expect(r.reference == "k\(i)")
            }
        }
        #expect(kannel.received().isEmpty, "no SMSC was connected")
        try await kannel.connectSMSC()
        try await waitFor("four messages at fakesmsc") { kannel.received().count >= 4 }
        // Nothing more comes: bearerbox hands each kept message over once.
        try await Task.sleep(for: .seconds(3))
        let got = kannel.received()
        #expect(got.map(\.text).sorted() == ["Direct", "Queued 1", "Queued 2", "Queued 3"], "\(got)")
        #expect(Set(got.map(\.to)) == ["+61400000400", "+61400000401", "+61400000402", "+61400000403"])
    }

    /// A sendsms GET straight to smsbox: its status and body.
    static func sendsms(_ kannel: TestKannel, to: String, text: String) async throws -> (status: Int, body: String) {
        let query = [("username", kannel.username), ("password", kannel.password), ("from", "Clinic"), ("to", to), ("text", text)]
            .map { "\($0.0)=\(RequestTemplate.percentEncode($0.1))" }.joined(separator: "&")
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: kannel.sendsmsURL + "?" + query), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4096)
        return (Int(response.status.code), String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func aWrongPasswordIsTemporaryAndSaysWhy() async throws {
        let kannel = try TestKannel()
        try await kannel.start()
        defer { kannel.stop() }
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel, password: "wrong"), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            guard case .failure(let e) = await outcome(provider, Fixture.message("Hi", id: 1)) else {
                Issue.record("a wrong password was accepted")
                return
            }
            #expect(e.code == .temporary)
            #expect(e.message.contains("refused the sendsms credentials (403"))
            #expect(!e.message.contains("wrong"))
        }
        #expect(kannel.received().isEmpty)
    }

    @Test func aMissingReceiverIsPermanent() async throws {
        let kannel = try TestKannel()
        try await kannel.start()
        defer { kannel.stop() }
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            guard case .failure(let e) = await outcome(provider, Fixture.message("Hi", to: "", id: 1)) else {
                Issue.record("an empty receiver was accepted")
                return
            }
            #expect(e.code == .permanent)
            #expect(e.message.contains("Kannel answered 4"))
        }
    }

    @Test func theRequestCarriesCodingCharsetAndADLRURLWithTheMessagesToken() {
        let token = CallbackToken(key: Array("k".utf8))
        var k = HTTPGatewaySettings.Kannel(url: URL(string: "http://127.0.0.1:13013/cgi-bin/sendsms")!, username: "u", password: "p&q", from: "Clinic")
        k.receipts = .init(callbackBase: "http://127.0.0.1:8025/", token: token)
        let url = KannelRequest.url(for: Fixture.message("Zoë 😀", to: "+61400000001", id: 42), settings: k).absoluteString
        let query = Dictionary(uniqueKeysWithValues: URLComponents(string: url)!.queryItems!.map { ($0.name, $0.value ?? "") })
        #expect(query["coding"] == "2")
        #expect(query["charset"] == "UTF-8")
        #expect(query["password"] == "p&q")
        #expect(query["text"] == "Zoë 😀")
        #expect(query["to"] == "+61400000001")
        #expect(query["dlr-mask"] == "3")
        #expect(query["dlr-url"] == "http://127.0.0.1:8025/kannel/dlr?id=k42&token=\(token.token(for: "k42"))&type=%d")
        let gsm = KannelRequest.url(for: Fixture.message("Plain", id: 1), settings: k).absoluteString
        #expect(!gsm.contains("coding="))
    }
}
