import Foundation
@testable import RemindAssembly
import RemindConfig
import Testing

/// A REST gateway's request templates are part of the configuration's verdict (what the
/// daemon gives at start and reload, and `remindctl check-config` prints), not found only
/// when the gateway is made or a message is sent.
@Suite struct RESTTemplateVerdictTests {
    let directory = NSTemporaryDirectory() + "remindd-rest-verdict-\(UUID().uuidString)"

    func problems(_ provider: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory + "/templates", withIntermediateDirectories: true)
        try "Hi {{first_name}}, see you {{date}}.".write(toFile: directory + "/templates/appointment.mustache", atomically: true, encoding: .utf8)
        let config = try Configuration.parse("""
            [practice]
            time_zone = "Australia/Sydney"
            [templates]
            directory = "templates"
            [provider]
            type = "http"
            \(provider)
            """, file: directory + "/remindd.toml")
        return config.problems(with: try config.loadTemplates())
    }

    @Test func aGoodRESTConfigurationHasNoProblems() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let found = try problems(#"""
            url = "https://api.example/v1/sms"
            body = '{"to": "{{to}}", "text": "{{text}}", "unicode": {{unicode}}}'
            headers = { Authorization = "Bearer {{token}}" }
            secret_credentials = { token = "gateway-token" }
            balance_url = "https://api.example/v1/balance"
            balance_pointer = "/balance"
            """#)
        #expect(found.isEmpty, "\(found)")
    }

    @Test(arguments: [
        (#"body = '{"text": "{{{text}}}"}'"#, "provider.body: triple braces"),
        (#"body = '{"to": "{{#to}}"}'"#, "provider.body: not a valid Mustache template"),
        (#"body = '{"to": "{{phone}}"}'"#, "provider.body: {{phone}} is not a value remindd has"),
        (#"headers = { "X-Key" = "{{api_key" }"#, "provider.headers.X-Key: not a valid Mustache template"),
        (#"headers = { "X Key" = "1" }"#, "provider.headers: 'X Key' is not a header name"),
    ])
    func aBrokenRequestTemplateIsNamedByItsKey(line: String, expected: String) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let found = try problems("url = \"https://api.example/v1/sms\"\n" + line)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix(directory + "/remindd.toml: " + expected) == true, "\(found)")
    }

    @Test func aURLWithNoHostAndABalanceRequestWithAMessageValueAreProblems() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let found = try problems("""
            url = "http:///v1/sms?to={{to}}"
            balance_url = "https://api.example/v1/balance?for={{to}}"
            balance_pointer = "/balance"
            """)
        let file = directory + "/remindd.toml"
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.hasPrefix(file + ": provider.url: the url template gives no http(s) URL with a host") }, "\(found)")
        // The balance request is rendered with the secrets only: no recipient there.
        #expect(found.contains { $0.hasPrefix(file + ": provider.balance_url: {{to}} is not a value remindd has") }, "\(found)")
    }
}
