public import Foundation
public import RemindDelivery

/// What the callback listener does with one request: a pure function of the request, the
/// token key and the shared secret, so every rule is tested without a socket.
///
/// | path | from | needs | becomes |
/// |---|---|---|---|
/// | `/kannel/dlr?id=&token=&type=%d` | Kannel's dlr-url | the message's token | type 1 delivered, 2 or 16 undeliverable; 4 and 8 (buffered, SMSC accepted) only acknowledged |
/// | `/kannel/mo?secret=&from=%p&text=%a` | an smsbox `sms-service` get-url | the shared secret | a reply |
/// | `POST /http/receipt?id=&token=` (JSON) | a REST gateway's status webhook (`{{callback_url}}`) | the message's token | the status at ``Webhooks/receiptStatus`` in ``Webhooks/delivered`` or ``Webhooks/failed`` |
/// | `POST /http/reply?secret=` (JSON) | a REST gateway's inbound webhook | the shared secret | a reply, sender and text at the configured pointers |
///
/// The secret may also come as the `X-Remindd-Secret` header. A missing or wrong token or
/// secret is ``Route/forbidden(_:)``; the reason never holds a token, a secret or a number.
public struct CallbackRouter: Sendable {
    /// How a REST gateway's webhooks are read (JSON pointers into their bodies).
    public struct Webhooks: Sendable {
        public var receiptStatus: String = "/status"
        public var delivered: Set<String> = ["delivered", "DELIVRD"]
        public var failed: Set<String> = ["failed", "undeliverable", "UNDELIV", "REJECTD", "EXPIRED"]
        public var replyFrom: String = "/from"
        public var replyText: String = "/text"

        public init() {}
    }

    public enum Route: Sendable, Equatable {
        /// Hand the event over; answer 200 once it is stored (503 if it could not be).
        case event(GatewayEvent)
        /// Nothing to record (an intermediate receipt): answer 200.
        case acknowledge
        case forbidden(String)
        case badRequest(String)
        case notFound
    }

    public var token: CallbackToken
    public var sharedSecret: String
    public var webhooks = Webhooks()

    public init(token: CallbackToken, sharedSecret: String) {
        self.token = token
        self.sharedSecret = sharedSecret
    }

    /// The route for a request: its method, its URI (path and query), its headers and body.
    public func route(method: String, uri: String, headers: [(String, String)] = [], body: [UInt8] = [], now: Date) -> Route {
        let (path, query) = Self.split(uri)
        let secret = query["secret"] ?? headers.first { $0.0.lowercased() == "x-remindd-secret" }?.1
        switch path {
        case "/kannel/dlr", "/http/receipt":
            guard let id = query["id"], !id.isEmpty, let t = query["token"], token.verify(t, for: id) else {
                return .forbidden("no valid token for the message")
            }
            if path == "/kannel/dlr" {
                guard let type = query["type"].flatMap({ Int($0) }) else { return .badRequest("no report type") }
                switch type {
                case 1: return .event(.receipt(DeliveryReceipt(reference: id, outcome: .delivered, code: "dlr=1", time: now)))
                case 2, 16: return .event(.receipt(DeliveryReceipt(reference: id, outcome: .undeliverable, code: "dlr=\(type)", time: now)))
                default: return .acknowledge
                }
            }
            guard method == "POST" else { return .badRequest("a receipt webhook is a POST") }
            guard let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
                  let status = JSONPointer.resolve(webhooks.receiptStatus, in: json) else {
                return .badRequest("no status at \(webhooks.receiptStatus)")
            }
            let code = AnswerRules.clean(status)
            if webhooks.delivered.contains(status) { return .event(.receipt(DeliveryReceipt(reference: id, outcome: .delivered, code: code, time: now))) }
            if webhooks.failed.contains(status) { return .event(.receipt(DeliveryReceipt(reference: id, outcome: .undeliverable, code: code, time: now))) }
            return .acknowledge
        case "/kannel/mo", "/http/reply":
            guard let secret, !sharedSecret.isEmpty, CallbackToken.equal(secret, sharedSecret) else {
                return .forbidden("no valid shared secret")
            }
            let sender: String?
            let text: String?
            if path == "/kannel/mo" {
                sender = query["from"]
                text = query["text"]
            } else {
                guard method == "POST", let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
                    return .badRequest("a reply webhook is a POST with a JSON body")
                }
                sender = JSONPointer.resolve(webhooks.replyFrom, in: json)
                text = JSONPointer.resolve(webhooks.replyText, in: json)
            }
            guard let sender, !sender.isEmpty, let text else { return .badRequest("no sender or text") }
            return .event(.inbound(InboundMessage(sender: sender, text: text, time: now)))
        default:
            return .notFound
        }
    }

    /// The path and the query's fields, decoded as a form (`+` a space, then `%XX`); the
    /// first of a repeated field counts.
    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        let halves = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = halves.first.map { String($0).removingPercentEncoding ?? String($0) } ?? ""
        var query: [String: String] = [:]
        guard halves.count == 2 else { return (path, query) }
        for field in halves[1].split(separator: "&") {
            let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decode(pair[0])
            if query[name] == nil { query[name] = pair.count == 2 ? decode(pair[1]) : "" }
        }
        return (path, query)
    }
}
