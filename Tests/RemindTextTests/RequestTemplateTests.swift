import Foundation
import RemindText
import Testing

/// A REST gateway's request templates (moved here from RemindHTTPGateway so the
/// configuration's verdict checks them as the gateway makes them).
@Suite struct RequestTemplateTests {
    @Test func valuesAreEscapedForWhereTheyGo() throws {
        let t = try RequestTemplate(url: "https://api.example/send/{{to}}?text={{text}}", headers: [("X-Text", "{{text}}")],
                                    body: #"{"text": "{{text}}"}"#)
        let r = try t.render(["to": "+614 00", "text": "a\"b\\c\nd/é&x=1\u{1}"])
        #expect(r.url.absoluteString == "https://api.example/send/%2B614%2000?text=a%22b%5Cc%0Ad%2F%C3%A9%26x%3D1%01")
        #expect(r.headers.first { $0.0 == "X-Text" }?.1 == "a\"b\\cd/é&x=1")
        #expect(String(decoding: r.body ?? [], as: UTF8.self) == #"{"text": "a\"b\\c\nd/é&x=1\u0001"}"#)
        #expect(r.headers.contains { $0.0 == "Content-Type" && $0.1 == "application/json" })
    }

    @Test func tripleBracesAndBadTemplatesAreRefusedNamingThePart() {
        #expect(throws: RequestTemplate.Failure.self) { try RequestTemplate(url: "https://a/", body: "{{{text}}}") }
        #expect(throws: RequestTemplate.Failure.self) { try RequestTemplate(url: "https://a/{{#x}}") }
        #expect(throws: RequestTemplate.Failure.self) { try RequestTemplate(url: "https://a/", headers: [("Bad Name", "x")]) }
        for (url, headers, body, part) in [
            ("https://a/", [], #"{"text": "{{{text}}}"}"#, "body"),
            ("https://a/{{#to}}", [], nil, "url"),
            ("https://a/", [("Authorization", "Bearer {{token")], nil, "headers.Authorization"),
            ("https://a/", [("X:Y", "1")], nil, "headers"),
            ("https://a/", [], "{{> partial}}", "body"),
        ] as [(String, [(String, String)], String?, String)] {
            do {
                _ = try RequestTemplate(url: url, headers: headers, body: body)
                Issue.record("accepted: \(url) \(headers) \(body ?? "")")
            } catch {
                #expect(error.part == part, "\(error)")
                #expect(error.description.hasPrefix(part + ": "), "\(error)")
            }
        }
    }

    @Test func aSyntaxErrorSaysWhereInTheConfiguredString() {
        do {
            _ = try RequestTemplate(url: "https://a/", body: "{\n  \"to\": \"{{#to}}\"\n}")
            Issue.record("an unclosed section was accepted")
        } catch {
            #expect(error.description == "body: not a valid Mustache template: a section is not closed (line 3, column 2)", "\(error)")
        }
    }

    @Test func problemsNameUnknownValuesAndAURLWithNoHost() throws {
        let values = RequestTemplate.messageValues.union(["token"])
        let good = try RequestTemplate(url: "https://api.example/v1/sms?key={{token}}", headers: [("Authorization", "Bearer {{token}}")],
                                       body: #"{"to": "{{to}}", "text": "{{text}}"{{#callback_url}}, "cb": "{{callback_url}}"{{/callback_url}}}"#)
        #expect(good.problems(values: values).isEmpty)

        let typo = try RequestTemplate(url: "https://api.example/v1/sms", headers: [("Authorization", "Bearer {{api_key}}")],
                                       body: #"{"to": "{{phone}}", "text": "{{text}}"}"#)
        let problems = typo.problems(values: values)
        #expect(problems.map(\.part).sorted() == ["body", "headers.Authorization"])
        #expect(problems.first { $0.part == "body" }?.reason.hasPrefix("{{phone}} is not a value remindd has") == true, "\(problems)")
        #expect(problems.first { $0.part == "headers.Authorization" }?.reason.contains("{{token}}") == true, "the known values are listed: \(problems)")

        // Parses, but no request would ever have a host.
        let hostless = try RequestTemplate(url: "http:///send?to={{to}}")
        #expect(hostless.problems(values: values).map(\.part) == ["url"])
    }
}
