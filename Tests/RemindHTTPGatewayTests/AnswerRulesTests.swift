import Foundation
import RemindDelivery
@testable import RemindHTTPGateway
import Testing

@Suite struct AnswerRulesTests {
    func body(_ s: String) -> [UInt8] { Array(s.utf8) }

    func code(_ v: HTTPVerdict) -> String {
        switch v {
        case .sent(let r): "sent \(r)"
        case .failed(let e, let after): "\(e.code)" + (after.map { " after \($0)" } ?? "")
        }
    }

    @Test(arguments: [
        (200, "{\"id\": 12345}", "sent 12345"),
        (201, "{}", "sent h9"),
        (202, "{\"error\": {\"code\": \"SOMETHING\"}}", "permanent"),
        (200, "{\"error\": {\"code\": \"BUSY\"}}", "temporary"),
        (400, "{\"error\": {\"code\": \"BUSY\"}}", "temporary"),
        (503, "{\"error\": {\"code\": \"BAD_NUMBER\"}}", "permanent"),
        (400, "{}", "permanent"),
        (404, "", "permanent"),
        (408, "", "temporary"),
        (409, "", "temporary"),
        (422, "", "permanent"),
        (500, "", "temporary"),
        (502, "not json", "temporary"),
        (410, "", "permanent"),
        (302, "", "permanent"),
        (407, "", "temporary"),
    ])
    func statusesAndCodes(status: Int, answer: String, expected: String) {
        var rules = AnswerRules(messageID: .pointer("/id"), error: .pointer("/error/code"))
        rules.temporaryErrors = ["BUSY"]
        rules.permanentErrors = ["BAD_NUMBER"]
        rules.temporaryStatuses = [409]
        rules.permanentStatuses = [410]
        #expect(code(rules.classify(HTTPAnswer(status: status, body: body(answer)), fallbackReference: "h9")) == expected)
    }

    @Test func anErrorCodeEchoingTheNumberIsMaskedInTheReasonButStillMatched() {
        var rules = AnswerRules(error: .pointer("/error"))
        rules.permanentErrors = ["NO_ROUTE_61412345678"]
        guard case .failed(let e, _) = rules.classify(HTTPAnswer(status: 400, body: body(#"{"error": "NO_ROUTE_61412345678"}"#)), fallbackReference: "x") else {
            Issue.record("a 400 taken for success")
            return
        }
        #expect(e.code == .permanent && e.message.contains("(a permanent error)"))
        #expect(!e.message.contains("61412345678"))
    }

    @Test func retryAfterInSecondsOrAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(HTTPAnswer(status: 429, headers: [("retry-after", "120")], received: now).retryAfter == .seconds(120))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: now.addingTimeInterval(90))
        #expect(HTTPAnswer(status: 429, headers: [("Retry-After", date)], received: now).retryAfter == .seconds(90))
        #expect(HTTPAnswer(status: 429, headers: [("Retry-After", "soon")], received: now).retryAfter == nil)
        #expect(HTTPAnswer(status: 429, headers: [("Retry-After", "99999999")], received: now).retryAfter == .seconds(86_400))
        let rules = AnswerRules()
        guard case .failed(let e, let after) = rules.classify(HTTPAnswer(status: 429, headers: [("Retry-After", "30")]), fallbackReference: "x") else {
            Issue.record("429 taken for success")
            return
        }
        #expect(e.code == .temporary && after == .seconds(30))
    }

    @Test func pointersAndRegexes() {
        let json = body(#"{"a": [{"b/c": "x", "m~n": 7, "t": true}], "s": "v"}"#)
        #expect(AnswerRules.Locator.pointer("/a/0/b~1c").find(in: json) == "x")
        #expect(AnswerRules.Locator.pointer("/a/0/m~0n").find(in: json) == "7")
        #expect(AnswerRules.Locator.pointer("/a/0/t").find(in: json) == "1")
        #expect(AnswerRules.Locator.pointer("/s").find(in: json) == "v")
        #expect(AnswerRules.Locator.pointer("/a").find(in: json) == nil)
        #expect(AnswerRules.Locator.pointer("/a/1").find(in: json) == nil)
        // A '~' other than ~0 or ~1 is no pointer (the configuration refuses it): nothing found.
        #expect(AnswerRules.Locator.pointer("/a/0/m~2n").find(in: body(#"{"a": [{"m~2n": 1}]}"#)) == nil)
        #expect(!JSONPointer.isValid("/a~") && JSONPointer.isValid("/a~0~1") && JSONPointer.isValid(""))
        #expect(AnswerRules.Locator.regex("ID: ([0-9]+)").find(in: body("OK ID: 4711")) == "4711")
        #expect(AnswerRules.Locator.regex("ID: ([0-9]+)").find(in: body("ERR")) == nil)
    }

    @Test func kannelAnswers() {
        let id = MessageIDFixture.id(3)
        #expect(code(KannelRequest.classify(HTTPAnswer(status: 202, body: body("0: Accepted for delivery")), id: id)) == "sent k3")
        #expect(code(KannelRequest.classify(HTTPAnswer(status: 202, body: body("3: Queued for later delivery")), id: id)) == "sent k3")
        #expect(code(KannelRequest.classify(HTTPAnswer(status: 403, body: body("Authorization failed for sendsms")), id: id)) == "temporary")
        #expect(code(KannelRequest.classify(HTTPAnswer(status: 400, body: body("Missing receiver number")), id: id)) == "permanent")
        #expect(code(KannelRequest.classify(HTTPAnswer(status: 503, body: body("Sendsms is not available")), id: id)) == "temporary")
        guard case .failed(let e, _) = KannelRequest.classify(HTTPAnswer(status: 400, body: body("Number +61412345678 rejected")), id: id) else { return }
        #expect(!e.message.contains("61412345678"))
    }
}

@Suite struct CallbackTokenTests {
    @Test func hmacSHA256MatchesRFC4231() {
        let mac = SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac.map { String(format: "%02x", $0) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let long = SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(long.map { String(format: "%02x", $0) }.joined() == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(SHA256.hash([]).map { String(format: "%02x", $0) }.joined() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func tokensVerifyOnlyForTheirMessageAndKey() {
        let token = CallbackToken(key: Array("secret".utf8))
        let t = token.token(for: "k42")
        #expect(t.count == 32)
        #expect(token.verify(t, for: "k42"))
        #expect(!token.verify(t, for: "k43"))
        #expect(!CallbackToken(key: Array("other".utf8)).verify(t, for: "k42"))
        #expect(!token.verify(String(t.dropLast()), for: "k42"))
    }
}
