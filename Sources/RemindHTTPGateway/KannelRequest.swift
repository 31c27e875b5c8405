public import Foundation
public import RemindCore
public import RemindDelivery
import RemindText

/// Kannel's sendsms: the request for a message, and what smsbox's answer means.
///
/// The request is a GET to the sendsms URL with `username`, `password`, `from`, `to`,
/// `text` (UTF-8, `charset=UTF-8`), `coding=2` for a UCS-2 text (so smsbox sends it as
/// UCS-2, not recoded to GSM), and, with receipts, `dlr-mask` and a `dlr-url` that carries
/// the message id and its token (Kannel fills `%d` with the report type).
///
/// smsbox's answers (Kannel 1.4, gw/smsbox.c):
/// | answer | result |
/// |---|---|
/// | 202 `0: Accepted for delivery` | sent |
/// | 202 `3: Queued for later delivery` (no SMSC up: bearerbox keeps it) | sent |
/// | 401/403 `Authorization failed for sendsms` | temporary (credentials are fixed by an operator; nothing is lost) |
/// | 4xx other than 408/429, like 400 `Missing receiver number` | permanent |
/// | 408, 429, 5xx (`Sendsms is not available`, bearerbox unreachable) | temporary |
/// | another 2xx | sent |
public enum KannelRequest {
    /// The sendsms URL for `message` (the password in it: never log the URL).
    public static func url(for message: OutgoingMessage, settings k: HTTPGatewaySettings.Kannel) -> URL {
        var parameters: [(String, String)] = [
            ("username", k.username), ("password", k.password), ("from", k.from), ("to", message.recipient),
            ("text", message.text), ("charset", "UTF-8"),
        ]
        if message.encoding == .ucs2 { parameters.append(("coding", "2")) }
        if let receipts = k.receipts {
            parameters.append(("dlr-mask", "\(k.dlrMask)"))
            parameters.append(("dlr-url", dlrURL(for: message.id, receipts: receipts)))
        }
        parameters += k.parameters
        let query = parameters.map { RequestTemplate.percentEncode($0.0) + "=" + RequestTemplate.percentEncode($0.1) }.joined(separator: "&")
        let base = k.url.absoluteString
        return URL(string: base + (base.contains("?") ? "&" : "?") + query)!
    }

    /// The dlr-url for message `id`: the listener's `/kannel/dlr` with the id, its token,
    /// and Kannel's `%d` (report type) and `%A` (the SMSC's answer) escapes.
    public static func dlrURL(for id: MessageID, receipts: HTTPGatewaySettings.Receipts) -> String {
        let reference = reference(for: id)
        return receipts.callbackBase + "/kannel/dlr?id=\(reference)&token=\(receipts.token.token(for: reference))&type=%d"
    }

    /// remindd's reference for a message sent through Kannel (sendsms returns none of its own).
    public static func reference(for id: MessageID) -> String { "k\(id.rawValue)" }

    /// What smsbox's answer means.
    public static func classify(_ answer: HTTPAnswer, id: MessageID) -> HTTPVerdict {
        let body = String(decoding: answer.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let said = Self.quote(body)
        switch answer.status {
        case 200...299:
            return .sent(reference: reference(for: id))
        case 401, 403:
            return .failed(DeliveryError(.temporary, "Kannel refused the sendsms credentials (\(answer.status)\(said)); check username and the password credential"))
        case 407:
            return .failed(DeliveryError(.temporary, "the proxy refused our credentials (407 Proxy Authentication Required)"))
        case 408, 429, 500...599:
            return .failed(DeliveryError(.temporary, "Kannel answered \(answer.status)\(said)"), retryAfter: answer.retryAfter)
        default:
            return .failed(DeliveryError(.permanent, "Kannel answered \(answer.status)\(said)"))
        }
    }

    /// `: "text"` for a line, the body's first line cut at 80 characters, numbers masked.
    static func quote(_ body: String) -> String {
        guard let line = body.split(separator: "\n").first, !line.isEmpty else { return "" }
        return ": \"" + PhoneMask.maskNumbers(in: String(line.prefix(80))) + "\""
    }
}
