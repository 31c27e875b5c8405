import Foundation
import RemindCore
import RemindDelivery
@testable import RemindHTTPGateway
import RemindTesting
import RemindText
import Testing

/// Requests through Debian's tinyproxy (and squid) with Basic authentication on 127.0.0.1,
/// to the test REST gateway (plain HTTP, and HTTPS behind stunnel4 for CONNECT).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ProxyTests {
    func settings(url: String, proxy: HTTPGatewaySettings.Proxy?, ca: String? = nil) throws -> HTTPGatewaySettings {
        let template = try RequestTemplate(url: url + "/v1/sms", body: #"{"to": "{{to}}", "text": "{{text}}"}"#)
        var s = HTTPGatewaySettings(flavour: .rest(.init(request: template, answer: AnswerRules(messageID: .pointer("/messages/0/id")))))
        s.proxy = proxy
        s.tlsCAFile = ca
        s.connectTimeout = .seconds(2)
        s.requestTimeout = .seconds(5)
        return s
    }

    /// The error a send through the proxy on 127.0.0.1:`port` with these credentials fails
    /// with; nil, with an issue recorded, when it was sent.
    func refusal(_ gateway: TestRESTGateway, port: Int, user: String?, password: String?,
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> DeliveryError? {
        let provider = HTTPGatewayProvider(settings: try settings(url: gateway.url, proxy: .init(
            host: "127.0.0.1", port: port, username: user, password: password)), logger: Fixture.logger)
        var refused: DeliveryError?
        try await withProvider(provider) { _ in
            guard case .failure(let e) = await outcome(provider, Fixture.message("Hi", id: 1)) else {
                Issue.record("sent through a proxy that refused it", sourceLocation: sourceLocation)
                return
            }
            refused = e
        }
        return refused
    }

    @Test func requestsGoThroughTheProxyWithItsCredentials() async throws {
        let proxy = try await TestTinyproxy()
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let provider = HTTPGatewayProvider(settings: try settings(url: gateway.url, proxy: .init(
            host: "127.0.0.1", port: proxy.port, username: proxy.user, password: proxy.password)), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            let r = try await provider.send(Fixture.message("Hi", id: 1))
            #expect(r.reference == "gw-0")
            // AsyncHTTPClient tunnels plain HTTP too (CONNECT, then the request inside).
            #expect(proxy.log.contains("CONNECT 127.0.0.1:\(gateway.port)"), "\(proxy.log)")
            #expect(gateway.requests().count == 1)
        }
    }

    @Test func aWrongProxyPasswordIsATemporaryErrorNamingTheProxyAndNothingReachesTheGateway() async throws {
        let proxy = try await TestTinyproxy()
        let gateway = try await TestRESTGateway(answers: ["ok"])
        // tinyproxy 1.11 answers a wrong password with 401 and none with 407; AsyncHTTPClient
        // does not say which status a refused CONNECT got, so remindd asks the proxy again.
        for (user, password, status) in [
            (proxy.user, "bad-pw-123", "refused our credentials (401 Unauthorized, as tinyproxy answers a wrong password)"),
            (nil, nil, "refused our credentials (407 Proxy Authentication Required)"),
        ] as [(String?, String?, String)] {
            guard let e = try await refusal(gateway, port: proxy.port, user: user, password: password) else { continue }
            // Temporary: the message stays queued for a retry once the password is fixed.
            #expect(e.code == .temporary)
            #expect(e.message.contains("the proxy 127.0.0.1:\(proxy.port) refused"), "\(e.message)")
            #expect(e.message.contains(status), "\(e.message)")
            #expect(!e.message.contains("bad-pw-123"))
        }
        #expect(gateway.requests().isEmpty)
    }

    /// squid, unlike tinyproxy, answers a wrong password with 407 (Proxy-Authenticate): the
    /// error names the proxy and its 407, is temporary (the message stays queued for a retry
    /// once the password is fixed), and nothing reaches the gateway; the right one goes through.
    @Test func squidAnswersAWrongPasswordWith407NamedInATemporaryError() async throws {
        let proxy = try await TestSquid()
        let gateway = try await TestRESTGateway(answers: ["ok"])
        for (user, password) in [(proxy.user, "bad-pw-456"), (nil, nil)] as [(String?, String?)] {
            guard let e = try await refusal(gateway, port: proxy.port, user: user, password: password) else { continue }
            #expect(e.code == .temporary)
            #expect(e.message.contains("the proxy 127.0.0.1:\(proxy.port) refused our credentials (407 Proxy Authentication Required)"), "\(e.message)")
            #expect(!e.message.contains("bad-pw-456"))
        }
        #expect(gateway.requests().isEmpty)
        #expect(proxy.log.contains("TCP_DENIED/407"), "\(proxy.log)")
        let provider = HTTPGatewayProvider(settings: try settings(url: gateway.url, proxy: .init(
            host: "127.0.0.1", port: proxy.port, username: proxy.user, password: proxy.password)), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            let r = try await provider.send(Fixture.message("Hi", id: 2))
            #expect(r.reference == "gw-0")
        }
        #expect(gateway.requests().count == 1)
    }

    /// A proxy whose rules refuse the CONNECT (403): the reason says so, with the status the
    /// proxy gave, and does not blame the password.
    @Test func aCONNECTTheProxysRulesRefuseSaysSo() async throws {
        let proxy = try await TestSquid(refusingCONNECT: true)
        let gateway = try await TestRESTGateway(answers: ["ok"])
        if let e = try await refusal(gateway, port: proxy.port, user: proxy.user, password: proxy.password) {
            #expect(e.code == .temporary)
            #expect(e.message.contains("the proxy 127.0.0.1:\(proxy.port) refused to CONNECT to 127.0.0.1:\(gateway.port) (403 Forbidden: its rules may not allow this host or port)"), "\(e.message)")
            #expect(!e.message.contains("credentials"))
        }
        #expect(gateway.requests().isEmpty)
    }

    /// `test-provider` (the probe) through a proxy that refuses the password: its reason names
    /// the proxy and the status it got, squid's 407 and tinyproxy's 401 alike.
    @Test func theProbeNamesTheProxyAndTheStatusItGot() async throws {
        let squid = try await TestSquid()
        let tinyproxy = try await TestTinyproxy()
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let balance = HTTPGatewayProbe.Balance(request: try RequestTemplate(url: gateway.url + "/balance"), locator: .pointer("/account/balance"))
        for (port, user, expected) in [(squid.port, squid.user, "407 Proxy Authentication Required"), (tinyproxy.port, tinyproxy.user, "401 Unauthorized, as tinyproxy answers a wrong password")] {
            let s = try settings(url: gateway.url, proxy: .init(host: "127.0.0.1", port: port, username: user, password: "bad-pw-789"))
            do {
                _ = try await HTTPGatewayProbe.run(s, balance: balance)
                Issue.record("the probe passed a proxy that refused it")
            } catch {
                #expect(error.description.contains("the proxy 127.0.0.1:\(port) refused our credentials (\(expected))"), "\(error)")
                #expect(!error.description.contains("bad-pw-789"))
            }
        }
        #expect(gateway.log().isEmpty || gateway.log().allSatisfy { $0.event == "ready" }, "nothing reached the gateway")
    }

    @Test func httpsGoesThroughTheProxyWithCONNECT() async throws {
        let proxy = try await TestTinyproxy()
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let tls = try TestTLSFront(forwardingTo: gateway.port)
        try await tls.start()
        let provider = HTTPGatewayProvider(settings: try settings(url: "https://localhost:\(tls.port)", proxy: .init(
            host: "127.0.0.1", port: proxy.port, username: proxy.user, password: proxy.password), ca: tls.certificate), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            let r = try await provider.send(Fixture.message("Hi", id: 1))
            #expect(r.reference == "gw-0")
            #expect(proxy.log.contains("CONNECT localhost:\(tls.port)"), "\(proxy.log)")
            #expect(gateway.requests().count == 1)
        }
        // A wrong password on CONNECT: temporary, naming the proxy.
        let refused = HTTPGatewayProvider(settings: try settings(url: "https://localhost:\(tls.port)", proxy: .init(
            host: "127.0.0.1", port: proxy.port, username: proxy.user, password: "wrong"), ca: tls.certificate), logger: Fixture.logger)
        try await withProvider(refused) { _ in
            guard case .failure(let e) = await outcome(refused, Fixture.message("Hi", id: 2)) else {
                Issue.record("CONNECT with a wrong password went through")
                return
            }
            #expect(e.code == .temporary)
            #expect(e.message.contains("the proxy 127.0.0.1:\(proxy.port) refused our credentials (401 Unauthorized"), "\(e.message)")
        }
        #expect(gateway.requests().count == 1)
    }

    @Test func aProxysStatusLineIsReadAndCut() {
        #expect(ProxyConnectAnswer.parse(Array("HTTP/1.0 401 Unauthorized\r".utf8)) == .init(code: 401, reason: "Unauthorized"))
        #expect(ProxyConnectAnswer.parse(Array("HTTP/1.1 403".utf8)) == .init(code: 403, reason: ""))
        #expect(ProxyConnectAnswer.parse(Array("HTTP/1.1 502 \u{1}Bad \(String(repeating: "x", count: 60))".utf8))?.reason.count == 40)
        #expect(ProxyConnectAnswer.parse(Array("SSH-2.0-OpenSSH".utf8)) == nil)
        #expect(ProxyConnectAnswer.parse(Array("HTTP/1.1 9999 No".utf8)) == nil)
    }

    @Test func noProxyHostsGoDirect() async throws {
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let deadProxy = try TestSMSC.freePort()  // nothing listens: through it, the request would fail
        let provider = HTTPGatewayProvider(settings: try settings(url: gateway.url, proxy: .init(
            host: "127.0.0.1", port: deadProxy, username: "u", password: "p", noProxy: ["localhost", "127.0.0.1"])), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            let r = try await provider.send(Fixture.message("Hi", id: 1))
            #expect(r.reference == "gw-0")
        }
        let proxy = HTTPGatewaySettings.Proxy(host: "p", port: 1, noProxy: [".example.net", "intranet"])
        #expect(proxy.bypasses("sms.example.net") && proxy.bypasses("example.net") && proxy.bypasses("INTRANET"))
        #expect(!proxy.bypasses("example.com") && !proxy.bypasses("notexample.net"))
    }
}
