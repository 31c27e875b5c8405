import Foundation
import RemindCore
import RemindDelivery
@testable import RemindHTTPGateway
import RemindTesting
import RemindText
import Testing

/// The templated REST flavour against a small gateway written for the tests
/// (Server/rest_gateway.py on Python's http.server), on 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RESTProviderTests {
    func settings(_ gateway: TestRESTGateway, encoding: RequestTemplate.BodyEncoding = .json, body: String? = nil,
                  requestTimeout: Duration = .seconds(5)) throws -> HTTPGatewaySettings {
        let template = try RequestTemplate(
            url: gateway.url + "/v1/sms?ref={{id}}",
            headers: [("Authorization", "Bearer {{token}}")],
            body: body ?? #"{"to": "{{to}}", "text": "{{text}}", "unicode": {{unicode}}}"#,
            encoding: encoding)
        var rules = AnswerRules(messageID: .pointer("/messages/0/id"), error: .pointer("/error/code"))
        rules.permanentErrors = ["INVALID_NUMBER"]
        var rest = HTTPGatewaySettings.REST(request: template, answer: rules)
        rest.secrets = ["token": "tok-secret-1"]
        var s = HTTPGatewaySettings(flavour: .rest(rest))
        s.concurrency = 4
        s.connectTimeout = .seconds(2)
        s.requestTimeout = requestTimeout
        return s
    }

    @Test func successThrottledServerErrorBadRequestAndAResetAfterTheBodyAreEachClassifiedRight() async throws {
        let gateway = try await TestRESTGateway(answers: ["ok", "429", "500", "400", "reset"])
        let provider = HTTPGatewayProvider(settings: try settings(gateway), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            var results: [Result<DeliveryResult, DeliveryError>] = []
            for i in 1...5 { results.append(await outcome(provider, Fixture.message("Hi \(i)", to: "+6140000040\(i)", id: UInt64(i)))) }
            // 1: success, the gateway's id found by the JSON pointer.
            #expect((try? results[0].get())?.reference == "gw-0")
            // 2: 429, temporary, Retry-After kept for the engine.
            guard case .failure(let throttled) = results[1], case .failure(let server) = results[2],
                  case .failure(let bad) = results[3], case .failure(let reset) = results[4] else {
                Issue.record("\(results)")
                return
            }
            #expect(throttled.code == .temporary && throttled.retryAfter == .seconds(7))
            #expect(throttled.message.contains("429"))
            // 3: 5xx, temporary.
            #expect(server.code == .temporary && server.message.contains("500") && server.retryAfter == nil)
            // 4: 400 with a listed permanent error code.
            #expect(bad.code == .permanent && bad.message.contains("INVALID_NUMBER"))
            // 5: the request went out whole, then a reset: the gateway may have it.
            #expect(reset.code == .uncertain, "\(reset.message)")
            #expect(gateway.requests().count == 5)
        }
    }

    @Test func aRequestWrittenWithNoAnswerBeforeTheTimeoutIsUncertain() async throws {
        let gateway = try await TestRESTGateway(answers: ["hang"])
        let provider = HTTPGatewayProvider(settings: try settings(gateway, requestTimeout: .seconds(1)), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            guard case .failure(let e) = await outcome(provider, Fixture.message("Hi", id: 1)) else {
                Issue.record("no answer was taken for success")
                return
            }
            #expect(e.code == .uncertain)
            #expect(gateway.requests().count == 1)
        }
    }

    @Test func nothingListeningIsTemporary() async throws {
        let port = try TestSMSC.freePort()
        let template = try RequestTemplate(url: "http://127.0.0.1:\(port)/sms", body: "{}")
        let provider = HTTPGatewayProvider(settings: HTTPGatewaySettings(flavour: .rest(.init(request: template, answer: AnswerRules()))), logger: Fixture.logger)
        try await withProvider(provider) { _ in
            guard case .failure(let e) = await outcome(provider, Fixture.message("Hi", id: 1)) else {
                Issue.record("a refused connection was taken for success")
                return
            }
            #expect(e.code == .temporary)
            #expect(e.message.contains("nothing was sent"))
        }
    }

    @Test func jsonBodiesCarryValuesEscapedAndTheSecretFromItsCredential() async throws {
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let provider = HTTPGatewayProvider(settings: try settings(gateway), logger: Fixture.logger)
        let nasty = "Dr \"O'Neil\" \\ 10:30\nline 2\t€ 😀 </script>"
        try await withProvider(provider) { _ in
            _ = try await provider.send(Fixture.message(nasty, to: "+61400000501", id: 77))
            let request = try #require(gateway.requests().first)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/sms?ref=77")
            #expect(request.headers?["authorization"] == "Bearer tok-secret-1")
            #expect(request.headers?["content-type"] == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data((request.body ?? "").utf8)) as? [String: Any])
            #expect(json["text"] as? String == nasty)
            #expect(json["to"] as? String == "+61400000501")
            #expect(json["unicode"] as? Bool == true)
        }
    }

    @Test func formBodiesAreURLEncodedAndATextAnswerIsReadByARegex() async throws {
        let gateway = try await TestRESTGateway(answers: ["ok-text"])
        var s = try settings(gateway, encoding: .form, body: "to={{to_digits}}&msg={{text}}&key={{token}}")
        guard case .rest(var rest) = s.flavour else { return }
        rest.answer = AnswerRules(messageID: .regex("queued as ([A-Z0-9]+)"))
        s.flavour = .rest(rest)
        let provider = HTTPGatewayProvider(settings: s, logger: Fixture.logger)
        let text = "A&B=C + 50% ü"
        try await withProvider(provider) { _ in
            let r = try await provider.send(Fixture.message(text, to: "+61400000601", id: 5))
            #expect(r.reference == "ABC0")
            let request = try #require(gateway.requests().first)
            #expect(request.headers?["content-type"] == "application/x-www-form-urlencoded")
            var components = URLComponents()
            components.percentEncodedQuery = (request.body ?? "").replacingOccurrences(of: "+", with: "%20")
            let fields = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(fields["msg"] == text)
            #expect(fields["to"] == "61400000601")
            #expect(fields["key"] == "tok-secret-1")
            #expect(fields.count == 3)
        }
    }
}
