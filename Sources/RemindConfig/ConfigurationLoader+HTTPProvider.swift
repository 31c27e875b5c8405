import Foundation
import RemindText
import TOMLKit

extension Reader {
    /// `type = "kannel"` (required url, username, from) or `type = "http"` (required url), and
    /// the keys both share: concurrency, timeouts, receipts, the callback listener's URL, the proxy.
    mutating func readHTTP(_ t: TOMLTable, type: String, into c: inout Configuration) {
        var config: Configuration.HTTPGatewayConfig
        if type == "kannel" {
            for key in ["url", "username", "from"] where t[key] == nil { problem("provider.\(key)", "required for type = \"kannel\"") }
            guard let url = httpURL(t, "url"), let username = string(t, "provider", "username"), let from = string(t, "provider", "from") else { return }
            var k = Configuration.HTTPGatewayConfig.Kannel(url: url, username: username, from: from)
            if username.isEmpty { problem("provider.username", "must be the sendsms-user's username") }
            if from.isEmpty { problem("provider.from", "must be the sender: a name of up to 11 characters or a number") }
            k.passwordCredential = credentialName(t, "password_credential") ?? k.passwordCredential
            k.dlrMask = int(t, "provider", "dlr_mask", 1...31) ?? k.dlrMask
            if let p = t["parameters"] {
                if let table = p.table {
                    for key in table.keys {
                        if let v = table[key]?.string { k.parameters[key] = v } else { problem("provider.parameters.\(key)", "must be a string") }
                    }
                    for reserved in ["username", "password", "from", "to", "text", "coding", "charset", "dlr-mask", "dlr-url"] where k.parameters[reserved] != nil {
                        problem("provider.parameters.\(reserved)", "is set by remindd itself")
                    }
                } else { problem("provider.parameters", "must be a table of sendsms parameters, like { smsc = \"modem\" }") }
            }
            config = .init(kannel: k)
        } else {
            if t["url"] == nil { problem("provider.url", "required for type = \"http\": the request's URL (a Mustache template)") }
            guard let url = string(t, "provider", "url") else { return }
            var r = Configuration.HTTPGatewayConfig.REST(url: url)
            if !(url.hasPrefix("http://") || url.hasPrefix("https://")) { problem("provider.url", "must start with http:// or https://") }
            if let m = string(t, "provider", "method") {
                if ["GET", "POST", "PUT", "PATCH"].contains(m.uppercased()) { r.method = m.uppercased() } else { problem("provider.method", "must be GET, POST, PUT or PATCH") }
            }
            r.headers = stringTable(t, "headers") ?? [:]
            r.body = string(t, "provider", "body")
            if let e = string(t, "provider", "body_encoding") {
                if ["json", "form", "text"].contains(e) { r.bodyEncoding = e } else { problem("provider.body_encoding", "must be json, form or text") }
            }
            if let secrets = stringTable(t, "secret_credentials") {
                for (name, credential) in secrets {
                    if credential.isEmpty || credential.contains("/") { problem("provider.secret_credentials.\(name)", "must be a credential name, without '/'") }
                    if ["to", "to_digits", "text", "id", "encoding", "unicode", "segments", "callback_url"].contains(name) {
                        problem("provider.secret_credentials.\(name)", "'\(name)' is a value remindd sets itself")
                    }
                }
                r.secretCredentials = secrets
            }
            r.messageIDPointer = pointer(t, "message_id_pointer")
            r.messageIDRegex = regex(t, "message_id_regex")
            r.errorPointer = pointer(t, "error_pointer")
            r.errorRegex = regex(t, "error_regex")
            if r.messageIDPointer != nil, r.messageIDRegex != nil { problem("provider.message_id_regex", "set message_id_pointer or message_id_regex, not both") }
            if r.errorPointer != nil, r.errorRegex != nil { problem("provider.error_regex", "set error_pointer or error_regex, not both") }
            r.temporaryStatuses = statuses(t, "temporary_statuses") ?? []
            r.permanentStatuses = statuses(t, "permanent_statuses") ?? []
            r.temporaryErrors = strings(t, "provider", "temporary_errors") ?? []
            r.permanentErrors = strings(t, "provider", "permanent_errors") ?? []
            for both in Set(r.temporaryStatuses).intersection(r.permanentStatuses) { problem("provider.permanent_statuses", "\(both) is also in temporary_statuses") }
            for both in Set(r.temporaryErrors).intersection(r.permanentErrors) { problem("provider.permanent_errors", "'\(both)' is also in temporary_errors") }
            config = .init(rest: r)
        }
        config.concurrency = int(t, "provider", "concurrency", 1...256) ?? config.concurrency
        func positive(_ key: String, _ current: Duration) -> Duration {
            guard let d = duration(t, "provider", key) else { return current }
            guard d > .zero else { problem("provider.\(key)", "must be a positive duration (like 10s)"); return current }
            return d
        }
        config.connectTimeout = positive("connect_timeout", config.connectTimeout)
        config.requestTimeout = positive("request_timeout", config.requestTimeout)
        config.receipts = bool(t, "provider", "receipts") ?? false
        config.callbackURL = httpURL(t, "callback_url")
        if config.receipts, config.callbackURL == nil, t["callback_url"] == nil {
            problem("provider.callback_url", "required with receipts = true: the callback listener's URL as the gateway reaches it (like http://127.0.0.1:8025)")
        }
        config.callbackSecretCredential = credentialName(t, "callback_secret_credential") ?? config.callbackSecretCredential
        if let proxy = string(t, "provider", "proxy") {
            if let url = URL(string: proxy), url.scheme == "http", url.host != nil, url.user == nil, url.path.isEmpty || url.path == "/" {
                config.proxy = proxy
            } else {
                problem("provider.proxy", "must be http://HOST:PORT (an HTTP proxy; the user is proxy_user, the password a credential)")
            }
        }
        config.proxyUser = string(t, "provider", "proxy_user")
        if config.proxyUser != nil, config.proxy == nil, t["proxy"] == nil { problem("provider.proxy_user", "only with proxy") }
        config.proxyPasswordCredential = credentialName(t, "proxy_password_credential") ?? config.proxyPasswordCredential
        config.noProxy = strings(t, "provider", "no_proxy") ?? []
        config.tlsCAFile = path(t, "provider", "tls_ca_file")
        if let listen = string(t, "provider", "listen") {
            if Self.listenAddress(listen) != nil { config.listen = listen } else {
                problem("provider.listen", "'\(listen)' must be a loopback address and port (127.0.0.1:8025, [::1]:8025, localhost:8025) or unix:/PATH; put the site's reverse proxy in front of it")
            }
        }
        config.listenMaxBytes = int(t, "provider", "listen_max_bytes", 1024...(1 << 20)) ?? config.listenMaxBytes
        config.listenTimeout = positive("listen_timeout", config.listenTimeout)
        config.receiptStatusPointer = pointer(t, "receipt_status_pointer") ?? config.receiptStatusPointer
        config.receiptDelivered = strings(t, "provider", "receipt_delivered") ?? config.receiptDelivered
        config.receiptFailed = strings(t, "provider", "receipt_failed") ?? config.receiptFailed
        config.replyFromPointer = pointer(t, "reply_from_pointer") ?? config.replyFromPointer
        config.replyTextPointer = pointer(t, "reply_text_pointer") ?? config.replyTextPointer
        if let url = string(t, "provider", "balance_url") {
            if url.hasPrefix("http://") || url.hasPrefix("https://") { config.balanceURL = url } else { problem("provider.balance_url", "must start with http:// or https://") }
        }
        config.balancePointer = pointer(t, "balance_pointer")
        if config.balanceURL != nil, config.balancePointer == nil, t["balance_pointer"] == nil {
            problem("provider.balance_pointer", "required with balance_url: the JSON pointer to the balance in its answer (like /balance)")
        }
        if config.balancePointer != nil, config.balanceURL == nil, t["balance_url"] == nil { problem("provider.balance_pointer", "only with balance_url") }
        config.lowBalance = number(t, "low_balance")
        if config.lowBalance != nil, config.balanceURL == nil, t["balance_url"] == nil { problem("provider.low_balance", "needs balance_url (how to ask for the balance)") }
        config.balanceCheckEvery = int(t, "provider", "balance_check_every", 1...1_000_000) ?? config.balanceCheckEvery
        config.pricePerSegment = number(t, "price_per_segment")
        c.provider = .http(config)
    }

    /// `HOST:PORT` on loopback, or `unix:/PATH`: (host, port) or (path, nil).
    static func listenAddress(_ s: String) -> (String, Int?)? {
        if s.hasPrefix("unix:/") { return s.utf8.count - 5 <= maxSocketPath ? (String(s.dropFirst(5)), nil) : nil }
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard host == "localhost" || host == "::1" || host.hasPrefix("127.") else { return nil }
        return (host, port)
    }

    private mutating func httpURL(_ t: TOMLTable, _ key: String) -> String? {
        guard let s = string(t, "provider", key) else { return nil }
        guard let url = URL(string: s), url.scheme == "http" || url.scheme == "https", url.host != nil, url.user == nil, url.password == nil else {
            problem("provider.\(key)", "'\(s)' is not an http:// or https:// URL (with no user or password in it)")
            return nil
        }
        return s
    }

    private mutating func number(_ t: TOMLTable, _ key: String) -> Double? {
        guard let v = t[key] else { return nil }
        guard let n = v.double ?? v.int.map(Double.init), n >= 0, n.isFinite else { problem("provider.\(key)", "must be a number, 0 or more"); return nil }
        return n
    }

    private mutating func credentialName(_ t: TOMLTable, _ key: String) -> String? {
        guard let name = string(t, "provider", key) else { return nil }
        if name.isEmpty || name.contains("/") || name == "." || name == ".." {
            problem("provider.\(key)", "must be a credential name (as in LoadCredential=NAME:PATH), without '/'")
            return nil
        }
        return name
    }

    private mutating func stringTable(_ t: TOMLTable, _ key: String) -> [String: String]? {
        guard let v = t[key] else { return nil }
        guard let table = v.table else { problem("provider.\(key)", "must be a table of strings"); return nil }
        var out: [String: String] = [:]
        for k in table.keys {
            if let s = table[k]?.string { out[k] = s } else { problem("provider.\(key).\(k)", "must be a string") }
        }
        return out
    }

    private mutating func pointer(_ t: TOMLTable, _ key: String) -> String? {
        guard let p = string(t, "provider", key) else { return nil }
        guard JSONPointerSyntax.isValid(p) else {
            problem("provider.\(key)", "'\(p)' is not a JSON pointer (like /messages/0/id; RFC 6901: a '~' only as ~0 for ~ or ~1 for /)")
            return nil
        }
        return p
    }

    private mutating func regex(_ t: TOMLTable, _ key: String) -> String? {
        guard let p = string(t, "provider", key) else { return nil }
        do { _ = try NSRegularExpression(pattern: p) } catch {
            problem("provider.\(key)", "not a regular expression: \(error)")
            return nil
        }
        return p
    }

    private mutating func statuses(_ t: TOMLTable, _ key: String) -> [Int]? {
        guard let v = t[key] else { return nil }
        guard let a = v.array else { problem("provider.\(key)", "must be an array of HTTP statuses (like [503])"); return nil }
        var out: [Int] = []
        for (i, item) in a.enumerated() {
            if let n = item.int, (100...599).contains(n) { out.append(n) } else { problem("provider.\(key)[\(i)]", "must be an HTTP status, 100…599") }
        }
        return out
    }
}
