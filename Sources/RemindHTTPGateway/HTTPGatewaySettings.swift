public import Foundation
public import RemindText

/// Everything the HTTP gateway provider needs, secrets included (read from systemd
/// credentials by the daemon; never described or logged: `description` leaves them out).
public struct HTTPGatewaySettings: Sendable, CustomStringConvertible {
    /// Kannel's sendsms, or a templated REST request.
    public enum Flavour: Sendable {
        case kannel(Kannel)
        case rest(REST)
    }

    /// `[provider] type = "kannel"`: smsbox's `/cgi-bin/sendsms`.
    public struct Kannel: Sendable {
        /// The sendsms URL, like `http://127.0.0.1:13013/cgi-bin/sendsms`.
        public var url: URL
        public var username: String
        public var password: String
        /// The sender (`from`).
        public var from: String
        /// Kannel's `dlr-mask` when receipts are wanted (1 delivered + 2 undeliverable).
        public var dlrMask: Int = 3
        /// Receipts: the listener's URL as Kannel reaches it (`dlr-url` is this plus
        /// `/kannel/dlr?...`), and the token key. Nil: no receipts asked for.
        public var receipts: Receipts?
        /// Extra sendsms parameters (`smsc`, `priority`, `validity`), sent as written.
        public var parameters: [(String, String)] = []

        public init(url: URL, username: String, password: String, from: String) {
            self.url = url
            self.username = username
            self.password = password
            self.from = from
        }
    }

    /// Where receipts are called back, and the key of the per-message token.
    public struct Receipts: Sendable {
        /// The listener as the gateway reaches it, without a trailing `/` (often the site's
        /// reverse proxy: `https://clinic.example/remindd`).
        public var callbackBase: String
        public var token: CallbackToken

        public init(callbackBase: String, token: CallbackToken) {
            var base = callbackBase
            while base.hasSuffix("/") { base.removeLast() }
            self.callbackBase = base
            self.token = token
        }
    }

    /// `[provider] type = "http"`: a request made from templates, an answer read by rules.
    public struct REST: Sendable {
        public var method: String = "POST"
        public var request: RequestTemplate
        public var answer: AnswerRules
        /// Template values from systemd credentials (`token`, `password`), never logged.
        public var secrets: [String: String] = [:]
        /// Receipts by webhook: `{{callback_url}}` in the templates carries the token.
        public var receipts: Receipts?

        public init(method: String = "POST", request: RequestTemplate, answer: AnswerRules) {
            self.method = method
            self.request = request
            self.answer = answer
        }
    }

    /// An HTTP proxy (`CONNECT` for HTTPS targets), with Basic authentication when a user
    /// is set; `noProxy` as curl reads `no_proxy` (host names, `.domain` suffixes, `*`).
    public struct Proxy: Sendable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        public var noProxy: [String] = []

        public init(host: String, port: Int, username: String? = nil, password: String? = nil, noProxy: [String] = []) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.noProxy = noProxy
        }

        /// Whether a request to `host` goes around the proxy.
        public func bypasses(_ host: String) -> Bool {
            let host = host.lowercased()
            for entry in noProxy.map({ $0.lowercased().trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
                if entry == "*" { return true }
                let bare = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
                if host == bare || host.hasSuffix("." + bare) { return true }
            }
            return false
        }
    }

    public var flavour: Flavour
    /// Requests in flight at once, on one connection pool.
    public var concurrency: Int = 4
    /// To have the TCP (and TLS) connection, else temporary: nothing was sent.
    public var connectTimeout: Duration = .seconds(5)
    /// For the whole request and answer; over it after the request went out: uncertain.
    public var requestTimeout: Duration = .seconds(20)
    public var proxy: Proxy?
    /// PEM CA certificates to verify an HTTPS gateway with (default: the system's trust store).
    public var tlsCAFile: String?
    /// Answers longer than this are cut (the classification reads the start).
    public var maximumAnswerBytes = 64 << 10

    public init(flavour: Flavour) {
        self.flavour = flavour
    }

    /// The provider's name in logs and history.
    public var name: String {
        switch flavour {
        case .kannel: "kannel"
        case .rest: "http"
        }
    }

    /// The gateway's host and port, for lines that say where (no user, no password, no query).
    public var target: String {
        let url: URL? = switch flavour {
        case .kannel(let k): k.url
        case .rest(let r): URL(string: r.request.url)
        }
        guard let url, let host = url.host else { return "?" }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    public var description: String {
        "\(name) \(target), concurrency \(concurrency)" + (proxy.map { " via proxy \($0.host):\($0.port)" } ?? "")
    }
}
