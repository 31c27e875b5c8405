import Foundation
import RemindAssembly
import RemindConfig
import Testing

@Suite struct HTTPProviderConfigTests: ProviderTable {
    static let kannel = """
        type = "kannel"
        url = "http://127.0.0.1:13013/cgi-bin/sendsms"
        username = "remindd"
        from = "Clinic"
        """

    @Test func kannelDefaults() throws {
        let c = try parse(Self.kannel)
        guard case .http(let h) = c.provider, let k = h.kannel else {
            Issue.record("\(c.provider)")
            return
        }
        #expect(c.provider.name == "kannel")
        #expect(k.passwordCredential == "kannel-password" && k.dlrMask == 3 && k.parameters.isEmpty)
        #expect(h.concurrency == 4 && h.connectTimeout == .seconds(5) && h.requestTimeout == .seconds(20))
        #expect(!h.receipts && h.callbackURL == nil && h.proxy == nil)
    }

    @Test func everyKannelKey() throws {
        let c = try parse(Self.kannel + """

            password_credential = "kannel-pw"
            dlr_mask = 31
            parameters = { smsc = "modem", priority = "1" }
            concurrency = 16
            connect_timeout = "2s"
            request_timeout = "30s"
            receipts = true
            callback_url = "https://clinic.example/remindd"
            callback_secret_credential = "cb"
            proxy = "http://proxy.example:3128"
            proxy_user = "clinic"
            proxy_password_credential = "proxy-pw"
            no_proxy = ["localhost", ".internal"]
            """)
        guard case .http(let h) = c.provider, let k = h.kannel else {
            Issue.record("\(c.provider)")
            return
        }
        #expect(k.passwordCredential == "kannel-pw" && k.dlrMask == 31 && k.parameters == ["smsc": "modem", "priority": "1"])
        #expect(h.concurrency == 16 && h.connectTimeout == .seconds(2) && h.requestTimeout == .seconds(30))
        #expect(h.receipts && h.callbackURL == "https://clinic.example/remindd" && h.callbackSecretCredential == "cb")
        #expect(h.proxyAddress?.host == "proxy.example" && h.proxyAddress?.port == 3128)
        #expect(h.proxyUser == "clinic" && h.proxyPasswordCredential == "proxy-pw" && h.noProxy == ["localhost", ".internal"])
    }

    @Test func aRESTGateway() throws {
        let c = try parse("""
            type = "http"
            url = "https://api.example/v1/sms"
            headers = { Authorization = "Bearer {{token}}" }
            body = '{"to": "{{to}}", "text": "{{text}}"}'
            secret_credentials = { token = "sms-api-token" }
            message_id_pointer = "/messages/0/id"
            error_pointer = "/error/code"
            temporary_statuses = [409]
            permanent_errors = ["INVALID_NUMBER"]
            """)
        guard case .http(let h) = c.provider, let r = h.rest else {
            Issue.record("\(c.provider)")
            return
        }
        #expect(c.provider.name == "http")
        #expect(r.method == "POST" && r.bodyEncoding == "json" && r.headers["Authorization"] == "Bearer {{token}}")
        #expect(r.secretCredentials == ["token": "sms-api-token"] && r.messageIDPointer == "/messages/0/id" && r.errorPointer == "/error/code")
        #expect(r.temporaryStatuses == [409] && r.permanentErrors == ["INVALID_NUMBER"])
    }

    @Test(arguments: [
        ("type = \"kannel\"\nurl = \"http://k/cgi-bin/sendsms\"\nfrom = \"C\"", "provider.username: required for type = \"kannel\""),
        (kannel + "\npassword = \"x\"", "provider.password: a password is never kept in the configuration"),
        (kannel + "\nurl2 = 1", "provider.url2: unknown key"),
        ("type = \"kannel\"\nurl = \"ftp://k/\"\nusername = \"u\"\nfrom = \"C\"", "provider.url: 'ftp://k/' is not an http:// or https:// URL"),
        ("type = \"kannel\"\nurl = \"http://u:p@k/\"\nusername = \"u\"\nfrom = \"C\"", "provider.url: 'http://u:p@k/' is not an http:// or https:// URL (with no user or password in it)"),
        (kannel + "\nreceipts = true", "provider.callback_url: required with receipts = true"),
        (kannel + "\nproxy = \"http://user:pw@proxy:3128\"", "provider.proxy: must be http://HOST:PORT"),
        (kannel + "\nproxy_user = \"u\"", "provider.proxy_user: only with proxy"),
        (kannel + "\nconcurrency = 0", "provider.concurrency: 0 is out of range 1…256"),
        (kannel + "\nparameters = { to = \"x\" }", "provider.parameters.to: is set by remindd itself"),
        (kannel + "\nbody = \"x\"", "provider.body: not a key of type = \"kannel\""),
        ("type = \"http\"\nurl = \"https://a/\"\nmessage_id_pointer = \"id\"", "provider.message_id_pointer: 'id' is not a JSON pointer"),
        ("type = \"http\"\nurl = \"https://a/\"\nerror_regex = \"(\"", "provider.error_regex: not a regular expression"),
        ("type = \"http\"\nurl = \"https://a/\"\nerror_pointer = \"/error/a~2b\"", "provider.error_pointer: '/error/a~2b' is not a JSON pointer"),
        ("type = \"http\"\nurl = \"https://a/\"\nreceipt_status_pointer = \"/status~\"", "provider.receipt_status_pointer: '/status~' is not a JSON pointer"),
        ("type = \"http\"\nurl = \"https://a/\"\nbody_encoding = \"xml\"", "provider.body_encoding: must be json, form or text"),
        ("type = \"http\"\nurl = \"https://a/\"\ntemporary_statuses = [600]", "provider.temporary_statuses[0]: must be an HTTP status"),
        ("type = \"http\"\nurl = \"https://a/\"\ntemporary_errors = [\"X\"]\npermanent_errors = [\"X\"]", "provider.permanent_errors: 'X' is also in temporary_errors"),
        ("type = \"http\"\nurl = \"https://a/\"\nsecret_credentials = { text = \"t\" }", "provider.secret_credentials.text: 'text' is a value remindd sets itself"),
        ("type = \"http\"\nurl = \"https://a/\"\nusername = \"u\"", "provider.username: not a key of type = \"http\""),
    ])
    func aBadKeyIsNamed(provider: String, expected: String) {
        let found = problems(provider)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }
}

/// spool.example's provider tables for Kannel and a REST aggregator, in place of the
/// example configuration's own [provider], are valid.
@Suite struct HTTPExampleConfigTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../spool.example").standardizedFileURL

    static func withProvider(_ file: String) throws -> Configuration {
        let base = try String(contentsOf: examples.appendingPathComponent("remindd.toml"), encoding: .utf8)
        // The example's [provider] table out, the other one in.
        var kept: [Substring] = []
        var inProvider = false
        for line in base.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") { inProvider = line.hasPrefix("[provider]") }
            if !inProvider { kept.append(line) }
        }
        let provider = try String(contentsOf: examples.appendingPathComponent(file), encoding: .utf8)
        return try Configuration.parse(kept.joined(separator: "\n") + "\n" + provider, file: examples.appendingPathComponent("remindd.toml").path)
    }

    @Test func theKannelExampleIsValid() throws {
        let c = try Self.withProvider("remindd-kannel.toml")
        guard case .http(let h) = c.provider, let k = h.kannel else { Issue.record("\(c.provider)"); return }
        #expect(k.url == "http://127.0.0.1:13013/cgi-bin/sendsms" && h.receipts && h.listen == "127.0.0.1:8025")
    }

    @Test func theRESTExampleIsValid() throws {
        let c = try Self.withProvider("remindd-rest.toml")
        guard case .http(let h) = c.provider, let r = h.rest else { Issue.record("\(c.provider)"); return }
        #expect(r.secretCredentials == ["token": "sms-api-token"] && h.listen == "unix:/run/remindd/callbacks.sock")
        #expect(h.balanceURL != nil && h.lowBalance == 100 && h.proxyUser == "remindd")
        // Its request templates pass the verdict remindd and check-config give.
        #expect(c.providerProblems().isEmpty, "\(c.providerProblems())")
    }
}

@Suite struct OutboxNamingConfigTests {
    func parse(_ provider: String) throws -> Configuration {
        try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n[provider]\n" + provider, file: "/etc/remindd/remindd.toml")
    }

    @Test func gammuNamingAndFormat() throws {
        #expect(try parse("type = \"outbox\"").outboxFormat.naming == "smstools")
        let c = try parse("type = \"outbox\"\nnaming = \"gammu\"\ngammu_format = \"standard\"")
        #expect(c.outboxFormat.naming == "gammu" && c.outboxFormat.gammuFormat == "standard")
        #expect(throws: ConfigError.self) { try parse("type = \"outbox\"\nnaming = \"kannel\"") }
        #expect(throws: ConfigError.self) { try parse("type = \"outbox\"\ngammu_format = \"unicode\"") }
    }
}
